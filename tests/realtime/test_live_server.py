"""Against the real server (eventlet, `python wsgi.py`) with python-socketio clients."""

import socketio

from ..conftest import join_live, open_live_room


def connect(server, namespace, auth, cookies, origin=None):
    client = socketio.Client(reconnection=False)
    headers = {"Cookie": cookies}
    if origin:
        headers["Origin"] = origin
    client.connect(server.url, namespaces=[namespace], auth=auth, headers=headers, wait_timeout=5)
    return client


def test_sockets_from_another_origin_are_refused(live_server):
    room = open_live_room(live_server)
    cookies = room.facilitator.cookie_header()
    auth = {"live_session_id": room.live_session_id}
    try:
        connect(live_server, "/facilitator", auth, cookies, origin="http://evil.example")
    except socketio.exceptions.ConnectionError:
        pass
    else:
        raise AssertionError("a page on another site could open a console socket")
    same_site = connect(live_server, "/facilitator", auth, cookies, origin=live_server.url)
    assert same_site.connected
    same_site.disconnect()


def test_a_phone_and_a_console_on_the_real_server(live_server):
    room = open_live_room(live_server)
    console = connect(
        live_server,
        "/facilitator",
        {"live_session_id": room.live_session_id},
        room.facilitator.cookie_header(),
    )
    updates = []
    console.on("participant_updated", updates.append, namespace="/facilitator")
    phone = join_live(live_server, room, "Steady Robin")
    phone_socket = connect(
        live_server, "/participant", {"join_token": room.join_token}, phone.cookie_header()
    )
    ack = phone_socket.call("sync", {}, namespace="/participant", timeout=5)
    assert ack["ok"] and ack["state"]["you"]["name"] == "Steady Robin"
    phone_socket.sleep(0.3)
    assert any(update["name"] == "Steady Robin" and update["online"] for update in updates)
    phone_socket.disconnect()
    console.disconnect()
