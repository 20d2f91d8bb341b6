"""The audit log: what facilitators did, and when."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from ..clock import utcnow
from ..extensions import Model


class AuditEntry(Model):
    """One facilitator action. Holds ids and settings, never a participant's words."""

    id: Mapped[int] = mapped_column(primary_key=True)
    facilitator_id: Mapped[int | None] = mapped_column(
        ForeignKey("facilitator.id", ondelete="SET NULL"), index=True
    )
    action: Mapped[str] = mapped_column(String(60))
    group_id: Mapped[int | None] = mapped_column(ForeignKey("group.id", ondelete="SET NULL"))
    live_session_id: Mapped[int | None] = mapped_column(ForeignKey("live_session.id", ondelete="SET NULL"))
    detail: Mapped[dict] = mapped_column(JSON, default=dict)
    created_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
