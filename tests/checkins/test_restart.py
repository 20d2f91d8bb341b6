"""A server restart in the middle of a round loses no acknowledged answer."""

import socketio

from ..conftest import join_live, open_live_room


def connect(server, namespace, auth, cookies):
    client = socketio.Client(reconnection=False)
    states = []
    client.on("session_state", states.append, namespace=namespace)
    client.connect(server.url, namespaces=[namespace], auth=auth, headers={"Cookie": cookies}, wait_timeout=5)
    return client, states


def wait_for(states, client):
    for _ in range(50):
        if states:
            return states[-1]
        client.sleep(0.1)
    raise AssertionError("no session_state arrived")


def test_restart_mid_round_keeps_every_acknowledged_answer(live_server):
    room = open_live_room(live_server)
    console_auth = {"live_session_id": room.live_session_id}
    console, _ = connect(live_server, "/facilitator", console_auth, room.facilitator.cookie_header())
    round_id = console.call("open_round", {"kind": "checkin"}, namespace="/facilitator", timeout=5)[
        "round_id"
    ]

    phones = [join_live(live_server, room, name) for name in ("Ana", "Bo", "Cy")]
    answers = [{"mood": 3}, {"mood": 6, "feelings": ["hopeful"]}, {"passed": True}]
    for number, (phone, answer) in enumerate(zip(phones, answers, strict=True)):
        sock, _ = connect(live_server, "/participant", {"join_token": room.join_token}, phone.cookie_header())
        payload = {"round_id": round_id, "client_id": f"answer-{number:04d}", **answer}
        assert sock.call("submit_checkin", payload, namespace="/participant", timeout=5)["ok"]
        sock.disconnect()
    console.disconnect()

    live_server.stop()
    live_server.start()

    console, states = connect(live_server, "/facilitator", console_auth, room.facilitator.cookie_header())
    summary = wait_for(states, console)["round"]
    assert summary["open"] is True
    assert (summary["answered"], summary["passed"]) == (2, 1)
    assert summary["mood"]["distribution"][2] == 1 and summary["mood"]["distribution"][5] == 1
    # Nobody is shown online who has not come back.
    assert not any(person["online"] for person in wait_for(states, console)["roster"])

    phone, phone_states = connect(
        live_server, "/participant", {"join_token": room.join_token}, phones[1].cookie_header()
    )
    mine = wait_for(phone_states, phone)["round"]["your_answer"]
    assert mine["mood"] == 6 and mine["feelings"] == ["hopeful"]
    # A resend of the acknowledged answer after the restart is still the same single answer.
    payload = {"round_id": round_id, "client_id": "answer-0001", "mood": 6, "feelings": ["hopeful"]}
    assert phone.call("submit_checkin", payload, namespace="/participant", timeout=5)["ok"]
    console.disconnect()
    phone.disconnect()
