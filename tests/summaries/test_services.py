"""Session summaries at the service level: every figure against the hand-computed fixture."""

from datetime import datetime, timedelta

import pytest

from facilitator.audit.models import AuditEntry
from facilitator.checkins import services as checkin_services
from facilitator.errors import Invalid, NotFound
from facilitator.extensions import db
from facilitator.sessions import services as session_services
from facilitator.summaries import services
from facilitator.summaries.models import SessionSummary

from .conftest import FOUR_WEEKS_TREND, WEEK_12_FIGURES, build_session, weekly_plan


def summary_of(live_session) -> dict:
    return db.session.get(SessionSummary, live_session.id).data


def test_the_session_and_its_duration(week_12, group):
    session = summary_of(week_12)["session"]
    assert session == {
        "id": week_12.id,
        "title": "Week 12",
        "group_id": group.id,
        "group_name": group.name,
        "started_at": "2026-03-03T18:00:00Z",
        "ended_at": "2026-03-03T19:30:00Z",
        "duration_minutes": WEEK_12_FIGURES["duration_minutes"],
        "ended_by_itself": False,
    }


def test_attendance_counts_joins_the_most_at_once_and_early_leavers(week_12):
    attendance = summary_of(week_12)["attendance"]
    assert {key: attendance[key] for key in WEEK_12_FIGURES["attendance"]} == WEEK_12_FIGURES["attendance"]
    assert {p["name"]: p["minutes"] for p in attendance["people"]} == WEEK_12_FIGURES["minutes"]
    assert [p["status"] for p in attendance["people"]] == ["present", "left", "present", "removed", "present"]


def test_check_in_and_check_out_side_by_side(week_12):
    checkins = summary_of(week_12)["checkins"]
    for key in ("check_in", "check_out"):
        entry = checkins[key]
        assert {field: entry[field] for field in WEEK_12_FIGURES[key]} == WEEK_12_FIGURES[key]
        assert entry["too_few"] is False
    assert checkins["shift"] == WEEK_12_FIGURES["shift"]
    assert checkins["people"] == WEEK_12_FIGURES["people"]


def test_an_anonymous_round_with_too_few_answers_shows_counts_only(week_12):
    (other,) = summary_of(week_12)["checkins"]["other_rounds"]
    assert (other["kind"], other["anonymous"], other["answered"], other["too_few"]) == (
        "custom",
        True,
        2,
        True,
    )
    assert other["mood"] is None and other["feelings"] is None


def test_safety_flags_with_time_to_acknowledge(week_12):
    flags = summary_of(week_12)["safety_flags"]
    assert {key: flags[key] for key in WEEK_12_FIGURES["flags"]} == WEEK_12_FIGURES["flags"]
    assert [f["seconds_to_acknowledge"] for f in flags["flags"]] == [90, None]
    assert "can't go on" not in str(flags)  # where and when, never the words


def test_the_summary_holds_no_written_words(week_12):
    assert "Rough week" not in str(summary_of(week_12))


def test_no_per_person_change_when_a_round_was_anonymous(facilitator, group):
    plan = weekly_plan(1, [3, 4, 5], [5, 5, 6])
    plan.rounds[1].anonymous = True
    checkins = summary_of(build_session(facilitator, group, plan))["checkins"]
    assert checkins["people"] is None
    assert checkins["shift"] == {"average_in": 4.0, "average_out": 5.3, "change": 1.3, "direction": "up"}


def test_a_session_with_no_answers_at_all_still_has_a_summary(live_session, facilitator):
    session_services.end_session(facilitator, live_session)
    db.session.commit()
    data = summary_of(live_session)
    assert data["attendance"] == {
        "joined": 0,
        "most_at_once": 0,
        "left_early": 0,
        "removed": 0,
        "stayed": 0,
        "people": [],
    }
    assert data["checkins"] == {
        "check_in": None,
        "check_out": None,
        "shift": None,
        "people": None,
        "other_rounds": [],
    }
    assert data["safety_flags"]["count"] == 0
    assert data["safety_flags"]["median_seconds_to_acknowledge"] is None


def test_rounds_of_passes_only_have_no_averages(live_session, facilitator):
    ana = session_services.join_session(live_session, "Ana")
    opened = checkin_services.open_round(facilitator, live_session, "checkin", "", False)
    checkin_services.record_answer(ana, live_session, opened.id, client_id="answer-0001", passed=True)
    session_services.end_session(facilitator, live_session)
    db.session.commit()
    checkins = summary_of(live_session)["checkins"]
    assert checkins["check_in"]["mood"]["average"] is None
    assert checkins["shift"] is None
    assert checkins["people"] is None  # no check-out round to compare with


def test_ending_a_session_stores_its_summary_once(live_session, facilitator):
    session_services.end_session(facilitator, live_session)
    db.session.commit()
    stored = db.session.get(SessionSummary, live_session.id)
    assert stored.data["session"]["ended_by_itself"] is False
    assert services.ensure_summary(live_session) is stored


def test_a_session_ended_before_summaries_existed_gets_one_when_asked(live_session):
    live_session.end(datetime(2026, 1, 1, 19, 0))
    db.session.commit()
    assert db.session.get(SessionSummary, live_session.id) is None
    assert services.ended_summary(live_session).data["session"]["ended_at"] == "2026-01-01T19:00:00Z"


def test_a_live_session_has_no_summary_yet(live_session):
    with pytest.raises(Invalid, match="ready as soon as the session ends"):
        services.ended_summary(live_session)


@pytest.mark.parametrize(
    ("intervals", "expected"),
    [
        ([], 0),
        ([(0, 10)], 1),
        ([(0, 10), (10, 20)], 1),  # one leaves as the other arrives
        ([(0, 10), (5, 20), (6, 7)], 3),
        ([(0, 90), (2, 60), (5, 90), (40, 50), (65, 90)], 4),
    ],
)
def test_most_at_once(intervals, expected):
    start = datetime(2026, 1, 1)
    moments = [(start + timedelta(minutes=a), start + timedelta(minutes=b)) for a, b in intervals]
    assert services.most_at_once(moments) == expected


@pytest.mark.parametrize(
    ("values", "expected"),
    [
        ([], []),
        ([5.0], [5.0]),
        ([1, 2, 3, 4, 5], [1.5, 2.0, 3.0, 4.0, 4.5]),
        ([4.0, None, 6.0], [4.0, None, 6.0]),
        ([2, 8, 2, 8], [5.0, 4.0, 6.0, 5.0]),
    ],
)
def test_smoothing_is_a_centred_average_of_three(values, expected):
    assert services.smooth(values) == expected


def test_trend_across_sessions(four_weeks, group):
    trend = services.group_trend(group)
    points = trend["sessions"]
    assert [p["title"] for p in points] == ["Week 1", "Week 2", "Week 3", "Week 4"]
    assert [p["date"] for p in points][:2] == ["2026-01-06T18:00:00Z", "2026-01-13T18:00:00Z"]
    for key in ("check_in_average", "check_out_average", "joined"):
        assert [p[key] for p in points] == FOUR_WEEKS_TREND[key]
    assert trend["smoothed"] == FOUR_WEEKS_TREND["smoothed"]


def test_a_group_without_ended_sessions_has_an_empty_trend(group, live_session):
    assert services.group_trend(group) == {
        "sessions": [],
        "smoothed": {key: [] for key in services.TREND_SERIES},
    }


def test_notes_are_saved_audited_and_limited(week_12, facilitator):
    summary = services.ended_summary(week_12)
    services.save_notes(facilitator, summary, "  Bo seemed low; call before next week.  ")
    db.session.commit()
    assert summary.notes == "Bo seemed low; call before next week."
    entry = db.session.scalars(db.select(AuditEntry).where(AuditEntry.action == "summary.notes_saved")).one()
    assert "Bo seemed" not in str(entry.detail)
    with pytest.raises(Invalid, match="5,000 characters"):
        services.save_notes(facilitator, summary, "x" * 5001)
    services.save_notes(facilitator, summary, "   ")
    assert summary.notes is None


def test_the_take_home_link_is_its_own_token_and_expires(week_12):
    summary = services.ended_summary(week_12)
    assert summary.take_home_token != week_12.join_token
    assert services.find_take_home(summary.take_home_token) is summary
    with pytest.raises(NotFound):
        services.find_take_home("not-a-token")
    ended = week_12.ended_at
    services.check_take_home_open(summary, 7, ended + timedelta(days=7) - timedelta(seconds=1))
    with pytest.raises(services.LinkExpired, match="open for 7 days"):
        services.check_take_home_open(summary, 7, ended + timedelta(days=7))


def test_the_take_home_mood_shift_respects_the_groups_minimum(week_12, group):
    summary = services.ended_summary(week_12)
    # Three answered at check-in, two at check-out: below the minimum of 3, the check-out is hidden.
    assert services.group_mood_shift(summary) == {
        "average_in": 4.3,
        "average_out": None,
        "change": None,
        "direction": None,
        "asked": True,
    }
    group.min_aggregate_size = 2
    assert services.group_mood_shift(summary)["change"] == 1.7


def test_a_registered_part_is_computed_and_stored(app, live_session, facilitator):
    services.add_summary_part(app, services.SummaryPart("extra", "Extra", lambda _session: {"count": 2}))
    session_services.end_session(facilitator, live_session)
    db.session.commit()
    assert summary_of(live_session)["extra"] == {"count": 2}
