"""Attendance receipts: who may have one, what it says, signing it and checking it.

A receipt is a short signed statement, "someone attended this group on this day for about this
long", with a name on it only if its holder typed one in. It is written as a code:

    SWR1.<payload>.<signature>

where the payload is the receipt's canonical JSON (keys sorted, no spaces, UTF-8) and the
signature is the Ed25519 signature of exactly those bytes, both in unpadded base64url. Nothing
about a receipt is stored: checking one needs only the code and the public key (docs/receipts.md).
"""

from __future__ import annotations

import base64
import binascii
import json
import re
from dataclasses import dataclass
from datetime import UTC, date
from zoneinfo import ZoneInfo

from cryptography.exceptions import InvalidSignature
from flask import current_app

from ..errors import Invalid, NotAllowed
from ..sessions.models import LiveSession, Participant
from . import keys

CODE_PREFIX = "SWR1"
RECEIPT_TYPE = "stepwise-attendance"
VERSION = 1
# Time attended is rounded to the nearest this many minutes (halves up), and a receipt needs at
# least that much: 2 min 30 s in the room rounds to 5 minutes, 2 min 29 s to none.
ROUND_TO_MINUTES = 5
NAME_MAX_LENGTH = 60
GROUP_NAME_MAX_LENGTH = 80
MAX_MINUTES = 24 * 60
# What a pasted code may be at most, and what a payload or signature decodes to.
CODE_MAX_LENGTH = 1000
SIGNATURE_LENGTH = 64
PAYLOAD_KEYS = {"date", "group", "kid", "minutes", "type", "v"}

NOT_OFFERED_MESSAGE = "This group doesn't offer attendance receipts."
NO_SEAT_MESSAGE = (
    "We can't make a receipt on this device. Receipts are made on the phone you joined with, "
    "within {hours} hours of joining."
)
NOT_ATTENDED_MESSAGE = (
    "A receipt is for time spent in the session, at least {minutes} minutes, and we have none "
    "to show for this phone this time."
)
NAME_TOO_LONG_MESSAGE = f"Please keep the name to {NAME_MAX_LENGTH} characters or fewer."
NOT_A_RECEIPT_MESSAGE = (
    "We couldn't find a receipt code in that. It starts with SWR1. Please paste the whole code, "
    "or choose the receipt's PDF."
)
NOT_GENUINE_MESSAGE = (
    "This receipt could not be confirmed. It may have been changed, copied only in part, or made "
    "by another Stepwise server."
)

# Whitespace and line breaks are dropped first: a code copied from a PDF comes in several lines.
# A signature is 64 bytes, 86 characters, so text that follows the code does not stick to it.
_CODE = re.compile(rf"{CODE_PREFIX}\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]{{86}}")


@dataclass(frozen=True)
class Receipt:
    """What a receipt says, as signed: the group's name, the day, the rounded minutes, a name."""

    group: str
    day: date
    minutes: int
    name: str | None
    kid: str

    def payload(self) -> dict:
        data: dict = {
            "type": RECEIPT_TYPE,
            "v": VERSION,
            "kid": self.kid,
            "group": self.group,
            "date": self.day.isoformat(),
            "minutes": self.minutes,
        }
        if self.name:
            data["name"] = self.name
        return data


@dataclass(frozen=True)
class SignedReceipt:
    receipt: Receipt
    code: str


@dataclass(frozen=True)
class CheckedReceipt:
    """A receipt whose signature is good, and whether the key that signed it is still the current one."""

    receipt: Receipt
    current_key: bool

    @property
    def minutes_text(self) -> str:
        return describe_minutes(self.receipt.minutes)


# --- who may have one -------------------------------------------------------------------------


def rounded_minutes(seconds: float) -> int:
    """Seconds as minutes rounded to the nearest ROUND_TO_MINUTES, halves up."""
    step = ROUND_TO_MINUTES * 60
    return int((max(seconds, 0) + step / 2) // step) * ROUND_TO_MINUTES


def attended_minutes(participant: Participant, live_session: LiveSession) -> int:
    """Rounded minutes in the room: from being let in (on joining, or admitted from the waiting
    room) until they left, were removed, or the session ended. 0 for someone never let in."""
    end = live_session.ended_at
    if participant.admitted_at is None or end is None:
        return 0
    until = min(participant.left_at or end, end)
    return min(rounded_minutes((until - participant.admitted_at).total_seconds()), MAX_MINUTES)


def has_attended(participant: Participant | None, live_session: LiveSession) -> bool:
    return participant is not None and attended_minutes(participant, live_session) >= ROUND_TO_MINUTES


def check_can_have_receipt(participant: Participant | None, live_session: LiveSession) -> int:
    """The rounded minutes a receipt for this seat would state, or a kind refusal."""
    if not live_session.group.attendance_receipts:
        raise NotAllowed(NOT_OFFERED_MESSAGE)
    if participant is None or participant.live_session_id != live_session.id:
        hours = round(current_app.config["SEAT_COOKIE_MAX_AGE"] / 3600)
        raise NotAllowed(NO_SEAT_MESSAGE.format(hours=hours))
    minutes = attended_minutes(participant, live_session)
    if not live_session.is_ended or minutes < ROUND_TO_MINUTES:
        raise NotAllowed(NOT_ATTENDED_MESSAGE.format(minutes=ROUND_TO_MINUTES))
    return minutes


def clean_name(name: str | None) -> str | None:
    """The name its holder typed for the receipt, spaces tidied; None for none."""
    cleaned = " ".join((name or "").split())
    if len(cleaned) > NAME_MAX_LENGTH:
        raise Invalid(NAME_TOO_LONG_MESSAGE)
    return cleaned or None


def session_day(live_session: LiveSession, zone: ZoneInfo | None = None) -> date:
    """The day the session started, in the phone's time zone (UTC without one)."""
    moment = live_session.started_at or live_session.ended_at
    assert moment is not None, "a receipt is made for an ended session"
    return moment.replace(tzinfo=UTC).astimezone(zone or UTC).date()


# --- making one -------------------------------------------------------------------------------


def _b64encode(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _b64decode(text: str) -> bytes:
    """Strict: only the one spelling _b64encode makes is accepted (a last character differing only
    in its unused bits would decode to the same bytes), so a changed character never verifies."""
    data = base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
    if _b64encode(data) != text:
        raise ValueError("not canonical base64url")
    return data


def canonical_json(payload: dict) -> bytes:
    return json.dumps(payload, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode("utf-8")


def sign(receipt: Receipt) -> SignedReceipt:
    """The receipt's code, signed with the deployment's current key."""
    body = canonical_json(receipt.payload())
    signature = keys.signing_key(current_app).sign(body)
    return SignedReceipt(receipt, f"{CODE_PREFIX}.{_b64encode(body)}.{_b64encode(signature)}")


def issue_receipt(
    participant: Participant | None,
    live_session: LiveSession,
    *,
    name: str | None = None,
    zone: ZoneInfo | None = None,
) -> SignedReceipt:
    """A signed receipt for the seat: only what it says leaves this function, and nothing is
    stored or logged (no row, no audit entry): the server keeps no trace of who has one."""
    minutes = check_can_have_receipt(participant, live_session)
    current = keys.signing_key(current_app).public_key()
    receipt = Receipt(
        group=live_session.group.name,
        day=session_day(live_session, zone),
        minutes=minutes,
        name=clean_name(name),
        kid=keys.key_id(current),
    )
    return sign(receipt)


# --- checking one -----------------------------------------------------------------------------


def find_code(text: str | bytes) -> str | None:
    """The first receipt code in pasted text or a receipt file (its PDF carries the code whole in
    its keywords), whitespace ignored."""
    if isinstance(text, bytes):
        text = text.decode("latin-1")
    match = _CODE.search("".join(text.split()))
    return match.group(0) if match else None


def _receipt_from(payload: object) -> Receipt | None:
    """The receipt a signed payload describes, if it has exactly the expected shape."""
    if not isinstance(payload, dict) or not PAYLOAD_KEYS <= set(payload) <= PAYLOAD_KEYS | {"name"}:
        return None
    name, minutes, group = payload.get("name"), payload["minutes"], payload["group"]
    if (
        payload["type"] != RECEIPT_TYPE
        or payload["v"] != VERSION
        or not isinstance(group, str)
        or not 0 < len(group) <= GROUP_NAME_MAX_LENGTH
        or type(minutes) is not int
        or not ROUND_TO_MINUTES <= minutes <= MAX_MINUTES
        or minutes % ROUND_TO_MINUTES
        or not (name is None or (isinstance(name, str) and 0 < len(name) <= NAME_MAX_LENGTH))
        or not isinstance(payload["date"], str)
    ):
        return None
    try:
        day = date.fromisoformat(payload["date"])
    except ValueError:
        return None
    return Receipt(group=group, day=day, minutes=minutes, name=name, kid=payload["kid"])


def verify_code(text: str | bytes) -> CheckedReceipt:
    """Check a receipt's signature against the deployment's current and retired keys; what it says
    is trusted only once the signature is good. Raises Invalid, kindly, for anything else."""
    code = find_code(text)
    if code is None or len(code) > CODE_MAX_LENGTH:
        raise Invalid(NOT_A_RECEIPT_MESSAGE)
    _, body_text, signature_text = code.split(".")
    try:
        body, signature = _b64decode(body_text), _b64decode(signature_text)
        payload = json.loads(body.decode("utf-8"))
    except (binascii.Error, ValueError):
        raise Invalid(NOT_GENUINE_MESSAGE) from None
    kid = payload.get("kid") if isinstance(payload, dict) else None
    key = next((known for known in keys.public_keys(current_app) if known.kid == kid), None)
    if key is None or len(signature) != SIGNATURE_LENGTH:
        raise Invalid(NOT_GENUINE_MESSAGE)
    try:
        key.key.verify(signature, body)
    except InvalidSignature:
        raise Invalid(NOT_GENUINE_MESSAGE) from None
    receipt = _receipt_from(payload)
    if receipt is None:
        raise Invalid(NOT_GENUINE_MESSAGE)
    return CheckedReceipt(receipt, current_key=key.current)


def time_zone(name: str | None) -> ZoneInfo | None:
    """The phone's time zone by its IANA name, or None for an unknown or odd one."""
    if not name or len(name) > 64 or name.startswith(("/", ".")) or ".." in name:
        return None
    try:
        return ZoneInfo(name)
    except (KeyError, ValueError):
        return None


def describe_minutes(minutes: int) -> str:
    """'1 h 30 min', '45 min'."""
    hours, rest = divmod(minutes, 60)
    if hours and rest:
        return f"{hours} h {rest} min"
    return f"{hours} h" if hours else f"{rest} min"
