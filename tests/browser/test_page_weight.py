"""What a participant's phone downloads, measured in Chromium through the DevTools Protocol: from
the QR code's link (the join page), joining, to the room connected with its first state, and
again on a reload. Run with `-s` to see each response."""

import re

import pytest
from playwright.sync_api import expect

from ..conftest import PHONE, open_live_room
from .network import NetworkLog, join, open_join_page, wait_until_usable

pytestmark = pytest.mark.browser

FIRST_LOAD_BUDGET = 100_000  # bytes, WebSocket included
RELOAD_BUDGET = 30_000
HASHED = re.compile(r"/static/.+\.[0-9a-f]{12}\.\w+$")


def test_a_participant_s_first_load_and_reload_stay_within_budget(live_server, new_context):
    room = open_live_room(live_server)
    page = new_context(PHONE).new_page()
    log = NetworkLog(page)

    open_join_page(page, f"{live_server.url}/j/{room.join_token}")
    join(page, "Quiet Heron")
    wait_until_usable(page, log)
    print("\n" + log.report("First load, from the QR code to the room connected"))
    assert log.total_bytes <= FIRST_LOAD_BUDGET
    assert log.websocket_bytes > 0
    # Every static file under its content-hashed name.
    static = [response.url for response in log.responses if "/static/" in response.url]
    assert static
    assert [url for url in static if not HASHED.search(url)] == []
    # No module was found by a script that had to arrive first: each came from the page's own
    # tags, a modulepreload link, or the join page's prefetch.
    assert [r.url for r in log.responses if r.resource == "Script" and r.initiator == "script"] == []
    # The socket opened straight on WebSocket, without long-polling first.
    assert log.websocket_urls
    assert all("transport=websocket" in url for url in log.websocket_urls)
    assert [r.url for r in log.responses if "/socket.io/" in r.url] == []

    log.reset()
    page.reload()
    wait_until_usable(page, log)
    print(log.report("Reload"))
    assert log.total_bytes <= RELOAD_BUDGET
    # Only the page itself comes over the network: every file is cached for good.
    assert [response.url for response in log.from_network()] == [page.url]


def test_the_room_connects_by_long_polling_where_websockets_cannot_open(start_live_server, new_context):
    # As behind a proxy that cannot carry WebSockets: the server refuses the WebSocket's upgrade.
    server = start_live_server(SOCKETIO_TRANSPORTS="polling")
    room = open_live_room(server)
    page = new_context(PHONE).new_page()
    log = NetworkLog(page)

    open_join_page(page, f"{server.url}/j/{room.join_token}")
    join(page, "Quiet Heron")
    expect(page.locator("#connection")).to_have_text("Connected")
    # The WebSocket was tried first, failed, and the same attempt went on by long-polling.
    assert [url for url in log.websocket_urls if "transport=websocket" in url]
    assert log.websocket_bytes == 0
    assert [r.url for r in log.responses if "transport=polling" in r.url]
