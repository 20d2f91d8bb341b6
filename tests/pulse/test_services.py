"""The pulse's rules: answers, the aggregate and the group's minimum, the drop rule on series worked
out by hand, and answering after the end with a ticket."""

from datetime import timedelta

import pytest

from facilitator.clock import utcnow
from facilitator.errors import Invalid, NotAllowed, NotFound
from facilitator.extensions import db
from facilitator.pulse import services
from facilitator.pulse.models import QUESTION_KEYS, PulseResponse, PulseTicket
from facilitator.pulse.summary import count_late_answers
from facilitator.sessions import services as session_services
from facilitator.summaries.models import SessionSummary
from facilitator.summaries.services import PULSE_QUESTION_KEYS

from .conftest import everything, pulse_session, pulse_weeks

# --- answers ---------------------------------------------------------------------------------------


def test_the_summaries_know_the_questions_in_their_order():
    assert PULSE_QUESTION_KEYS == QUESTION_KEYS == ("heard", "mattered", "fit", "overall")


@pytest.mark.parametrize(
    ("scores", "message"),
    [
        ({}, "Skipping is always fine"),
        (dict.fromkeys(QUESTION_KEYS), "Skipping is always fine"),
        ({"heard": 11}, "from 0 to 10"),
        ({"heard": -1}, "from 0 to 10"),
        ({"heard": True}, "from 0 to 10"),
        ({"heard": "7"}, "from 0 to 10"),
        ({"heard": 7.5}, "from 0 to 10"),
        ({"mood": 7}, "We don't know the question"),
    ],
)
def test_answers_are_whole_numbers_from_0_to_10_and_at_least_one(scores, message):
    with pytest.raises(Invalid, match=message):
        services.clean_scores(scores)


def test_each_question_may_be_skipped():
    assert services.clean_scores({"fit": 0, "overall": 10}) == {
        "heard": None,
        "mattered": None,
        "fit": 0,
        "overall": 10,
    }


def test_one_answer_per_person_changeable_while_live(live_session):
    ana = session_services.join_session(live_session, "Ana")
    first = services.record_pulse(ana, live_session, {"heard": 6})
    assert (first.new, first.changed) == (True, True)
    again = services.record_pulse(ana, live_session, {"heard": 6})
    assert (again.new, again.changed) == (False, False)
    changed = services.record_pulse(ana, live_session, {"heard": 8, "overall": 7})
    assert (changed.new, changed.changed) == (False, True)
    db.session.commit()
    assert db.session.scalar(db.select(db.func.count(PulseResponse.id))) == 1
    assert services.own_pulse(live_session, ana) == {"heard": 8, "mattered": None, "fit": None, "overall": 7}
    bo = session_services.join_session(live_session, "Bo")
    assert services.own_pulse(live_session, bo) is None
    assert services.answered_count(live_session.id) == 1


# --- the aggregate and the minimum ---------------------------------------------------------------


def test_averages_per_question_and_the_session_score(live_session):
    for name, scores in (
        ("Ana", {"heard": 8, "mattered": 6, "fit": 7, "overall": 9}),
        ("Bo", {"heard": 6, "mattered": 5, "fit": None, "overall": 7}),
        ("Cy", {"heard": 9, "mattered": 7, "fit": 4, "overall": 8}),
    ):
        services.record_pulse(session_services.join_session(live_session, name), live_session, scores)
    tally = services.tally(live_session)
    # By hand: heard (8+6+9)/3 = 7.7, mattered 6.0, overall 8.0; fit only 2 answered, under the
    # group's minimum of 3: not shown. The score: (7.67 + 6.0 + 8.0) / 3 rounded = 7.23.
    assert tally == {
        "answered": 3,
        "minimum": 3,
        "too_few": False,
        "questions": {
            "heard": {"answered": 3, "mean": 7.7},
            "mattered": {"answered": 3, "mean": 6.0},
            "fit": {"answered": 2, "mean": None},
            "overall": {"answered": 3, "mean": 8.0},
        },
        "score": 7.23,
    }


def test_below_the_group_minimum_only_the_count(live_session, group):
    for name in ("Ana", "Bo"):
        services.record_pulse(session_services.join_session(live_session, name), live_session, everything(2))
    tally = services.tally(live_session)
    assert (tally["answered"], tally["too_few"], tally["score"]) == (2, True, None)
    assert all(entry["mean"] is None for entry in tally["questions"].values())
    # A group that set its minimum to 2 sees them.
    group.min_aggregate_size = 2
    assert services.tally(live_session)["score"] == 2.0


def test_the_summary_keeps_the_aggregate_and_never_an_answer(facilitator, group):
    live_session = pulse_session(facilitator, group, 1, [everything(9), everything(7), {"heard": 5}])
    section = db.session.get(SessionSummary, live_session.id).data["pulse"]
    assert section["answered"] == 3
    assert section["questions"]["heard"] == {"answered": 3, "mean": 7.0}
    assert section["questions"]["overall"] == {"answered": 2, "mean": None}
    assert section["score"] == 7.0
    assert section["labels"]["heard"] == "Listened to"


# --- the drop rule, by hand ----------------------------------------------------------------------

STEADY = dict.fromkeys(QUESTION_KEYS, 7.0)


def test_without_three_earlier_sessions_only_the_cut_off_applies():
    check = services.check_drop(3.0, STEADY, [8.0, 7.5])
    assert (check.baseline, check.spread, check.baseline_sessions, check.is_drop) == (None, None, 2, False)
    low = services.check_drop(6.0, {**STEADY, "mattered": 4.5}, [])
    assert (low.is_drop, low.below_baseline, low.low_questions) == (True, False, ("mattered",))


def test_more_than_one_standard_deviation_below_the_baseline():
    # [7, 8, 9]: mean 8.0, sample standard deviation 1.0, so usual goes down to 7.0.
    check = services.check_drop(6.9, STEADY, [7.0, 8.0, 9.0])
    assert (check.baseline, check.spread, check.usual_low, check.below_baseline) == (8.0, 1.0, 7.0, True)
    assert services.check_drop(7.0, STEADY, [7.0, 8.0, 9.0]).is_drop is False  # exactly at the edge


def test_only_the_last_five_sessions_make_the_baseline():
    # The old 2.0 is left out: [8, 8, 8, 8, 8] has mean 8.0 and no spread, so a drop needs a whole
    # point (MIN_DROP): 6.9 is one, 7.5 is not. (With the 2.0, the mean would be 7.0 and 6.9 usual.)
    earlier = [2.0, 8.0, 8.0, 8.0, 8.0, 8.0]
    dropped = services.check_drop(6.9, STEADY, earlier)
    assert (dropped.baseline, dropped.spread, dropped.baseline_sessions, dropped.is_drop) == (
        8.0,
        0.0,
        5,
        True,
    )
    assert services.check_drop(7.5, STEADY, earlier).is_drop is False


def test_a_group_that_varies_a_lot_needs_a_bigger_fall():
    # [5, 9, 7, 5, 9]: mean 7.0; squared deviations 4+4+0+4+4 = 16, / 4 = 4, so the deviation is 2.0.
    earlier = [5.0, 9.0, 7.0, 5.0, 9.0]
    assert services.check_drop(5.5, {**STEADY, "overall": 5.0}, earlier).is_drop is False
    check = services.check_drop(4.9, {**STEADY, "overall": 5.0}, earlier)
    assert (check.baseline, check.spread, check.usual_low, check.is_drop) == (7.0, 2.0, 5.0, True)


def test_any_question_below_5_is_low():
    check = services.check_drop(7.2, {**STEADY, "heard": 4.9, "fit": 5.0}, [7.0, 7.5, 7.2])
    assert (check.below_baseline, check.low_questions, check.is_drop) == (False, ("heard",), True)


def test_no_pulse_no_alert():
    assert services.check_drop(None, dict.fromkeys(QUESTION_KEYS), [8.0, 8.0, 8.0]).is_drop is False


# --- the group's history and its latest alert ----------------------------------------------------


def test_the_latest_session_with_a_pulse_drops_below_the_groups_own_recent_weeks(dip, group):
    alert = services.latest_drop(group)
    assert alert is not None and alert.point.live_session_id == dip[-1].id
    assert (alert.check.score, alert.check.baseline, alert.check.spread) == (5.0, 7.75, 0.5)
    assert (alert.check.usual_low, alert.check.below_baseline, alert.low_questions) == (6.75, True, [])
    # Each earlier week was usual (or had too little history).
    assert all(services.drop_for_session(week) is None for week in dip[:-1])
    assert services.drop_for_session(dip[-1]) == alert


def test_sessions_with_too_few_answers_are_left_out_of_the_history(facilitator, group):
    weeks = pulse_weeks(facilitator, group, [8, 8, None, 8])
    pulse_session(facilitator, group, 5, [everything(1), everything(1)])  # two: under the minimum
    assert [point.live_session_id for point in services.pulse_history(group)] == [
        weeks[0].id,
        weeks[1].id,
        weeks[3].id,
    ]
    assert services.latest_drop(group) is None  # the last one with a pulse was usual


def test_a_later_usual_session_clears_the_alert(dip, facilitator, group):
    pulse_session(facilitator, group, 6, [everything(8)] * 3)
    assert services.latest_drop(group) is None


# --- answering after the end ---------------------------------------------------------------------


def test_tickets_for_those_who_had_not_answered_and_keys_destroyed(facilitator, live_session):
    ana, bo, cy = (session_services.join_session(live_session, name) for name in ("Ana", "Bo", "Cy"))
    waiting_room_only = session_services.join_session(live_session, "Dee")
    waiting_room_only.status = "waiting"
    services.record_pulse(ana, live_session, everything(7))
    key = services.ensure_pulse(live_session).pulse_key
    tickets = {name: services.ticket_for(key, p.id) for name, p in (("Ana", ana), ("Bo", bo), ("Cy", cy))}
    session_services.leave_session(cy)  # who left early may still answer
    session_services.end_session(facilitator, live_session)
    db.session.commit()

    stored = set(db.session.scalars(db.select(PulseTicket.ticket_hash)))
    assert stored == {services.ticket_hash(tickets["Bo"]), services.ticket_hash(tickets["Cy"])}
    assert services.session_pulse(live_session).pulse_key is None
    assert db.session.scalars(db.select(PulseResponse.respondent_key)).all() == [None]


def ended_with_tickets(facilitator, live_session, names=("Ana", "Bo", "Cy")):
    people = [session_services.join_session(live_session, name) for name in names]
    key = services.ensure_pulse(live_session).pulse_key
    tickets = [services.ticket_for(key, person.id) for person in people]
    session_services.end_session(facilitator, live_session)
    db.session.commit()
    return tickets


def late(live_session, ticket, client_id="late-answer-1", scores=None, now=None):
    return services.record_late_pulse(
        live_session,
        ticket=ticket,
        client_id=client_id,
        scores=scores or everything(4),
        now=now or utcnow(),
    )


def test_a_late_answer_is_taken_once_with_its_ticket(facilitator, live_session):
    ana, bo, _cy = ended_with_tickets(facilitator, live_session)
    assert late(live_session, ana) is True
    assert late(live_session, ana) is False  # the same answer sent again: already stored
    with pytest.raises(NotFound, match="may have answered already"):
        late(live_session, ana, client_id="another-answer")
    with pytest.raises(NotFound):
        late(live_session, "0" * 64)
    with pytest.raises(Invalid):
        late(live_session, bo, client_id="bo-answer-1", scores={"heard": 12})
    db.session.commit()
    rows = db.session.scalars(db.select(PulseResponse)).all()
    assert len(rows) == 1 and rows[0].respondent_key is None
    assert rows[0].release_at == live_session.ended_at + timedelta(hours=24)


def test_late_answers_only_after_the_end_and_before_the_time_is_up(facilitator, live_session):
    with pytest.raises(NotAllowed, match="still on"):
        late(live_session, "0" * 64)
    (ana,) = ended_with_tickets(facilitator, live_session, ("Ana",))
    with pytest.raises(NotAllowed, match="time for answering has passed"):
        late(live_session, ana, now=live_session.ended_at + timedelta(hours=24))


def test_late_answers_join_the_figures_together_when_the_time_is_up(facilitator, group, live_session):
    tickets = ended_with_tickets(facilitator, live_session)
    for number, ticket in enumerate(tickets):
        late(live_session, ticket, client_id=f"late-answer-{number}", scores=everything(6 + number))
    db.session.commit()
    summary = db.session.get(SessionSummary, live_session.id)
    assert summary.data["pulse"]["answered"] == 0  # not before the time is up
    assert count_late_answers(live_session.ended_at + timedelta(hours=23)) == []
    assert count_late_answers(live_session.ended_at + timedelta(hours=24)) == [live_session.id]
    db.session.expire_all()
    section = db.session.get(SessionSummary, live_session.id).data["pulse"]
    assert (section["answered"], section["score"]) == (3, 7.0)
    assert db.session.scalar(db.select(db.func.count(PulseTicket.id))) == 0  # tickets gone too
    assert count_late_answers(live_session.ended_at + timedelta(hours=25)) == []  # nothing twice
