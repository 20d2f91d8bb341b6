"""The wins' part of a session summary and of the take-home page, and their part of the purge."""

from __future__ import annotations

from sqlalchemy import select, update

from ..extensions import db
from ..groups.models import Group
from ..sessions.models import LiveSession
from ..summaries.models import SessionSummary
from ..summaries.purge import PurgeStep, updated_rows
from ..summaries.services import SummaryPart
from .models import REACTION_LABELS, WIN_KIND_LABELS, Win, WinStatus
from .services import reaction_counts, session_wins


def _rows(section: dict) -> list[tuple[str, str]]:
    rows = [("Wins on the wall", str(section["count"])), ("Kept off the wall", str(section["hidden"]))]
    rows += [(label, str(section["reactions"].get(kind, 0))) for kind, label in REACTION_LABELS.items()]
    rows += [(f"Win: {item['kind_label'] or 'small win'}", item["text"]) for item in section["items"]]
    return rows


def wins_summary(live_session: LiveSession) -> dict:
    """The wall as it stood at the end, with each win's reactions; never who shared a win."""
    wins = session_wins(live_session)
    shown = [win for win in wins if win.status == WinStatus.SHOWN]
    counts = reaction_counts([win.id for win in shown])
    totals = {kind: sum(counts[win.id][kind] for win in shown) for kind in REACTION_LABELS}
    return {
        "count": len(shown),
        "hidden": sum(win.status == WinStatus.HIDDEN for win in wins),
        "reactions": totals,
        "reaction_labels": {str(kind): label for kind, label in REACTION_LABELS.items()},
        "items": [
            {
                "kind": win.kind,
                "kind_label": WIN_KIND_LABELS.get(win.kind) if win.kind else None,
                "text": win.text,
                "spotlit": win.spotlit,
                "reactions": counts[win.id],
            }
            for win in shown
        ],
    }


def purge_win_texts(group: Group, live_session_ids: list[int]) -> int:
    """Win texts, only where the group chose so; the counts of wins and reactions stay."""
    if not group.purge_win_texts:
        return 0
    purged = updated_rows(
        update(Win)
        .where(Win.live_session_id.in_(live_session_ids), Win.text != "")
        .values(text="")
        .execution_options(synchronize_session=False)
    )
    summaries = db.session.scalars(
        select(SessionSummary).where(SessionSummary.live_session_id.in_(live_session_ids))
    )
    for summary in summaries:
        section = summary.data.get("wins")
        if section and any(item["text"] for item in section["items"]):
            items = [{**item, "text": ""} for item in section["items"]]
            summary.data = {**summary.data, "wins": {**section, "items": items}}
    return purged


SUMMARY_PART = SummaryPart(
    "wins",
    "Small wins",
    wins_summary,
    rows=_rows,
    template="wins/_summary.html",
    take_home_template="wins/_take_home.html",
)
PURGE_STEP = PurgeStep("win texts", purge_win_texts)
