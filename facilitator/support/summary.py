"""The support requests' part of a session summary, and their part of the purge."""

from __future__ import annotations

from sqlalchemy import select, update

from ..clock import isoformat
from ..extensions import db
from ..groups.models import Group
from ..sessions.models import LiveSession
from ..summaries.purge import PurgeStep, updated_rows
from ..summaries.services import SummaryPart, acknowledgement_rows, acknowledgement_times, seconds_between
from .models import SupportReply, SupportRequest, SupportUrgency


def _rows(section: dict) -> list[tuple[str, str]]:
    return [
        ("Support requests", str(section["count"])),
        ("Asked for now", str(section["urgent"])),
        ("Raised again (not seen in time)", str(section["escalated"])),
        *acknowledgement_rows(section),
        ("Left for after the session (unresolved at the end)", str(section.get("left_for_follow_up", 0))),
    ]


def support_summary(live_session: LiveSession) -> dict:
    """How many asked for support, how urgently, how soon a facilitator saw each (acknowledging a
    request also acknowledges the flag its own message raised), and how many were left for after
    the session: those go on the group's follow-up list until a facilitator resolves them.

    Only times and counts: the messages stay with the requests (and go with the purge).
    """
    requests = db.session.scalars(
        select(SupportRequest)
        .where(SupportRequest.live_session_id == live_session.id)
        .order_by(SupportRequest.id)
    ).all()
    entries = [
        {
            "urgency": request.urgency,
            "created_at": isoformat(request.created_at),
            "seconds_to_acknowledge": seconds_between(request.created_at, request.acknowledged_at),
            "escalated": request.escalated_at is not None,
            "resolved": request.resolved_at is not None,
        }
        for request in requests
    ]
    waits = [
        wait
        for request in requests
        if (wait := seconds_between(request.created_at, request.acknowledged_at)) is not None
    ]
    return {
        "count": len(entries),
        "urgent": sum(entry["urgency"] == SupportUrgency.NOW for entry in entries),
        "escalated": sum(entry["escalated"] for entry in entries),
        "left_for_follow_up": sum(not entry["resolved"] for entry in entries),
        **acknowledgement_times(waits),
        "requests": entries,
    }


def purge_support_messages(_group: Group, live_session_ids: list[int]) -> int:
    """Participants' messages, the facilitators' replies and resolution notes; the times stay."""
    in_sessions = SupportRequest.live_session_id.in_(live_session_ids)
    purged = updated_rows(
        update(SupportRequest)
        .where(
            in_sessions, (SupportRequest.message.is_not(None)) | (SupportRequest.resolution_note.is_not(None))
        )
        .values(message=None, resolution_note=None)
        .execution_options(synchronize_session=False)
    )
    purged += updated_rows(
        update(SupportReply)
        .where(
            SupportReply.request_id.in_(select(SupportRequest.id).where(in_sessions)), SupportReply.text != ""
        )
        .values(text="")
        .execution_options(synchronize_session=False)
    )
    return purged


SUMMARY_PART = SummaryPart(
    "support",
    "Support requests",
    support_summary,
    rows=_rows,
    template="support/_summary.html",
    take_home_template=None,
)
PURGE_STEP = PurgeStep("support messages", purge_support_messages)
