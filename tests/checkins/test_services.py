"""Check-in rounds at the service level: answers, passes, changes, privacy of aggregates,
and the batches in which anonymous answers reach the console."""

from datetime import datetime, timedelta

import pytest

from facilitator.checkins import services
from facilitator.checkins.models import CheckInAnswer
from facilitator.checkins.summary import checkins_summary
from facilitator.clock import utcnow
from facilitator.errors import Invalid
from facilitator.extensions import db
from facilitator.sessions import services as session_services

from .conftest import BATCH_SECONDS, after_the_slot


@pytest.fixture
def people(live_session):
    names = ("Ana", "Bo", "Cy", "Di")
    found = [session_services.join_session(live_session, name) for name in names]
    db.session.commit()
    return found


def answer(participant, live_session, round_id, client_id="client-0001", **content):
    recorded = services.record_answer(participant, live_session, round_id, client_id=client_id, **content)
    db.session.commit()
    return recorded.answer


def open_round(live_session, facilitator, anonymous=False, kind="checkin"):
    checkin_round = services.open_round(facilitator, live_session, kind, "", anonymous)
    db.session.commit()
    return checkin_round


def slot_ends(checkin_round) -> bool:
    """What the timer does at the end of the current slot (and a bit): release the batch."""
    released = services.release_due_answers(checkin_round, now=after_the_slot())
    db.session.commit()
    return released


def shown(live_session, checkin_round) -> tuple[int, int, int]:
    summary = services.console_summary(live_session, checkin_round)
    return summary["answered"], summary["passed"], summary["waiting"]


def test_a_round_uses_a_default_prompt_and_only_one_is_open(live_session, facilitator):
    checkin_round = open_round(live_session, facilitator)
    assert checkin_round.prompt == "How are you arriving today?"
    with pytest.raises(Invalid, match="already open"):
        services.open_round(facilitator, live_session, "checkout", "", False)


def test_answers_passes_and_waiting_are_counted(live_session, facilitator, people):
    checkin_round = open_round(live_session, facilitator)
    answer(
        people[0], live_session, checkin_round.id, mood=7, feelings=["hopeful", "tired"], note="Slept well"
    )
    answer(people[1], live_session, checkin_round.id, mood=4, feelings=["tired"])
    answer(people[2], live_session, checkin_round.id, passed=True)
    summary = services.console_summary(live_session, checkin_round)
    assert (summary["answered"], summary["passed"], summary["waiting"]) == (2, 1, 1)
    assert summary["mood"] == {"distribution": [0, 0, 0, 1, 0, 0, 1, 0, 0, 0], "average": 5.5, "median": 5.5}
    assert summary["feelings"] == [["tired", 2], ["hopeful", 1]]
    assert [(r["name"], r["note"]) for r in summary["responses"]] == [
        ("Ana", "Slept well"),
        ("Bo", None),
        ("Cy", None),
    ]


@pytest.mark.parametrize("anonymous", [False, True])
def test_an_answer_can_change_until_the_round_closes(live_session, facilitator, people, anonymous):
    checkin_round = open_round(live_session, facilitator, anonymous=anonymous)
    answer(people[0], live_session, checkin_round.id, mood=3)
    slot_ends(checkin_round)
    answer(people[0], live_session, checkin_round.id, client_id="client-0002", mood=6)
    slot_ends(checkin_round)
    assert db.session.scalars(db.select(CheckInAnswer)).one().mood == 6
    services.close_round(facilitator, live_session, checkin_round.id)
    with pytest.raises(Invalid, match="round has closed"):
        answer(people[0], live_session, checkin_round.id, client_id="client-0003", mood=9)


def test_a_resend_is_the_same_answer(live_session, facilitator, people):
    checkin_round = open_round(live_session, facilitator)
    _, first, changed, _ = services.record_answer(
        people[0], live_session, checkin_round.id, client_id="same-id-1", mood=5
    )
    _, again, changed_again, _ = services.record_answer(
        people[0], live_session, checkin_round.id, client_id="same-id-1", mood=5
    )
    assert changed and not changed_again
    assert first.id == again.id
    # Even after the round closed, a resend of an answer already stored is acknowledged.
    services.close_round(facilitator, live_session, checkin_round.id)
    _, _, late, _ = services.record_answer(
        people[0], live_session, checkin_round.id, client_id="same-id-1", mood=5
    )
    assert late is False


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ({}, "press Pass"),
        ({"passed": True, "mood": 4}, "just the pass"),
        ({"mood": 11}, "from 1 to 10"),
        ({"feelings": ["sad", "tired", "calm", "lonely"]}, "up to 3"),
        ({"feelings": ["<b>bold</b>"]}, "pick from the list"),
        ({"note": "x" * 501}, "500 characters"),
        ({"note": "   "}, "press Pass"),
    ],
)
def test_bad_answers_are_refused_and_nothing_is_written(live_session, facilitator, people, content, message):
    checkin_round = open_round(live_session, facilitator)
    with pytest.raises(Invalid, match=message):
        services.record_answer(people[0], live_session, checkin_round.id, client_id="client-bad", **content)
    db.session.rollback()
    assert db.session.scalar(db.select(db.func.count(CheckInAnswer.id))) == 0


def test_anonymous_rounds_store_no_participant_link_and_no_arrival_time(live_session, facilitator, people):
    checkin_round = open_round(live_session, facilitator, anonymous=True)
    before = utcnow()
    for person, mood in zip(people[:3], (2, 5, 8), strict=True):
        answer(person, live_session, checkin_round.id, mood=mood, note=f"note from {person.display_name}")
    after = utcnow()
    stored = db.session.scalars(db.select(CheckInAnswer)).all()
    assert all(row.participant_id is None for row in stored)
    # No time finer than the batch: every answer carries the minute the round opened, and its slot.
    opened_minute = checkin_round.opened_at.replace(second=0, microsecond=0)
    assert {row.answered_at for row in stored} == {opened_minute}
    for slot in (row.release_at for row in stored):
        assert (slot - datetime(2000, 1, 1)).total_seconds() % BATCH_SECONDS == 0
        assert before < slot <= after + timedelta(seconds=BATCH_SECONDS)
    slot_ends(checkin_round)
    summary = services.console_summary(live_session, checkin_round)
    assert {r["name"] for r in summary["responses"]} == {None}
    assert all(row.release_at is None for row in stored)  # once shown, not even the slot is kept
    # Each person can still see and change their own answer while the session is live.
    assert services.own_answer(live_session, checkin_round, people[1])["mood"] == 5


def test_answer_ids_are_random_strings_in_every_round(live_session, facilitator, people):
    ids = []
    for anonymous in (False, True):
        checkin_round = open_round(live_session, facilitator, anonymous=anonymous)
        for number, person in enumerate(people):
            ids.append(answer(person, live_session, checkin_round.id, f"client-{number:04d}", mood=5).id)
        services.close_round(facilitator, live_session, checkin_round.id)
        db.session.commit()
    assert all(isinstance(answer_id, str) and not answer_id.isdigit() for answer_id in ids)
    assert len(set(ids)) == len(ids) and sorted(ids) != ids


def test_anonymous_answers_reach_the_console_when_their_slot_ends(live_session, facilitator, people):
    checkin_round = open_round(live_session, facilitator, anonymous=True)
    answer(people[0], live_session, checkin_round.id, mood=2, note="hard day")
    answer(people[1], live_session, checkin_round.id, passed=True)
    answer(people[2], live_session, checkin_round.id, mood=8)
    # Nothing moves on the console the moment someone taps, not even "waiting".
    assert shown(live_session, checkin_round) == (0, 0, 4)
    assert services.round_responses(checkin_round) == []
    assert services.release_due_answers(checkin_round) is False  # the slot has not ended
    assert slot_ends(checkin_round) is True
    assert shown(live_session, checkin_round) == (2, 1, 1)
    # Claimed: a second release (another worker, a late timer) finds nothing.
    assert slot_ends(checkin_round) is False


@pytest.mark.parametrize(
    ("now", "seconds", "slot_end"),
    [
        (datetime(2025, 5, 1, 18, 0, 0), 15, datetime(2025, 5, 1, 18, 0, 15)),
        (datetime(2025, 5, 1, 18, 0, 14, 999999), 15, datetime(2025, 5, 1, 18, 0, 15)),
        (datetime(2025, 5, 1, 18, 0, 15), 15, datetime(2025, 5, 1, 18, 0, 30)),
        (datetime(2025, 5, 1, 18, 0, 59), 15, datetime(2025, 5, 1, 18, 1, 0)),
        (datetime(2025, 5, 1, 18, 0, 7), 60, datetime(2025, 5, 1, 18, 1, 0)),
    ],
)
def test_an_answer_is_shown_at_the_end_of_its_slot(now, seconds, slot_end):
    assert services.batch_slot_end(now, seconds) == slot_end


def test_a_changed_anonymous_answer_moves_the_console_only_with_its_batch(live_session, facilitator, people):
    checkin_round = open_round(live_session, facilitator, anonymous=True)
    for number, person in enumerate(people[:3]):
        answer(person, live_session, checkin_round.id, f"client-{number:04d}", mood=5)
    slot_ends(checkin_round)
    before = {r["id"] for r in services.round_responses(checkin_round)}
    answer(people[0], live_session, checkin_round.id, "client-0010", passed=True)
    # The console still counts the answer it saw; the person sees their new one.
    assert shown(live_session, checkin_round) == (3, 0, 1)
    assert services.own_answer(live_session, checkin_round, people[0])["passed"] is True
    # Changing it again before the batch is released rewrites the waiting version.
    answer(people[0], live_session, checkin_round.id, "client-0011", mood=9)
    assert db.session.scalar(db.select(db.func.count(CheckInAnswer.id))) == 4
    slot_ends(checkin_round)
    summary = services.console_summary(live_session, checkin_round)
    assert (summary["answered"], summary["mood"]["distribution"][8]) == (3, 1)
    after = {r["id"] for r in summary["responses"]}
    # The changed answer is a new row with a new id; the version it replaced is gone.
    assert len(before - after) == 1 and len(after - before) == 1
    assert db.session.scalar(db.select(db.func.count(CheckInAnswer.id))) == 3


def test_closing_an_anonymous_round_releases_every_answer(live_session, facilitator, people):
    checkin_round = open_round(live_session, facilitator, anonymous=True)
    for number, person in enumerate(people[:3]):
        answer(person, live_session, checkin_round.id, f"client-{number:04d}", mood=4 + number)
    slot_ends(checkin_round)
    answer(people[0], live_session, checkin_round.id, "client-0010", mood=9)
    answer(people[3], live_session, checkin_round.id, "client-0011", passed=True)
    services.close_round(facilitator, live_session, checkin_round.id)
    db.session.commit()
    assert shown(live_session, checkin_round) == (3, 1, 0)
    assert sorted(r["mood"] or 0 for r in services.round_responses(checkin_round)) == [0, 5, 6, 9]
    rows = db.session.scalars(db.select(CheckInAnswer)).all()
    assert [(row.release_at, row.replaced_by_id) for row in rows] == [(None, None)] * 4


def test_anonymous_round_hides_details_below_the_minimum(live_session, facilitator, people):
    checkin_round = open_round(live_session, facilitator, anonymous=True)
    answer(people[0], live_session, checkin_round.id, mood=2, note="hard day")
    answer(people[1], live_session, checkin_round.id, mood=8)
    slot_ends(checkin_round)
    summary = services.console_summary(live_session, checkin_round)
    assert summary["too_few"] is True
    assert "mood" not in summary and "responses" not in summary
    assert summary["answered"] == 2
    answer(people[2], live_session, checkin_round.id, mood=5)
    # Only released answers count towards the minimum.
    assert services.console_summary(live_session, checkin_round)["too_few"] is True
    slot_ends(checkin_round)
    assert services.console_summary(live_session, checkin_round)["too_few"] is False


def test_named_answers_reach_the_console_at_once(live_session, facilitator, people):
    checkin_round = open_round(live_session, facilitator)
    answer(people[0], live_session, checkin_round.id, mood=6)
    assert shown(live_session, checkin_round) == (1, 0, 3)
    [stored] = db.session.scalars(db.select(CheckInAnswer)).all()
    assert (stored.participant_id, stored.release_at) == (people[0].id, None)


def test_the_summary_counts_every_latest_answer_of_a_round_left_open(live_session, facilitator, people):
    checkin_round = open_round(live_session, facilitator, anonymous=True)
    for number, person in enumerate(people[:3]):
        answer(person, live_session, checkin_round.id, f"client-{number:04d}", mood=5, note="a note")
    slot_ends(checkin_round)
    answer(people[0], live_session, checkin_round.id, "client-0010", mood=9, note="changed")
    answer(people[3], live_session, checkin_round.id, "client-0011", mood=1)
    session_services.end_session(facilitator, live_session)
    db.session.commit()
    [entry] = checkins_summary(live_session)["other_rounds"] or [checkins_summary(live_session)["check_in"]]
    assert (entry["answered"], entry["notes"]) == (4, 3)
    assert entry["mood"]["distribution"] == [1, 0, 0, 0, 2, 0, 0, 0, 1, 0]


def test_reveal_shows_only_aggregates_and_shared_notes(live_session, facilitator, people):
    checkin_round = open_round(live_session, facilitator)
    answer(people[0], live_session, checkin_round.id, mood=6, note="for the group", note_shared=True)
    answer(people[1], live_session, checkin_round.id, mood=4, note="private to the facilitator")
    answer(people[2], live_session, checkin_round.id, mood=5, feelings=["calm"])
    services.reveal_round(facilitator, live_session, checkin_round.id)
    reveal = services.group_aggregate(live_session, checkin_round)
    assert not checkin_round.is_open
    assert reveal["shared_notes"] == ["for the group"]
    assert reveal["mood"]["average"] == 5.0
    assert "Ana" not in str(reveal)
    assert "private to the facilitator" not in str(reveal)


def test_reveal_below_the_minimum_says_only_too_few(live_session, facilitator, people):
    checkin_round = open_round(live_session, facilitator)
    answer(people[0], live_session, checkin_round.id, mood=1)
    answer(people[1], live_session, checkin_round.id, passed=True)
    reveal = services.group_aggregate(live_session, checkin_round)
    assert reveal == {"round_id": checkin_round.id, "answered": 1, "too_few": True}


@pytest.mark.parametrize(
    ("distribution", "average", "median"),
    [
        ([0] * 10, None, None),
        ([0, 0, 1, 0, 0, 0, 1, 0, 0, 0], 5.0, 5.0),
        ([1, 0, 0, 0, 0, 0, 0, 0, 0, 2], 7.0, 10),
        ([0, 1, 1, 1, 0, 0, 0, 0, 0, 0], 3.0, 3),
    ],
)
def test_mood_statistics_from_a_distribution(distribution, average, median):
    assert services.mood_statistics(distribution) == {
        "distribution": distribution,
        "average": average,
        "median": median,
    }


def test_a_risky_note_is_held_from_the_group_and_flagged(live_session, facilitator, people):
    from facilitator.safety.models import SafetyFlag

    checkin_round = open_round(live_session, facilitator)
    recorded = services.record_answer(
        people[0],
        live_session,
        checkin_round.id,
        client_id="risky-0001",
        mood=2,
        note="Honestly I want to kill myself",
        note_shared=True,
    )
    db.session.commit()
    assert recorded.flag is not None
    assert recorded.answer.note_shared is False  # held from the group whatever was chosen
    flag = db.session.scalars(db.select(SafetyFlag)).one()
    assert (flag.participant_id, flag.source) == (people[0].id, "checkin_note")
    assert "suicide" in flag.categories


def test_a_harmless_note_is_shared_as_chosen(live_session, facilitator, people):
    checkin_round = open_round(live_session, facilitator)
    recorded = services.record_answer(
        people[0],
        live_session,
        checkin_round.id,
        client_id="gym-00001",
        mood=8,
        note="This workout is killing me but I love it",
        note_shared=True,
    )
    assert recorded.flag is None
    assert recorded.answer.note_shared is True


def test_a_risky_note_in_an_anonymous_round_flags_the_words_not_the_person(live_session, facilitator, people):
    checkin_round = open_round(live_session, facilitator, anonymous=True)
    recorded = services.record_answer(
        people[0],
        live_session,
        checkin_round.id,
        client_id="anon-00001",
        note="thinking about an overdose tonight",
    )
    assert recorded.flag.participant_id is None
