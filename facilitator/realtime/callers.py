"""Who sent an event: loaded from the connection's own row and checked again at every event.

Identity belongs to the connection (its row in socket_connection), never to the Flask session,
which Flask-SocketIO shares between the namespaces of one Engine.IO connection. One query per
event loads the row with what the checks need; a row deleted when rights ended (sign-out,
removal, leaving, the end) means the event is refused even before the connection closes.

A phone's query is the cheapest there is, since phones send nearly all the events (an answer
each): a few columns by primary keys, no objects built. The participant and session objects are
loaded only if a handler asks for them.

Rights are never cached: a change on any worker (a removal, the end) is seen by the very next
event. What this process remembers of a phone's connection from its connect on is only what
cannot change while it is open (its session, participant and name, and the session's key, see
`remembered_seat`), for an event's quick way, whose statement checks the rights again itself as
it writes (`sessions.models.still_seated`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import NamedTuple

from sqlalchemy import Select, and_, bindparam, select

from ..accounts.models import Facilitator, SignIn
from ..accounts.services import touch_sign_in
from ..clock import utcnow
from ..errors import NotAllowed
from ..extensions import db
from ..groups.models import GroupFacilitator
from ..sessions.models import LiveSession, Participant, ParticipantStatus, SessionState, SocketConnection
from .rooms import FACILITATOR_NS, PARTICIPANT_NS

NOT_RECOGNISED_MESSAGE = "We couldn't tell who you are any more. Please reload the page."
NO_LONGER_RUNS_MESSAGE = "You don't run this group's sessions any more, so this didn't go through."
SCREEN_MESSAGE = "The shared screen only shows the room; please use the console."
NOT_IN_SESSION_MESSAGE = "You're no longer in this session. You can join again with the link."
NOT_SEATED_MESSAGE = "We couldn't tell who you are. Please open the session's link again."


@dataclass(frozen=True)
class FacilitatorCaller:
    """A facilitator's console that still runs the session's group, with an active account."""

    live_session: LiveSession
    facilitator: Facilitator


class Seat(NamedTuple):
    """What a phone's connection is, as the database says at this event: who, where, and the
    state the checks read."""

    live_session_id: int
    participant_id: int
    display_name: str
    status: str  # the participant's (ParticipantStatus)
    session_state: str  # the session's (SessionState)
    anonymity_key: bytes | None  # the session's, for keyed hashes (None once it ended)
    sid: str | None = None  # the connection that sent the event (None for an HTTP request)

    @classmethod
    def of(cls, live_session: LiveSession, participant: Participant, sid: str | None = None) -> Seat:
        """The seat of objects already loaded (`sid`: the connection, None for an HTTP request)."""
        return cls(
            live_session.id,
            participant.id,
            participant.display_name,
            participant.status,
            live_session.state,
            live_session.anonymity_key,
            sid,
        )

    @property
    def is_in_room(self) -> bool:
        return self.status == ParticipantStatus.PRESENT

    @property
    def is_live(self) -> bool:
        return self.session_state == SessionState.LIVE


class ParticipantCaller:
    """A participant's phone whose seat has not left or been removed.

    `seat` is what the checks read; `live_session` and `participant` are loaded (together, in
    one query) the first time a handler asks for either.
    """

    __slots__ = ("_live_session", "_participant", "seat")

    def __init__(
        self, seat: Seat, live_session: LiveSession | None = None, participant: Participant | None = None
    ) -> None:
        self.seat = seat
        self._live_session = live_session
        self._participant = participant

    @property
    def live_session(self) -> LiveSession:
        if self._live_session is None:
            self._load()
        assert self._live_session is not None
        return self._live_session

    @property
    def participant(self) -> Participant:
        if self._participant is None:
            self._load()
        assert self._participant is not None
        return self._participant

    def _load(self) -> None:
        row = db.session.execute(
            select(LiveSession, Participant)
            .join(Participant, Participant.live_session_id == LiveSession.id)
            .where(Participant.id == self.seat.participant_id)
        ).one_or_none()
        if row is None:  # deleted since the check: the participant is gone
            raise NotAllowed(NOT_IN_SESSION_MESSAGE)
        self._live_session, self._participant = row


def load_facilitator_caller(sid: str, *, allow_screen: bool = False) -> FacilitatorCaller:
    """This console's facilitator, if they still run the session's group with an active account.

    One query: the connection row, its session, its sign-in and the membership. The shared screen
    is refused unless the event allows it (`allow_screen`: the clock, which reads and writes nothing).
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
    if is_screen and not allow_screen:
        raise NotAllowed(SCREEN_MESSAGE)
    # Working on the console is using the sign-in: it must not expire as idle meanwhile (a screen
    # that only listens is not working on it).
    if sign_in is not None and not is_screen:
        touch_sign_in(sign_in, utcnow())
    return FacilitatorCaller(live_session, facilitator)


_seat_query: Select | None = None


def _seat_of_connection() -> Select:
    """The query of a phone's seat by its connection id, built once (columns of the tables
    themselves, so the ORM has nothing to do but run it)."""
    global _seat_query
    if _seat_query is None:
        connection, participant, live_session = (
            SocketConnection.__table__.c,
            Participant.__table__.c,
            LiveSession.__table__.c,
        )
        _seat_query = (
            select(
                connection.live_session_id,
                connection.participant_id,
                participant.display_name,
                participant.status,
                live_session.state,
                live_session.anonymity_key,
            )
            .select_from(SocketConnection.__table__)
            .join(Participant.__table__, participant.id == connection.participant_id)
            .join(LiveSession.__table__, live_session.id == connection.live_session_id)
            .where(connection.sid == bindparam("sid"), connection.namespace == PARTICIPANT_NS)
        )
    return _seat_query


def load_participant_caller(sid: str) -> ParticipantCaller:
    """This phone's participant: their seat, read in one query by the connection's primary key."""
    row = db.session.connection().execute(_seat_of_connection(), {"sid": sid}).one_or_none()
    if row is None:
        raise NotAllowed(NOT_RECOGNISED_MESSAGE)
    seat = Seat._make((*row, sid))
    if seat.status in (ParticipantStatus.LEFT, ParticipantStatus.REMOVED):
        raise NotAllowed(NOT_IN_SESSION_MESSAGE)
    remember_seat(seat)
    return ParticipantCaller(seat)


# This process's phone connections, by sid: each one's seat as its last full check read it.
_remembered_seats: dict[str, Seat] = {}


def remember_seat(seat: Seat) -> None:
    """A phone's connection was just checked in full: its seat as read then. Only once the
    session is live: its key is made when it starts, so a seat read before has none."""
    assert seat.sid is not None
    if seat.anonymity_key is not None:
        _remembered_seats[seat.sid] = seat


def remembered_seat(sid: str) -> Seat | None:
    """The seat of this connection as its connect or last event checked in full read it, or None.

    Its session, participant and name cannot change while the connection is open, nor the
    session's key while it is live; the participant's status and the session's state are as
    they were then, not as they are now. So it is only for a statement that checks them again
    as it writes (`sessions.models.still_seated`): an event's quick way
    (`SocketEvents.participant(quick=...)`).
    """
    return _remembered_seats.get(sid)


def forget_seat(sid: str) -> None:
    """The connection closed: nothing of it is remembered."""
    _remembered_seats.pop(sid, None)


def load_seated_caller(live_session: LiveSession, participant_id: int | None) -> ParticipantCaller:
    """The participant a phone's seat cookie names (facilitator/sessions/seats.py), for an HTTP
    request that does what one of their socket events does: the same checks as a connection's."""
    participant = db.session.get(Participant, participant_id) if participant_id is not None else None
    if participant is None or participant.live_session_id != live_session.id:
        raise NotAllowed(NOT_SEATED_MESSAGE)
    return _still_taking_part(live_session, participant)


def _still_taking_part(live_session: LiveSession, participant: Participant) -> ParticipantCaller:
    if participant.status in (ParticipantStatus.LEFT, ParticipantStatus.REMOVED):
        raise NotAllowed(NOT_IN_SESSION_MESSAGE)
    return ParticipantCaller(Seat.of(live_session, participant), live_session, participant)
