"""The session's side of the live channel: presence, full-state snapshots, announcements.

Every announcement is sent after the change is committed, to rooms named from database ids.
Other capabilities add their part of the state snapshot with `state_part`.
"""

from __future__ import annotations

from collections.abc import Callable, Collection
from typing import Any, Literal

from sqlalchemy import ColumnElement, delete, select

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
from .models import LiveSession, Participant, ParticipantStatus, SocketConnection

# Who a snapshot is for: a facilitator's console, a participant's phone, or the projected screen.
Viewer = Literal["facilitator", "participant", "screen"]
StatePart = Callable[[LiveSession, Viewer, Participant | None], dict]
_state_parts: list[StatePart] = []
# The parts a participant still in the waiting room gets: only what is their own.
_waiting_room_parts: list[StatePart] = []


def state_part(builder: StatePart | None = None, *, while_waiting: bool = False) -> Any:
    """Register a capability's contribution to the session_state snapshot.

    `while_waiting` parts are also given to a participant in the waiting room, who otherwise
    sees nothing of the room until admitted.
    """

    def register(builder: StatePart) -> StatePart:
        _state_parts.append(builder)
        if while_waiting:
            _waiting_room_parts.append(builder)
        return builder

    return register(builder) if builder is not None else register


# --- connections and presence -------------------------------------------------------------


def record_connection(
    sid: str,
    namespace: str,
    live_session: LiveSession,
    *,
    participant: Participant | None = None,
    facilitator_id: int | None = None,
    sign_in_id: int | None = None,
    is_screen: bool = False,
) -> None:
    db.session.merge(
        SocketConnection(
            sid=sid,
            namespace=namespace,
            live_session_id=live_session.id,
            participant_id=participant.id if participant else None,
            facilitator_id=facilitator_id,
            sign_in_id=sign_in_id,
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


def close_connections(*conditions: ColumnElement[bool]) -> list[SocketConnection]:
    """Forget (committed) and close every connection matching `conditions`, on whichever worker.

    Their next event, if one slips in before the close, is refused too: every event looks its
    connection up in the database first (facilitator/realtime.py).
    """
    connections = _connections(*conditions)
    if connections:
        db.session.execute(
            delete(SocketConnection).where(SocketConnection.sid.in_([c.sid for c in connections]))
        )
    db.session.commit()
    _disconnect(connections)
    return connections


def close_facilitator_connections(
    facilitator_id: int, *, group_id: int | None = None, sign_in_ids: Collection[int] | None = None
) -> None:
    """Close a facilitator's consoles and screens: all of them, those on one group's sessions
    (they no longer run it), or those opened by some of their sign-ins (signed out elsewhere)."""
    conditions = [SocketConnection.facilitator_id == facilitator_id]
    if group_id is not None:
        group_sessions = select(LiveSession.id).where(LiveSession.group_id == group_id)
        conditions.append(SocketConnection.live_session_id.in_(group_sessions))
    if sign_in_ids is not None:
        conditions.append(SocketConnection.sign_in_id.in_(list(sign_in_ids)))
    close_connections(*conditions)


def disconnect_participant(participant: Participant) -> None:
    """Close every connection of a participant who left or was removed."""
    close_connections(SocketConnection.participant_id == participant.id)


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
    """Everything a screen needs to show the session as it is now, for a late joiner or a reconnect.

    A participant in the waiting room gets only the step's title and their own things.
    """
    if (
        viewer == "participant"
        and participant is not None
        and participant.status == ParticipantStatus.WAITING
    ):
        step = step_entry(live_session)
        state = {
            "session": session_entry(live_session),
            "step": {"title": step["title"]} if step else None,
            "you": participant_self(participant),
        }
        for build in _waiting_room_parts:
            state.update(build(live_session, viewer, participant))
        return state
    state = {"session": session_entry(live_session), "step": step_entry(live_session)}
    if viewer == "facilitator":
        state["roster"] = roster(live_session)
        state["agenda"] = live_session.group.agenda
    elif viewer == "participant":
        state["you"] = participant_self(participant)
    for build in _state_parts:
        state.update(build(live_session, viewer, participant))
    return state


def participant_self(participant: Participant) -> dict:
    """What a phone knows of its own participant."""
    return {"id": participant.id, "name": participant.display_name, "status": participant.status}


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
    close_connections(
        SocketConnection.live_session_id == live_session.id, SocketConnection.namespace == PARTICIPANT_NS
    )
