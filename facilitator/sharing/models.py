"""The speaking queue of a live session: turns to share, go-rounds, and the share timer.

A turn links a participant to a sharing step while the session is live, so that the console can
name who is waiting and the phone can tell its own person when it is their turn. Nobody else
ever gets the link: the room and the shared screen get a count (and the names in order only
when the group chose "show the order"). When the session ends, every turn loses its participant
(`unlink_turns`): what stays is times and counts, for the summary. See docs/privacy.md.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import ForeignKey, Index, String, false, text
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import Model


class TurnStatus(StrEnum):
    WAITING = "waiting"  # in the queue
    SPEAKING = "speaking"  # called: it is their turn
    DONE = "done"  # they shared, and the facilitator moved on
    PASSED = "passed"  # they passed: their place in a go-round, or once called
    WITHDRAWN = "withdrawn"  # they took their "I'd like to share" back before being called
    SKIPPED = "skipped"  # the facilitator moved past them (or stopped the go-round before them)


ACTIVE_STATUSES = (TurnStatus.WAITING, TurnStatus.SPEAKING)
_ACTIVE_SQL = text("status IN ('waiting', 'speaking')")


class RoundOrder(StrEnum):
    SHUFFLED = "shuffled"
    CHOSEN = "chosen"


class ShareState(Model):
    """One row per live session: the turn the facilitator last called and the screen's timer.

    Every change to the queue goes through this row first, with a conditional UPDATE, so two
    consoles acting at once take turns: "call next" from a console that had not yet seen the
    other's call finds the row changed and is refused instead of calling a second person.
    """

    __tablename__ = "share_state"

    live_session_id: Mapped[int] = mapped_column(
        ForeignKey("live_session.id", ondelete="CASCADE"), primary_key=True
    )
    # Not a foreign key (the turn table refers to the session too); null until someone is called.
    current_turn_id: Mapped[int | None]
    # Bumped by every change of the queue: the conditional UPDATE's witness.
    version: Mapped[int] = mapped_column(default=0, server_default=text("0"))
    # The projected screen shows the speaker's timer only when the facilitator chooses so.
    screen_timer: Mapped[bool] = mapped_column(default=False, server_default=false())


class ShareRound(Model):
    """A go-round: everyone in the room queued at once, in a shuffled or a chosen order."""

    __tablename__ = "share_round"

    id: Mapped[int] = mapped_column(primary_key=True)
    live_session_id: Mapped[int] = mapped_column(
        ForeignKey("live_session.id", ondelete="CASCADE"), index=True
    )
    step_index: Mapped[int]
    order: Mapped[str] = mapped_column(String(10))
    started_at: Mapped[datetime]
    ended_at: Mapped[datetime | None]


class ShareTurn(Model):
    """One person's turn to share in one sharing step: asked for, or given by a go-round."""

    __tablename__ = "share_turn"
    __table_args__ = (
        # One waiting or speaking turn per person and step, however many phones ask at once.
        Index(
            "uq_share_turn_active",
            "live_session_id",
            "step_index",
            "participant_id",
            unique=True,
            sqlite_where=_ACTIVE_SQL,
            postgresql_where=_ACTIVE_SQL,
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    live_session_id: Mapped[int] = mapped_column(
        ForeignKey("live_session.id", ondelete="CASCADE"), index=True
    )
    step_index: Mapped[int]
    # Cleared when the session ends: the summary needs times, not people.
    participant_id: Mapped[int | None] = mapped_column(
        ForeignKey("participant.id", ondelete="SET NULL"), index=True
    )
    round_id: Mapped[int | None] = mapped_column(ForeignKey("share_round.id", ondelete="SET NULL"))
    status: Mapped[str] = mapped_column(String(10), default=TurnStatus.WAITING)
    position: Mapped[int] = mapped_column(default=0)  # the queue's order, lowest first
    queued_at: Mapped[datetime]
    called_at: Mapped[datetime | None]
    finished_at: Mapped[datetime | None]
    # The step's timer when the turn was called (0: none), so a changed agenda leaves it alone.
    timer_minutes: Mapped[int] = mapped_column(default=0, server_default=text("0"))

    @property
    def is_active(self) -> bool:
        return self.status in ACTIVE_STATUSES
