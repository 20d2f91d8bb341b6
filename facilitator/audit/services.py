"""Writing to the audit log."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Protocol

from ..clock import utcnow
from ..extensions import db
from .models import AuditEntry


# What the log needs of who acted and where: the audit log sits below every other package, so
# it names them by what it uses rather than by importing their models.
class Facilitator(Protocol):
    id: int


class Group(Protocol):
    id: int


class LiveSession(Protocol):
    id: int
    group: Any
    last_activity_at: datetime | None


def record_action(
    actor: Facilitator | None,
    action: str,
    *,
    group: Group | None = None,
    live_session: LiveSession | None = None,
    **detail: Any,
) -> AuditEntry:
    """Add an audit entry for a facilitator's action (flushed with the caller's transaction)."""
    if live_session is not None:
        # Every facilitator action on a session passes here: it keeps the session from counting as idle.
        live_session.last_activity_at = utcnow()
        group = group or live_session.group
    entry = AuditEntry(
        facilitator_id=actor.id if actor else None,
        action=action,
        group_id=group.id if group else None,
        live_session_id=live_session.id if live_session else None,
        detail=detail,
    )
    db.session.add(entry)
    return entry
