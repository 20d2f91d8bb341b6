"""Check-in rounds and the answers given in them."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import JSON, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from ..clock import utcnow
from ..extensions import db


class RoundKind(StrEnum):
    CHECKIN = "checkin"
    CHECKOUT = "checkout"
    CUSTOM = "custom"


class CheckInRound(db.Model):
    """One round of the room answering a prompt: open, then closed, perhaps revealed."""

    __tablename__ = "checkin_round"

    id: Mapped[int] = mapped_column(primary_key=True)
    live_session_id: Mapped[int] = mapped_column(
        ForeignKey("live_session.id", ondelete="CASCADE"), index=True
    )
    kind: Mapped[str] = mapped_column(String(10))
    prompt: Mapped[str] = mapped_column(String(200))
    # Anonymous: answers keep no link to the participant, only a keyed hash destroyed at the end.
    anonymous: Mapped[bool] = mapped_column(default=False)
    opened_at: Mapped[datetime] = mapped_column(default=utcnow)
    closed_at: Mapped[datetime | None]
    revealed_at: Mapped[datetime | None]

    @property
    def is_open(self) -> bool:
        return self.closed_at is None


class CheckInAnswer(db.Model):
    """A participant's answer, or their pass. One per person per round, changeable while open."""

    __tablename__ = "checkin_answer"
    __table_args__ = (UniqueConstraint("round_id", "respondent_key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(ForeignKey("checkin_round.id", ondelete="CASCADE"), index=True)
    # Empty in anonymous rounds.
    participant_id: Mapped[int | None] = mapped_column(
        ForeignKey("participant.id", ondelete="SET NULL"), index=True
    )
    respondent_key: Mapped[str] = mapped_column(String(64))
    # Made by the phone: a resend after a dropped connection carries the same id.
    client_id: Mapped[str] = mapped_column(String(64))
    passed: Mapped[bool] = mapped_column(default=False)
    mood: Mapped[int | None]
    feelings: Mapped[list[str]] = mapped_column(JSON, default=list)
    note: Mapped[str | None] = mapped_column(Text)
    note_shared: Mapped[bool] = mapped_column(default=False)
    answered_at: Mapped[datetime] = mapped_column(default=utcnow)
