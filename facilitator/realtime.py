"""Socket.IO plumbing shared by every capability.

One wrapper, `on_event`, gives each handler the same treatment: a per-connection rate limit,
a payload checked against a small schema, the caller loaded from the connection, and any
DomainError turned into a kind error acknowledgement after a rollback. Room names are built
here from database ids, never from what a client sends.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass
from typing import Annotated, Any

from flask import current_app, request, session
from flask_login import current_user
from limits import parse as parse_rate
from limits.storage import MemoryStorage
from limits.strategies import FixedWindowRateLimiter
from pydantic import BaseModel, ConfigDict, StringConstraints, ValidationError

from .accounts.models import Facilitator
from .errors import DomainError
from .extensions import db, socketio
from .jobs import run_later
from .sessions.models import LiveSession, Participant

FACILITATOR_NS = "/facilitator"
PARTICIPANT_NS = "/participant"

RATE_LIMITED_MESSAGE = "That was a lot at once. Please wait a few seconds, then try again."
UNEXPECTED_MESSAGE = "Something went wrong on our side. Please try again in a moment."

# Counters for the connections this process holds; a connection never moves between processes.
# A fixed window: a moving one keeps every event and rescans them all every 10 ms, which costs
# a busy server more than all its answers (measured with 4,000 phones).
_rate_limiter = FixedWindowRateLimiter(MemoryStorage())


def facilitators_room(live_session_id: int) -> str:
    return f"session-{live_session_id}-facilitators"


def screen_room(live_session_id: int) -> str:
    """The projected shared screen: only what the whole room may see."""
    return f"session-{live_session_id}-screen"


def participants_room(live_session_id: int) -> str:
    """Admitted participants of a session (not those in the waiting room)."""
    return f"session-{live_session_id}-participants"


def participant_room(participant_id: int) -> str:
    """Every connection of one participant, for what only they may see."""
    return f"participant-{participant_id}"


def facilitator_room(live_session_id: int, facilitator_id: int) -> str:
    """The consoles one facilitator has open on a session (not their shared screen)."""
    return f"session-{live_session_id}-facilitator-{facilitator_id}"


class Payload(BaseModel):
    """Base for event payload schemas: exact types, no unknown fields."""

    model_config = ConfigDict(extra="forbid", strict=True, str_strip_whitespace=True)


class Empty(Payload):
    """For events that carry no data."""


# Made by the phone for each submission, so that a resend is recognised as the same one.
ClientId = Annotated[str, StringConstraints(min_length=8, max_length=64, pattern=r"^[A-Za-z0-9_-]+$")]


_due_soon: set[str] = set()


def announce_soon(key: str, announce: Callable[[], None]) -> None:
    """Run `announce` in a moment, once for however many calls with this key arrive meanwhile.

    A burst of answers then costs one recount and one broadcast per interval
    (LIVE_UPDATE_INTERVAL; 0 announces at once). What is announced is read from the database,
    so a worker that misses its moment loses nothing: the next change or reconnect shows it.
    """
    interval = current_app.config["LIVE_UPDATE_INTERVAL"]
    if interval <= 0:
        announce()
        return
    if key in _due_soon:
        return
    _due_soon.add(key)

    def announce_now() -> None:
        _due_soon.discard(key)  # changes from here on wait for the next moment
        announce()

    run_later(interval, announce_now, f"announcing {key}")


def ok(**data: Any) -> dict:
    return {"ok": True, **data}


def error(message: str) -> dict:
    return {"ok": False, "error": message}


_FRIENDLY_ERRORS = {
    "missing": "is missing",
    "extra_forbidden": "isn't something we expected",
    "string_too_long": "is too long ({max_length} characters at most)",
    "string_too_short": "can't be empty",
    "too_long": "has too many items ({max_length} at most)",
    "greater_than_equal": "must be at least {ge}",
    "less_than_equal": "must be at most {le}",
    "literal_error": "must be one of: {expected}",
}


def describe_invalid(exc: ValidationError) -> str:
    """One plain sentence about the first problem in a payload."""
    problem = exc.errors(include_url=False)[0]
    field = ".".join(str(part) for part in problem["loc"]) or "the message"
    template = _FRIENDLY_ERRORS.get(problem["type"], "doesn't look right")
    try:
        detail = template.format(**problem.get("ctx", {}))
    except (KeyError, IndexError):
        detail = "doesn't look right"
    return f"That didn't go through: {field.replace('_', ' ')} {detail}."


@dataclass
class Caller:
    """Who sent an event, loaded fresh from the database for each event."""

    live_session: LiveSession
    facilitator: Facilitator | None = None
    participant: Participant | None = None


def _load_caller(namespace: str) -> Caller | None:
    live_session = db.session.get(LiveSession, session.get("live_session_id"))
    if live_session is None:
        return None
    if namespace == FACILITATOR_NS:
        if not current_user.is_authenticated:
            return None
        return Caller(live_session, facilitator=current_user._get_current_object())
    participant = db.session.get(Participant, session.get("participant_id"))
    if participant is None or participant.live_session_id != live_session.id:
        return None
    return Caller(live_session, participant=participant)


def _within_rate_limit() -> bool:
    limit = parse_rate(current_app.config["SOCKET_EVENT_RATE_LIMIT"])
    return _rate_limiter.hit(limit, "socket-event", request.sid)


def on_event(
    event: str,
    namespace: str,
    schema: type[Payload] = Empty,
    *,
    needs_live: bool = True,
    allow_waiting: bool = False,
) -> Callable:
    """Register a socket handler `handler(caller, payload) -> ack dict` with the shared checks.

    `needs_live` refuses the event once the session is no longer live; participants must be
    admitted to the room unless `allow_waiting` is set.
    """

    def decorator(handler: Callable[[Caller, Any], dict]) -> Callable:
        @functools.wraps(handler)
        def wrapper(*args: Any) -> dict:
            if not _within_rate_limit():
                return error(RATE_LIMITED_MESSAGE)
            if len(args) > 1:
                return error("That didn't go through: please send one message at a time.")
            try:
                payload = schema.model_validate(args[0] if args and args[0] is not None else {})
            except ValidationError as exc:
                return error(describe_invalid(exc))
            try:
                if session.get("screen"):
                    return error("The shared screen only shows the room; please use the console.")
                caller = _load_caller(namespace)
                if caller is None:
                    return error("We couldn't tell who you are any more. Please reload the page.")
                if needs_live and not caller.live_session.is_live:
                    return error("This session isn't live any more.")
                if caller.participant and not (caller.participant.is_in_room or allow_waiting):
                    return error("You'll be able to do this once the facilitator lets you in.")
                return handler(caller, payload)
            except DomainError as exc:
                db.session.rollback()
                return error(exc.message)
            except Exception:
                db.session.rollback()
                current_app.logger.exception("Socket event %s failed", event)
                return error(UNEXPECTED_MESSAGE)

        socketio.on_event(event, wrapper, namespace=namespace)
        return wrapper

    return decorator
