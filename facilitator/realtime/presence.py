"""Open connections, kept in the database so that any worker can see presence or close one.

Each row names the server process (worker) that holds the connection; a worker's own identity
is `this_worker()`, and its row in server_worker is written here with its first connection if
the server did not register it when it started (facilitator/realtime/workers.py keeps it
beating, removes dead workers' rows and drains on SIGTERM). Only rows of live workers count as
presence.
"""

from __future__ import annotations

import os
import secrets
import socket
from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime

from flask import Flask
from sqlalchemy import ColumnElement, delete, select

from ..clock import utcnow
from ..extensions import db, socketio
from ..jobs import current_app_object, start_periodic_jobs
from ..sessions.models import (
    WORKER_ID_LENGTH,
    LiveSession,
    Participant,
    ServerWorker,
    SocketConnection,
    live_worker_ids,
)
from ..sessions.services import held_by_live_worker, worker_dead_before
from ..transactions import after_commit
from .callers import forget_seat

_WORKER = "stepwise.worker"


@dataclass
class Worker:
    """This server process, as the server_worker table knows it."""

    id: str
    pid: int
    registered: bool = False  # its row was written (others may have removed it since, if it stalled)
    draining: bool = False  # leaving (SIGTERM): closing connections leaves their rows to one batch


def this_worker(app: Flask | None = None) -> Worker:
    """This process's worker for the app, made on first use (anew in a forked child)."""
    app = app or current_app_object()
    worker = app.extensions.get(_WORKER)
    if worker is None or worker.pid != os.getpid():
        pid = os.getpid()
        worker_id = f"{socket.gethostname()}-{pid}-{secrets.token_hex(6)}"[-WORKER_ID_LENGTH:]
        worker = app.extensions[_WORKER] = Worker(worker_id, pid)
    return worker


def register_worker(worker: Worker, now: datetime | None = None) -> None:
    """Write (or write again) the worker's row, in the current transaction."""
    now = now or utcnow()
    db.session.merge(ServerWorker(id=worker.id, started_at=now, heartbeat_at=now))
    worker.registered = True


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
    """Remember who this connection is: its row is its identity for every later event.

    The row names this worker. A reconnect replaces the person's stale rows in the session (see
    `_forget_stale_rows`) instead of adding to them.
    """
    worker = this_worker()
    if not worker.registered:
        # A server other than `python wsgi.py` registers with its first connection, and starts
        # its periodic jobs (the heartbeat among them) then.
        register_worker(worker)
        start_periodic_jobs(current_app_object())
    if participant is not None:
        same_person = [SocketConnection.participant_id == participant.id]
    else:
        same_person = [
            SocketConnection.facilitator_id == facilitator_id,
            SocketConnection.sign_in_id == sign_in_id,
            SocketConnection.is_screen.is_(is_screen),
        ]
    _forget_stale_rows(worker, sid, namespace, live_session.id, same_person)
    db.session.merge(
        SocketConnection(
            sid=sid,
            worker_id=worker.id,
            namespace=namespace,
            live_session_id=live_session.id,
            participant_id=participant.id if participant else None,
            facilitator_id=facilitator_id,
            sign_in_id=sign_in_id,
            is_screen=is_screen,
        )
    )


def _forget_stale_rows(
    worker: Worker, sid: str, namespace: str, live_session_id: int, same_person: list[ColumnElement[bool]]
) -> None:
    """Remove the rows of the same person in the same session (the same participant; the same
    sign-in's console, or screen) that no connection holds any more: those of a dead worker, and
    those of this worker whose socket is gone here. Rows of other live workers stay: a person
    may have two tabs open."""
    rows = db.session.execute(
        select(SocketConnection.sid, SocketConnection.worker_id).where(
            SocketConnection.live_session_id == live_session_id,
            SocketConnection.namespace == namespace,
            SocketConnection.sid != sid,
            SocketConnection.worker_id.is_not(None),
            *same_person,
        )
    ).all()
    if not rows:
        return
    live_workers = set(db.session.scalars(live_worker_ids(worker_dead_before())))
    manager = socketio.server.manager
    stale = [
        row.sid
        for row in rows
        if row.worker_id not in live_workers
        or (row.worker_id == worker.id and manager.eio_sid_from_sid(row.sid, namespace) is None)
    ]
    if stale:
        db.session.execute(
            delete(SocketConnection)
            .where(SocketConnection.sid.in_(stale))
            .execution_options(synchronize_session=False)
        )


def forget_connection(sid: str) -> SocketConnection | None:
    """Forget a connection that closed (or is about to); returns its row if there was one.

    While this worker drains, its rows are left for the drain to remove in one batch."""
    forget_seat(sid)
    if this_worker().draining:
        return None
    connection = db.session.get(SocketConnection, sid)
    if connection is not None:
        db.session.delete(connection)
    return connection


def forget_all_connections() -> None:
    """At the start of a single-process server no connection can be open yet and no other
    worker runs: clear what a crash left (connections and workers)."""
    db.session.execute(delete(SocketConnection))
    db.session.execute(delete(ServerWorker))
    db.session.commit()
    this_worker().registered = False


def is_online(participant_id: int) -> bool:
    """Whether any connection of the participant is open, on any live worker."""
    return (
        db.session.scalar(
            select(SocketConnection.sid)
            .where(SocketConnection.participant_id == participant_id, held_by_live_worker())
            .limit(1)
        )
        is not None
    )


def online_participant_ids(live_session: LiveSession) -> set[int]:
    """The participants of a session with at least one open connection on a live worker."""
    return set(
        db.session.scalars(
            select(SocketConnection.participant_id).where(
                SocketConnection.live_session_id == live_session.id,
                SocketConnection.participant_id.is_not(None),
                held_by_live_worker(),
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
