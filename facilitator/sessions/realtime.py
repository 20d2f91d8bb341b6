"""The session's side of the live channel: presence, full-state snapshots, announcements.

Every announcement is sent after the change is committed, to rooms named from database ids.
Other capabilities add their part of the state snapshot with `state_part`.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Literal

from sqlalchemy import delete, select

from ..clock import isoformat
from ..extensions import db, socketio
from ..realtime import (
    FACILITATOR_NS,
    PARTICIPANT_NS,
    facilitator_room,
    facilitators_room,
    participant_room,
    participants_room,
    screen_room,
)
from .models import LiveSession, Participant, SocketConnection

# Who a snapshot is for: a facilitator's console, a participant's phone, or the projected screen.
Viewer = Literal["facilitator", "participant", "screen"]
StatePart = Callable[[LiveSession, Viewer, Participant | None], dict]
_state_parts: list[StatePart] = []


def state_part(builder: StatePart) -> StatePart:
    """Register a capability's contribution to the session_state snapshot."""
    _state_parts.append(builder)
    return builder


# --- connections and presence -------------------------------------------------------------


def record_connection(
    sid: str,
    namespace: str,
    live_session: LiveSession,
    *,
    participant: Participant | None = None,
    facilitator_id: int | None = None,
    is_screen: bool = False,
) -> None:
    db.session.merge(
        SocketConnection(
            sid=sid,
            namespace=namespace,
            live_session_id=live_session.id,
            participant_id=participant.id if participant else None,
            facilitator_id=facilitator_id,
            is_screen=is_screen,
        )
    )


def forget_connection(sid: str) -> SocketConnection | None:
    connection = db.session.get(SocketConnection, sid)
    if connection is not None:
        db.session.delete(connection)
    return connection


def forget_all_connections() -> None:
    """At the start of a single-process server no connection can be open yet: clear what a crash left."""
    db.session.execute(delete(SocketConnection))
    db.session.commit()


def is_online(participant_id: int) -> bool:
    return (
        db.session.scalar(
            select(SocketConnection.sid).where(SocketConnection.participant_id == participant_id).limit(1)
        )
        is not None
    )


def _disconnect(connections: list[SocketConnection]) -> None:
    """Close these connections, whichever worker holds them (through the message queue)."""
    for connection in connections:
        socketio.server.disconnect(connection.sid, namespace=connection.namespace)


def _connections(*conditions) -> list[SocketConnection]:
    return list(db.session.scalars(select(SocketConnection).where(*conditions)))


def disconnect_facilitator(facilitator_id: int) -> None:
    """Close every console of a facilitator who signed out."""
    connections = _connections(SocketConnection.facilitator_id == facilitator_id)
    db.session.execute(delete(SocketConnection).where(SocketConnection.facilitator_id == facilitator_id))
    db.session.commit()
    _disconnect(connections)


def disconnect_participant(participant: Participant) -> None:
    connections = _connections(SocketConnection.participant_id == participant.id)
    db.session.execute(delete(SocketConnection).where(SocketConnection.participant_id == participant.id))
    db.session.commit()
    _disconnect(connections)


# --- snapshots --------------------------------------------------------------------------------


def participant_entry(participant: Participant, online: bool) -> dict:
    """A roster line, for facilitators only."""
    return {
        "id": participant.id,
        "name": participant.display_name,
        "status": participant.status,
        "online": online,
        "joined_at": isoformat(participant.joined_at),
    }


def roster(live_session: LiveSession) -> list[dict]:
    online_ids = set(
        db.session.scalars(
            select(SocketConnection.participant_id).where(
                SocketConnection.live_session_id == live_session.id,
                SocketConnection.participant_id.is_not(None),
            )
        )
    )
    return [participant_entry(p, p.id in online_ids) for p in live_session.participants]


def step_entry(live_session: LiveSession) -> dict | None:
    step = live_session.step()
    if step is None:
        return None
    return {**step, "index": live_session.current_step, "count": len(live_session.group.agenda)}


def session_entry(live_session: LiveSession) -> dict:
    return {
        "id": live_session.id,
        "title": live_session.title,
        "state": live_session.state,
        "locked": live_session.locked,
        "waiting_room": live_session.waiting_room,
    }


def session_state(live_session: LiveSession, viewer: Viewer, participant: Participant | None = None) -> dict:
    """Everything a screen needs to show the session as it is now, for a late joiner or a reconnect."""
    state = {"session": session_entry(live_session), "step": step_entry(live_session)}
    if viewer == "facilitator":
        state["roster"] = roster(live_session)
        state["agenda"] = live_session.group.agenda
    elif viewer == "participant":
        state["you"] = {
            "id": participant.id,
            "name": participant.display_name,
            "status": participant.status,
        }
    for build in _state_parts:
        state.update(build(live_session, viewer, participant))
    return state


# --- announcements ----------------------------------------------------------------------------


def announce_to_facilitators(live_session_id: int, event: str, data: dict) -> None:
    socketio.emit(event, data, to=facilitators_room(live_session_id), namespace=FACILITATOR_NS)


def announce_to_facilitator(live_session_id: int, facilitator_id: int, event: str, data: dict) -> None:
    """To the consoles one facilitator has open on the session."""
    socketio.emit(event, data, to=facilitator_room(live_session_id, facilitator_id), namespace=FACILITATOR_NS)


def announce_to_room(live_session_id: int, event: str, data: dict) -> None:
    """To the admitted participants, the facilitators and the shared screen of a session."""
    socketio.emit(event, data, to=participants_room(live_session_id), namespace=PARTICIPANT_NS)
    socketio.emit(
        event,
        data,
        to=[facilitators_room(live_session_id), screen_room(live_session_id)],
        namespace=FACILITATOR_NS,
    )


def announce_to_screen(live_session_id: int, event: str, data: dict) -> None:
    """To the projected shared screen only."""
    socketio.emit(event, data, to=screen_room(live_session_id), namespace=FACILITATOR_NS)


def announce_to_participant(participant_id: int, event: str, data: dict) -> None:
    socketio.emit(event, data, to=participant_room(participant_id), namespace=PARTICIPANT_NS)


def announce_participant(participant: Participant) -> None:
    """Tell the console a participant's presence or status changed."""
    announce_to_facilitators(
        participant.live_session_id,
        "participant_updated",
        participant_entry(participant, is_online(participant.id)),
    )


def announce_step(live_session: LiveSession) -> None:
    announce_to_room(live_session.id, "step_changed", {"step": step_entry(live_session)})


def announce_session(live_session: LiveSession) -> None:
    """Settings that every screen shows (title, lock) changed."""
    announce_to_room(live_session.id, "session_updated", {"session": session_entry(live_session)})


def announce_session_ended(live_session: LiveSession) -> None:
    """Tell every screen the session ended (with the participants' take-home link), then close
    the participants' connections."""
    # Imported here: the summaries build on the sessions (and on this module, through check-ins).
    from ..summaries.services import take_home_url

    data = {"session": session_entry(live_session), "take_home_url": take_home_url(live_session)}
    announce_to_room(live_session.id, "session_ended", data)
    for participant in live_session.participants:
        if participant.status == "waiting":
            announce_to_participant(participant.id, "session_ended", data)
    connections = _connections(
        SocketConnection.live_session_id == live_session.id, SocketConnection.namespace == PARTICIPANT_NS
    )
    db.session.execute(
        delete(SocketConnection).where(
            SocketConnection.live_session_id == live_session.id,
            SocketConnection.namespace == PARTICIPANT_NS,
        )
    )
    db.session.commit()
    _disconnect(connections)
