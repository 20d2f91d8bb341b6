"""Returning members (no account) and next small steps.

A returning member is a row per person per group that holds no name: only keyed hashes of the
phone's private key(s) and of the recovery phrase, a count of sessions and the last time seen.
Their seats in the group's sessions point to it through `returning_seat`; "forget me" deletes the
member, its keys and every such link. See docs/privacy.md ("Returning members and next steps").
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from ..checkins.feelings import NOTE_MAX_LENGTH
from ..clock import utcnow
from ..extensions import Model

STEP_MAX_LENGTH = NOTE_MAX_LENGTH
PHRASE_WORDS = 8


class FollowUp(StrEnum):
    """How a returning member's last step went, as they chose to say (every answer is fine)."""

    DID_IT = "did_it"
    PARTLY = "partly"
    NOT_THIS_TIME = "not_this_time"
    SKIP = "skip"


FOLLOW_UP_LABELS = {
    FollowUp.DID_IT: "I did it",
    FollowUp.PARTLY: "Partly",
    FollowUp.NOT_THIS_TIME: "Not this time",
    FollowUp.SKIP: "Rather not say",
}


class ReturningMember(Model):
    """Someone who chose "remember me in this group". No name, no participant id."""

    __tablename__ = "returning_member"

    id: Mapped[int] = mapped_column(primary_key=True)
    group_id: Mapped[int] = mapped_column(ForeignKey("group.id", ondelete="CASCADE"), index=True)
    # Keyed hash (HMAC-SHA256 under a key derived from SECRET_KEY) of the recovery phrase.
    phrase_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    sessions_attended: Mapped[int] = mapped_column(default=1)
    last_seen: Mapped[datetime] = mapped_column(default=utcnow)


class ReturningKey(Model):
    """One phone's private key, as a keyed hash: a phone that used the phrase adds its own."""

    __tablename__ = "returning_key"

    key_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    returning_member_id: Mapped[int] = mapped_column(
        ForeignKey("returning_member.id", ondelete="CASCADE"), index=True
    )


class ReturningSeat(Model):
    """A seat (participant) that belongs to a returning member: the only link between seats."""

    __tablename__ = "returning_seat"

    participant_id: Mapped[int] = mapped_column(
        ForeignKey("participant.id", ondelete="CASCADE"), primary_key=True
    )
    returning_member_id: Mapped[int] = mapped_column(
        ForeignKey("returning_member.id", ondelete="CASCADE"), index=True
    )


class NextStep(Model):
    """One small step a participant wrote at check-out, for themselves or shared with the facilitator."""

    __tablename__ = "next_step"

    participant_id: Mapped[int] = mapped_column(
        ForeignKey("participant.id", ondelete="CASCADE"), primary_key=True
    )
    live_session_id: Mapped[int] = mapped_column(
        ForeignKey("live_session.id", ondelete="CASCADE"), index=True
    )
    text: Mapped[str | None] = mapped_column(Text)  # emptied by the purge
    shared: Mapped[bool] = mapped_column(default=False)
    written_at: Mapped[datetime] = mapped_column(default=utcnow)


class StepFollowUp(Model):
    """How the last step went, told at the next session's check-in: kept on the new seat only
    (no reference to the earlier step or seat), shared with the facilitator or not."""

    __tablename__ = "step_follow_up"

    participant_id: Mapped[int] = mapped_column(
        ForeignKey("participant.id", ondelete="CASCADE"), primary_key=True
    )
    live_session_id: Mapped[int] = mapped_column(
        ForeignKey("live_session.id", ondelete="CASCADE"), index=True
    )
    outcome: Mapped[str] = mapped_column(String(16))
    shared: Mapped[bool] = mapped_column(default=False)
