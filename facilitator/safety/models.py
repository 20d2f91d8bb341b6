"""Safety flags raised by the risk-language screen, and what facilitators acknowledge."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from ..clock import utcnow
from ..extensions import Model


class Acknowledgeable:
    """What a facilitator acknowledges (a safety flag, a support request): when, and who first."""

    acknowledged_at: Mapped[datetime | None]
    acknowledged_by_id: Mapped[int | None] = mapped_column(ForeignKey("facilitator.id", ondelete="SET NULL"))

    def acknowledge(self, facilitator_id: int, now: datetime) -> None:
        """Mark it as seen; the first facilitator to see it is kept."""
        if self.acknowledged_at is None:
            self.acknowledged_at = now
            self.acknowledged_by_id = facilitator_id


class SafetyFlag(Acknowledgeable, Model):
    """A participant's text that matched the risk phrase list, for the session's facilitators only.

    Text from an anonymous source (a small win, an anonymous round) carries no participant:
    the flag shows the words, never who wrote them.
    """

    __tablename__ = "safety_flag"

    id: Mapped[int] = mapped_column(primary_key=True)
    live_session_id: Mapped[int] = mapped_column(
        ForeignKey("live_session.id", ondelete="CASCADE"), index=True
    )
    participant_id: Mapped[int | None] = mapped_column(ForeignKey("participant.id", ondelete="SET NULL"))
    source: Mapped[str] = mapped_column(String(20))  # checkin_note, win, support_message
    text: Mapped[str] = mapped_column(Text)
    categories: Mapped[list[str]] = mapped_column(JSON, default=list)
    matched: Mapped[list[str]] = mapped_column(JSON, default=list)  # the phrase-list entries found
    # What a facilitator reads first: why it was flagged ("wish to be dead", "plan"), and how
    # urgent it reads: "urgent", or "lower" when the writer also said they would not act on it.
    reasons: Mapped[list[str]] = mapped_column(JSON, default=list)
    urgency: Mapped[str] = mapped_column(String(10), default="urgent")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
