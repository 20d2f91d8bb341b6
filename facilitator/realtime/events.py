"""Socket events: the payload rules and the one wrapper every event goes through.

A capability declares its events on a `SocketEvents` group (`@events.facilitator(...)`,
`@events.participant(...)`) and registers the group in its own `init_app`. Every event then
gets the same treatment, in this order: a per-connection rate limit; the payload checked against
the event's schema (exact types, lengths, ids a database can hold, no unknown fields, no control
characters); the caller loaded from the connection and checked against the database as it is
now; the handler, which only translates (calls services, says what to announce, returns the
ack); then one commit, after which the announcements are sent; and any refusal turned into a
kind `{"ok": false, "error": ...}` ack after a rollback, so a refused event writes nothing.

A participant's event may also have a quick way, for what phones send most (an answer each):
from the seat the connection's connect or last full check read (`callers.remembered_seat`), in a
statement that checks the rights again as it writes and commits on its own, past the session
(facilitator/statements.py). When it does nothing (no seat remembered, the rights changed,
anything unusual) the event goes the full way above.
"""

from __future__ import annotations

import functools
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Annotated, Any, Generic, TypeVar

from flask import Flask, Request, current_app, request
from flask.sessions import SecureCookieSessionInterface, SessionMixin
from limits import parse as parse_rate
from pydantic import BaseModel, ConfigDict, Field, StringConstraints, ValidationError, field_validator

from ..errors import DomainError, NotAllowed
from ..extensions import db, socketio
from ..sessions.models import LiveSession
from ..text import remove_control_characters
from ..transactions import session_opened
from .callers import (
    FacilitatorCaller,
    ParticipantCaller,
    Seat,
    load_facilitator_caller,
    load_participant_caller,
    load_seated_caller,
    remembered_seat,
)
from .rooms import FACILITATOR_NS, PARTICIPANT_NS

RATE_LIMITED_MESSAGE = "That was a lot at once. Please wait a few seconds, then try again."
UNEXPECTED_MESSAGE = "Something went wrong on our side. Please try again in a moment."
NOT_LIVE_MESSAGE = "This session isn't live any more."
WAITING_MESSAGE = "You'll be able to do this once the facilitator lets you in."
ONE_MESSAGE = "That didn't go through: please send one message at a time."


class ConnectionCounters:
    """Events per connection in fixed windows, for the connections this process holds (a
    connection never moves between processes, so nothing needs sharing).

    A plain dict: the `limits` package's memory storage re-arms a timer every 10 ms that scans
    every key, and a moving window keeps every event; with thousands of phones either cost more
    than checking the events themselves (measured, benchmarks/crowd).
    """

    def __init__(self) -> None:
        self._windows: dict[str, tuple[float, int]] = {}  # sid -> (window start, events in it)
        self._next_sweep = 0.0
        self._lock = threading.Lock()  # for the threading server; green under eventlet and gevent

    def hit(self, sid: str, amount: int, seconds: float) -> bool:
        """Count one event of `sid`; False once it is over `amount` in its window of `seconds`."""
        with self._lock:
            now = time.monotonic()
            start, count = self._windows.get(sid, (now, 0))
            if now - start >= seconds:
                start, count = now, 0
            self._windows[sid] = (start, count + 1)
            if now >= self._next_sweep:  # forget closed connections' windows now and then
                self._next_sweep = now + max(seconds, 10)
                self._windows = {key: kept for key, kept in self._windows.items() if now - kept[0] < seconds}
            return count < amount


_event_counters = ConnectionCounters()


class SocketSessionInterface(SecureCookieSessionInterface):
    """Flask's signed-cookie sessions, without decoding the cookie again at every socket event.

    Flask-SocketIO runs each event in a request context, which opens the session from the
    connection's cookie, and then puts the connection's own copy (kept in its environ as
    `saved_session`) in its place: the cookie was checked and decoded for nothing, once per
    answer. Here the copy is returned at once. Pages and every other request are as before.
    """

    # Flask's own return type is narrower than its base's (SessionInterface): Flask-SocketIO's
    # copy is a SessionMixin, as SessionInterface allows.
    def open_session(self, app: Flask, request: Request) -> SessionMixin | None:  # type: ignore[override]
        saved = request.environ.get("saved_session")
        return saved if saved is not None else super().open_session(app, request)


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


CallerT = TypeVar("CallerT", FacilitatorCaller, ParticipantCaller)
FacilitatorHandler = Callable[[FacilitatorCaller, Any], dict]
ParticipantHandler = Callable[[ParticipantCaller, Any], dict]
# An event's quick way: its ack, or None when it did nothing and the full way must decide.
QuickWay = Callable[[Seat, Any], dict | None]


@dataclass(frozen=True)
class EventSpec(Generic[CallerT]):
    """One socket event: who may send it, its payload schema and its handler."""

    name: str
    namespace: str
    schema: type[Payload]
    handler: Callable[[CallerT, Any], dict]
    needs_live: bool = True  # refused once the session is no longer live
    allow_waiting: bool = False  # participants: also from the waiting room
    allow_screen: bool = False  # facilitators: also from the shared screen (it sends nothing else)
    quick: QuickWay | None = None  # participants: tried first, from the remembered seat


class SocketEvents:
    """A capability's socket events; `register(app)` in its init_app puts them on the server."""

    def __init__(self) -> None:
        self.specs: list[EventSpec] = []

    def facilitator(
        self,
        name: str,
        schema: type[Payload] = Empty,
        *,
        needs_live: bool = True,
        allow_screen: bool = False,
    ) -> Callable[[Callable[[FacilitatorCaller, Any], dict]], Callable[[FacilitatorCaller, Any], dict]]:
        """Declare an event a facilitator's console sends on /facilitator (`allow_screen`: the shared
        screen may send it too; only for an event that reads nothing of the session and writes nothing)."""

        def declare(
            handler: Callable[[FacilitatorCaller, Any], dict],
        ) -> Callable[[FacilitatorCaller, Any], dict]:
            spec = EventSpec(name, FACILITATOR_NS, schema, handler, needs_live, allow_screen=allow_screen)
            self.specs.append(spec)
            return handler

        return declare

    def participant(
        self,
        name: str,
        schema: type[Payload] = Empty,
        *,
        needs_live: bool = True,
        allow_waiting: bool = False,
        quick: QuickWay | None = None,
    ) -> Callable[[Callable[[ParticipantCaller, Any], dict]], Callable[[ParticipantCaller, Any], dict]]:
        """Declare an event a participant's phone sends on /participant.

        `quick(seat, payload)` is tried first when this process remembers the connection's seat:
        it must write only through statements that check `sessions.models.still_seated` (the seat's
        status and state may have changed since) and commit on their own, past the event's session
        (`facilitator.statements.DirectStatement`), and return None when it did nothing.
        """

        def declare(
            handler: Callable[[ParticipantCaller, Any], dict],
        ) -> Callable[[ParticipantCaller, Any], dict]:
            self.specs.append(
                EventSpec(name, PARTICIPANT_NS, schema, handler, needs_live, allow_waiting, quick=quick)
            )
            return handler

        return declare

    def register(self, app: Flask) -> None:
        """Put these events on the Socket.IO server, each behind the shared checks."""
        registered = app.extensions.setdefault("stepwise.socket_events", {})
        for spec in self.specs:
            socketio.on_event(spec.name, _dispatcher(spec), namespace=spec.namespace)
            registered[(spec.namespace, spec.name)] = spec


def registered_events(app: Flask) -> dict[tuple[str, str], EventSpec]:
    """Every socket event the app's capabilities registered, by (namespace, name)."""
    return dict(app.extensions.get("stepwise.socket_events", {}))


def current_sid() -> str:
    """The Socket.IO id of the connection whose event (or connect) is being handled."""
    # Flask-SocketIO sets `sid` on the request it makes for each event; Flask's Request has no such field.
    sid: str = request.sid  # type: ignore[attr-defined]
    return sid


@functools.lru_cache(maxsize=8)
def _event_limit(setting: str) -> tuple[int, int]:
    limit = parse_rate(setting)
    return limit.amount, limit.get_expiry()


def _within_rate_limit() -> bool:
    amount, seconds = _event_limit(current_app.config["SOCKET_EVENT_RATE_LIMIT"])
    return _event_counters.hit(current_sid(), amount, seconds)


def _caller(spec: EventSpec) -> FacilitatorCaller | ParticipantCaller:
    """The caller, refused when the session or their place in it does not allow the event."""
    caller: FacilitatorCaller | ParticipantCaller
    if spec.namespace == FACILITATOR_NS:
        caller = load_facilitator_caller(current_sid(), allow_screen=spec.allow_screen)
    else:
        caller = load_participant_caller(current_sid())
    _check_allowed(spec, caller)
    return caller


def _quick_ack(spec: EventSpec, payload: Payload) -> dict | None:
    """The event's quick way, when it has one and this process remembers the connection's seat;
    None when it did nothing."""
    if spec.quick is None:
        return None
    seat = remembered_seat(current_sid())
    return None if seat is None else spec.quick(seat, payload)


def _check_allowed(spec: EventSpec, caller: FacilitatorCaller | ParticipantCaller) -> None:
    if isinstance(caller, ParticipantCaller):
        if not (caller.seat.is_in_room or spec.allow_waiting):
            raise NotAllowed(WAITING_MESSAGE)
        is_live = caller.seat.is_live
    else:
        is_live = caller.live_session.is_live
    if spec.needs_live and not is_live:
        raise NotAllowed(NOT_LIVE_MESSAGE)


def seated_caller_for(event: str, live_session: LiveSession, participant_id: int | None) -> ParticipantCaller:
    """For an HTTP route that does what the participant event `event` does (so a phone without its
    live connection can still do it): the participant the phone's seat names, refused by the very
    rules the event applies (left or removed, the waiting room, the session no longer live)."""
    spec = registered_events(current_app)[(PARTICIPANT_NS, event)]
    caller = load_seated_caller(live_session, participant_id)
    _check_allowed(spec, caller)
    return caller


def _dispatcher(spec: EventSpec) -> Callable[..., dict]:
    """The function Flask-SocketIO calls for the event: checks, handler, commit, announcements."""

    @functools.wraps(spec.handler)
    def dispatch(*args: Any) -> dict:
        if not _within_rate_limit():
            return error(RATE_LIMITED_MESSAGE)
        if len(args) > 1:
            return error(ONE_MESSAGE)
        try:
            payload = spec.schema.model_validate(args[0] if args and args[0] is not None else {})
        except ValidationError as exc:
            return error(describe_invalid(exc))
        try:
            ack = _quick_ack(spec, payload)
            if ack is None:
                ack = spec.handler(_caller(spec), payload)
            # What the handler announced is sent now. A quick way writes past the session and
            # commits on its own, so its session may never open (facilitator/transactions.py).
            if session_opened():
                db.session.commit()
        except DomainError as exc:
            db.session.rollback()
            return error(exc.message)
        except Exception:
            db.session.rollback()
            current_app.logger.exception("Socket event %s failed", spec.name)
            return error(UNEXPECTED_MESSAGE)
        return ack

    return dispatch
