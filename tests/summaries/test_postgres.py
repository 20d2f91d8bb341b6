"""Summaries, the idle scan and the purge on PostgreSQL: the same SQL as on SQLite."""

from datetime import timedelta

import pytest

from facilitator.clock import utcnow
from facilitator.extensions import db
from facilitator.sessions import services as sessions
from facilitator.summaries import idle, purge
from facilitator.summaries.models import SessionSummary

from ..conftest import lead_and_group
from .conftest import WEEK_12, WEEK_12_FIGURES, build_session

pytestmark = pytest.mark.postgres


def test_summary_idle_end_and_purge_on_postgresql(pg_app):
    lead, group = lead_and_group(min_aggregate_size=3)
    week_12 = build_session(lead, group, WEEK_12)
    checkins = db.session.get(SessionSummary, week_12.id).data["checkins"]
    assert checkins["shift"] == WEEK_12_FIGURES["shift"]
    assert checkins["people"] == WEEK_12_FIGURES["people"]

    left_open = sessions.create_session(lead, group, title="Left open", waiting_room=False)
    left_open.started_at = left_open.last_activity_at = utcnow() - timedelta(hours=3)
    db.session.commit()
    assert idle.end_idle_sessions(utcnow()) == [left_open]
    assert db.session.get(SessionSummary, left_open.id).data["session"]["ended_by_itself"] is True

    group.retention_days = 30
    db.session.commit()
    (report,) = purge.purge_past_retention(week_12.ended_at + timedelta(days=31))
    assert report.removed == {
        "check-in notes": 1,
        "safety flag texts": 2,
        "facilitators' notes": 0,
        "support messages": 0,
        "win texts": 0,
        "pulse answers": 0,
        "next small steps": 0,
        "speaking-queue turns": 0,
    }
