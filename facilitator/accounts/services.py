"""Facilitator accounts: creating and managing them, passwords, sign-ins, invitations and reset links."""

from __future__ import annotations

import secrets
from datetime import datetime, timedelta

import argon2.profiles
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from email_validator import EmailNotValidError, validate_email
from flask import current_app
from sqlalchemy import func, select, update

from .. import signals
from ..audit.services import record_action
from ..clock import utcnow
from ..errors import Invalid, NotAllowed, NotFound
from ..extensions import db
from ..transactions import after_commit
from .models import Facilitator, Invite, PasswordReset, SignIn, hash_token

PASSWORD_MIN_LENGTH = 10
PASSWORD_MAX_LENGTH = 128
# A sign-in's last use is written at most this often, not on every request.
SIGN_IN_TOUCH_INTERVAL = timedelta(minutes=1)

WRONG_CREDENTIALS_MESSAGE = "That e-mail and password don't match. Please try again."
DISABLED_MESSAGE = (
    "This account is switched off for now. If that's unexpected, please talk to your Stepwise admin."
)
ADMIN_ONLY_MESSAGE = "Only an admin can manage facilitator accounts."
RESET_GONE_MESSAGE = (
    "This link for setting a new password isn't valid any more. Please ask your Stepwise admin for a new one."
)

_hashers: dict[str, tuple[PasswordHasher, str]] = {}


def _password_hasher() -> PasswordHasher:
    """Argon2id with the parameters of the PASSWORD_HASH_PROFILE setting (cheap ones under test)."""
    return _hasher_and_decoy()[0]


def _hasher_and_decoy() -> tuple[PasswordHasher, str]:
    """The hasher, and a hash to verify against when the e-mail is unknown, which keeps both
    answers equally slow."""
    profile = current_app.config["PASSWORD_HASH_PROFILE"]
    if profile not in _hashers:
        hasher = PasswordHasher.from_parameters(getattr(argon2.profiles, profile))
        _hashers[profile] = (hasher, hasher.hash(secrets.token_urlsafe(16)))
    return _hashers[profile]


# --- accounts ---------------------------------------------------------------------------------


def has_facilitators() -> bool:
    """Whether this install has been set up."""
    return db.session.scalar(select(Facilitator.id).limit(1)) is not None


def normalize_email(email: str) -> str:
    """The form of an e-mail address that sign-in compares (and counts attempts) by."""
    return email.strip().lower()


def find_facilitator_by_email(email: str) -> Facilitator | None:
    """The account with this e-mail address, whatever its case."""
    return db.session.scalar(
        select(Facilitator).where(func.lower(Facilitator.email) == normalize_email(email))
    )


def check_password_policy(password: str) -> None:
    """Refuse a new password that is too short or too long."""
    if not PASSWORD_MIN_LENGTH <= len(password) <= PASSWORD_MAX_LENGTH:
        raise Invalid(
            f"Please use between {PASSWORD_MIN_LENGTH} and {PASSWORD_MAX_LENGTH} characters for the password."
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
    check_password_policy(password)
    if find_facilitator_by_email(email):
        raise Invalid("There is already an account with that e-mail address.")
    facilitator = Facilitator(
        email=email,
        display_name=display_name.strip(),
        password_hash=_password_hasher().hash(password),
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


def _password_matches(password_hash: str, password: str) -> bool:
    try:
        return _password_hasher().verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def authenticate(email: str, password: str) -> Facilitator:
    """The facilitator with these credentials, if the account is on. Upgrades old password hashes."""
    facilitator = find_facilitator_by_email(email)
    decoy_hash = _hasher_and_decoy()[1]
    matches = _password_matches(facilitator.password_hash if facilitator else decoy_hash, password)
    if facilitator is None or not matches:
        raise Invalid(WRONG_CREDENTIALS_MESSAGE)
    # Said only to someone who knows the password, so it reveals nothing to a guesser.
    if not facilitator.is_active:
        raise NotAllowed(DISABLED_MESSAGE)
    if _password_hasher().check_needs_rehash(facilitator.password_hash):
        facilitator.password_hash = _password_hasher().hash(password)
    return facilitator


def change_password(
    actor: Facilitator, current_password: str, new_password: str, *, keep: SignIn | None
) -> list[int]:
    """A facilitator sets a new password; their sign-ins but `keep` end (ids returned)."""
    if not _password_matches(actor.password_hash, current_password):
        raise Invalid("That isn't your current password. Please try again.")
    check_password_policy(new_password)
    actor.password_hash = _password_hasher().hash(new_password)
    ended = end_sign_ins(actor, "password_changed", keep=keep)
    record_action(actor, "account.password_changed", sign_ins_ended=len(ended))
    return ended


# --- sign-ins ---------------------------------------------------------------------------------


def start_sign_in(facilitator: Facilitator) -> tuple[SignIn, str]:
    """Record a new sign-in of an active account; returns it and the token the browser keeps."""
    if not facilitator.is_active:
        raise NotAllowed(DISABLED_MESSAGE)
    token = secrets.token_urlsafe(32)
    sign_in = SignIn(facilitator_id=facilitator.id, token_hash=hash_token(token))
    db.session.add(sign_in)
    db.session.flush()
    return sign_in, token


def find_open_sign_in(facilitator_id: int, token: str) -> SignIn | None:
    """The not yet ended sign-in a browser's token stands for, if it is this active facilitator's."""
    return db.session.scalar(
        select(SignIn)
        .join(Facilitator, Facilitator.id == SignIn.facilitator_id)
        .where(
            SignIn.token_hash == hash_token(token),
            SignIn.facilitator_id == facilitator_id,
            SignIn.ended_at.is_(None),
            Facilitator.disabled_at.is_(None),
        )
    )


def expire_idle_sign_in(sign_in: SignIn, *, now: datetime, idle_after: timedelta) -> bool:
    """End a sign-in unused for longer than `idle_after` ("expired"); says whether it did."""
    if not sign_in.is_idle(now, idle_after):
        return False
    sign_in.end("expired", now)
    db.session.flush()
    _close_consoles_after_commit(sign_in.facilitator_id, [sign_in.id])
    return True


def touch_sign_in(sign_in: SignIn, now: datetime) -> bool:
    """Note that a sign-in is in use, at most once a minute; says whether anything changed."""
    if now - sign_in.last_seen_at < SIGN_IN_TOUCH_INTERVAL:
        return False
    sign_in.last_seen_at = now
    db.session.flush()
    return True


def end_sign_in(sign_in: SignIn, reason: str) -> None:
    """End one sign-in, e.g. when its browser signs out; the consoles it opened close."""
    sign_in.end(reason, utcnow())
    db.session.flush()
    _close_consoles_after_commit(sign_in.facilitator_id, [sign_in.id])


def end_sign_ins(facilitator: Facilitator, reason: str, *, keep: SignIn | None = None) -> list[int]:
    """End every open sign-in of an account but `keep`; returns their ids. Once committed, the
    consoles they opened close (all of the account's, when none is kept)."""
    conditions = [SignIn.facilitator_id == facilitator.id, SignIn.ended_at.is_(None)]
    if keep is not None:
        conditions.append(SignIn.id != keep.id)
    sign_ins = list(db.session.scalars(select(SignIn).where(*conditions)))
    now = utcnow()
    for sign_in in sign_ins:
        sign_in.end(reason, now)
    db.session.flush()
    ended = [sign_in.id for sign_in in sign_ins]
    _close_consoles_after_commit(facilitator.id, ended if keep is not None else None)
    return ended


def _close_consoles_after_commit(facilitator_id: int, sign_in_ids: list[int] | None) -> None:
    """Once committed, the live channel closes the consoles those sign-ins opened (None: all)."""
    after_commit(signals.sign_ins_ended.send, facilitator_id, sign_in_ids=sign_in_ids)


# --- managing accounts (admins) ---------------------------------------------------------------


def _require_admin(actor: Facilitator) -> None:
    if not actor.is_admin:
        raise NotAllowed(ADMIN_ONLY_MESSAGE)


def list_facilitators(actor: Facilitator) -> list[Facilitator]:
    """Every account, by name, for an admin."""
    _require_admin(actor)
    return list(
        db.session.scalars(select(Facilitator).order_by(func.lower(Facilitator.display_name), Facilitator.id))
    )


def load_facilitator_for(actor: Facilitator, facilitator_id: int) -> Facilitator:
    """An account an admin is about to manage."""
    _require_admin(actor)
    facilitator = db.session.get(Facilitator, facilitator_id)
    if facilitator is None:
        raise NotFound("We couldn't find that facilitator.")
    return facilitator


def _require_other_account(actor: Facilitator, facilitator: Facilitator) -> None:
    _require_admin(actor)
    if facilitator.id == actor.id:
        raise NotAllowed("You can't switch your own account off or on. Another admin can.")


def disable_facilitator(actor: Facilitator, facilitator: Facilitator) -> None:
    """An admin switches another account off: it cannot sign in and all its sign-ins end."""
    _require_other_account(actor, facilitator)
    if not facilitator.is_active:
        return
    facilitator.disabled_at = utcnow()
    ended = end_sign_ins(facilitator, "disabled")
    record_action(actor, "account.disabled", facilitator_id=facilitator.id, sign_ins_ended=len(ended))


def enable_facilitator(actor: Facilitator, facilitator: Facilitator) -> None:
    """An admin switches an account back on; its person signs in again as usual."""
    _require_other_account(actor, facilitator)
    if facilitator.is_active:
        return
    facilitator.disabled_at = None
    db.session.flush()
    record_action(actor, "account.enabled", facilitator_id=facilitator.id)


def create_password_reset(
    actor: Facilitator, facilitator: Facilitator, valid_hours: int
) -> tuple[PasswordReset, str]:
    """An admin makes a link for setting a new password; returns it and its one-time token."""
    _require_admin(actor)
    token = secrets.token_urlsafe(32)
    reset = PasswordReset(
        token_hash=hash_token(token),
        facilitator_id=facilitator.id,
        created_by_id=actor.id,
        expires_at=utcnow() + timedelta(hours=valid_hours),
    )
    db.session.add(reset)
    db.session.flush()
    record_action(actor, "password_reset.created", facilitator_id=facilitator.id, password_reset_id=reset.id)
    return reset, token


def find_usable_password_reset(token: str) -> PasswordReset:
    """The reset link this token belongs to, while it is unused and unexpired."""
    reset = db.session.scalar(select(PasswordReset).where(PasswordReset.token_hash == hash_token(token)))
    if reset is None or not reset.is_usable(utcnow()):
        raise NotFound(RESET_GONE_MESSAGE)
    return reset


def reset_password(reset: PasswordReset, new_password: str) -> Facilitator:
    """Set a new password through a reset link: every sign-in of the account ends, and the
    link (with any other unused one for the account) stops working."""
    now = utcnow()
    if not reset.is_usable(now):
        raise NotFound(RESET_GONE_MESSAGE)
    check_password_policy(new_password)
    # A reset goes with its facilitator (ON DELETE CASCADE), so the account is there.
    facilitator = db.session.get_one(Facilitator, reset.facilitator_id)
    facilitator.password_hash = _password_hasher().hash(new_password)
    ended = end_sign_ins(facilitator, "password_reset")
    reset.used_at = now
    db.session.execute(
        update(PasswordReset)
        .where(PasswordReset.facilitator_id == facilitator.id, PasswordReset.used_at.is_(None))
        .values(used_at=now)
    )
    record_action(
        facilitator, "account.password_reset", password_reset_id=reset.id, sign_ins_ended=len(ended)
    )
    return facilitator


# --- invitations ------------------------------------------------------------------------------


def create_invite(actor: Facilitator, note: str, valid_days: int) -> tuple[Invite, str]:
    """An admin invites a new facilitator; returns the invite and its one-time token."""
    if not actor.is_admin:
        raise NotAllowed("Only an admin can invite new facilitators.")
    token = secrets.token_urlsafe(32)
    invite = Invite(
        token_hash=hash_token(token),
        note=note.strip(),
        created_by_id=actor.id,
        expires_at=utcnow() + timedelta(days=valid_days),
    )
    db.session.add(invite)
    db.session.flush()
    record_action(actor, "invite.created", invite_id=invite.id)
    return invite, token


def find_usable_invite(token: str) -> Invite:
    """The invitation this token belongs to, while it is unused and unexpired."""
    invite = db.session.scalar(select(Invite).where(Invite.token_hash == hash_token(token)))
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
    """Invitations not used yet and not expired, newest first."""
    now = utcnow()
    return list(
        db.session.scalars(
            select(Invite)
            .where(Invite.used_at.is_(None), Invite.expires_at > now)
            .order_by(Invite.created_at.desc())
        )
    )
