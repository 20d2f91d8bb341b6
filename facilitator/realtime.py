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

from flask import current_app, request
from limits import parse as parse_rate
from limits.storage import MemoryStorage
from limits.strategies import FixedWindowRateLimiter
from pydantic import BaseModel, ConfigDict, Field, StringConstraints, ValidationError, field_validator
from sqlalchemy import and_, select

from .accounts.models import Facilitator, SignIn
from .accounts.services import touch_sign_in
from .clock import utcnow
from .errors import DomainError, NotAllowed
from .extensions import db, socketio
from .groups.models import GroupFacilitator
from .jobs import run_later
from .sessions.models import LiveSession, Participant, ParticipantStatus, SocketConnection
from .text import remove_control_characters

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
    """Base for event payload schemas: exact types, no unknown fields, no control characters."""

    model_config = ConfigDict(extra="forbid", strict=True, str_strip_whitespace=True)

    @field_validator("*", mode="after")
    @classmethod
    def _without_control_characters(cls, value: Any) -> Any:
        return _clean_strings(value)


def _clean_strings(value: Any) -> Any:
    """Strings (also inside lists) without control characters or surrounding spaces."""
    if isinstance(value, list):
        return [_clean_strings(item) for item in value]
    return remove_control_characters(value).strip() if isinstance(value, str) else value


class Empty(Payload):
    """For events that carry no data."""


# A database id (PostgreSQL INTEGER): a larger number is nobody's id, and must not reach a query.
DB_ID_MAX = 2**31 - 1
DbId = Annotated[int, Field(ge=1, le=DB_ID_MAX)]

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
    # The name may be the client's own (an unknown field): never echo more than a short, clean one.
    field = remove_control_characters(".".join(str(part) for part in problem["loc"]), multiline=False)[:40]
    field = field or "the message"
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


NOT_RECOGNISED_MESSAGE = "We couldn't tell who you are any more. Please reload the page."
NO_LONGER_RUNS_MESSAGE = "You don't run this group's sessions any more, so this didn't go through."
SCREEN_MESSAGE = "The shared screen only shows the room; please use the console."


def _load_facilitator(sid: str) -> Caller:
    """This console's facilitator, if they still run the session's group with an active account.

    One query: the connection row (deleted when its sign-in ends), its session, its sign-in and
    the membership.
    """
    row = db.session.execute(
        select(SocketConnection.is_screen, LiveSession, Facilitator, SignIn)
        .select_from(SocketConnection)
        .join(LiveSession, LiveSession.id == SocketConnection.live_session_id)
        .join(Facilitator, Facilitator.id == SocketConnection.facilitator_id)
        .outerjoin(SignIn, SignIn.id == SocketConnection.sign_in_id)
        .outerjoin(
            GroupFacilitator,
            and_(
                GroupFacilitator.group_id == LiveSession.group_id,
                GroupFacilitator.facilitator_id == SocketConnection.facilitator_id,
            ),
        )
        .add_columns(GroupFacilitator.facilitator_id.is_not(None))
        .where(SocketConnection.sid == sid, SocketConnection.namespace == FACILITATOR_NS)
    ).one_or_none()
    if row is None:
        raise NotAllowed(NOT_RECOGNISED_MESSAGE)
    is_screen, live_session, facilitator, sign_in, runs_group = row
    if not runs_group or not facilitator.is_active:
        raise NotAllowed(NO_LONGER_RUNS_MESSAGE)
    if is_screen:
        raise NotAllowed(SCREEN_MESSAGE)
    # Working on the console is using the sign-in: it must not expire as idle meanwhile.
    if sign_in is not None and touch_sign_in(sign_in, utcnow()):
        db.session.commit()
    return Caller(live_session, facilitator=facilitator)


def _load_participant(sid: str) -> Caller:
    """This phone's participant, loaded with its session in one query."""
    row = db.session.execute(
        select(LiveSession, Participant)
        .select_from(SocketConnection)
        .join(LiveSession, LiveSession.id == SocketConnection.live_session_id)
        .join(Participant, Participant.id == SocketConnection.participant_id)
        .where(SocketConnection.sid == sid, SocketConnection.namespace == PARTICIPANT_NS)
    ).one_or_none()
    if row is None:
        raise NotAllowed(NOT_RECOGNISED_MESSAGE)
    live_session, participant = row
    if participant.status in (ParticipantStatus.LEFT, ParticipantStatus.REMOVED):
        raise NotAllowed("You're no longer in this session. You can join again with the link.")
    return Caller(live_session, participant=participant)


def load_caller(namespace: str, sid: str) -> Caller:
    """Who sent an event on this connection, checked against the database as it is now.

    Identity belongs to the connection (its row in socket_connection), never to the Flask
    session, which Flask-SocketIO shares between the namespaces of one Engine.IO connection.
    """
    return _load_facilitator(sid) if namespace == FACILITATOR_NS else _load_participant(sid)


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
                caller = load_caller(namespace, request.sid)
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
