"""Facilitator accounts: creating them, signing in, and invitations."""

from __future__ import annotations

import secrets
from datetime import timedelta

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from email_validator import EmailNotValidError, validate_email
from sqlalchemy import func, select

from ..audit.services import record_action
from ..clock import utcnow
from ..errors import Invalid, NotAllowed, NotFound
from ..extensions import db
from .models import Facilitator, Invite

password_hasher = PasswordHasher()
# Verifying against this when the e-mail is unknown keeps both answers equally slow.
_UNKNOWN_USER_HASH = password_hasher.hash(secrets.token_urlsafe(16))


def has_facilitators() -> bool:
    return db.session.scalar(select(Facilitator.id).limit(1)) is not None


def find_facilitator_by_email(email: str) -> Facilitator | None:
    return db.session.scalar(
        select(Facilitator).where(func.lower(Facilitator.email) == email.strip().lower())
    )


def create_facilitator(
    email: str, display_name: str, password: str, *, is_admin: bool = False
) -> Facilitator:
    """Add a facilitator account; the e-mail must be well formed and not in use yet."""
    try:
        email = validate_email(email.strip(), check_deliverability=False).normalized.lower()
    except EmailNotValidError as error:
        raise Invalid("That doesn't look like an e-mail address.") from error
    if not display_name.strip():
        raise Invalid("Please tell us your name.")
    if find_facilitator_by_email(email):
        raise Invalid("There is already an account with that e-mail address.")
    facilitator = Facilitator(
        email=email,
        display_name=display_name.strip(),
        password_hash=password_hasher.hash(password),
        is_admin=is_admin,
    )
    db.session.add(facilitator)
    db.session.flush()
    record_action(facilitator, "account.created", is_admin=is_admin)
    return facilitator


def create_first_facilitator(email: str, display_name: str, password: str) -> Facilitator:
    """Set up a fresh install: its first facilitator is the admin."""
    if has_facilitators():
        raise NotAllowed("Stepwise is already set up. Please sign in.")
    return create_facilitator(email, display_name, password, is_admin=True)


def authenticate(email: str, password: str) -> Facilitator | None:
    """The facilitator with these credentials, or None. Upgrades old password hashes on the way."""
    facilitator = find_facilitator_by_email(email)
    try:
        password_hasher.verify(facilitator.password_hash if facilitator else _UNKNOWN_USER_HASH, password)
    except (VerificationError, InvalidHashError):
        return None
    if facilitator is None:
        return None
    if password_hasher.check_needs_rehash(facilitator.password_hash):
        facilitator.password_hash = password_hasher.hash(password)
    return facilitator


def create_invite(actor: Facilitator, note: str, valid_days: int) -> tuple[Invite, str]:
    """An admin invites a new facilitator; returns the invite and its one-time token."""
    if not actor.is_admin:
        raise NotAllowed("Only an admin can invite new facilitators.")
    token = secrets.token_urlsafe(32)
    invite = Invite(
        token_hash=Invite.hash_token(token),
        note=note.strip(),
        created_by_id=actor.id,
        expires_at=utcnow() + timedelta(days=valid_days),
    )
    db.session.add(invite)
    db.session.flush()
    record_action(actor, "invite.created", invite_id=invite.id)
    return invite, token


def find_usable_invite(token: str) -> Invite:
    invite = db.session.scalar(select(Invite).where(Invite.token_hash == Invite.hash_token(token)))
    if invite is None or not invite.is_usable(utcnow()):
        raise NotFound("This invitation link is not valid any more. Please ask for a new one.")
    return invite


def accept_invite(invite: Invite, email: str, display_name: str, password: str) -> Facilitator:
    """Turn an invitation into an account; the link cannot be used again."""
    if not invite.is_usable(utcnow()):
        raise NotFound("This invitation link is not valid any more. Please ask for a new one.")
    facilitator = create_facilitator(email, display_name, password)
    invite.used_at = utcnow()
    return facilitator


def pending_invites() -> list[Invite]:
    now = utcnow()
    return list(
        db.session.scalars(
            select(Invite)
            .where(Invite.used_at.is_(None), Invite.expires_at > now)
            .order_by(Invite.created_at.desc())
        )
    )
