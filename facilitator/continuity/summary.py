"""Returning members' and next steps' part of a session summary (counts only), and the purge."""

from __future__ import annotations

from sqlalchemy import delete

from ..extensions import db
from ..groups.models import Group
from ..sessions.models import LiveSession
from ..summaries.purge import PurgeStep
from ..summaries.services import SummaryPart
from . import services
from .models import FOLLOW_UP_LABELS, NextStep, StepFollowUp


def continuity_summary(live_session: LiveSession) -> dict:
    """Counts only: returning people, steps written and shared, how earlier steps went."""
    view = services.console_view(live_session)
    return {
        "returning": len(view["returning"]),
        "steps_written": view["steps_written"],
        "steps_shared": len(view["shared_steps"]),
        "follow_ups": view["follow_ups"],
    }


def _rows(section: dict) -> list[tuple[str, str]]:
    rows = [
        ("Returning members", str(section["returning"])),
        ("Next small steps written", str(section["steps_written"])),
        ("Shared with the facilitator", str(section["steps_shared"])),
    ]
    rows += [
        (f"Last step: {FOLLOW_UP_LABELS[outcome]}", str(section["follow_ups"].get(outcome, 0)))
        for outcome in FOLLOW_UP_LABELS
    ]
    return rows


def purge_next_steps(_group: Group, live_session_ids: list[int]) -> int:
    """Next-step texts are free text: each step and each follow-up goes (the counts stay)."""
    db.session.execute(delete(StepFollowUp).where(StepFollowUp.live_session_id.in_(live_session_ids)))
    removed = db.session.execute(
        delete(NextStep)
        .where(NextStep.live_session_id.in_(live_session_ids))
        .returning(NextStep.participant_id)
        .execution_options(synchronize_session=False)
    ).all()
    return len(removed)


SUMMARY_PART = SummaryPart(
    "continuity",
    "Returning members and next steps",
    continuity_summary,
    rows=_rows,
    template="continuity/_summary.html",
    take_home_template="continuity/_take_home.html",
)
PURGE_STEP = PurgeStep("next small steps", purge_next_steps)
