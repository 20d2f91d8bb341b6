"""Check-in rounds at the service level: answers, passes, changes, privacy of aggregates."""

import pytest

from facilitator.checkins import services
from facilitator.checkins.models import CheckInAnswer
from facilitator.errors import Invalid
from facilitator.extensions import db
from facilitator.sessions import services as session_services


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


def test_an_answer_can_change_until_the_round_closes(live_session, facilitator, people):
    checkin_round = open_round(live_session, facilitator)
    answer(people[0], live_session, checkin_round.id, mood=3)
    answer(people[0], live_session, checkin_round.id, client_id="client-0002", mood=6)
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


def test_anonymous_rounds_store_no_participant_link(live_session, facilitator, people):
    checkin_round = open_round(live_session, facilitator, anonymous=True)
    for person, mood in zip(people[:3], (2, 5, 8), strict=True):
        answer(person, live_session, checkin_round.id, mood=mood, note=f"note from {person.display_name}")
    stored = db.session.scalars(db.select(CheckInAnswer)).all()
    assert all(row.participant_id is None for row in stored)
    assert all(row.answered_at.second == 0 for row in stored)  # times rounded to the minute
    summary = services.console_summary(live_session, checkin_round)
    assert {r["name"] for r in summary["responses"]} == {None}
    # Each person can still see and change their own answer while the session is live.
    assert services.own_answer(live_session, checkin_round, people[1])["mood"] == 5


def test_anonymous_round_hides_details_below_the_minimum(live_session, facilitator, people):
    checkin_round = open_round(live_session, facilitator, anonymous=True)
    answer(people[0], live_session, checkin_round.id, mood=2, note="hard day")
    answer(people[1], live_session, checkin_round.id, mood=8)
    summary = services.console_summary(live_session, checkin_round)
    assert summary["too_few"] is True
    assert "mood" not in summary and "responses" not in summary
    assert summary["answered"] == 2
    answer(people[2], live_session, checkin_round.id, mood=5)
    assert services.console_summary(live_session, checkin_round)["too_few"] is False


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
    from facilitator.support.models import SafetyFlag

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
