"""Small wins shared anonymously in a live session, and the reactions that celebrate them.

Neither table holds a participant id or a name. Where the server must recognise a person while
the session is live (taking back one's own win, a resend, one reaction of a kind), it stores a
keyed hash whose key is destroyed when the session ends; see docs/privacy.md.
"""

from __future__ import annotations

import secrets
from datetime import datetime
from enum import StrEnum

from sqlalchemy import ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import Model

WIN_TEXT_MAX_LENGTH = 280


class WinKind(StrEnum):
    SHOWED_UP = "showed_up"
    KEPT_A_ROUTINE = "kept_a_routine"
    SAID_NO = "said_no"
    TALKED_IT_OUT = "talked_it_out"
    FELT_IT_AND_STAYED = "felt_it_and_stayed"
    ASKED_FOR_HELP = "asked_for_help"


# Keyed by WinKind; a win's `kind` column holds the same strings.
WIN_KIND_LABELS: dict[str, str] = {
    WinKind.SHOWED_UP: "Showed up",
    WinKind.KEPT_A_ROUTINE: "Kept a routine",
    WinKind.SAID_NO: "Said no",
    WinKind.TALKED_IT_OUT: "Talked it out",
    WinKind.FELT_IT_AND_STAYED: "Felt it and stayed",
    WinKind.ASKED_FOR_HELP: "Asked for help",
}


class Reaction(StrEnum):
    CLAP = "clap"
    HEART = "heart"
    STRENGTH = "strength"
    SPROUT = "sprout"


REACTION_LABELS = {
    Reaction.CLAP: "Applause",
    Reaction.HEART: "With you",
    Reaction.STRENGTH: "Strong",
    Reaction.SPROUT: "Growing",
}


class WinStatus(StrEnum):
    PENDING = "pending"  # waiting for a facilitator to approve it
    QUEUED = "queued"  # "show at once": waiting for its batch to be released
    SHOWN = "shown"  # on the wall
    HIDDEN = "hidden"  # kept off the wall by a facilitator


def new_win_id() -> str:
    """A random id: unlike a counter, it says nothing about the order wins were shared in."""
    return secrets.token_urlsafe(12)


class Win(Model):
    """A small win, shared anonymously: words and a kind, never who shared it."""

    __tablename__ = "win"
    __table_args__ = (UniqueConstraint("live_session_id", "resend_key"),)

    id: Mapped[str] = mapped_column(String(16), primary_key=True, default=new_win_id)
    live_session_id: Mapped[int] = mapped_column(
        ForeignKey("live_session.id", ondelete="CASCADE"), index=True
    )
    text: Mapped[str] = mapped_column(String(WIN_TEXT_MAX_LENGTH))
    kind: Mapped[str | None] = mapped_column(String(20))
    status: Mapped[str] = mapped_column(String(10))
    # Held by the safety net: it waits for a facilitator whatever the session's setting.
    held: Mapped[bool] = mapped_column(default=False)
    spotlit: Mapped[bool] = mapped_column(default=False)
    # Keyed hashes of (participant, this win) and (participant, the phone's client id):
    # different for every win, so not even two wins of one person can be grouped.
    author_key: Mapped[str] = mapped_column(String(64))
    resend_key: Mapped[str] = mapped_column(String(64))
    shared_at: Mapped[datetime]  # rounded down to the minute
    release_at: Mapped[datetime | None]  # the start of its batch's slot, while queued
    wall_position: Mapped[int | None]  # order on the wall; a batch is shuffled

    @property
    def is_shown(self) -> bool:
        return self.status == WinStatus.SHOWN


class WinReaction(Model):
    """One person's reaction of one kind to a win. No time, no person: a keyed hash only."""

    __tablename__ = "win_reaction"
    __table_args__ = (UniqueConstraint("win_id", "reaction", "reactor_key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    win_id: Mapped[str] = mapped_column(ForeignKey("win.id", ondelete="CASCADE"), index=True)
    reaction: Mapped[str] = mapped_column(String(10))
    # A keyed hash of (participant, win, reaction): unrelated across rows, even one person's.
    reactor_key: Mapped[str] = mapped_column(String(64))
