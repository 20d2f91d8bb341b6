"""Check-in rounds and the answers given in them."""

from __future__ import annotations

import secrets
from datetime import datetime
from enum import StrEnum

from sqlalchemy import JSON, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from ..clock import utcnow
from ..extensions import Model


class RoundKind(StrEnum):
    CHECKIN = "checkin"
    CHECKOUT = "checkout"
    CUSTOM = "custom"


class CheckInRound(Model):
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


def new_answer_id() -> str:
    """A random id: unlike a counter, it says nothing about the order answers came in."""
    return secrets.token_urlsafe(12)


class CheckInAnswer(Model):
    """A participant's answer, or their pass. One per person per round, changeable while open.

    In an anonymous round the consoles see answers only in batches (docs/privacy.md): a new or
    changed answer waits, with `release_at` set, until its slot ends. A changed answer the
    consoles have already seen is stored as a new row (a new id); the version they saw stays,
    with `replaced_by_id` set and no respondent key, until the new one is released.
    """

    __tablename__ = "checkin_answer"
    __table_args__ = (UniqueConstraint("round_id", "respondent_key"),)

    id: Mapped[str] = mapped_column(String(16), primary_key=True, default=new_answer_id)
    round_id: Mapped[int] = mapped_column(ForeignKey("checkin_round.id", ondelete="CASCADE"), index=True)
    # Empty in anonymous rounds.
    participant_id: Mapped[int | None] = mapped_column(
        ForeignKey("participant.id", ondelete="SET NULL"), index=True
    )
    # Keyed hash of (round, participant); empty on a version that has been replaced.
    respondent_key: Mapped[str | None] = mapped_column(String(64))
    # Made by the phone: a resend after a dropped connection carries the same id.
    client_id: Mapped[str] = mapped_column(String(64))
    passed: Mapped[bool] = mapped_column(default=False)
    mood: Mapped[int | None]
    feelings: Mapped[list[str]] = mapped_column(JSON, default=list)
    note: Mapped[str | None] = mapped_column(Text)
    note_shared: Mapped[bool] = mapped_column(default=False)
    # Named rounds: when it was given. Anonymous rounds: the minute the round opened, for every
    # answer, so that nothing stored orders them by arrival.
    answered_at: Mapped[datetime] = mapped_column(default=utcnow)
    # Anonymous rounds: the end of the slot after which the consoles see it; empty once they may
    # (and always in named rounds).
    release_at: Mapped[datetime | None]
    # An anonymous answer's earlier version, still shown until this newer one is released.
    replaced_by_id: Mapped[str | None] = mapped_column(ForeignKey("checkin_answer.id", ondelete="CASCADE"))
