"""The room's live channel: who may connect, presence, the agenda, admitting and removing."""

from datetime import timedelta

import pytest

from facilitator.clock import utcnow
from facilitator.extensions import db, socketio
from facilitator.realtime.rooms import FACILITATOR_NS, PARTICIPANT_NS
from facilitator.sessions import services
from facilitator.sessions.models import ParticipantStatus, SocketConnection

from ..conftest import facilitator_socket, login, participant_socket, post_form, received


def test_console_gets_the_whole_state_on_connect(app, facilitator_client, live_session, join):
    join(live_session, "Calm Wren")
    sock = facilitator_socket(app, facilitator_client, live_session)
    [state] = received(sock, FACILITATOR_NS, "session_state")
    assert state["session"]["title"] == "Week 12"
    assert state["step"]["title"] == "Check-in"
    assert [(p["name"], p["status"], p["online"]) for p in state["roster"]] == [
        ("Calm Wren", "present", True)
    ]


def test_console_needs_a_signed_in_facilitator_of_that_group(app, live_session, make_facilitator):
    anonymous = socketio.test_client(app, namespace=FACILITATOR_NS, auth={"live_session_id": live_session.id})
    assert not anonymous.is_connected(FACILITATOR_NS)
    outsider_client = app.test_client()
    login(outsider_client, make_facilitator("Outsider"))
    assert not facilitator_socket(app, outsider_client, live_session).is_connected(FACILITATOR_NS)


@pytest.mark.parametrize("auth", [None, {}, {"live_session_id": "1"}, {"live_session_id": 999}])
def test_console_refuses_bad_auth(app, facilitator_client, live_session, auth):
    sock = socketio.test_client(
        app, namespace=FACILITATOR_NS, auth=auth, flask_test_client=facilitator_client
    )
    assert not sock.is_connected(FACILITATOR_NS)


def test_phone_needs_its_seat_cookie(app, live_session, join):
    phone = join(live_session, "Seated", connect=False)
    stranger = socketio.test_client(
        app, namespace=PARTICIPANT_NS, auth={"join_token": live_session.join_token}
    )
    assert not stranger.is_connected(PARTICIPANT_NS)
    assert participant_socket(app, phone).is_connected(PARTICIPANT_NS)


def test_a_seat_is_bound_to_its_own_session(app, group, facilitator, live_session, join):
    other = services.create_session(facilitator, group, title="Other", waiting_room=False)
    db.session.commit()
    phone = join(live_session, "Here", connect=False)
    sock = socketio.test_client(
        app, namespace=PARTICIPANT_NS, auth={"join_token": other.join_token}, flask_test_client=phone.client
    )
    assert not sock.is_connected(PARTICIPANT_NS)


def test_phone_gets_its_own_view_of_the_state(live_session, join):
    phone = join(live_session, "Soft Hare")
    [state] = phone.events("session_state")
    assert state["you"]["name"] == "Soft Hare"
    assert "roster" not in state  # participants never see the list of others
    assert state["step"]["title"] == "Check-in"


def test_presence_online_away_left(console, live_session, join):
    phone = join(live_session, "Bold Finch")
    joined = received(console, FACILITATOR_NS, "participant_updated")
    assert joined[-1]["online"] is True
    phone.socket.disconnect(PARTICIPANT_NS)
    away = received(console, FACILITATOR_NS, "participant_updated")
    assert (away[-1]["status"], away[-1]["online"]) == ("present", False)
    phone.socket.connect(namespace=PARTICIPANT_NS, auth={"join_token": live_session.join_token})
    assert received(console, FACILITATOR_NS, "participant_updated")[-1]["online"] is True
    assert phone.socket.emit("leave", {}, namespace=PARTICIPANT_NS, callback=True) == {"ok": True}
    left = received(console, FACILITATOR_NS, "participant_updated")
    assert left[-1]["status"] == "left"


def test_agenda_moves_for_every_screen(console, live_session, join):
    phone = join(live_session)
    ack = console.emit("move_step", {"index": 1}, namespace=FACILITATOR_NS, callback=True)
    assert ack == {"ok": True}
    assert phone.events("step_changed")[-1]["step"]["title"] == "Sharing"
    assert live_session.current_step == 1


def test_late_joiner_sees_the_current_step(console, live_session, join):
    console.emit("move_step", {"index": 2}, namespace=FACILITATOR_NS, callback=True)
    phone = join(live_session, "Late Owl")
    assert phone.events("session_state")[0]["step"]["title"] == "Small wins"


@pytest.mark.parametrize(
    ("event", "payload", "message"),
    [
        ("move_step", {"index": 99}, "index must be at most 50"),
        ("move_step", {"index": 9}, "no such step"),
        ("move_step", {"index": "1"}, "index doesn't look right"),
        ("move_step", {}, "index is missing"),
        ("move_step", {"index": 1, "extra": True}, "extra isn't something we expected"),
        ("move_step", "not an object", "doesn't look right"),
        ("admit", {"participant_id": 999}, "isn't in this session"),
        ("set_locked", {"locked": "yes"}, "locked doesn't look right"),
        ("remove_participant", {"participant_id": 0}, "participant id must be at least 1"),
    ],
)
def test_bad_facilitator_payloads_get_a_kind_error_and_change_nothing(
    console, live_session, event, payload, message
):
    ack = console.emit(event, payload, namespace=FACILITATOR_NS, callback=True)
    assert ack["ok"] is False
    assert message in ack["error"]
    assert live_session.current_step == 0
    # The connection keeps working.
    assert console.emit("move_step", {"index": 1}, namespace=FACILITATOR_NS, callback=True) == {"ok": True}


def test_participants_cannot_send_facilitator_events(live_session, join):
    phone = join(live_session)
    phone.socket.emit("move_step", {"index": 1}, namespace=PARTICIPANT_NS)
    phone.socket.emit("end_session", {}, namespace=PARTICIPANT_NS)
    assert live_session.current_step == 0
    assert live_session.is_live


def test_waiting_room_admit_one_and_all(app, console, live_session, join):
    live_session.waiting_room = True
    db.session.commit()
    first, second, third = (join(live_session, name) for name in ("One", "Two", "Three"))
    assert first.events("session_state")[0]["you"]["status"] == "waiting"
    # Someone waiting is not in the room: they get no room events and cannot answer.
    console.emit("move_step", {"index": 1}, namespace=FACILITATOR_NS, callback=True)
    assert first.events("step_changed") == []
    ack = console.emit(
        "admit", {"participant_id": first.participant_id}, namespace=FACILITATOR_NS, callback=True
    )
    assert ack == {"ok": True}
    assert first.events("admitted") == [{}]
    sync = first.socket.emit("sync", {}, namespace=PARTICIPANT_NS, callback=True)
    assert sync["state"]["you"]["status"] == "present"
    console.emit("move_step", {"index": 2}, namespace=FACILITATOR_NS, callback=True)
    assert first.events("step_changed")[-1]["step"]["index"] == 2
    ack = console.emit("admit_all", {}, namespace=FACILITATOR_NS, callback=True)
    assert ack == {"ok": True, "admitted": 2}
    assert second.events("admitted") and third.events("admitted")


def test_removed_participant_is_disconnected_and_cannot_return(app, console, live_session, join):
    phone = join(live_session, "Troubled")
    bystander = join(live_session, "Bystander")
    ack = console.emit(
        "remove_participant",
        {"participant_id": phone.participant_id},
        namespace=FACILITATOR_NS,
        callback=True,
    )
    assert ack == {"ok": True}
    assert "closed this session to you" in phone.events("removed")[0]["message"]
    assert not phone.socket.is_connected(PARTICIPANT_NS)
    assert bystander.socket.is_connected(PARTICIPANT_NS)
    assert not participant_socket(app, phone).is_connected(PARTICIPANT_NS)
    # The same browser cannot take a new seat either (its device marker is known).
    rejoin = phone.client.get(f"/j/{live_session.join_token}")
    assert rejoin.status_code == 403
    assert "closed this session to you" in rejoin.get_data(as_text=True)
    assert db.session.get(services.Participant, phone.participant_id).status == ParticipantStatus.REMOVED


def test_locking_the_room(console, live_session, join):
    phone = join(live_session)
    console.emit("set_locked", {"locked": True}, namespace=FACILITATOR_NS, callback=True)
    assert phone.events("session_updated")[-1]["session"]["locked"] is True
    with pytest.raises(services.NotAllowed):
        services.join_session(live_session, "Latecomer")


def test_ending_the_session_tells_and_disconnects_every_phone(app, console, live_session, join):
    phones = [join(live_session, name) for name in ("A", "B")]
    ack = console.emit("end_session", {}, namespace=FACILITATOR_NS, callback=True)
    assert ack == {"ok": True}
    for phone in phones:
        assert phone.events("session_ended")
        assert not phone.socket.is_connected(PARTICIPANT_NS)
    assert live_session.is_ended
    assert not participant_socket(app, phones[0]).is_connected(PARTICIPANT_NS)


def test_logging_out_closes_the_console(app, facilitator_client, console, live_session):
    assert console.is_connected(FACILITATOR_NS)
    post_form(facilitator_client, "/logout", {}, form_url="/groups/")
    assert not console.is_connected(FACILITATOR_NS)
    assert db.session.scalar(db.select(db.func.count(SocketConnection.sid))) == 0


def test_events_never_cross_sessions(app, facilitator, facilitator_client, group, live_session, join):
    other_session = services.create_session(facilitator, group, title="Other room", waiting_room=False)
    db.session.commit()
    here = join(live_session, "Here")
    there = join(other_session, "There")
    console = facilitator_socket(app, facilitator_client, live_session)
    other_console = facilitator_socket(app, facilitator_client, other_session)
    other_console.get_received(FACILITATOR_NS)
    console.emit("move_step", {"index": 1}, namespace=FACILITATOR_NS, callback=True)
    assert here.events("step_changed")
    assert there.events("step_changed") == []
    assert received(other_console, FACILITATOR_NS, "step_changed") == []


def test_socket_events_are_rate_limited_per_connection(app, console, live_session, join):
    app.config["SOCKET_EVENT_RATE_LIMIT"] = "3 per minute"
    phone = join(live_session)
    acks = [phone.socket.emit("sync", {}, namespace=PARTICIPANT_NS, callback=True) for _ in range(4)]
    assert [ack["ok"] for ack in acks] == [True, True, True, False]
    assert "wait a few seconds" in acks[-1]["error"]
    # Another connection is not affected.
    assert console.emit("move_step", {"index": 1}, namespace=FACILITATOR_NS, callback=True) == {"ok": True}


def test_shared_screen_sees_only_what_the_room_sees(app, facilitator_client, console, live_session, join):
    screen = socketio.test_client(
        app,
        namespace=FACILITATOR_NS,
        auth={"live_session_id": live_session.id, "screen": True},
        flask_test_client=facilitator_client,
    )
    [state] = received(screen, FACILITATOR_NS, "session_state")
    assert "roster" not in state
    assert state["step"]["title"] == "Check-in"
    join(live_session, "Private Person")
    console.emit("move_step", {"index": 1}, namespace=FACILITATOR_NS, callback=True)
    events = screen.get_received(FACILITATOR_NS)
    # No roster updates with names; the speaking queue's count for the new step (facilitator/sharing).
    assert [m["name"] for m in events] == ["sharing_updated", "step_changed"]
    assert "Private Person" not in str(events)
    ack = screen.emit("move_step", {"index": 0}, namespace=FACILITATOR_NS, callback=True)
    assert ack["ok"] is False
    assert "shared screen only shows the room" in ack["error"]


def test_starting_a_scheduled_session_over_http_tells_its_open_consoles(
    app, facilitator, facilitator_client, group
):
    later = services.create_session(
        facilitator, group, title="Later", waiting_room=False, scheduled_for=utcnow() + timedelta(hours=1)
    )
    db.session.commit()
    console = facilitator_socket(app, facilitator_client, later)
    [state] = received(console, FACILITATOR_NS, "session_state")
    assert state["session"]["state"] == "scheduled"
    response = post_form(
        facilitator_client, f"/sessions/{later.id}/start", {}, form_url=f"/sessions/{later.id}"
    )
    assert response.status_code == 302
    [update] = received(console, FACILITATOR_NS, "session_updated")
    assert update["session"]["state"] == "live"


def test_ending_a_session_over_http_tells_every_screen_and_closes_the_phones(
    app, facilitator_client, console, live_session, join
):
    phone = join(live_session)
    response = post_form(
        facilitator_client, f"/sessions/{live_session.id}/end", {}, form_url=f"/sessions/{live_session.id}"
    )
    assert response.status_code == 302
    [ended] = received(console, FACILITATOR_NS, "session_ended")
    assert ended["take_home_url"].startswith("/take-home/")
    assert phone.events("session_ended")[0]["take_home_url"] == ended["take_home_url"]
    assert not phone.socket.is_connected(PARTICIPANT_NS)
