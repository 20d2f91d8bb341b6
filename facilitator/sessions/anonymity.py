"""Keyed hashes that stand in for a person while a session is live.

The key lives on the session and is destroyed when it ends; after that, nobody (a database
administrator included) can tell which participant a hash stood for. See docs/privacy.md.
"""

from __future__ import annotations

import hashlib
import hmac
from datetime import datetime

from ..errors import NotAllowed
from .models import LiveSession


def keyed_hash(live_session: LiveSession, purpose: str, *parts: int | str) -> str:
    """A stable, unlinkable stand-in for (purpose, parts) within this live session."""
    return keyed_hash_with(live_session.anonymity_key, purpose, *parts)


def keyed_hash_with(anonymity_key: bytes | None, purpose: str, *parts: int | str) -> str:
    """`keyed_hash` from the session's key itself, for code that has the key but not the session."""
    if anonymity_key is None:
        raise NotAllowed("This session isn't live any more.")
    message = ":".join([purpose, *map(str, parts)]).encode()
    return hmac.new(anonymity_key, message, hashlib.sha256).hexdigest()


def to_minute(moment: datetime) -> datetime:
    """Round a time down to the minute, so a stored time cannot single out who acted."""
    return moment.replace(second=0, microsecond=0)
