"""Server processes ("workers") and presence that survives them.

Every process that serves sockets has a row in `server_worker` (its id: host, process id and a
random part; see presence.this_worker), written when `python wsgi.py` starts serving
(`register_worker`), or with the first connection under another server; never on import or by a
command. Every connection row names its worker.

- **Heartbeat.** Each process beats every WORKER_HEARTBEAT_SECONDS (`keep_workers`, a periodic
  job: Flask-SocketIO's background tasks, so any async mode works).
- **Dead workers.** A worker whose last beat is older than WORKER_DEAD_AFTER_SECONDS is dead:
  its rows count for nothing at once (presence, the first alert, the idle scan), and at its next
  beat every live worker tries to claim it with a conditional DELETE of its server_worker row.
  The one whose DELETE removed the row, and only it, removes the dead worker's connection rows,
  tells the consoles those people are away, and runs the departure handlers (support requests
  whose first alert went to a console that is gone now go to every console), in that same
  transaction.
- **Coming back.** A worker that stalled past the limit finds its row gone at its next beat: it
  writes its row again and closes its connections, which reconnect with fresh rows.
- **Draining.** On SIGTERM (`drain_on_sigterm`, hooked by wsgi.py) a worker closes its phones'
  connections, removes their rows and announces the departures, closes its consoles and
  screens, removes whatever rows are left (re-alerting their support requests), deletes its own
  row, and only then stops the server. Clients reconnect, through the balancer, to another worker.
"""

from __future__ import annotations

import signal
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any, cast

from flask import Flask, current_app
from sqlalchemy import ColumnElement, CursorResult, delete, select, update

from ..extensions import db, socketio
from ..jobs import current_app_object, run_in_app_context
from ..sessions.models import Participant, ServerWorker, SocketConnection
from ..sessions.services import worker_dead_before
from .announce import announce_participant
from .presence import Worker, register_worker, this_worker
from .rooms import FACILITATOR_NS, PARTICIPANT_NS

# Seconds a draining worker waits after announcing the departures, so the announcements reach
# consoles before it closes them (through the message queue, when there is one).
DRAIN_GRACE_SECONDS = 0.5


@dataclass(frozen=True)
class GoneConnection:
    """A connection row removed because its worker died or drained."""

    sid: str
    namespace: str
    live_session_id: int
    participant_id: int | None
    facilitator_id: int | None
    is_screen: bool


# Called, in the transaction that removed them, with the connections a worker took with it.
DepartureHandler = Callable[[list[GoneConnection]], None]


def add_departure_handler(app: Flask, handler: DepartureHandler) -> None:
    """Have `handler(gone)` run whenever a dead or draining worker's connections are removed."""
    handlers = app.extensions.setdefault("stepwise.departure_handlers", [])
    if handler not in handlers:
        handlers.append(handler)


def departure_handlers(app: Flask) -> list[DepartureHandler]:
    return list(app.extensions.get("stepwise.departure_handlers", []))


# --- starting and beating ---------------------------------------------------------------------


def start_worker(app: Flask) -> Worker:
    """Register this process as a worker, as it starts serving (and commit)."""
    with app.app_context():
        worker = this_worker(app)
        register_worker(worker)
        db.session.commit()
    return worker


def keep_workers(now: datetime) -> None:
    """The periodic job (every WORKER_HEARTBEAT_SECONDS): beat, then take over dead workers."""
    worker = this_worker()
    if worker.draining:
        return
    beat(worker, now)
    reap_dead_workers(now)


def beat(worker: Worker, now: datetime) -> None:
    """Record that this worker is alive; one declared dead meanwhile comes back (and commits)."""
    beaten = _rowcount(
        db.session.execute(
            update(ServerWorker)
            .where(ServerWorker.id == worker.id)
            .values(heartbeat_at=now)
            .execution_options(synchronize_session=False)
        )
    )
    if beaten:
        db.session.commit()
        return
    was_registered = worker.registered
    register_worker(worker, now)
    db.session.commit()
    if was_registered:
        # It stalled for longer than WORKER_DEAD_AFTER_SECONDS and another worker removed its
        # rows and announced its people away: its connections reconnect and are recorded again.
        current_app.logger.warning("Worker %s was taken for dead; reconnecting its clients", worker.id)
        socketio.start_background_task(close_local_connections)


def reap_dead_workers(now: datetime) -> list[str]:
    """Take over every dead worker that no other worker took first (commits); returns their ids.

    The claim is a conditional DELETE of the worker's row: when several workers scan at once,
    the row goes once, and only the worker whose DELETE removed it removes the connections and
    announces, in the same transaction.
    """
    dead_before = worker_dead_before(now)
    me = this_worker().id
    candidates = db.session.scalars(
        select(ServerWorker.id).where(ServerWorker.heartbeat_at < dead_before, ServerWorker.id != me)
    ).all()
    db.session.commit()
    reaped = []
    for worker_id in candidates:
        claimed = _rowcount(
            db.session.execute(
                delete(ServerWorker)
                .where(ServerWorker.id == worker_id, ServerWorker.heartbeat_at < dead_before)
                .execution_options(synchronize_session=False)
            )
        )
        if claimed:
            gone = release_connections(SocketConnection.worker_id == worker_id)
            current_app.logger.warning(
                "Worker %s stopped beating: removed its %d connections", worker_id, len(gone)
            )
            reaped.append(worker_id)
        db.session.commit()
    return reaped


def release_connections(*conditions: ColumnElement[bool]) -> list[GoneConnection]:
    """Remove the connection rows matching `conditions`, tell the consoles their participants
    are away (unless another of their connections is open) and run the departure handlers, all in
    the current transaction (announcements go out once it commits)."""
    removed = db.session.execute(
        delete(SocketConnection)
        .where(*conditions)
        .returning(
            SocketConnection.sid,
            SocketConnection.namespace,
            SocketConnection.live_session_id,
            SocketConnection.participant_id,
            SocketConnection.facilitator_id,
            SocketConnection.is_screen,
        )
        .execution_options(synchronize_session=False)
    ).all()
    gone = [GoneConnection(*row) for row in removed]
    participant_ids = sorted({c.participant_id for c in gone if c.participant_id is not None})
    for participant_id in participant_ids:
        participant = db.session.get(Participant, participant_id)
        if participant is not None:
            announce_participant(participant)
    if gone:
        for handler in departure_handlers(current_app_object()):
            handler(gone)
    return gone


def _rowcount(result: Any) -> int:
    # The ORM answers a DML statement without RETURNING with a CursorResult.
    return cast(CursorResult[Any], result).rowcount


# --- leaving ----------------------------------------------------------------------------------


def close_local_connections(namespaces_to_keep: tuple[str, ...] = ()) -> int:
    """Close this process's Engine.IO connections (but those with a namespace in
    `namespaces_to_keep`), at the transport level: the clients reconnect (a Socket.IO level
    disconnect would tell them not to). Returns how many were closed."""
    server = socketio.server
    closed = 0
    for eio_sid, eio_socket in list(server.eio.sockets.items()):
        if any(server.manager.sid_from_eio_sid(eio_sid, ns) for ns in namespaces_to_keep):
            continue
        # Not waiting: a long-polling client may never poll again.
        eio_socket.close(wait=False)
        closed += 1
    return closed


def drain(app: Flask) -> None:
    """Leave without leaving anything behind (SIGTERM): see the module's description.

    Phones go first, so that consoles still connected here hear of their departure before they
    are closed in turn; consoles stay usable until then.
    """
    worker = this_worker(app)
    worker.draining = True
    close_local_connections(namespaces_to_keep=(FACILITATOR_NS,))
    run_in_app_context(
        app,
        lambda: release_connections(
            SocketConnection.worker_id == worker.id, SocketConnection.namespace == PARTICIPANT_NS
        ),
        "draining: the phones",
    )
    socketio.sleep(DRAIN_GRACE_SECONDS)
    close_local_connections()
    run_in_app_context(app, lambda: _leave(worker), "draining: the rest")
    # A client that reconnected here meanwhile (the balancer may still send it) is closed too:
    # the server waits for its open connections before it stops.
    close_local_connections()


def _leave(worker: Worker) -> None:
    release_connections(SocketConnection.worker_id == worker.id)
    db.session.execute(
        delete(ServerWorker).where(ServerWorker.id == worker.id).execution_options(synchronize_session=False)
    )
    worker.registered = False


def drain_on_sigterm(app: Flask, stop_server: Callable[[], None]) -> None:
    """On SIGTERM, drain in a background task (in the handler itself under the threading server)
    and then call `stop_server()` (wsgi.py knows how to stop each async server). Call from the
    main thread before serving."""
    started = False

    def drain_and_stop() -> None:
        try:
            drain(app)
            app.logger.info("Drained worker %s; stopping", this_worker(app).id)
        finally:
            stop_server()

    def on_sigterm(_signum: int, _frame: object) -> None:
        nonlocal started
        if started:
            return  # already draining
        started = True
        if app.config["SOCKETIO_ASYNC_MODE"] == "threading":
            drain_and_stop()  # the main thread only accepts connections there: drain right here
        else:
            # Only start work here: under eventlet or gevent the handler may run inside the event loop.
            socketio.start_background_task(drain_and_stop)

    signal.signal(signal.SIGTERM, on_sigterm)
