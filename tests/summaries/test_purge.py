"""The retention purge: written words go after the group's period, the summary's figures stay."""

from datetime import timedelta

import pytest

from facilitator.checkins.models import CheckInAnswer
from facilitator.extensions import db
from facilitator.safety.models import SafetyFlag
from facilitator.summaries import purge
from facilitator.summaries.models import SessionSummary

from .conftest import WEEK_12, build_session


@pytest.fixture
def kept_30_days(group):
    group.retention_days = 30
    db.session.commit()
    return group


def written_words(live_session) -> dict:
    notes = db.session.scalars(db.select(CheckInAnswer.note).where(CheckInAnswer.note.is_not(None))).all()
    flags = db.session.scalars(
        db.select(SafetyFlag.text).where(SafetyFlag.live_session_id == live_session.id)
    )
    return {"notes": notes, "flags": [text for text in flags if text]}


def test_words_go_after_the_retention_period_and_the_figures_stay(kept_30_days, week_12, facilitator):
    summary = db.session.get(SessionSummary, week_12.id)
    summary.notes = "Call Bo on Friday"
    db.session.commit()
    figures_before = summary.data
    assert written_words(week_12) == {"notes": ["Rough week"], "flags": ["I can't go on like this"] * 2}

    (report,) = purge.purge_past_retention(week_12.ended_at + timedelta(days=31))
    assert report.sessions == 1
    assert report.removed == {
        "check-in notes": 1,
        "safety flag texts": 2,
        "facilitators' notes": 1,
        "support messages": 0,
        "win texts": 0,
        "pulse answers": 0,
        "next small steps": 0,
        "speaking-queue turns": 0,
    }
    assert report.describe() == (
        "Tuesday Recovery Circle: 1 session ended more than 30 days ago; "
        "removed 1 facilitators' notes, 1 check-in notes, 2 safety flag texts."
    )
    db.session.expire_all()
    assert written_words(week_12) == {"notes": [], "flags": []}
    summary = db.session.get(SessionSummary, week_12.id)
    assert summary.notes is None
    assert summary.data == figures_before
    moods = db.session.scalars(db.select(CheckInAnswer.mood).where(CheckInAnswer.mood.is_not(None))).all()
    assert sorted(moods) == [3, 4, 5, 5, 6, 6, 7]  # moods stay: only words go


def test_running_it_again_removes_nothing_more(kept_30_days, week_12):
    later = week_12.ended_at + timedelta(days=31)
    purge.purge_past_retention(later)
    (again,) = purge.purge_past_retention(later)
    assert set(again.removed.values()) == {0}
    assert again.describe().endswith("; nothing left to remove.")


def test_sessions_within_the_period_and_groups_without_one_are_left_alone(
    kept_30_days, week_12, facilitator, make_group
):
    keeps_everything = make_group(facilitator, "Open Circle")
    other = build_session(facilitator, keeps_everything, WEEK_12)
    (report,) = purge.purge_past_retention(week_12.ended_at + timedelta(days=29))
    assert report.sessions == 0 and report.removed == {}
    purge.purge_past_retention(week_12.ended_at + timedelta(days=3650))
    assert written_words(other)["flags"] == ["I can't go on like this"] * 2


def test_a_session_without_a_summary_gets_one_before_its_words_go(kept_30_days, week_12):
    db.session.delete(db.session.get(SessionSummary, week_12.id))
    db.session.commit()
    purge.purge_past_retention(week_12.ended_at + timedelta(days=31))
    summary = db.session.get(SessionSummary, week_12.id)
    assert summary.data["checkins"]["check_in"]["notes"] == 1  # counted before the note went


def test_other_capabilities_add_their_words_to_the_purge(app, kept_30_days, week_12):
    seen = []

    def purge_other_words(group, live_session_ids):
        seen.append((group.id, live_session_ids, group.purge_win_texts))
        return 0

    purge.add_purge_step(app, purge.PurgeStep("other words", purge_other_words))
    (report,) = purge.purge_past_retention(week_12.ended_at + timedelta(days=31))
    assert seen == [(kept_30_days.id, [week_12.id], False)]
    assert report.removed["other words"] == 0


def test_the_purge_command_reports_and_is_safe_to_rerun(runner, kept_30_days, week_12):
    first = runner.invoke(args=["purge"])
    assert first.exit_code == 0, first.output
    assert "removed 1 check-in notes, 2 safety flag texts." in first.output
    second = runner.invoke(args=["purge"])
    assert second.exit_code == 0
    assert "nothing left to remove." in second.output


def test_the_purge_command_without_any_retention_period(runner, week_12):
    result = runner.invoke(args=["purge"])
    assert result.exit_code == 0
    assert result.output == "No group has a retention period, so nothing was removed.\n"
