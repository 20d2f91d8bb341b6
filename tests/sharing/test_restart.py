"""On the real server: the speaking queue survives a restart mid-queue, rebuilt from the database."""

from __future__ import annotations

import socketio

from ..conftest import LiveRoom, join_live, open_live_room

EVENTS = ("session_state", "share_queue_updated", "sharing_updated", "your_turn_updated")


def open_sharing_room(server) -> LiveRoom:
    """A facilitator, a group whose second step is a sharing step with a 2-minute timer, and a
    live session."""
    return open_live_room(
        server,
        {
            "agenda-0-kind": "checkin",
            "agenda-0-title": "Check-in",
            "agenda-1-kind": "sharing",
            "agenda-1-title": "Sharing",
            "agenda-1-timer_minutes": "2",
        },
    )


def connect(server, namespace, auth, cookies):
    client = socketio.Client(reconnection=False)
    events = []
    for name in EVENTS:
        client.on(name, lambda data, name=name: events.append((name, data)), namespace=namespace)
    client.connect(server.url, namespaces=[namespace], auth=auth, headers={"Cookie": cookies}, wait_timeout=5)
    return client, events


def wait_for(events, client, name, seconds=5.0):
    for _ in range(int(seconds * 10)):
        found = [data for event, data in events if event == name]
        if found:
            return found[-1]
        client.sleep(0.1)
    raise AssertionError(f"no {name} arrived")


def call(client, event, payload=None, namespace="/facilitator"):
    ack = client.call(event, payload or {}, namespace=namespace, timeout=5)
    assert ack["ok"], ack
    return ack


def test_the_queue_is_as_it_was_after_a_restart_of_the_server(live_server):
    room = open_sharing_room(live_server)
    lead, live_session_id, join_token = room.facilitator, room.live_session_id, room.join_token
    console_auth = {"live_session_id": live_session_id}
    console, _ = connect(live_server, "/facilitator", console_auth, lead.cookie_header())
    call(console, "move_step", {"index": 1})
    phones = {name: join_live(live_server, room, name) for name in ("Ana", "Bo")}
    for name in ("Ana", "Bo"):
        phone, _ = connect(
            live_server, "/participant", {"join_token": join_token}, phones[name].cookie_header()
        )
        call(phone, "raise_hand", namespace="/participant")
        phone.disconnect()
    called = call(console, "call_next", {"current_turn_id": None})
    console.disconnect()

    live_server.stop()
    live_server.start()

    console, console_events = connect(live_server, "/facilitator", console_auth, lead.cookie_header())
    sharing = wait_for(console_events, console, "session_state")["sharing"]
    assert sharing["current"]["id"] == called["called_turn_id"]
    assert (sharing["current"]["name"], sharing["current"]["status"]) == ("Ana", "speaking")
    assert sharing["current"]["timer_minutes"] == 2
    assert [entry["name"] for entry in sharing["queue"]] == ["Bo"]
    bo, bo_events = connect(
        live_server, "/participant", {"join_token": join_token}, phones["Bo"].cookie_header()
    )
    mine = wait_for(bo_events, bo, "session_state")["sharing"]
    assert (mine["yours"]["status"], mine["yours"]["ahead"], mine["waiting"]) == ("waiting", 0, 1)

    # After the restart, calling on from what the console shows goes on where it stopped.
    call(console, "call_next", {"current_turn_id": sharing["current"]["id"]})
    assert wait_for(bo_events, bo, "your_turn_updated")["turn"]["status"] == "speaking"
    console.disconnect()
    bo.disconnect()
