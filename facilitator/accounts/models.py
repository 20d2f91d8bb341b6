"""Facilitators, their sign-ins, and the single-use links that invite them or reset a password."""

from __future__ import annotations

import hashlib
from datetime import datetime, timedelta

from flask_login import UserMixin
from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from ..clock import utcnow
from ..extensions import Model


class Facilitator(UserMixin, Model):
    """A person who runs groups: a therapist, counsellor or peer-support leader."""

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    display_name: Mapped[str] = mapped_column(String(80))
    password_hash: Mapped[str] = mapped_column(String(255))
    is_admin: Mapped[bool] = mapped_column(default=False)
    # A disabled account cannot sign in, and its open sign-ins and consoles are ended.
    disabled_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    @property
    def is_active(self) -> bool:
        """Flask-Login refuses to sign in an inactive (disabled) account."""
        return self.disabled_at is None


class SignIn(Model):
    """One sign-in of a facilitator (a browser), kept on the server so it can be ended from anywhere.

    The browser's session cookie holds a random token; only its hash is stored here.
    """

    __tablename__ = "sign_in"

    id: Mapped[int] = mapped_column(primary_key=True)
    facilitator_id: Mapped[int] = mapped_column(ForeignKey("facilitator.id", ondelete="CASCADE"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_seen_at: Mapped[datetime] = mapped_column(default=utcnow)
    ended_at: Mapped[datetime | None]
    # signed_out, password_changed, password_reset, disabled, expired
    ended_reason: Mapped[str | None] = mapped_column(String(20))

    def is_idle(self, now: datetime, idle_after: timedelta) -> bool:
        """Not used for longer than `idle_after`."""
        return now - self.last_seen_at > idle_after

    def end(self, reason: str, now: datetime) -> None:
        """End this sign-in for good: its browser's cookie stops working."""
        self.ended_at = now
        self.ended_reason = reason


def hash_token(token: str) -> str:
    """What is stored of a secret token: its SHA-256, so the database alone gives nobody a way in."""
    return hashlib.sha256(token.encode()).hexdigest()


class SingleUseLink:
    """Columns and rule shared by links that work once until they expire; only a hash of the token is kept."""

    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime]
    used_at: Mapped[datetime | None]

    def is_usable(self, now: datetime) -> bool:
        """Not used yet and not expired."""
        return self.used_at is None and now < self.expires_at


class Invite(SingleUseLink, Model):
    """A single-use link an admin gives to a new facilitator."""

    id: Mapped[int] = mapped_column(primary_key=True)
    note: Mapped[str] = mapped_column(String(120), default="")
    created_by_id: Mapped[int] = mapped_column(ForeignKey("facilitator.id"))


class PasswordReset(SingleUseLink, Model):
    """A single-use link an admin gives to a facilitator who needs a new password."""

    __tablename__ = "password_reset"

    id: Mapped[int] = mapped_column(primary_key=True)
    facilitator_id: Mapped[int] = mapped_column(ForeignKey("facilitator.id", ondelete="CASCADE"), index=True)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("facilitator.id", ondelete="SET NULL"))
