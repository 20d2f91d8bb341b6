"""The group pulse: four short questions at the end of a session, answered anonymously on 0–10.

No table here holds a participant id, a name or a time. While the session is live, one keyed
hash per person and session (`respondent_key`, under the pulse's own key) keeps one answer per
person; it is emptied when the session ends, and the key is destroyed then too. A phone
that had not answered by then may still answer for a while with a single-use ticket, kept only as
a hash and never beside the answer it opened. See docs/privacy.md ("The group pulse").
"""

from __future__ import annotations

import secrets
from datetime import datetime
from typing import NamedTuple

from sqlalchemy import ForeignKey, LargeBinary, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import Model

PULSE_MIN, PULSE_MAX = 0, 10


class Question(NamedTuple):
    """One pulse question: the words on the phone, and the short name the charts and pages use."""

    key: str
    text: str
    short: str


# Written for Stepwise (not a published instrument's items), in the order the phone asks them.
QUESTIONS: tuple[Question, ...] = (
    Question("heard", "I felt listened to and treated with respect", "Listened to"),
    Question("mattered", "We spent time on things that matter to me", "What matters"),
    Question("fit", "The way we worked together today suited me", "How we worked"),
    Question("overall", "Taken together, this session was a good one for me", "Overall"),
)
QUESTION_KEYS = tuple(question.key for question in QUESTIONS)
LOW_END, HIGH_END = "Not at all", "Very much"


def new_pulse_id() -> str:
    """A random id: unlike a counter, it says nothing about the order answers came in."""
    return secrets.token_urlsafe(12)


class SessionPulse(Model):
    """A live session's pulse: its own key for keyed hashes, and whether a facilitator asked the
    room for it before the check-out step. One row a session, made when its first screen connects.

    The pulse has its own key, beside the session's anonymity key, because the session's key is
    already destroyed when what the end sets off runs, and the pulse still needs its key then: to
    give a ticket to each phone that has not answered. It is destroyed right after that, in the
    same transaction.
    """

    __tablename__ = "session_pulse"

    live_session_id: Mapped[int] = mapped_column(
        ForeignKey("live_session.id", ondelete="CASCADE"), primary_key=True
    )
    pulse_key: Mapped[bytes | None] = mapped_column(LargeBinary(32))
    opened_at: Mapped[datetime | None]  # when a facilitator asked for it (None: not asked)


class PulseResponse(Model):
    """One person's pulse for one session: up to four scores, any of them skipped. Nobody's."""

    __tablename__ = "pulse_response"
    __table_args__ = (UniqueConstraint("live_session_id", "respondent_key"),)

    id: Mapped[str] = mapped_column(String(16), primary_key=True, default=new_pulse_id)
    live_session_id: Mapped[int] = mapped_column(
        ForeignKey("live_session.id", ondelete="CASCADE"), index=True
    )
    # While the session is live: keyed hash of ("pulse", participant). Emptied at the end, and
    # never set on an answer given after the end.
    respondent_key: Mapped[str | None] = mapped_column(String(64))
    heard: Mapped[int | None]
    mattered: Mapped[int | None]
    fit: Mapped[int | None]
    overall: Mapped[int | None]
    # Answers given after the end: when they join the session's figures (the same moment for all
    # of them, the end of the time for late answers). Empty once counted, and on every other answer.
    release_at: Mapped[datetime | None]

    def scores(self) -> dict[str, int | None]:
        return {key: getattr(self, key) for key in QUESTION_KEYS}


class PulseTicket(Model):
    """A chance to answer after the end, for one phone that had not answered: made as the session
    ends, from the keyed hash the phone was given while it was live, and kept only as a hash."""

    __tablename__ = "pulse_ticket"

    id: Mapped[str] = mapped_column(String(16), primary_key=True, default=new_pulse_id)
    live_session_id: Mapped[int] = mapped_column(
        ForeignKey("live_session.id", ondelete="CASCADE"), index=True
    )
    ticket_hash: Mapped[str] = mapped_column(String(64), unique=True)
    # The phone's own id for the answer it sent with the ticket, so a resend is recognised.
    used_by: Mapped[str | None] = mapped_column(String(64))
