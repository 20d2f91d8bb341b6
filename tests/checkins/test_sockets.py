"""Check-in rounds over Socket.IO: who receives what, acks, bad payloads and permissions,
and the batches in which an anonymous round's answers reach the consoles."""

from datetime import timedelta

import pytest

from facilitator.checkins.models import CheckInAnswer
from facilitator.checkins.sockets import release_due_batch
from facilitator.clock import utcnow
from facilitator.extensions import db
from facilitator.realtime.rooms import FACILITATOR_NS, PARTICIPANT_NS
from facilitator.sessions import services as session_services

from ..conftest import drain, emit, facilitator_socket, received
from .conftest import after_the_slot


def open_round(console, **options):
    ack = emit(console, FACILITATOR_NS, "open_round", {"kind": "checkin", **options})
    assert ack["ok"], ack
    return ack["round_id"]


def console_events(console) -> tuple[dict | None, list[dict]]:
    """The console's latest round tally and the answers it was sent, since the last call."""
    messages = drain(console, FACILITATOR_NS)
    tallies = [m["args"][0] for m in messages if m["name"] == "round_updated"]
    answers = [m["args"][0]["response"] for m in messages if m["name"] == "answer_recorded"]
    return (tallies[-1] if tallies else None), answers


def released(console) -> tuple[dict | None, list[list[dict]]]:
    """The console's latest tally, and each `answers_released` list, since the last call."""
    messages = drain(console, FACILITATOR_NS)
    assert not [m for m in messages if m["name"] == "answer_recorded"]
    tallies = [m["args"][0] for m in messages if m["name"] == "round_updated"]
    batches = [m["args"][0]["responses"] for m in messages if m["name"] == "answers_released"]
    return (tallies[-1] if tallies else None), batches


def slot_ends(live_session, round_id):
    """What the background timer does when the current slot (and a bit) has passed."""
    release_due_batch(live_session.id, round_id, after_the_slot())


def submit(phone, round_id, client_id="phone-answer-1", **content):
    return emit(
        phone.socket,
        PARTICIPANT_NS,
        "submit_checkin",
        {"round_id": round_id, "client_id": client_id, **content},
    )


def test_a_whole_round(console, live_session, join):
    phones = [join(live_session, name) for name in ("Ana", "Bo", "Cy", "Di")]
    round_id = open_round(console, prompt="How are you arriving?")
    for phone in phones:
        assert phone.events("round_opened")[-1]["round"]["prompt"] == "How are you arriving?"

    assert submit(phones[0], round_id, mood=7, feelings=["hopeful"], note="Good week") == {
        "ok": True,
        "client_id": "phone-answer-1",
        "held": False,
    }
    assert submit(phones[1], round_id, mood=3, feelings=["tired", "hopeful"])["ok"]
    assert submit(phones[2], round_id, passed=True)["ok"]
    assert submit(phones[3], round_id, mood=8)["ok"]
    live, answers = console_events(console)
    assert (live["answered"], live["passed"], live["waiting"]) == (3, 1, 0)
    assert live["mood"]["average"] == 6.0
    assert live["feelings"][0] == ["hopeful", 2]
    assert "responses" not in live  # the tally never carries individual answers
    assert [(a["name"], a["passed"], a["note"]) for a in answers] == [
        ("Ana", False, "Good week"),
        ("Bo", False, None),
        ("Cy", True, None),
        ("Di", False, None),
    ]
    # Other participants never receive anyone's answer while the round runs.
    for phone in phones:
        assert phone.events("round_updated") == []

    assert emit(console, FACILITATOR_NS, "close_round", {"round_id": round_id}) == {"ok": True}
    assert phones[0].events("round_closed")[-1]["round"]["open"] is False
    assert emit(console, FACILITATOR_NS, "reveal_round", {"round_id": round_id}) == {"ok": True}
    reveal = phones[1].events("round_revealed")[-1]["reveal"]
    assert reveal["mood"]["distribution"][2] == 1
    assert "Ana" not in str(reveal) and "Good week" not in str(reveal)


def test_answer_is_committed_before_the_ack(app, console, live_session, join):
    phone = join(live_session)
    round_id = open_round(console)
    assert submit(phone, round_id, mood=5)["ok"]
    # A fresh database session (another worker, say) already sees it.
    with db.engine.connect() as connection:
        assert connection.execute(db.select(CheckInAnswer.mood)).scalar_one() == 5


def test_a_resend_after_a_lost_ack_is_one_answer(console, live_session, join):
    phone = join(live_session)
    round_id = open_round(console)
    for _ in range(3):
        assert submit(phone, round_id, client_id="same-client-id", mood=6)["ok"]
    assert db.session.scalar(db.select(db.func.count(CheckInAnswer.id))) == 1


def test_reconnecting_phone_gets_its_answer_and_the_open_round(app, console, live_session, join):
    phone = join(live_session)
    round_id = open_round(console)
    submit(phone, round_id, mood=8, feelings=["calm"], note="ok", note_shared=True)
    phone.socket.disconnect(PARTICIPANT_NS)
    phone.socket.connect(namespace=PARTICIPANT_NS, auth={"join_token": live_session.join_token})
    state = phone.events("session_state")[-1]
    assert state["round"]["open"] is True
    assert state["round"]["your_answer"]["mood"] == 8
    assert state["round"]["your_answer"]["note_shared"] is True


def test_anonymous_answers_reach_the_console_only_in_batches(console, live_session, join):
    phones = [join(live_session, f"Person {number}") for number in range(8)]
    round_id = open_round(console, anonymous=True)
    drain(console, FACILITATOR_NS)
    for number, phone in enumerate(phones[:7]):
        assert submit(phone, round_id, mood=number + 1, note=f"note {number + 1}")["ok"]
    assert submit(phones[7], round_id, passed=True)["ok"]
    # Nothing at all the moment someone taps: no answer, no new count.
    assert drain(console, FACILITATOR_NS) == []

    slot_ends(live_session, round_id)
    tally, [responses] = released(console)
    assert (tally["answered"], tally["passed"], tally["waiting"]) == (7, 1, 0)
    assert tally["mood"]["average"] == 4.0
    assert {r["name"] for r in responses} == {None}
    assert sorted(r["mood"] or 0 for r in responses) == [0, 1, 2, 3, 4, 5, 6, 7]
    # In the order of random ids, not of arrival.
    ids = [r["id"] for r in responses]
    assert ids == sorted(ids) and all(isinstance(i, str) and not i.isdigit() for i in ids)
    # A second timer for the same slot (another worker's, say) finds nothing left to announce.
    slot_ends(live_session, round_id)
    assert drain(console, FACILITATOR_NS) == []


def test_anonymous_round_console_waits_for_enough_released_answers(console, live_session, join):
    phones = [join(live_session, name) for name in ("Ana", "Bo", "Cy")]
    round_id = open_round(console, anonymous=True)
    drain(console, FACILITATOR_NS)
    submit(phones[0], round_id, mood=2, note="a hard one")
    slot_ends(live_session, round_id)
    tally, batches = released(console)
    assert (tally["answered"], tally["too_few"], batches) == (1, True, [])
    assert "a hard one" not in str(tally)
    early = emit(console, FACILITATOR_NS, "round_responses", {"round_id": round_id})
    assert early["ok"] is False
    submit(phones[1], round_id, mood=5)
    submit(phones[2], round_id, mood=6)
    assert drain(console, FACILITATOR_NS) == []
    # Not yet released, so still too few for round_responses.
    assert emit(console, FACILITATOR_NS, "round_responses", {"round_id": round_id})["ok"] is False
    slot_ends(live_session, round_id)
    tally, [responses] = released(console)
    assert tally["too_few"] is False
    assert sorted(r["mood"] for r in responses) == [2, 5, 6]
    everything = emit(console, FACILITATOR_NS, "round_responses", {"round_id": round_id})["responses"]
    assert everything == responses


def test_a_changed_anonymous_answer_waits_for_its_batch(console, live_session, join):
    phones = [join(live_session, name) for name in ("Ana", "Bo", "Cy", "Di")]
    round_id = open_round(console, anonymous=True)
    for number, phone in enumerate(phones):
        submit(phone, round_id, client_id=f"first-answer-{number}", mood=5)
    slot_ends(live_session, round_id)
    _, [before] = released(console)
    assert submit(phones[0], round_id, client_id="changed-answer", passed=True)["ok"]
    assert drain(console, FACILITATOR_NS) == []
    slot_ends(live_session, round_id)
    tally, [after] = released(console)
    assert (tally["answered"], tally["passed"]) == (3, 1)
    # The changed answer comes with a new id: it cannot be followed from one version to the next.
    assert len({r["id"] for r in before} & {r["id"] for r in after}) == 3


def test_a_batch_a_lost_timer_left_is_released_by_the_next_answer_or_connection(
    app, facilitator_client, console, live_session, join
):
    phones = [join(live_session, name) for name in ("Ana", "Bo", "Cy", "Di")]
    round_id = open_round(console, anonymous=True)
    for phone in phones[:3]:
        submit(phone, round_id, mood=4)
    drain(console, FACILITATOR_NS)
    # The timer's process is gone and the slot has passed.
    db.session.execute(db.update(CheckInAnswer).values(release_at=utcnow() - timedelta(seconds=1)))
    db.session.commit()
    # Someone connecting releases it, and every console hears.
    other_console = facilitator_socket(app, facilitator_client, live_session)
    [state] = received(other_console, FACILITATOR_NS, "session_state")
    assert state["round"]["answered"] == 3 and len(state["round"]["responses"]) == 3
    tally, [responses] = released(console)
    assert tally["answered"] == 3 and len(responses) == 3
    # So does a later answer (which itself waits for its own slot).
    submit(phones[0], round_id, client_id="changed-answer", mood=9)
    db.session.execute(
        db.update(CheckInAnswer)
        .where(CheckInAnswer.release_at.is_not(None))
        .values(release_at=utcnow() - timedelta(seconds=1))
    )
    db.session.commit()
    submit(phones[3], round_id, mood=1)
    tally, [responses] = released(console)
    assert tally["answered"] == 3
    assert sorted(r["mood"] for r in responses) == [4, 4, 9]


@pytest.mark.parametrize("event", ["close_round", "reveal_round"])
def test_closing_or_revealing_an_anonymous_round_shows_every_answer(console, live_session, join, event):
    phones = [join(live_session, name) for name in ("Ana", "Bo", "Cy")]
    round_id = open_round(console, anonymous=True)
    for number, phone in enumerate(phones):
        submit(phone, round_id, mood=number + 3)
    drain(console, FACILITATOR_NS)
    assert emit(console, FACILITATOR_NS, event, {"round_id": round_id}) == {"ok": True}
    tally, [responses] = released(console)
    assert (tally["open"], tally["answered"]) == (False, 3)
    assert sorted(r["mood"] for r in responses) == [3, 4, 5]


def test_the_phone_sees_its_own_anonymous_answer_at_once(console, live_session, join):
    phone = join(live_session)
    round_id = open_round(console, anonymous=True)
    submit(phone, round_id, mood=3, note="just for me")
    phone.socket.disconnect(PARTICIPANT_NS)
    phone.socket.connect(namespace=PARTICIPANT_NS, auth={"join_token": live_session.join_token})
    mine = phone.events("session_state")[-1]["round"]["your_answer"]
    assert (mine["mood"], mine["note"]) == (3, "just for me")


def test_revealing_too_few_answers_shows_only_that(console, live_session, join):
    phones = [join(live_session, name) for name in ("Ana", "Bo")]
    round_id = open_round(console)
    submit(phones[0], round_id, mood=2)
    emit(console, FACILITATOR_NS, "reveal_round", {"round_id": round_id})
    assert phones[1].events("round_revealed")[-1]["reveal"] == {
        "round_id": round_id,
        "answered": 1,
        "too_few": True,
    }


BAD_ANSWERS = [
    ({"round_id": "1", "client_id": "phone-answer-1", "mood": 5}, "round id doesn't look right"),
    ({"client_id": "phone-answer-1", "mood": 5}, "round id is missing"),
    ({"round_id": 1, "mood": 5}, "client id is missing"),
    ({"round_id": 1, "client_id": "short", "mood": 5}, "client id"),
    ({"round_id": 1, "client_id": "has spaces in it!", "mood": 5}, "client id"),
    ({"round_id": 1, "client_id": "phone-answer-1", "mood": 0}, "mood must be at least 1"),
    ({"round_id": 1, "client_id": "phone-answer-1", "mood": 11}, "mood must be at most 10"),
    ({"round_id": 1, "client_id": "phone-answer-1", "mood": 5.5}, "mood doesn't look right"),
    ({"round_id": 1, "client_id": "phone-answer-1", "mood": True}, "mood doesn't look right"),
    ({"round_id": 1, "client_id": "phone-answer-1", "feelings": "sad"}, "feelings doesn't look right"),
    ({"round_id": 1, "client_id": "phone-answer-1", "feelings": ["a", "b", "c", "d"]}, "3 at most"),
    ({"round_id": 1, "client_id": "phone-answer-1", "feelings": ["happy-ish"]}, "pick from the list"),
    ({"round_id": 1, "client_id": "phone-answer-1", "note": "x" * 501}, "500 characters at most"),
    ({"round_id": 1, "client_id": "phone-answer-1", "note": {"html": 1}}, "note doesn't look right"),
    (
        {"round_id": 1, "client_id": "phone-answer-1", "mood": 5, "name": "someone else"},
        "isn't something we expected",
    ),
    ({"round_id": 1, "client_id": "phone-answer-1", "passed": True, "mood": 4}, "just the pass"),
    ({"round_id": 1, "client_id": "phone-answer-1"}, "press Pass"),
    ({"round_id": 999, "client_id": "phone-answer-1", "mood": 4}, "couldn't find that round"),
    (["not", "an", "object"], "doesn't look right"),
]


@pytest.mark.parametrize(("payload", "message"), BAD_ANSWERS)
def test_bad_answers_get_a_kind_error_and_write_nothing(console, live_session, join, payload, message):
    phone = join(live_session)
    open_round(console)
    ack = emit(phone.socket, PARTICIPANT_NS, "submit_checkin", payload)
    assert ack["ok"] is False
    assert message in ack["error"]
    assert db.session.scalar(db.select(db.func.count(CheckInAnswer.id))) == 0
    assert submit(phone, 1, mood=5)["ok"]  # the connection still works


@pytest.mark.parametrize(
    ("payload", "message"),
    [
        ({"kind": "poll"}, "kind must be one of"),
        ({"kind": "checkin", "prompt": "p" * 201}, "200 characters at most"),
        ({"kind": "checkin", "anonymous": "yes"}, "anonymous doesn't look right"),
        ({}, "kind is missing"),
    ],
)
def test_bad_round_options_are_refused(console, payload, message):
    ack = emit(console, FACILITATOR_NS, "open_round", payload)
    assert ack["ok"] is False
    assert message in ack["error"]


def test_participants_cannot_run_rounds(console, live_session, join):
    phone = join(live_session)
    phone.socket.emit("open_round", {"kind": "checkin"}, namespace=PARTICIPANT_NS)
    round_id = open_round(console)
    phone.socket.emit("close_round", {"round_id": round_id}, namespace=PARTICIPANT_NS)
    phone.socket.emit("reveal_round", {"round_id": round_id}, namespace=PARTICIPANT_NS)
    assert received(console, FACILITATOR_NS, "round_updated")[-1]["open"] is True


def test_no_answering_in_another_session(
    app, facilitator, facilitator_client, group, live_session, console, join
):
    other = session_services.create_session(facilitator, group, title="Other", waiting_room=False)
    db.session.commit()
    other_console = facilitator_socket(app, facilitator_client, other)
    other_round = open_round(other_console)
    phone = join(live_session)
    ack = submit(phone, other_round, mood=5)
    assert ack == {"ok": False, "error": "We couldn't find that round."}


def test_waiting_room_participants_cannot_answer(console, live_session, join):
    live_session.waiting_room = True
    db.session.commit()
    phone = join(live_session)
    round_id = open_round(console)
    assert phone.events("round_opened") == []
    ack = submit(phone, round_id, mood=5)
    assert ack["ok"] is False
    assert "once the facilitator lets you in" in ack["error"]


def test_notes_are_delivered_as_text(console, live_session, join):
    phone = join(live_session)
    round_id = open_round(console)
    submit(phone, round_id, note="<script>alert('x')</script>")
    [answer] = received(console, FACILITATOR_NS, "answer_recorded")
    # Stored and sent as plain text; the console renders it with textContent (see browser tests).
    assert answer["response"]["note"] == "<script>alert('x')</script>"


def test_a_risky_note_flags_the_facilitators_only(console, live_session, join):
    writer, other = join(live_session, "Writer"), join(live_session, "Other")
    round_id = open_round(console)
    ack = submit(writer, round_id, mood=2, note="i want to end my life", note_shared=True)
    assert ack == {"ok": True, "client_id": "phone-answer-1", "held": True}
    [flag] = received(console, FACILITATOR_NS, "safety_flagged")
    assert flag["text"] == "i want to end my life"
    assert flag["name"] == "Writer"
    assert other.events("safety_flagged") == [] and writer.events("safety_flagged") == []
