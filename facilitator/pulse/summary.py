"""The pulse's part of a session summary, late answers joining it, and its part of the purge."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete, select, update

from ..clock import isoformat
from ..extensions import db
from ..groups.models import Group
from ..sessions.models import LiveSession
from ..summaries.models import SessionSummary
from ..summaries.purge import PurgeStep
from ..summaries.services import SummaryPart
from . import services
from .models import QUESTIONS, PulseResponse, PulseTicket


def pulse_summary(live_session: LiveSession) -> dict:
    """The answers counted so far: how many, and each question's average where at least the
    group's minimum answered it; never a single answer. Late answers join it in one go when the
    time for them is over (`count_late_answers`)."""
    asked = services.session_pulse(live_session) is not None  # made when the first screen connected
    return {
        "asked": asked,
        **services.tally(live_session),
        "labels": {question.key: question.short for question in QUESTIONS},
        "late_until": isoformat(services.late_until(live_session)) if asked else None,
    }


def _rows(section: dict) -> list[tuple[str, str]]:
    rows = [("Answered", str(section["answered"]))]
    if section["too_few"]:
        rows.append(
            ("Averages", f"fewer than {section['minimum']} answered: not shown, to keep answers private")
        )
        return rows
    for question in QUESTIONS:
        entry = section["questions"][question.key]
        mean = "not shown (too few answered it)" if entry["mean"] is None else f"{entry['mean']} of 10"
        rows.append((question.text, f"{mean}, {entry['answered']} answered"))
    rows.append(("The session's pulse (average of the questions)", f"{section['score']} of 10"))
    return rows


def count_late_answers(now: datetime) -> list[int]:
    """The periodic job: late answers whose time has come join their sessions' stored figures
    (only this section is recounted: the rest of the summary stays as it was)."""
    changed = services.release_late_answers(now)
    for live_session_id in changed:
        summary = db.session.get(SessionSummary, live_session_id)
        if summary is not None:
            summary.data = {**summary.data, "pulse": pulse_summary(summary.live_session)}
    db.session.commit()
    return changed


def purge_pulse_answers(_group: Group, live_session_ids: list[int]) -> int:
    """Each person's answers (the figures stay in the summary, late answers counted in first)."""
    late = db.session.scalars(
        select(PulseResponse.live_session_id)
        .where(PulseResponse.live_session_id.in_(live_session_ids), PulseResponse.release_at.is_not(None))
        .distinct()
    ).all()
    for live_session_id in late:
        db.session.execute(
            update(PulseResponse)
            .where(PulseResponse.live_session_id == live_session_id)
            .values(release_at=None)
            .execution_options(synchronize_session=False)
        )
        summary = db.session.get(SessionSummary, live_session_id)
        if summary is not None:
            summary.data = {**summary.data, "pulse": pulse_summary(summary.live_session)}
    db.session.execute(delete(PulseTicket).where(PulseTicket.live_session_id.in_(live_session_ids)))
    removed = db.session.execute(
        delete(PulseResponse)
        .where(PulseResponse.live_session_id.in_(live_session_ids))
        .returning(PulseResponse.id)
        .execution_options(synchronize_session=False)
    ).all()
    return len(removed)


SUMMARY_PART = SummaryPart(
    "pulse",
    "How the session fit",
    pulse_summary,
    rows=_rows,
    template="pulse/_summary.html",
    take_home_template="pulse/_take_home.html",
)
PURGE_STEP = PurgeStep("pulse answers", purge_pulse_answers)
