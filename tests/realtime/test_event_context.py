"""The request context each socket event runs in: Flask-SocketIO makes it from the connection's
request to /socket.io/, and Flask routes it like any request."""

import gc

import pytest
from werkzeug.exceptions import HTTPException

from facilitator.extensions import socketio
from facilitator.realtime.rooms import PARTICIPANT_NS

from ..conftest import emit

# How the connection's request to /socket.io/ came: by long-polling first (a browser's default),
# or straight as a WebSocket (clients told to skip long-polling, such as the crowd benchmark's).
OPENED_BY_LONG_POLLING: dict[str, str] = {}
OPENED_AS_A_WEBSOCKET = {"Upgrade": "websocket", "Connection": "Upgrade"}


@pytest.mark.parametrize(
    "headers", [OPENED_BY_LONG_POLLING, OPENED_AS_A_WEBSOCKET], ids=["long-polling", "websocket"]
)
def test_socket_events_leave_no_routing_error_for_the_garbage_collector(app, live_session, join, headers):
    """An unrouted path made each event keep a NotFound (or, for a connection opened as a
    WebSocket, a WebsocketMismatch) and its traceback in a reference cycle: work for the
    collector, whose passes showed in the answers' p95 (README, "Measuring a crowd")."""
    phone = join(live_session, connect=False)
    phone.socket = socketio.test_client(
        app,
        namespace=PARTICIPANT_NS,
        auth={"join_token": phone.join_token},
        flask_test_client=phone.client,
        headers=headers,
    )
    gc.collect()
    gc.disable()
    gc.set_debug(gc.DEBUG_SAVEALL)
    try:
        acks = [emit(phone.socket, PARTICIPANT_NS, "clock") for _ in range(20)]
        gc.collect()
        routing_errors = [thing for thing in gc.garbage if isinstance(thing, HTTPException)]
    finally:
        gc.set_debug(0)
        gc.garbage.clear()
        gc.enable()
    assert all(ack["ok"] for ack in acks)
    assert routing_errors == []


def test_the_rule_for_the_socket_io_path_does_not_shadow_the_socket_io_server(client):
    """Flask never dispatches it: the Socket.IO server still answers that path, with its handshake."""
    response = client.get("/socket.io/?EIO=4&transport=polling")
    assert response.status_code == 200
    assert response.data.startswith(b'0{"sid":')
