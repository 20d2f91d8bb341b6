"""Safety flags raised by the risk-language screen, and participants' private requests for support."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import JSON, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..clock import utcnow
from ..extensions import db
from ..sessions.models import Participant


class Acknowledgeable:
    """What a facilitator acknowledges (a safety flag, a support request): when, and who first."""

    acknowledged_at: Mapped[datetime | None]
    acknowledged_by_id: Mapped[int | None] = mapped_column(ForeignKey("facilitator.id", ondelete="SET NULL"))

    def acknowledge(self, facilitator_id: int, now: datetime) -> None:
        """Mark it as seen; the first facilitator to see it is kept."""
        if self.acknowledged_at is None:
            self.acknowledged_at = now
            self.acknowledged_by_id = facilitator_id


class SafetyFlag(Acknowledgeable, db.Model):
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
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class SupportUrgency(StrEnum):
    LATER = "later"  # "after the session is fine"
    NOW = "now"  # "now, please"


class SupportStatus(StrEnum):
    OPEN = "open"  # delivered, nobody has acknowledged it yet
    ACKNOWLEDGED = "acknowledged"  # a facilitator has seen it
    RESOLVED = "resolved"


class SupportRequest(Acknowledgeable, db.Model):
    """A participant's private request for help, seen only by the session's facilitators.

    The four times (created, acknowledged, escalated, resolved) are the response times the
    session summary reports.
    """

    __tablename__ = "support_request"
    # Made by the phone: a resend after a dropped connection carries the same id.
    __table_args__ = (UniqueConstraint("participant_id", "client_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    live_session_id: Mapped[int] = mapped_column(
        ForeignKey("live_session.id", ondelete="CASCADE"), index=True
    )
    participant_id: Mapped[int | None] = mapped_column(
        ForeignKey("participant.id", ondelete="SET NULL"), index=True
    )
    client_id: Mapped[str] = mapped_column(String(64))
    urgency: Mapped[str] = mapped_column(String(8))
    message: Mapped[str | None] = mapped_column(Text)
    # Set when the message matched the risk-language screen: then the request is urgent.
    safety_flag_id: Mapped[int | None] = mapped_column(ForeignKey("safety_flag.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    escalated_at: Mapped[datetime | None]
    resolved_at: Mapped[datetime | None]
    resolved_by_id: Mapped[int | None] = mapped_column(ForeignKey("facilitator.id", ondelete="SET NULL"))
    # The facilitator's private note on how it was resolved; never shown to the participant.
    resolution_note: Mapped[str | None] = mapped_column(Text)

    participant: Mapped[Participant | None] = relationship()
    replies: Mapped[list[SupportReply]] = relationship(
        cascade="all, delete-orphan", order_by="SupportReply.sent_at"
    )

    @property
    def is_urgent(self) -> bool:
        """The participant asked for help now, or their message matched the risk-language screen."""
        return self.urgency == SupportUrgency.NOW or self.safety_flag_id is not None

    @property
    def status(self) -> SupportStatus:
        if self.resolved_at is not None:
            return SupportStatus.RESOLVED
        if self.acknowledged_at is not None:
            return SupportStatus.ACKNOWLEDGED
        return SupportStatus.OPEN

    def add_reply(self, facilitator_id: int, text: str, now: datetime) -> SupportReply:
        """A private reply to the participant; replying also acknowledges the request."""
        self.acknowledge(facilitator_id, now)
        reply = SupportReply(facilitator_id=facilitator_id, text=text, sent_at=now)
        self.replies.append(reply)
        return reply

    def resolve(self, facilitator_id: int, note: str | None, now: datetime) -> None:
        """Close the request with the facilitator's private note (acknowledging it if nobody had)."""
        self.acknowledge(facilitator_id, now)
        self.resolved_at = now
        self.resolved_by_id = facilitator_id
        self.resolution_note = note


class SupportReply(db.Model):
    """A facilitator's private reply to a support request, for that participant only."""

    __tablename__ = "support_reply"

    id: Mapped[int] = mapped_column(primary_key=True)
    request_id: Mapped[int] = mapped_column(ForeignKey("support_request.id", ondelete="CASCADE"), index=True)
    facilitator_id: Mapped[int | None] = mapped_column(ForeignKey("facilitator.id", ondelete="SET NULL"))
    text: Mapped[str] = mapped_column(Text)
    sent_at: Mapped[datetime] = mapped_column(default=utcnow)
