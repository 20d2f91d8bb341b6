"""On the real server: a support request survives a restart, and the escalation scan runs by itself."""

import socketio

from ..conftest import join_live, open_live_room


def connect(server, namespace, auth, cookies):
    client = socketio.Client(reconnection=False)
    events = []
    for name in ("session_state", "support_requested", "support_escalated", "support_updated"):
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


def test_a_request_is_still_open_after_a_restart_of_the_server(live_server):
    room = open_live_room(live_server)
    console_auth = {"live_session_id": room.live_session_id}
    phone_auth = {"join_token": room.join_token}
    console, console_events = connect(
        live_server, "/facilitator", console_auth, room.facilitator.cookie_header()
    )
    phone_web = join_live(live_server, room, "Ana")
    phone, _ = connect(live_server, "/participant", phone_auth, phone_web.cookie_header())
    payload = {"client_id": "support-0001", "urgency": "now", "message": "Can we talk?"}
    ack = phone.call("request_support", payload, namespace="/participant", timeout=5)
    assert ack["ok"] and ack["request"]["status"] == "open"
    assert wait_for(console_events, console, "support_requested")["name"] == "Ana"
    phone.disconnect()
    console.disconnect()

    live_server.stop()
    live_server.start()

    console, console_events = connect(
        live_server, "/facilitator", console_auth, room.facilitator.cookie_header()
    )
    [waiting] = wait_for(console_events, console, "session_state")["support_requests"]
    assert (waiting["name"], waiting["status"], waiting["message"]) == ("Ana", "open", "Can we talk?")
    phone, phone_events = connect(live_server, "/participant", phone_auth, phone_web.cookie_header())
    [mine] = wait_for(phone_events, phone, "session_state")["support_requests"]
    assert mine["status"] == "open"
    # A resend of the acknowledged request after the restart is still that one request.
    again = phone.call("request_support", payload, namespace="/participant", timeout=5)
    assert again["request"]["id"] == mine["id"]

    acknowledge = {"request_id": mine["id"]}
    assert console.call("acknowledge_support", acknowledge, namespace="/facilitator", timeout=5) == {
        "ok": True
    }
    assert wait_for(phone_events, phone, "support_updated")["status"] == "acknowledged"
    console.disconnect()
    phone.disconnect()


def test_the_escalation_scan_runs_in_the_server_process(live_server):
    live_server.stop()
    live_server.extra_env = {"SUPPORT_ESCALATION_SECONDS": "1", "SUPPORT_ESCALATION_SCAN_SECONDS": "0.2"}
    live_server.start()
    room = open_live_room(live_server)
    console_auth = {"live_session_id": room.live_session_id}
    console, console_events = connect(
        live_server, "/facilitator", console_auth, room.facilitator.cookie_header()
    )
    phone_web = join_live(live_server, room, "Bo")
    phone, _ = connect(
        live_server, "/participant", {"join_token": room.join_token}, phone_web.cookie_header()
    )
    payload = {"client_id": "support-0002", "urgency": "later"}
    assert phone.call("request_support", payload, namespace="/participant", timeout=5)["ok"]
    escalated = wait_for(console_events, console, "support_escalated", seconds=10)
    assert escalated["name"] == "Bo" and escalated["escalated_at"] is not None
    console.disconnect()
    phone.disconnect()
