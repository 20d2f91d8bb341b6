"""A server restart in the middle of a grounding exercise: every screen that connects again is
rebuilt from the database, at the same start time, and the facilitator can still stop it."""

import time

import socketio

from ..conftest import join_live, open_live_room


def connect(server, namespace, auth, cookies):
    client = socketio.Client(reconnection=False)
    events: dict[str, list] = {"session_state": [], "grounding_stopped": []}
    for name, bucket in events.items():
        client.on(name, bucket.append, namespace=namespace)
    client.connect(server.url, namespaces=[namespace], auth=auth, headers={"Cookie": cookies}, wait_timeout=5)
    return client, events


def wait_for(bucket, client):
    for _ in range(50):
        if bucket:
            return bucket[-1]
        client.sleep(0.1)
    raise AssertionError("nothing arrived")


def test_restart_mid_exercise_rebuilds_it_on_every_screen(live_server):
    room = open_live_room(live_server)
    console_auth = {"live_session_id": room.live_session_id}
    cookies = room.facilitator.cookie_header()
    console, _ = connect(live_server, "/facilitator", console_auth, cookies)
    ack = console.call("start_grounding", {"kind": "box", "rounds": 10}, namespace="/facilitator", timeout=5)
    assert ack["ok"], ack
    exercise = ack["exercise"]
    phone_web = join_live(live_server, room, "Ana")
    console.disconnect()

    live_server.stop()
    live_server.start()

    phone, phone_events = connect(
        live_server, "/participant", {"join_token": room.join_token}, phone_web.cookie_header()
    )
    assert wait_for(phone_events["session_state"], phone)["grounding"]["exercise"] == exercise
    screen, screen_events = connect(live_server, "/facilitator", {**console_auth, "screen": True}, cookies)
    assert wait_for(screen_events["session_state"], screen)["grounding"]["exercise"] == exercise
    # The restarted server's clock still answers, for the screens to find their place again.
    before = time.time() * 1000
    ack = screen.call("clock", {}, namespace="/facilitator", timeout=5)
    assert ack["ok"] and before - 1 <= ack["now"] <= time.time() * 1000 + 1

    console, console_events = connect(live_server, "/facilitator", console_auth, cookies)
    assert wait_for(console_events["session_state"], console)["grounding"]["exercise"] == exercise
    ack = console.call("stop_grounding", {"exercise_id": exercise["id"]}, namespace="/facilitator", timeout=5)
    assert ack == {"ok": True}
    assert wait_for(phone_events["grounding_stopped"], phone) == {"exercise_id": exercise["id"]}
    assert wait_for(screen_events["grounding_stopped"], screen) == {"exercise_id": exercise["id"]}
    for client in (phone, screen, console):
        client.disconnect()
