"""The pulse over Socket.IO: asking, answering, who hears what, resends, bad payloads, rights, and
screens rebuilt from the database after a reconnect or a restart."""

import pytest
from flask_socketio.test_client import SocketIOTestClient

from config import TestConfig
from facilitator import create_app
from facilitator.audit.models import AuditEntry
from facilitator.extensions import db, socketio
from facilitator.pulse.models import PulseResponse, SessionPulse
from facilitator.realtime.rooms import FACILITATOR_NS, PARTICIPANT_NS
from facilitator.sessions import services as session_services

from ..conftest import emit, emit_ok, facilitator_socket, received

ANSWER = {"client_id": "pulse-answer-1", "heard": 8, "mattered": 7, "fit": None, "overall": 9}


def answer(phone, **changes):
    return emit(phone.socket, PARTICIPANT_NS, "submit_pulse", {**ANSWER, **changes})


@pytest.fixture
def screen(app, facilitator_client, live_session):
    sock = socketio.test_client(
        app,
        namespace=FACILITATOR_NS,
        auth={"live_session_id": live_session.id, "screen": True},
        flask_test_client=facilitator_client,
    )
    sock.get_received(FACILITATOR_NS)
    return sock


def count(model) -> int:
    return db.session.scalar(db.select(db.func.count()).select_from(model))


def test_asking_reaches_every_phone_once(console, screen, live_session, join):
    ana, bo = join(live_session, "Ana"), join(live_session, "Bo")
    assert emit(console, FACILITATOR_NS, "open_pulse") == {"ok": True}
    assert ana.events("pulse_asked") == [{}] and bo.events("pulse_asked") == [{}]
    assert received(console, FACILITATOR_NS, "pulse_asked") == [{}]
    # Asking again (or a resend after a lost acknowledgement) changes nothing and tells nobody.
    assert emit(console, FACILITATOR_NS, "open_pulse") == {"ok": True}
    assert ana.events("pulse_asked") == [{}]
    assert db.session.get(SessionPulse, live_session.id).opened_at is not None
    actions = db.session.scalars(db.select(AuditEntry.action).where(AuditEntry.action == "pulse.opened"))
    assert len(actions.all()) == 1


def test_an_answer_is_acknowledged_and_the_consoles_get_only_the_count(console, screen, live_session, join):
    ana, bo = join(live_session, "Ana"), join(live_session, "Bo")
    ack = answer(ana)
    assert ack == {
        "ok": True,
        "client_id": "pulse-answer-1",
        "pulse": {"heard": 8, "mattered": 7, "fit": None, "overall": 9},
    }
    assert received(console, FACILITATOR_NS, "pulse_count") == [{"answered": 1}]
    # Nobody else hears of it: not the other phone, not the screen.
    assert bo.events("pulse_count") == [] and ana.events("pulse_count") == []
    assert received(screen, FACILITATOR_NS, "pulse_count") == []

    # A resend (the acknowledgement was lost) and a change: still one answer, no new count.
    assert answer(ana)["ok"]
    assert answer(ana, client_id="pulse-answer-2", heard=6)["pulse"]["heard"] == 6
    assert received(console, FACILITATOR_NS, "pulse_count") == []
    assert count(PulseResponse) == 1
    assert answer(bo, client_id="pulse-answer-3")["ok"]
    assert received(console, FACILITATOR_NS, "pulse_count") == [{"answered": 2}]


BAD_ANSWERS = [
    ({"client_id": "pulse-answer-1"}, "Skipping is always fine"),
    ({"client_id": "pulse-answer-1", "heard": None, "overall": None}, "Skipping is always fine"),
    ({"client_id": "pulse-answer-1", "heard": 11}, "heard must be at most 10"),
    ({"client_id": "pulse-answer-1", "fit": -1}, "fit must be at least 0"),
    ({"client_id": "pulse-answer-1", "heard": "7"}, "heard doesn't look right"),
    ({"client_id": "pulse-answer-1", "heard": 7.0}, "heard doesn't look right"),
    ({"client_id": "pulse-answer-1", "heard": True}, "heard doesn't look right"),
    ({"client_id": "pulse-answer-1", "heard": [7]}, "heard doesn't look right"),
    ({"heard": 7}, "client id is missing"),
    ({"client_id": "short", "heard": 7}, "client id"),
    ({"client_id": "pulse-answer-1", "heard": 7, "participant_id": 1}, "isn't something we expected"),
    ({"client_id": "pulse-answer-1", "heard": 7, "mood": 3}, "isn't something we expected"),
    (["heard", 7], "doesn't look right"),
    ("seven", "doesn't look right"),
]


@pytest.mark.parametrize(("payload", "message"), BAD_ANSWERS)
def test_bad_answers_get_a_kind_error_and_write_nothing(console, live_session, join, payload, message):
    phone = join(live_session)
    ack = emit(phone.socket, PARTICIPANT_NS, "submit_pulse", payload)
    assert ack["ok"] is False
    assert message in ack["error"]
    assert count(PulseResponse) == 0
    assert received(console, FACILITATOR_NS, "pulse_count") == []
    assert answer(phone)["ok"]  # the connection still works


def test_open_pulse_takes_no_payload(console):
    ack = emit(console, FACILITATOR_NS, "open_pulse", {"live_session_id": 1})
    assert ack["ok"] is False and "isn't something we expected" in ack["error"]


def test_participants_and_the_screen_cannot_ask(console, screen, live_session, join):
    phone = join(live_session)
    phone.socket.emit("open_pulse", {}, namespace=PARTICIPANT_NS)  # no such event on /participant
    ack = emit(screen, FACILITATOR_NS, "open_pulse")
    assert ack["ok"] is False and "shared screen only shows the room" in ack["error"]
    assert db.session.get(SessionPulse, live_session.id).opened_at is None
    assert phone.events("pulse_asked") == []


def test_no_pulse_from_the_waiting_room_or_after_the_end(facilitator, console, live_session, join):
    live_session.waiting_room = True
    db.session.commit()
    waiting = join(live_session, "Waiting")
    ack = answer(waiting)
    assert ack["ok"] is False and "once the facilitator lets you in" in ack["error"]
    assert "pulse" not in waiting.events("session_state")[-1]  # the waiting room shows none of it

    live_session.waiting_room = False
    db.session.commit()
    phone = join(live_session, "Here")
    session_services.end_session(facilitator, live_session)
    db.session.commit()
    assert not phone.socket.is_connected(PARTICIPANT_NS)  # after the end: the take-home page, over HTTP
    assert emit(console, FACILITATOR_NS, "open_pulse")["ok"] is False


def test_snapshots_for_console_phone_and_screen(app, facilitator_client, console, screen, live_session, join):
    ana, bo = join(live_session, "Ana"), join(live_session, "Bo")
    [ana_state] = ana.events("session_state")
    ticket = ana_state["pulse"]["ticket"]
    assert ana_state["pulse"] == {"asked": False, "yours": None, "ticket": ticket}
    assert len(ticket) == 64 and ticket != bo.events("session_state")[0]["pulse"]["ticket"]
    emit_ok(console, FACILITATOR_NS, "open_pulse")
    answer(ana)

    fresh = facilitator_socket(app, facilitator_client, live_session)
    [state] = received(fresh, FACILITATOR_NS, "session_state")
    assert state["pulse"] == {"asked": True, "answered": 1, "minimum": 3}
    assert ticket not in str(state)
    screen_again = socketio.test_client(
        app,
        namespace=FACILITATOR_NS,
        auth={"live_session_id": live_session.id, "screen": True},
        flask_test_client=facilitator_client,
    )
    [screen_state] = received(screen_again, FACILITATOR_NS, "session_state")
    assert "pulse" not in screen_state

    # A reconnect rebuilds the phone's pulse from the database: asked, its own answers, its ticket.
    ana.socket.disconnect(PARTICIPANT_NS)
    ana.socket.connect(namespace=PARTICIPANT_NS, auth={"join_token": live_session.join_token})
    mine = ana.events("session_state")[-1]["pulse"]
    assert mine == {
        "asked": True,
        "yours": {"heard": 8, "mattered": 7, "fit": None, "overall": 9},
        "ticket": ticket,
    }
    assert bo.events("session_state")[-1]["pulse"]["yours"] is None


def test_after_a_restart_every_screen_is_rebuilt_from_the_database(
    app, facilitator_client, console, live_session, join
):
    ana = join(live_session, "Ana")
    emit_ok(console, FACILITATOR_NS, "open_pulse")
    answer(ana)
    ticket = ana.events("session_state")[0]["pulse"]["ticket"]

    # A new server process on the same database: nothing of the pulse lived in the old one's memory.
    config = TestConfig()
    config.INSTANCE_DIR = app.instance_path
    config.SQLALCHEMY_DATABASE_URI = app.config["SQLALCHEMY_DATABASE_URI"]
    restarted = create_app(config)
    with restarted.app_context():
        console_again = socketio.test_client(
            restarted,
            namespace=FACILITATOR_NS,
            auth={"live_session_id": live_session.id},
            flask_test_client=facilitator_client,
        )
        [state] = [
            m["args"][0] for m in console_again.get_received(FACILITATOR_NS) if m["name"] == "session_state"
        ]
        assert state["pulse"] == {"asked": True, "answered": 1, "minimum": 3}
        phone_again = socketio.test_client(
            restarted,
            namespace=PARTICIPANT_NS,
            auth={"join_token": live_session.join_token},
            flask_test_client=ana.client,
        )
        [phone_state] = [
            m["args"][0] for m in phone_again.get_received(PARTICIPANT_NS) if m["name"] == "session_state"
        ]
        assert phone_state["pulse"]["yours"]["overall"] == 9 and phone_state["pulse"]["ticket"] == ticket
        # A resend of the acknowledged answer after the restart is still the one answer.
        ack = phone_again.emit("submit_pulse", ANSWER, namespace=PARTICIPANT_NS, callback=True)
        assert ack["ok"] is True
        assert count(PulseResponse) == 1
        db.session.remove()
        db.engine.dispose()
    for eio_sid, socket_client in list(SocketIOTestClient.clients.items()):
        if socket_client.app is restarted:
            del SocketIOTestClient.clients[eio_sid]


def test_the_pulse_stays_in_its_own_session(
    app, facilitator, facilitator_client, group, console, live_session, join
):
    other = session_services.create_session(facilitator, group, title="Other", waiting_room=False)
    db.session.commit()
    other_console = facilitator_socket(app, facilitator_client, other)
    other_console.get_received(FACILITATOR_NS)
    there = join(other, "There")
    answer(join(live_session, "Here"))
    assert received(other_console, FACILITATOR_NS, "pulse_count") == []
    emit_ok(console, FACILITATOR_NS, "open_pulse")
    assert there.events("pulse_asked") == []
    assert db.session.get(SessionPulse, other.id).opened_at is None
