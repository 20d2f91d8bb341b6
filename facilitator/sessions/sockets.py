"""Socket.IO handlers for the room itself: connecting, presence, the agenda, admitting and removing.

Identity is settled in the connect handlers and kept in the connection's own socket_connection
row; every event checks it again (facilitator/realtime.py). See docs/protocol.md for every event.
"""

from __future__ import annotations

from flask import current_app, request
from flask_login import current_user
from flask_socketio import join_room, leave_room
from pydantic import Field

from ..accounts.sign_ins import current_sign_in
from ..errors import NotFound
from ..extensions import db, socketio
from ..jobs import start_periodic_jobs
from ..realtime import (
    DB_ID_MAX,
    FACILITATOR_NS,
    PARTICIPANT_NS,
    Caller,
    DbId,
    Empty,
    Payload,
    facilitator_room,
    facilitators_room,
    ok,
    on_event,
    participant_room,
    participants_room,
    screen_room,
)
from . import services
from .models import Participant, ParticipantStatus, SocketConnection
from .realtime import (
    announce_participant,
    announce_session,
    announce_session_ended,
    announce_step,
    announce_to_participant,
    close_connections,
    disconnect_participant,
    forget_connection,
    record_connection,
    session_state,
)
from .seats import seat_participant_id


def _auth_value(auth: object, key: str) -> object:
    return auth.get(key) if isinstance(auth, dict) else None


def _session_id(auth: object) -> int | None:
    value = _auth_value(auth, "live_session_id")
    return (
        value if isinstance(value, int) and not isinstance(value, bool) and 1 <= value <= DB_ID_MAX else None
    )


@socketio.on("connect", namespace=FACILITATOR_NS)
def connect_facilitator(auth: object = None) -> None:
    """A facilitator's console, or with `screen: true` the shared screen they project.

    Either way: signed in, and one of the facilitators of the session's group. The screen joins
    a room of its own that receives only what the whole room may see. Who this connection is
    is kept in its own socket_connection row, and checked again at every event.
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
        request.sid,
        FACILITATOR_NS,
        live_session,
        facilitator_id=current_user.id,
        sign_in_id=sign_in.id if sign_in else None,
        is_screen=is_screen,
    )
    db.session.commit()
    join_room(screen_room(live_session.id) if is_screen else facilitators_room(live_session.id))
    if not is_screen:
        # Support requests alert one facilitator first, then everyone (facilitator/support/sockets.py).
        join_room(facilitator_room(live_session.id, current_user.id))
        # Other servers than `python wsgi.py` get their periodic jobs with the first console.
        start_periodic_jobs(current_app._get_current_object())
    viewer = "screen" if is_screen else "facilitator"
    socketio.emit(
        "session_state", session_state(live_session, viewer), to=request.sid, namespace=FACILITATOR_NS
    )


@socketio.on("connect", namespace=PARTICIPANT_NS)
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
    record_connection(request.sid, PARTICIPANT_NS, live_session, participant=participant)
    db.session.commit()
    _join_participant_rooms(participant)
    socketio.emit(
        "session_state",
        session_state(live_session, "participant", participant),
        to=request.sid,
        namespace=PARTICIPANT_NS,
    )
    announce_participant(participant)


def _join_participant_rooms(participant) -> None:
    join_room(participant_room(participant.id))
    if participant.is_in_room:
        join_room(participants_room(participant.live_session_id))


@socketio.on("disconnect", namespace=FACILITATOR_NS)
def disconnect_facilitator_socket(*_reason) -> None:
    forget_connection(request.sid)
    db.session.commit()


@socketio.on("disconnect", namespace=PARTICIPANT_NS)
def disconnect_participant_socket(*_reason) -> None:
    """A phone went away: the console shows the participant as away unless another tab is open."""
    connection = forget_connection(request.sid)
    db.session.commit()
    if connection is not None and connection.participant_id is not None:
        participant = db.session.get(Participant, connection.participant_id)
        if participant is not None:
            announce_participant(participant)


# --- participant events -----------------------------------------------------------------------


@on_event("sync", PARTICIPANT_NS, needs_live=False, allow_waiting=True)
def sync(caller: Caller, _: Empty) -> dict:
    """Participant asks for the whole current state (after being admitted, or to catch up)."""
    _join_participant_rooms(caller.participant)
    return ok(state=session_state(caller.live_session, "participant", caller.participant))


@on_event("leave", PARTICIPANT_NS, needs_live=False, allow_waiting=True)
def leave(caller: Caller, _: Empty) -> dict:
    """Participant leaves the session; the console shows them as left.

    Their other connections are closed; this one leaves its rooms and loses its row (so its next
    event is refused) and is closed by the phone after the ack.
    """
    services.leave_session(caller.participant)
    db.session.commit()
    participant = caller.participant
    leave_room(participant_room(participant.id))
    leave_room(participants_room(participant.live_session_id))
    forget_connection(request.sid)
    close_connections(SocketConnection.participant_id == participant.id, SocketConnection.sid != request.sid)
    announce_participant(participant)
    return ok()


# --- facilitator events -----------------------------------------------------------------------


class ParticipantRef(Payload):
    participant_id: DbId


class LockPayload(Payload):
    locked: bool


class StepPayload(Payload):
    index: int = Field(ge=0, le=50)


@on_event("admit", FACILITATOR_NS, ParticipantRef)
def admit(caller: Caller, payload: ParticipantRef) -> dict:
    """Facilitator lets one person in from the waiting room; they get `admitted`."""
    participant = services.admit_participant(caller.facilitator, caller.live_session, payload.participant_id)
    db.session.commit()
    announce_to_participant(participant.id, "admitted", {})
    announce_participant(participant)
    return ok()


@on_event("admit_all", FACILITATOR_NS)
def admit_all(caller: Caller, _: Empty) -> dict:
    """Facilitator lets everyone in the waiting room in."""
    admitted = services.admit_everyone(caller.facilitator, caller.live_session)
    db.session.commit()
    for participant in admitted:
        announce_to_participant(participant.id, "admitted", {})
        announce_participant(participant)
    return ok(admitted=len(admitted))


@on_event("remove_participant", FACILITATOR_NS, ParticipantRef, needs_live=False)
def remove_participant(caller: Caller, payload: ParticipantRef) -> dict:
    """Facilitator removes someone: their phone is told, then disconnected, and cannot rejoin."""
    participant = services.remove_participant(caller.facilitator, caller.live_session, payload.participant_id)
    db.session.commit()
    announce_to_participant(participant.id, "removed", {"message": services.REMOVED_MESSAGE})
    disconnect_participant(participant)
    announce_participant(participant)
    return ok()


@on_event("set_locked", FACILITATOR_NS, LockPayload)
def set_locked(caller: Caller, payload: LockPayload) -> dict:
    """Facilitator locks the room against new joins, or opens it again."""
    services.set_locked(caller.facilitator, caller.live_session, payload.locked)
    db.session.commit()
    announce_session(caller.live_session)
    return ok()


@on_event("move_step", FACILITATOR_NS, StepPayload)
def move_step(caller: Caller, payload: StepPayload) -> dict:
    """Facilitator moves the agenda; every screen gets `step_changed`."""
    services.move_to_step(caller.facilitator, caller.live_session, payload.index)
    db.session.commit()
    announce_step(caller.live_session)
    return ok()


@on_event("end_session", FACILITATOR_NS)
def end_session(caller: Caller, _: Empty) -> dict:
    """Facilitator ends the session for everyone (the console's button; HTTP does the same)."""
    services.end_session(caller.facilitator, caller.live_session)
    db.session.commit()
    announce_session_ended(caller.live_session)
    return ok()
