"""What is kept of a session once it has ended: its computed summary and the facilitator's notes."""

from __future__ import annotations

import secrets
from datetime import datetime, timedelta

from sqlalchemy import JSON, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..clock import utcnow
from ..extensions import Model
from ..sessions.models import LiveSession


def new_take_home_token() -> str:
    """A random token for the take-home link."""
    return secrets.token_urlsafe(24)  # 192 bits, like the join token, which was shown on a wall


class SessionSummary(Model):
    """A session's figures, computed from the database when it ends, and kept after the purge.

    `data` holds aggregates, counts, times and display names, never a participant's written
    words, so the retention purge can leave it in place (see docs/summaries.md).
    """

    __tablename__ = "session_summary"

    live_session_id: Mapped[int] = mapped_column(
        ForeignKey("live_session.id", ondelete="CASCADE"), primary_key=True
    )
    data: Mapped[dict] = mapped_column(JSON)
    computed_at: Mapped[datetime] = mapped_column(default=utcnow)
    # The facilitators' private notes on the session: free text, so the purge removes it.
    notes: Mapped[str | None] = mapped_column(Text)
    notes_updated_at: Mapped[datetime | None]
    # Opens the participants' take-home page; separate from the join token that was on the wall.
    take_home_token: Mapped[str] = mapped_column(String(64), unique=True, default=new_take_home_token)

    live_session: Mapped[LiveSession] = relationship()

    def take_home_expires_at(self, valid_days: int) -> datetime:
        """When the take-home link stops working: `valid_days` after the session ended."""
        ended_at = self.live_session.ended_at
        assert ended_at is not None, "only an ended session has a summary"
        return ended_at + timedelta(days=valid_days)
