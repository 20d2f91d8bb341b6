"""The speaking queue's part of a session summary, and of the purge.

Counts and times only: by the time the summary is counted (as the session ends) the turns no
longer say whose they were, and the summary never names anyone.
"""

from __future__ import annotations

import statistics

from sqlalchemy import delete, func, select

from ..extensions import db
from ..groups.models import Group
from ..sessions.models import LiveSession
from ..summaries.purge import PurgeStep
from ..summaries.services import SummaryPart, seconds_between
from .models import ShareRound, ShareTurn, TurnStatus
from .services import session_turns


def _rows(section: dict) -> list[tuple[str, str]]:
    rows = [
        ("Shared", str(section["shared"])),
        ("Passed", str(section["passed"])),
        ("Took back their ask", str(section["taken_back"])),
        ("Not called", str(section["not_called"])),
        ("Go-rounds", str(section["go_rounds"])),
    ]
    if section["median_wait_seconds"] is not None:
        rows.append(("Median wait to be called", f"{section['median_wait_seconds']} s"))
        rows.append(("Longest wait to be called", f"{section['longest_wait_seconds']} s"))
    return rows


def sharing_summary(live_session: LiveSession) -> dict:
    """How many shared, passed or took their ask back, how long people waited to be called
    (from asking, or from the start of their go-round), and how many go-rounds ran."""
    turns = session_turns([live_session.id])
    waits = [wait for turn in turns if (wait := seconds_between(turn.queued_at, turn.called_at)) is not None]
    statuses = [turn.status for turn in turns]
    go_rounds = db.session.scalar(
        select(func.count()).select_from(ShareRound).where(ShareRound.live_session_id == live_session.id)
    )
    return {
        "shared": statuses.count(TurnStatus.DONE) + statuses.count(TurnStatus.SPEAKING),
        "passed": statuses.count(TurnStatus.PASSED),
        "taken_back": statuses.count(TurnStatus.WITHDRAWN),
        "not_called": statuses.count(TurnStatus.WAITING) + statuses.count(TurnStatus.SKIPPED),
        "go_rounds": go_rounds or 0,
        "timed_turns": sum(1 for turn in turns if turn.called_at and turn.timer_minutes),
        "median_wait_seconds": round(statistics.median(waits)) if waits else None,
        "longest_wait_seconds": max(waits) if waits else None,
    }


def purge_queue_times(_group: Group, live_session_ids: list[int]) -> int:
    """The queue's rows (times, no words, no names): the summary keeps what it counted."""
    removed = db.session.execute(
        delete(ShareTurn)
        .where(ShareTurn.live_session_id.in_(live_session_ids))
        .returning(ShareTurn.id)
        .execution_options(synchronize_session=False)
    ).all()
    db.session.execute(
        delete(ShareRound)
        .where(ShareRound.live_session_id.in_(live_session_ids))
        .execution_options(synchronize_session=False)
    )
    return len(removed)


SUMMARY_PART = SummaryPart(
    "sharing",
    "Speaking queue",
    sharing_summary,
    rows=_rows,
    template="sharing/_summary.html",
    take_home_template=None,
)
PURGE_STEP = PurgeStep("speaking-queue turns", purge_queue_times)
