"""Sessions with a group pulse, built through the services, and helpers to answer it."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from facilitator.extensions import db
from facilitator.pulse import services
from facilitator.pulse.models import QUESTION_KEYS
from facilitator.sessions import services as session_services
from facilitator.sessions.models import LiveSession

FIRST_WEEK = datetime(2026, 1, 6, 18, 0)


def everything(value: int) -> dict:
    """The same answer to every question."""
    return dict.fromkeys(QUESTION_KEYS, value)


def pulse_session(facilitator, group, week: int, answers: list[dict], *, others: int = 0) -> LiveSession:
    """A session of week `week` where one person per entry of `answers` answers the pulse (and
    `others` more take part without answering), then ended through the services."""
    live_session = session_services.create_session(
        facilitator, group, title=f"Week {week}", waiting_room=False
    )
    for number, scores in enumerate(answers, 1):
        participant = session_services.join_session(live_session, f"Answerer {number}")
        services.record_pulse(participant, live_session, scores)
    for number in range(1, others + 1):
        session_services.join_session(live_session, f"Quiet {number}")
    live_session.started_at = FIRST_WEEK + timedelta(weeks=week - 1)
    session_services.end_session(facilitator, live_session)
    db.session.commit()
    return live_session


def pulse_weeks(facilitator, group, values: list[int | None], people: int = 3) -> list[LiveSession]:
    """One session a week; each week everyone gives every question `value` (None: nobody answers)."""
    return [
        pulse_session(facilitator, group, week, [] if value is None else [everything(value)] * people)
        for week, value in enumerate(values, 1)
    ]


@pytest.fixture
def dip(facilitator, group) -> list[LiveSession]:
    """Four steady weeks (8, 8, 7, 8) and a fifth well below them (5): worked out by hand, the
    baseline is 7.75 with a standard deviation of 0.5, so "usual" goes down to 6.75."""
    return pulse_weeks(facilitator, group, [8, 8, 7, 8, 5])
