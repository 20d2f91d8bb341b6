"""The live room's own socket handlers: connecting, presence, the agenda, admitting and removing.

Identity is settled in the connect handlers and kept in the connection's own socket_connection
row; every event checks it again (callers.py). See docs/protocol.md for every event.
"""

from __future__ import annotations

from flask import Flask, request
from flask_login import current_user
from flask_socketio import join_room, leave_room
from pydantic import Field

from ..accounts.sign_ins import current_sign_in
from ..errors import NotFound
from ..extensions import db, socketio
from ..jobs import current_app_object, start_periodic_jobs
from ..sessions import services
from ..sessions.models import LiveSession, Participant, ParticipantStatus
from ..sessions.seats import seat_participant_id
from .announce import (
    announce_participant,
    announce_session,
    announce_step,
    announce_to_participant,
)
from .callers import FacilitatorCaller, ParticipantCaller, Seat, remember_seat
from .events import DB_ID_MAX, DbId, Empty, Payload, SocketEvents, current_sid, ok
from .presence import close_participant_connections, forget_connection, record_connection
from .rooms import (
    FACILITATOR_NS,
    PARTICIPANT_NS,
    admitted_phones_room,
    consoles_room,
    facilitator_consoles_room,
    participant_phones_room,
    screen_room,
)
from .snapshot import catch_up, session_state

events = SocketEvents()


def _auth_value(auth: object, key: str) -> object:
    return auth.get(key) if isinstance(auth, dict) else None


def _session_id(auth: object) -> int | None:
    """The session id a console asks for, if it is one the database could hold."""
    value = _auth_value(auth, "live_session_id")
    if isinstance(value, bool) or not isinstance(value, int):
        return None
    return value if 1 <= value <= DB_ID_MAX else None


def connect_facilitator(auth: object = None) -> None:
    """A facilitator's console, or with `screen: true` the shared screen they project.

    Either way: signed in, and one of the facilitators of the session's group. The screen joins
    a room of its own that receives only what the whole room may see.
    """
    live_session_id = _session_id(auth)
    if not current_user.is_authenticated or not current_user.is_active:
        raise ConnectionRefusedError("Please sign in again.")
    if live_session_id is None:
        raise ConnectionRefusedError("We couldn't find that session.")
    try:
        live_session = services.load_session_for(current_user, live_session_id)
    except NotFound:
        raise ConnectionRefusedError("We couldn't find that session.") from None
    is_screen = _auth_value(auth, "screen") is True
    sign_in = current_sign_in()
    record_connection(
        current_sid(),
        FACILITATOR_NS,
        live_session,
        facilitator_id=current_user.id,
        sign_in_id=sign_in.id if sign_in else None,
        is_screen=is_screen,
    )
    db.session.commit()
    join_room(screen_room(live_session.id) if is_screen else consoles_room(live_session.id))
    if not is_screen:
        # Support requests alert one facilitator first, then everyone (facilitator/support).
        join_room(facilitator_consoles_room(live_session.id, current_user.id))
        # Other servers than `python wsgi.py` get their periodic jobs with the first console.
        start_periodic_jobs(current_app_object())
    _send_state(live_session, "screen" if is_screen else "facilitator", None, FACILITATOR_NS)


def connect_participant(auth: object = None) -> None:
    """A participant's phone: the seat cookie must name a participant of that live session."""
    join_token = _auth_value(auth, "join_token")
    if not isinstance(join_token, str) or len(join_token) > 64:
        raise ConnectionRefusedError("We couldn't find that session.")
    try:
        live_session = services.find_session_by_token(join_token)
    except NotFound:
        raise ConnectionRefusedError("We couldn't find that session.") from None
    if live_session.is_ended:
        raise ConnectionRefusedError(services.ENDED_MESSAGE)
    participant = services.find_seat(live_session, seat_participant_id(request, live_session))
    if participant is None or participant.status in (ParticipantStatus.LEFT, ParticipantStatus.REMOVED):
        raise ConnectionRefusedError("Please join the session again.")
    record_connection(current_sid(), PARTICIPANT_NS, live_session, participant=participant)
    db.session.commit()
    # Its first answer can then take the quick way too (facilitator/realtime/events.py).
    remember_seat(Seat.of(live_session, participant, current_sid()))
    _join_participant_rooms(participant)
    _send_state(live_session, "participant", participant, PARTICIPANT_NS)
    announce_participant(participant)
    db.session.commit()


def _send_state(live_session: LiveSession, viewer, participant: Participant | None, namespace: str) -> None:
    """Release what is due, then send this connection the whole current state."""
    catch_up(live_session)
    db.session.commit()
    state = session_state(live_session, viewer, participant)
    socketio.emit("session_state", state, to=current_sid(), namespace=namespace)


def _join_participant_rooms(participant: Participant) -> None:
    join_room(participant_phones_room(participant.id))
    if participant.is_in_room:
        join_room(admitted_phones_room(participant.live_session_id))


def disconnect_facilitator(*_reason: object) -> None:
    forget_connection(current_sid())
    db.session.commit()


def disconnect_participant(*_reason: object) -> None:
    """A phone went away: the console shows the participant as away unless another tab is open."""
    connection = forget_connection(current_sid())
    if connection is not None and connection.participant_id is not None:
        participant = db.session.get(Participant, connection.participant_id)
        if participant is not None:
            announce_participant(participant)
    db.session.commit()


def register_connection_handlers() -> None:
    """Put the connect and disconnect handlers of both namespaces on the Socket.IO server."""
    socketio.on("connect", namespace=FACILITATOR_NS)(connect_facilitator)
    socketio.on("connect", namespace=PARTICIPANT_NS)(connect_participant)
    socketio.on("disconnect", namespace=FACILITATOR_NS)(disconnect_facilitator)
    socketio.on("disconnect", namespace=PARTICIPANT_NS)(disconnect_participant)


# --- participant events -----------------------------------------------------------------------


@events.participant("sync", needs_live=False, allow_waiting=True)
def sync(caller: ParticipantCaller, _: Empty) -> dict:
    """Participant asks for the whole current state (after being admitted, or to catch up)."""
    _join_participant_rooms(caller.participant)
    catch_up(caller.live_session)
    return ok(state=session_state(caller.live_session, "participant", caller.participant))


@events.participant("leave", needs_live=False, allow_waiting=True)
def leave(caller: ParticipantCaller, _: Empty) -> dict:
    """Participant leaves the session; the console shows them as left.

    Their other connections are closed; this one leaves its rooms and loses its row (so its next
    event is refused) and is closed by the phone after the ack.
    """
    participant = caller.participant
    services.leave_session(participant)
    leave_room(participant_phones_room(participant.id))
    leave_room(admitted_phones_room(participant.live_session_id))
    forget_connection(current_sid())
    close_participant_connections(participant, except_sid=current_sid())
    announce_participant(participant)
    return ok()


# --- facilitator events -----------------------------------------------------------------------


class ParticipantRef(Payload):
    participant_id: DbId


class LockPayload(Payload):
    locked: bool


class StepPayload(Payload):
    index: int = Field(ge=0, le=50)


@events.facilitator("admit", ParticipantRef)
def admit(caller: FacilitatorCaller, payload: ParticipantRef) -> dict:
    """Facilitator lets one person in from the waiting room; they get `admitted`."""
    participant = services.admit_participant(caller.facilitator, caller.live_session, payload.participant_id)
    announce_to_participant(participant.id, "admitted", {})
    announce_participant(participant)
    return ok()


@events.facilitator("admit_all")
def admit_all(caller: FacilitatorCaller, _: Empty) -> dict:
    """Facilitator lets everyone in the waiting room in."""
    admitted = services.admit_everyone(caller.facilitator, caller.live_session)
    for participant in admitted:
        announce_to_participant(participant.id, "admitted", {})
        announce_participant(participant)
    return ok(admitted=len(admitted))


@events.facilitator("remove_participant", ParticipantRef, needs_live=False)
def remove_participant(caller: FacilitatorCaller, payload: ParticipantRef) -> dict:
    """Facilitator removes someone: their phone is told, then disconnected, and cannot rejoin."""
    participant = services.remove_participant(caller.facilitator, caller.live_session, payload.participant_id)
    announce_to_participant(participant.id, "removed", {"message": services.REMOVED_MESSAGE})
    close_participant_connections(participant)
    announce_participant(participant)
    return ok()


@events.facilitator("set_locked", LockPayload)
def set_locked(caller: FacilitatorCaller, payload: LockPayload) -> dict:
    """Facilitator locks the room against new joins, or opens it again."""
    services.set_locked(caller.facilitator, caller.live_session, payload.locked)
    announce_session(caller.live_session)
    return ok()


@events.facilitator("move_step", StepPayload)
def move_step(caller: FacilitatorCaller, payload: StepPayload) -> dict:
    """Facilitator moves the agenda; every screen gets `step_changed`."""
    services.move_to_step(caller.facilitator, caller.live_session, payload.index)
    announce_step(caller.live_session)
    return ok()


@events.facilitator("end_session")
def end_session(caller: FacilitatorCaller, _: Empty) -> dict:
    """Facilitator ends the session for everyone (the console's button; HTTP does the same):
    once committed, every screen gets `session_ended` (realtime.init_app's receiver)."""
    services.end_session(caller.facilitator, caller.live_session)
    return ok()


def register(app: Flask) -> None:
    """The room's handlers on the Socket.IO server."""
    register_connection_handlers()
    events.register(app)
