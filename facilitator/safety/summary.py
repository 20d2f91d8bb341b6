"""Safety flags in the session summary (how many, how soon seen), and their words in the purge."""

from __future__ import annotations

from sqlalchemy import update

from ..clock import isoformat
from ..groups.models import Group
from ..sessions.models import LiveSession
from ..summaries.purge import PurgeStep, updated_rows
from ..summaries.services import SummaryPart, acknowledgement_rows, acknowledgement_times, seconds_between
from .models import SafetyFlag
from .services import session_flags


def _flags_rows(section: dict) -> list[tuple[str, str]]:
    return [("Safety flags", str(section["count"])), *acknowledgement_rows(section)]


def safety_flags_summary(live_session: LiveSession) -> dict:
    """How many texts the risk-language screen flagged, and how soon a facilitator saw each.

    Only where and when: the flagged words themselves stay with the flag (and go with the purge).
    """
    flagged = session_flags(live_session)
    flags = [
        {
            "source": flag.source,
            "categories": flag.categories,
            "created_at": isoformat(flag.created_at),
            "acknowledged_at": isoformat(flag.acknowledged_at),
            "seconds_to_acknowledge": seconds_between(flag.created_at, flag.acknowledged_at),
        }
        for flag in flagged
    ]
    waits = [
        wait
        for flag in flagged
        if (wait := seconds_between(flag.created_at, flag.acknowledged_at)) is not None
    ]
    return {"count": len(flags), **acknowledgement_times(waits), "flags": flags}


def purge_safety_flag_texts(_group: Group, live_session_ids: list[int]) -> int:
    """The flagged words; when, where from and which categories stay."""
    return updated_rows(
        update(SafetyFlag)
        .where(SafetyFlag.live_session_id.in_(live_session_ids), SafetyFlag.text != "")
        .values(text="")
        .execution_options(synchronize_session=False)
    )


SUMMARY_PART = SummaryPart(
    "safety_flags",
    "Safety flags",
    safety_flags_summary,
    rows=_flags_rows,
    template="summaries/_safety_flags.html",
    take_home_template=None,
)
PURGE_STEP = PurgeStep("safety flag texts", purge_safety_flag_texts)
