"""Open connections, kept in the database so that any worker can see presence or close one."""

from __future__ import annotations

from collections.abc import Collection

from sqlalchemy import ColumnElement, delete, select

from ..extensions import db, socketio
from ..sessions.models import LiveSession, Participant, SocketConnection
from ..transactions import after_commit


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
    """Remember who this connection is: its row is its identity for every later event."""
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
    """Forget a connection that closed (or is about to); returns its row if there was one."""
    connection = db.session.get(SocketConnection, sid)
    if connection is not None:
        db.session.delete(connection)
    return connection


def forget_all_connections() -> None:
    """At the start of a single-process server no connection can be open yet: clear what a crash left."""
    db.session.execute(delete(SocketConnection))
    db.session.commit()


def is_online(participant_id: int) -> bool:
    """Whether any connection of the participant is open, on any worker."""
    return (
        db.session.scalar(
            select(SocketConnection.sid).where(SocketConnection.participant_id == participant_id).limit(1)
        )
        is not None
    )


def online_participant_ids(live_session: LiveSession) -> set[int]:
    """The participants of a session with at least one open connection."""
    return set(
        db.session.scalars(
            select(SocketConnection.participant_id).where(
                SocketConnection.live_session_id == live_session.id,
                SocketConnection.participant_id.is_not(None),
            )
        )
    )


def _disconnect(connections: list[tuple[str, str]]) -> None:
    """Close these connections, whichever worker holds them (through the message queue)."""
    for sid, namespace in connections:
        socketio.server.disconnect(sid, namespace=namespace)


def close_connections(*conditions: ColumnElement[bool]) -> None:
    """Forget every connection matching `conditions` and close it once that is committed (this
    commits), on whichever worker holds it.

    An event that slips in before the close is refused too: every event looks its connection up
    in the database first (facilitator/realtime/callers.py).
    """
    connections = [
        (sid, namespace)
        for sid, namespace in db.session.execute(
            select(SocketConnection.sid, SocketConnection.namespace).where(*conditions)
        )
    ]
    if connections:
        db.session.execute(
            delete(SocketConnection).where(SocketConnection.sid.in_([sid for sid, _ in connections]))
        )
        after_commit(_disconnect, connections)
    db.session.commit()


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


def close_participant_connections(participant: Participant, *, except_sid: str | None = None) -> None:
    """Close the connections of a participant who left or was removed (but `except_sid`)."""
    conditions = [SocketConnection.participant_id == participant.id]
    if except_sid is not None:
        conditions.append(SocketConnection.sid != except_sid)
    close_connections(*conditions)


def close_phones_of_session(live_session: LiveSession) -> None:
    """Close every participant's connection to a session that ended."""
    close_connections(
        SocketConnection.live_session_id == live_session.id, SocketConnection.participant_id.is_not(None)
    )
