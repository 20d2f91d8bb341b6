"""Participants' private requests for support, and the facilitators' replies."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..clock import utcnow
from ..extensions import Model
from ..safety.models import Acknowledgeable, SafetyFlag
from ..sessions.models import Participant


class SupportUrgency(StrEnum):
    LATER = "later"  # "after the session is fine"
    NOW = "now"  # "now, please"


class SupportStatus(StrEnum):
    OPEN = "open"  # delivered, nobody has acknowledged it yet
    ACKNOWLEDGED = "acknowledged"  # a facilitator has seen it
    RESOLVED = "resolved"


class SupportRequest(Acknowledgeable, Model):
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
    safety_flag: Mapped[SafetyFlag | None] = relationship()
    replies: Mapped[list[SupportReply]] = relationship(
        cascade="all, delete-orphan", order_by="SupportReply.sent_at"
    )

    def acknowledge(self, facilitator_id: int, now: datetime) -> None:
        """Seeing a request is seeing the words of its message that the risk screen flagged: one
        acknowledgement covers both, so the summary reports what the facilitator actually saw."""
        super().acknowledge(facilitator_id, now)
        if self.safety_flag is not None:
            self.safety_flag.acknowledge(facilitator_id, now)

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


class SupportReply(Model):
    """A facilitator's private reply to a support request, for that participant only."""

    __tablename__ = "support_reply"

    id: Mapped[int] = mapped_column(primary_key=True)
    request_id: Mapped[int] = mapped_column(ForeignKey("support_request.id", ondelete="CASCADE"), index=True)
    facilitator_id: Mapped[int | None] = mapped_column(ForeignKey("facilitator.id", ondelete="SET NULL"))
    text: Mapped[str] = mapped_column(Text)
    sent_at: Mapped[datetime] = mapped_column(default=utcnow)
