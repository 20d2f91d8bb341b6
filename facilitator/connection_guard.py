"""Guards on Engine.IO connections: anonymous ones are closed, and each address holds a few.

A phone or console opens an Engine.IO connection and at once connects to its Socket.IO
namespace (/participant or /facilitator), which settles who it is. A connection that never does
holds a socket, a queue and a ping task for nothing, so one still without a namespace after
UNIDENTIFIED_CONNECTION_SECONDS is closed. And one client address may hold at most
MAX_CONNECTIONS_PER_ADDRESS open connections (a whole room behind one NAT shares an address, so
the default is generous); the next is refused with HTTP 401. Either setting at 0 turns its guard off.

This state is per process by nature: a connection lives in the process that accepted it, so each
process counts and sweeps its own, and with several workers the cap applies per worker. The
address is REMOTE_ADDR, the proxy's unless TRUSTED_PROXIES says how many proxies to see through.

The guard wraps the Engine.IO `connect` and `disconnect` handlers that python-socketio registers
and still calls them. Flask-SocketIO's test client calls python-socketio directly, so it never
meets the guard; tests/test_edges.py tests it on the real server.
"""

from __future__ import annotations

import logging
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterable

from flask import Flask
from flask_socketio import SocketIO

logger = logging.getLogger(__name__)

TOO_MANY_CONNECTIONS = "Too many connections from your network. Please close a tab or two and try again."


class ConnectionGuard:
    """Counts one Socket.IO server's Engine.IO connections per address and closes anonymous ones."""

    def __init__(
        self,
        socketio: SocketIO,
        *,
        namespaces: Iterable[str],
        unidentified_seconds: float,
        max_per_address: int,
    ) -> None:
        self.socketio = socketio
        self.server = socketio.server
        self.namespaces = tuple(namespaces)
        self.unidentified_seconds = unidentified_seconds
        self.max_per_address = max_per_address
        # Green-thread safe under eventlet and gevent (monkey-patched), and nothing waits inside it.
        self._lock = threading.Lock()
        self._address_of: dict[str, str] = {}  # Engine.IO sid -> client address
        self._open_at: Counter[str] = Counter()  # client address -> open connections
        self._deadline_of: dict[str, float] = {}  # Engine.IO sid -> when it must have a namespace
        self._sweeping = False

    def install(self) -> None:
        """Wrap the Engine.IO handlers python-socketio registered."""
        eio = self.server.eio
        eio.on("connect", self._guard_connect(eio.handlers["connect"]))
        eio.on("disconnect", self._guard_disconnect(eio.handlers["disconnect"]))

    # --- the handlers -----------------------------------------------------------------------

    def _guard_connect(self, connect: Callable) -> Callable:
        def guarded_connect(eio_sid: str, environ: dict, *args):
            address = environ.get("REMOTE_ADDR") or "unknown"
            with self._lock:
                if self.max_per_address and self._open_at[address] >= self.max_per_address:
                    return TOO_MANY_CONNECTIONS  # Engine.IO answers 401 with this message
                self._address_of[eio_sid] = address
                self._open_at[address] += 1
                if self.unidentified_seconds:
                    self._deadline_of[eio_sid] = time.monotonic() + self.unidentified_seconds
            try:
                accepted = connect(eio_sid, environ, *args)
            except BaseException:
                self._forget(eio_sid)
                raise
            if accepted is not None and accepted is not True:
                self._forget(eio_sid)  # refused: Engine.IO drops it without a disconnect event
            else:
                self._start_sweeper()
            return accepted

        return guarded_connect

    def _guard_disconnect(self, disconnect: Callable) -> Callable:
        def guarded_disconnect(eio_sid: str, *args):
            try:
                return disconnect(eio_sid, *args)
            finally:
                self._forget(eio_sid)

        return guarded_disconnect

    def _forget(self, eio_sid: str) -> None:
        with self._lock:
            self._deadline_of.pop(eio_sid, None)
            address = self._address_of.pop(eio_sid, None)
            if address is not None:
                self._open_at[address] -= 1
                if self._open_at[address] <= 0:
                    del self._open_at[address]

    # --- the sweeper ------------------------------------------------------------------------

    def _start_sweeper(self) -> None:
        if not self.unidentified_seconds:
            return
        with self._lock:
            if self._sweeping:
                return
            self._sweeping = True
        self.socketio.start_background_task(self._sweep_forever)

    def _sweep_forever(self) -> None:
        # A connection is closed between one and 1.25 times the setting after it opened.
        interval = min(max(self.unidentified_seconds / 4, 0.1), 1.0)
        while True:
            self.socketio.sleep(interval)
            try:
                self.sweep()
            except Exception:
                logger.exception("Sweeping unidentified connections failed")

    def sweep(self) -> None:
        """Close the connections past their deadline that still have no namespace."""
        now = time.monotonic()
        with self._lock:
            due = [sid for sid, deadline in self._deadline_of.items() if deadline <= now]
            for eio_sid in due:
                del self._deadline_of[eio_sid]
        for eio_sid in due:
            if self._is_identified(eio_sid):
                continue
            socket = self.server.eio.sockets.get(eio_sid)
            if socket is None:
                self._forget(eio_sid)  # gone already
            else:
                # Not eio.disconnect(): it waits until the client polls again, which it may never do.
                socket.close(wait=False)

    def _is_identified(self, eio_sid: str) -> bool:
        manager = self.server.manager
        return any(manager.sid_from_eio_sid(eio_sid, namespace) for namespace in self.namespaces)


def init_app(app: Flask, socketio: SocketIO, namespaces: Iterable[str]) -> ConnectionGuard | None:
    """Guard the connections of the server `socketio.init_app` just built; call right after it."""
    unidentified_seconds = app.config["UNIDENTIFIED_CONNECTION_SECONDS"]
    max_per_address = app.config["MAX_CONNECTIONS_PER_ADDRESS"]
    if not unidentified_seconds and not max_per_address:
        return None
    guard = ConnectionGuard(
        socketio,
        namespaces=namespaces,
        unidentified_seconds=unidentified_seconds,
        max_per_address=max_per_address,
    )
    guard.install()
    app.extensions["connection_guard"] = guard
    return guard
