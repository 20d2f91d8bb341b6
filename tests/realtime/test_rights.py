"""Rights belong to each connection and are checked again at every event (issue 9, points 1, 2, 5)."""

import pytest
from sqlalchemy import delete, func, select, update

from facilitator.checkins import services as checkin_services
from facilitator.checkins.models import CheckInAnswer
from facilitator.clock import utcnow
from facilitator.extensions import db, socketio
from facilitator.groups.models import GroupFacilitator, Role
from facilitator.realtime.events import DB_ID_MAX
from facilitator.realtime.rooms import FACILITATOR_NS, PARTICIPANT_NS
from facilitator.sessions import services
from facilitator.sessions.models import (
    LiveSession,
    Participant,
    ParticipantStatus,
    SessionState,
    SocketConnection,
)
from facilitator.support.models import SupportRequest

from ..conftest import emit, facilitator_socket, login, participant_socket, post_form, received


@pytest.fixture
def other_room(make_facilitator, make_group, join):
    """Another group's live session, run by someone else, with a participant and a named round."""
    lead = make_facilitator("Other Lead")
    group = make_group(lead, name="Thursday Circle")
    live_session = services.create_session(lead, group, title="Elsewhere", waiting_room=False)
    db.session.commit()
    phone = join(live_session, "Private Person")
    checkin_round = checkin_services.open_round(lead, live_session, "checkin", "", anonymous=False)
    db.session.commit()
    emit(
        phone.socket,
        PARTICIPANT_NS,
        "submit_checkin",
        {"round_id": checkin_round.id, "client_id": "answer-0001", "mood": 2, "note": "a private note"},
    )
    return live_session, checkin_round, phone


def test_a_seat_in_another_groups_session_gives_no_facilitator_rights_there(
    app, facilitator_client, live_session, other_room
):
    """The attack of issue 9: a facilitator of one group opens another group's join link on the
    same Engine.IO connection as their console; the console must stay bound to its own session."""
    other_session, other_round, other_phone = other_room
    post_form(facilitator_client, f"/j/{other_session.join_token}", {"display_name": "Curious"})
    sock = socketio.test_client(
        app,
        namespace=FACILITATOR_NS,
        auth={"live_session_id": live_session.id},
        flask_test_client=facilitator_client,
    )
    sock.connect(namespace=PARTICIPANT_NS, auth={"join_token": other_session.join_token})
    assert sock.is_connected(FACILITATOR_NS)
    assert sock.is_connected(PARTICIPANT_NS)

    responses = emit(sock, FACILITATOR_NS, "round_responses", {"round_id": other_round.id})
    assert responses["ok"] is False
    assert "a private note" not in str(responses)
    removal = emit(sock, FACILITATOR_NS, "remove_participant", {"participant_id": other_phone.participant_id})
    assert removal["ok"] is False
    assert emit(sock, FACILITATOR_NS, "set_locked", {"locked": True})["ok"] is True
    db.session.expire_all()
    assert other_session.locked is False  # the lock went to the console's own session
    assert live_session.locked is True
    assert db.session.get(Participant, other_phone.participant_id).status == ParticipantStatus.PRESENT


def test_a_facilitator_taken_out_of_the_group_is_refused_at_the_next_event(
    console, facilitator, group, live_session
):
    db.session.execute(delete(GroupFacilitator).where(GroupFacilitator.group_id == group.id))
    db.session.commit()
    ack = emit(console, FACILITATOR_NS, "set_locked", {"locked": True})
    assert ack == {
        "ok": False,
        "error": "You don't run this group's sessions any more, so this didn't go through.",
    }
    db.session.expire_all()
    assert live_session.locked is False


def test_a_disabled_account_is_refused_at_the_next_event(console, facilitator, live_session):
    facilitator.disabled_at = utcnow()
    db.session.commit()
    assert emit(console, FACILITATOR_NS, "move_step", {"index": 1})["ok"] is False
    db.session.expire_all()
    assert live_session.current_step == 0


def test_a_forgotten_connection_is_refused_even_before_it_closes(console, live_session):
    db.session.execute(delete(SocketConnection).where(SocketConnection.namespace == FACILITATOR_NS))
    db.session.commit()
    ack = emit(console, FACILITATOR_NS, "set_locked", {"locked": True})
    assert ack["ok"] is False
    assert "reload" in ack["error"]


def test_a_co_facilitator_keeps_running_sessions(app, make_facilitator, group, live_session):
    colleague = make_facilitator("Co")
    group.memberships.append(GroupFacilitator(facilitator_id=colleague.id, role=Role.CO))
    db.session.commit()
    client = app.test_client()
    login(client, colleague)
    sock = facilitator_socket(app, client, live_session)
    assert emit(sock, FACILITATOR_NS, "move_step", {"index": 1}) == {"ok": True}


@pytest.mark.parametrize("status", [ParticipantStatus.REMOVED, ParticipantStatus.LEFT])
def test_a_participant_who_is_no_longer_in_the_session_is_refused(live_session, join, status):
    phone = join(live_session)
    db.session.get(Participant, phone.participant_id).status = status
    db.session.commit()
    ack = emit(phone.socket, PARTICIPANT_NS, "request_support", {"client_id": "request-01", "urgency": "now"})
    assert ack["ok"] is False
    assert db.session.scalar(select(func.count(SupportRequest.id))) == 0


@pytest.mark.parametrize(
    "change", ["removed", "left", "back in the waiting room", "connection forgotten", "session ended"]
)
def test_a_phone_that_answered_before_is_checked_again_at_its_next_answer(
    console, live_session, join, change
):
    """The quick way of an answer starts from the seat remembered since the phone's last answer,
    and its statement checks the rights again: a change another worker made in the database
    (nothing reached this process) refuses the very next answer, which writes nothing."""
    phone = join(live_session)
    round_id = emit(console, FACILITATOR_NS, "open_round", {"kind": "checkin"})["round_id"]

    def answer(client_id: str, mood: int) -> dict:
        payload = {"round_id": round_id, "client_id": client_id, "mood": mood}
        return emit(phone.socket, PARTICIPANT_NS, "submit_checkin", payload)

    assert answer("answer-0001", 3)["ok"] is True
    assert answer("answer-0002", 4)["ok"] is True  # the quick way, from the remembered seat
    participant = db.session.get(Participant, phone.participant_id)
    if change == "connection forgotten":
        db.session.execute(delete(SocketConnection).where(SocketConnection.participant_id == participant.id))
    elif change == "session ended":
        db.session.execute(
            update(LiveSession).where(LiveSession.id == live_session.id).values(state=SessionState.ENDED)
        )
    else:
        participant.status = {
            "removed": ParticipantStatus.REMOVED,
            "left": ParticipantStatus.LEFT,
            "back in the waiting room": ParticipantStatus.WAITING,
        }[change]
    db.session.commit()

    ack = answer("answer-0003", 9)
    assert ack["ok"] is False and ack["error"]
    stored = db.session.execute(select(CheckInAnswer.client_id, CheckInAnswer.mood)).all()
    assert [tuple(row) for row in stored] == [("answer-0002", 4)]


def test_leaving_closes_every_connection_of_the_participant(app, console, live_session, join):
    phone = join(live_session)
    second_tab = participant_socket(app, phone)
    assert emit(phone.socket, PARTICIPANT_NS, "leave") == {"ok": True}
    assert not second_tab.is_connected(PARTICIPANT_NS)
    # The leaving connection hears nothing more of the room and may do nothing more.
    phone.events("step_changed")
    emit(console, FACILITATOR_NS, "move_step", {"index": 1})
    assert phone.events("step_changed") == []
    assert emit(phone.socket, PARTICIPANT_NS, "sync")["ok"] is False
    assert (
        db.session.scalar(
            select(func.count())
            .select_from(SocketConnection)
            .where(SocketConnection.participant_id == phone.participant_id)
        )
        == 0
    )


def test_events_after_the_end_are_refused(console, live_session, join):
    phone = join(live_session)
    emit(console, FACILITATOR_NS, "end_session")
    assert emit(console, FACILITATOR_NS, "set_locked", {"locked": True}) == {
        "ok": False,
        "error": "This session isn't live any more.",
    }
    assert not phone.socket.is_connected(PARTICIPANT_NS)


def test_the_waiting_room_holds_the_room_back(app, facilitator, group, join):
    live_session = services.create_session(facilitator, group, title="Held", waiting_room=True)
    db.session.commit()
    present = join(live_session, "Already In")
    services.admit_participant(facilitator, live_session, present.participant_id)
    checkin_round = checkin_services.open_round(facilitator, live_session, "checkin", "", anonymous=False)
    db.session.commit()
    emit(present.socket, PARTICIPANT_NS, "sync")
    emit(
        present.socket,
        PARTICIPANT_NS,
        "submit_checkin",
        {
            "round_id": checkin_round.id,
            "client_id": "answer-0001",
            "mood": 7,
            "note": "shared",
            "note_shared": True,
        },
    )
    checkin_services.reveal_round(facilitator, live_session, checkin_round.id)
    db.session.commit()

    waiting = join(live_session, "Just Arrived")
    [state] = waiting.events("session_state")
    assert state["you"]["status"] == "waiting"
    assert state["step"] == {"title": "Check-in"}
    assert "round" not in state
    assert "wins" not in state
    assert state["support_requests"] == []
    assert "shared" not in str(state)
    synced = emit(waiting.socket, PARTICIPANT_NS, "sync")["state"]
    assert synced.keys() == state.keys()
    refused = emit(
        waiting.socket,
        PARTICIPANT_NS,
        "submit_checkin",
        {"round_id": checkin_round.id, "client_id": "answer-0002", "passed": True},
    )
    assert refused["ok"] is False


@pytest.mark.parametrize("participant_id", [DB_ID_MAX + 1, 2**63, 10**30, -1, 0])
def test_ids_beyond_the_database_range_get_an_error_ack(console, participant_id):
    ack = emit(console, FACILITATOR_NS, "remove_participant", {"participant_id": participant_id})
    assert ack["ok"] is False
    assert "participant id must be" in ack["error"]


def test_control_characters_are_removed_from_socket_text(live_session, join):
    phone = join(live_session)
    ack = emit(
        phone.socket,
        PARTICIPANT_NS,
        "request_support",
        {"client_id": "request-01", "urgency": "later", "message": "I\x00 need\x1b[31m a\u0085 word"},
    )
    assert ack["ok"] is True
    assert db.session.scalar(select(SupportRequest.message)) == "I need[31m a word"


@pytest.mark.parametrize(
    "auth", [{"live_session_id": DB_ID_MAX + 1}, {"live_session_id": 2**64}, {"live_session_id": True}]
)
def test_consoles_asking_for_impossible_ids_are_refused(app, facilitator_client, live_session, auth):
    sock = socketio.test_client(
        app, namespace=FACILITATOR_NS, auth=auth, flask_test_client=facilitator_client
    )
    assert not sock.is_connected(FACILITATOR_NS)


def test_the_shared_screen_may_not_act(app, facilitator_client, live_session):
    screen = socketio.test_client(
        app,
        namespace=FACILITATOR_NS,
        auth={"live_session_id": live_session.id, "screen": True},
        flask_test_client=facilitator_client,
    )
    received(screen, FACILITATOR_NS, "session_state")
    ack = emit(screen, FACILITATOR_NS, "set_locked", {"locked": True})
    assert ack == {"ok": False, "error": "The shared screen only shows the room; please use the console."}


def test_an_unknown_field_name_is_not_echoed_at_length(console):
    ack = emit(console, FACILITATOR_NS, "set_locked", {"locked": True, "\x1b[2J" + "x" * 5000: 1})
    assert ack["ok"] is False
    assert "\x1b" not in ack["error"]
    assert len(ack["error"]) < 120
