"""Grounding exercises over the live channel: starting and stopping them for the room, every
screen's snapshot, the clock, bad payloads, resends and reconnects (docs/protocol.md)."""

import time
from datetime import UTC, datetime, timedelta

import pytest

from facilitator.clock import utcnow
from facilitator.extensions import db, socketio
from facilitator.grounding import services
from facilitator.grounding.models import GroundingExercise
from facilitator.realtime.rooms import FACILITATOR_NS, PARTICIPANT_NS
from facilitator.sessions import services as session_services

from ..conftest import drain, emit, emit_ok, facilitator_socket, participant_socket, received, walk


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


def start(console, **payload) -> dict:
    return emit_ok(console, FACILITATOR_NS, "start_grounding", {"kind": "box", **payload})["exercise"]


def parse(moment: str) -> datetime:
    return datetime.fromisoformat(moment.replace("Z", "+00:00")).astimezone(UTC).replace(tzinfo=None)


def snapshot(sock, namespace) -> dict:
    [state] = received(sock, namespace, "session_state")
    return state


def count_exercises() -> int:
    return db.session.query(GroundingExercise).count()


def test_starting_shows_the_exercise_on_every_screen_in_the_room(
    console, screen, live_session, join, facilitator_client
):
    phones = [join(live_session, name) for name in ("Ana", "Bo")]
    for phone in phones:
        drain(phone.socket, PARTICIPANT_NS)
    before = utcnow()

    entry = start(console, inhale=4, hold=7, exhale=8, rest=0, rounds=3)

    # Stored before the acknowledgement: the row is there, with the start the screens compute from.
    stored = db.session.get(GroundingExercise, entry["id"])
    assert stored is not None and services.exercise_entry(stored) == entry
    assert entry["title"] == "Box breathing" and entry["rounds"] == 3
    assert [step["seconds"] for step in entry["steps"]] == [4, 7, 8]
    starts_at = parse(entry["starts_at"])
    assert before + timedelta(seconds=services.LEAD_IN_SECONDS) <= starts_at
    assert starts_at <= utcnow() + timedelta(seconds=services.LEAD_IN_SECONDS)
    assert parse(entry["ends_at"]) - starts_at == timedelta(seconds=57)
    for phone in phones:
        assert phone.events("grounding_started") == [{"exercise": entry}]
    assert received(screen, FACILITATOR_NS, "grounding_started") == [{"exercise": entry}]
    assert received(console, FACILITATOR_NS, "grounding_started") == [{"exercise": entry}]


@pytest.fixture
def waiting_room_session(facilitator, group):
    live_session = session_services.create_session(facilitator, group, title="Waiting", waiting_room=True)
    db.session.commit()
    return live_session


def test_the_waiting_room_gets_the_exercise_once_let_in(app, facilitator_client, waiting_room_session, join):
    console = facilitator_socket(app, facilitator_client, waiting_room_session)
    drain(console, FACILITATOR_NS)
    waiting = join(waiting_room_session, "Wren")
    state = snapshot(waiting.socket, PARTICIPANT_NS)
    assert "grounding" not in state  # the waiting room sees only the step's title
    entry = start(console)
    assert waiting.events("grounding_started") == []
    emit_ok(console, FACILITATOR_NS, "admit", {"participant_id": waiting.participant_id})
    assert waiting.events("admitted") == [{}]
    synced = emit_ok(waiting.socket, PARTICIPANT_NS, "sync")
    assert synced["state"]["grounding"]["exercise"] == entry
    # A phone in the waiting room may still measure its clock.
    other = join(waiting_room_session, "Still waiting")
    assert emit_ok(other.socket, PARTICIPANT_NS, "clock")["now"] > 0


def test_every_snapshot_carries_the_exercise_under_way_and_the_server_time(
    app, console, live_session, join, facilitator_client
):
    phone = join(live_session)
    state = snapshot(phone.socket, PARTICIPANT_NS)
    assert state["grounding"]["exercise"] is None
    assert abs(parse(state["grounding"]["now"]) - utcnow()) < timedelta(seconds=2)
    entry = start(console, kind="senses", seconds=12)
    # A reconnect (or a reload) rebuilds it from the database, at the same start time.
    phone.socket.disconnect(namespace=PARTICIPANT_NS)
    phone.socket = participant_socket(app, phone)
    assert snapshot(phone.socket, PARTICIPANT_NS)["grounding"]["exercise"] == entry
    screen = socketio.test_client(
        app,
        namespace=FACILITATOR_NS,
        auth={"live_session_id": live_session.id, "screen": True},
        flask_test_client=facilitator_client,
    )
    assert snapshot(screen, FACILITATOR_NS)["grounding"]["exercise"] == entry

    # Once it has ended by itself, snapshots no longer carry it.
    db.session.get(GroundingExercise, entry["id"]).ends_at = utcnow() - timedelta(seconds=1)
    db.session.commit()
    phone.socket.disconnect(namespace=PARTICIPANT_NS)
    phone.socket = participant_socket(app, phone)
    assert snapshot(phone.socket, PARTICIPANT_NS)["grounding"]["exercise"] is None


def test_stopping_early_reaches_every_screen_once(console, screen, live_session, join):
    phone = join(live_session)
    entry = start(console)
    drain(screen, FACILITATOR_NS)
    drain(console, FACILITATOR_NS)
    phone.events("grounding_started")

    assert emit_ok(console, FACILITATOR_NS, "stop_grounding", {"exercise_id": entry["id"]}) == {"ok": True}
    assert db.session.get(GroundingExercise, entry["id"]).stopped_at is not None
    stopped = {"exercise_id": entry["id"]}
    assert phone.events("grounding_stopped") == [stopped]
    assert received(screen, FACILITATOR_NS, "grounding_stopped") == [stopped]
    assert received(console, FACILITATOR_NS, "grounding_stopped") == [stopped]

    # A resend (its ack was lost) is acknowledged and changes and announces nothing.
    stopped_at = db.session.get(GroundingExercise, entry["id"]).stopped_at
    assert emit_ok(console, FACILITATOR_NS, "stop_grounding", {"exercise_id": entry["id"]}) == {"ok": True}
    db.session.expire_all()
    assert db.session.get(GroundingExercise, entry["id"]).stopped_at == stopped_at
    assert phone.events("grounding_stopped") == [stopped]
    assert received(screen, FACILITATOR_NS, "grounding_stopped") == []


def test_one_exercise_at_a_time_and_a_second_start_is_refused(console, live_session):
    start(console)
    ack = emit(console, FACILITATOR_NS, "start_grounding", {"kind": "senses"})
    assert ack == {"ok": False, "error": services.ALREADY_RUNNING_MESSAGE}
    assert count_exercises() == 1


def test_a_script_of_the_group_runs_and_one_of_another_group_is_not_found(
    console, live_session, facilitator, make_facilitator, make_group
):
    line = {"text": "Press your feet into the floor.", "seconds": 5}
    ours = services.add_script(facilitator, live_session.group, title="Feet", lines=[line])
    other_lead = make_facilitator("Other")
    theirs = services.add_script(other_lead, make_group(other_lead, name="Theirs"), title="X", lines=[line])
    db.session.commit()
    ack = emit(console, FACILITATOR_NS, "start_grounding", {"kind": "script", "script_id": theirs.id})
    assert ack == {"ok": False, "error": services.NO_SCRIPT_MESSAGE}
    ack = emit(console, FACILITATOR_NS, "start_grounding", {"kind": "script"})
    assert ack == {"ok": False, "error": "Please choose one of the group's scripts."}
    assert count_exercises() == 0
    entry = start(console, kind="script", script_id=ours.id)
    assert (entry["kind"], entry["title"], entry["steps"]) == (
        "script",
        "Feet",
        [{"text": "Press your feet into the floor.", "seconds": 5, "motion": "still"}],
    )


@pytest.mark.parametrize(
    ("payload", "error"),
    [
        ({}, "That didn't go through: kind is missing."),
        ({"kind": "yoga"}, "That didn't go through: kind must be one of: 'box', 'senses' or 'script'."),
        ({"kind": "box", "inhale": "4"}, "That didn't go through: inhale doesn't look right."),
        ({"kind": "box", "inhale": 4.5}, "That didn't go through: inhale doesn't look right."),
        ({"kind": "box", "rounds": True}, "That didn't go through: rounds doesn't look right."),
        ({"kind": "box", "inhale": 1}, "That didn't go through: inhale must be at least 2."),
        ({"kind": "box", "rest": 11}, "That didn't go through: rest must be at most 10."),
        ({"kind": "box", "rounds": 21}, "That didn't go through: rounds must be at most 20."),
        ({"kind": "senses", "seconds": 61}, "That didn't go through: seconds must be at most 60."),
        ({"kind": "script", "script_id": 0}, "That didn't go through: script id must be at least 1."),
        (
            {"kind": "script", "script_id": 2**31},
            "That didn't go through: script id must be at most 2147483647.",
        ),
        ({"kind": "box", "tempo": 3}, "That didn't go through: tempo isn't something we expected."),
        ({"kind": "senses", "rounds": 2}, "That didn't go through: rounds isn't part of 5-4-3-2-1 senses."),
        ({"kind": "box", "script_id": 1}, "That didn't go through: script id isn't part of Box breathing."),
        (
            {"kind": "box", "inhale": 10, "hold": 10, "exhale": 10, "rest": 10, "rounds": 20},
            "Please keep an exercise to 10 minutes or less.",
        ),
        (["box"], "That didn't go through: the message doesn't look right."),
    ],
)
def test_bad_payloads_are_refused_kindly_and_start_nothing(console, live_session, payload, error):
    ack = emit(console, FACILITATOR_NS, "start_grounding", payload)
    assert ack == {"ok": False, "error": error}
    assert count_exercises() == 0


@pytest.mark.parametrize(
    ("payload", "error"),
    [
        ({}, "That didn't go through: exercise id is missing."),
        ({"exercise_id": "1"}, "That didn't go through: exercise id doesn't look right."),
        ({"exercise_id": 999}, "We couldn't find that exercise."),
    ],
)
def test_stopping_needs_an_exercise_of_this_session(console, live_session, payload, error):
    entry = start(console)
    assert emit(console, FACILITATOR_NS, "stop_grounding", payload) == {"ok": False, "error": error}
    assert db.session.get(GroundingExercise, entry["id"]).stopped_at is None


def test_phones_and_the_screen_cannot_start_or_stop(console, screen, live_session, join):
    """On /participant the events reach no handler at all; the screen is refused with a sentence."""
    entry = start(console)
    phone = join(live_session)
    for event, payload in (
        ("start_grounding", {"kind": "box"}),
        ("stop_grounding", {"exercise_id": entry["id"]}),
    ):
        assert emit(phone.socket, PARTICIPANT_NS, event, payload) is None
        ack = emit(screen, FACILITATOR_NS, event, payload)
        assert ack == {"ok": False, "error": "The shared screen only shows the room; please use the console."}
    assert count_exercises() == 1
    assert db.session.get(GroundingExercise, entry["id"]).stopped_at is None


def test_the_clock_answers_with_the_server_time_on_every_kind_of_screen(console, screen, live_session, join):
    phone = join(live_session)
    for sock, namespace in (
        (console, FACILITATOR_NS),
        (screen, FACILITATOR_NS),
        (phone.socket, PARTICIPANT_NS),
    ):
        before = time.time() * 1000
        ack = emit(sock, namespace, "clock")
        after = time.time() * 1000
        assert set(ack) == {"ok", "now"} and ack["ok"] is True
        assert isinstance(ack["now"], int) and before - 1 <= ack["now"] <= after + 1
    assert emit(phone.socket, PARTICIPANT_NS, "clock", {"at": 1}) == {
        "ok": False,
        "error": "That didn't go through: at isn't something we expected.",
    }


def test_nothing_about_anyone_in_what_the_room_gets(app, console, screen, live_session, join):
    """An exercise is the facilitator's doing: no name or participant appears in what it sends."""
    phone = join(live_session, "Private Person")
    drain(phone.socket, PARTICIPANT_NS)
    start(console, kind="senses")
    payloads = phone.events("grounding_started")
    phone.socket.disconnect(namespace=PARTICIPANT_NS)
    phone.socket = participant_socket(app, phone)
    payloads.append(snapshot(phone.socket, PARTICIPANT_NS)["grounding"])
    payloads += received(screen, FACILITATOR_NS, "grounding_started")
    assert len(payloads) == 3 and all(payloads)
    everything = set(walk(payloads))
    assert not {"Private Person", "participant_id", "name", "you"} & everything
