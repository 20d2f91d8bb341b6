"""Shared grounding exercises: the runs in a session, and the scripts a group writes for them.

An exercise is stored as its plan (the steps every screen shows, copied when it starts, so a
script edited later does not change a run) and a start time on the server's clock. Every screen
computes where the exercise is from that start time and its own measured clock offset; nothing
ticks over the live channel. No row holds anything about a participant: who followed along, or
closed it on their phone, is never sent. See docs/protocol.md ("Grounding exercises") and
docs/privacy.md.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from enum import StrEnum

from sqlalchemy import JSON, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from ..clock import utcnow
from ..extensions import Model

TITLE_MAX_LENGTH = 60


class ExerciseKind(StrEnum):
    BOX = "box"  # box breathing: in, hold, out, rest, for a number of rounds
    SENSES = "senses"  # 5-4-3-2-1: five things seen, four felt, three heard, two smelled, one tasted
    SCRIPT = "script"  # one of the group's own scripts of timed lines


EXERCISE_KIND_LABELS: dict[str, str] = {
    ExerciseKind.BOX: "Box breathing",
    ExerciseKind.SENSES: "5-4-3-2-1 senses",
    ExerciseKind.SCRIPT: "A script of the group's",
}


class Motion(StrEnum):
    """How a step moves the breathing shape (never under prefers-reduced-motion)."""

    IN = "in"  # grows
    FULL = "full"  # stays large
    OUT = "out"  # shrinks
    EMPTY = "empty"  # stays small
    STILL = "still"  # a line to read: no shape


class GroundingScript(Model):
    """A group's own exercise: timed lines, written by its lead on the group page."""

    __tablename__ = "grounding_script"

    id: Mapped[int] = mapped_column(primary_key=True)
    group_id: Mapped[int] = mapped_column(ForeignKey("group.id", ondelete="CASCADE"), index=True)
    title: Mapped[str] = mapped_column(String(TITLE_MAX_LENGTH))
    # [{"text": str, "seconds": int}, ...], checked by services.clean_script.
    lines: Mapped[list[dict]] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    @property
    def seconds(self) -> int:
        return sum(line["seconds"] for line in self.lines)


class GroundingExercise(Model):
    """One exercise run for the room: its plan and when it starts, ends or was stopped."""

    __tablename__ = "grounding_exercise"

    id: Mapped[int] = mapped_column(primary_key=True)
    live_session_id: Mapped[int] = mapped_column(
        ForeignKey("live_session.id", ondelete="CASCADE"), index=True
    )
    kind: Mapped[str] = mapped_column(String(10))
    title: Mapped[str] = mapped_column(String(TITLE_MAX_LENGTH))
    # The steps of one round, [{"text", "seconds", "motion"}, ...], shown `rounds` times over.
    steps: Mapped[list[dict]] = mapped_column(JSON)
    rounds: Mapped[int] = mapped_column(default=1)
    # On the server's clock, to the millisecond: every screen computes the same moment from it.
    starts_at: Mapped[datetime]
    ends_at: Mapped[datetime]
    stopped_at: Mapped[datetime | None]  # a facilitator stopped it early

    @property
    def cycle_seconds(self) -> int:
        return sum(step["seconds"] for step in self.steps)

    def is_running(self, now: datetime) -> bool:
        """Started (or about to: the lead-in) and neither finished nor stopped."""
        return self.stopped_at is None and now < self.ends_at

    def ran_for(self, until: datetime | None) -> timedelta:
        """How long its steps ran: to their end, its stop, or `until` (the session's end)."""
        ends = [moment for moment in (self.ends_at, self.stopped_at, until) if moment is not None]
        return max(min(ends) - self.starts_at, timedelta(0))
