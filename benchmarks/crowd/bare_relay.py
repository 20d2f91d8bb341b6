"""The yardstick: a bare Flask-SocketIO relay, doing the least a live room could do per answer.

A phone connects to /participant with `auth: {room, name}`; a console connects to /facilitator
with `auth: {room}`. On `submit_checkin` the relay acknowledges at once and sends the room's
consoles an `answer_recorded` shaped like Stepwise's. No database, no checks, no state but a
dict of who is in which room. benchmarks/crowd/run.py drives it and Stepwise with the same
clients, in the same async mode, and compares the two.

    python benchmarks/crowd/bare_relay.py --port 5900 --async-mode eventlet
"""

from __future__ import annotations

import argparse
import gc
import os
import sys

if __name__ == "__main__":
    # Patched first, as wsgi.py does for Stepwise.
    _mode = next((arg.split("=", 1)[1] for arg in sys.argv if arg.startswith("--async-mode=")), "eventlet")
    if _mode == "eventlet":
        import eventlet

        eventlet.monkey_patch()
    elif _mode == "gevent":
        from gevent import monkey

        monkey.patch_all()

import secrets

from flask import Flask, request
from flask_socketio import SocketIO, join_room


def create_relay(async_mode: str) -> tuple[Flask, SocketIO]:
    app = Flask(__name__)
    app.config["SECRET_KEY"] = os.environ.get("SECRET_KEY", "bare-relay")
    # The same Engine.IO settings as Stepwise (facilitator/__init__.py), so pings cost the same.
    socketio = SocketIO(app, async_mode=async_mode, ping_interval=20, ping_timeout=20)
    phones: dict[str, tuple[int, str]] = {}  # sid -> (room, name)

    @app.get("/healthz")
    def healthz() -> dict:
        return {"ok": True}

    @socketio.on("connect", namespace="/facilitator")
    def console_connect(auth: dict | None = None) -> None:
        join_room(f"consoles-{int((auth or {})['room'])}")

    @socketio.on("connect", namespace="/participant")
    def phone_connect(auth: dict | None = None) -> None:
        auth = auth or {}
        phones[request.sid] = (int(auth["room"]), str(auth["name"]))

    @socketio.on("disconnect", namespace="/participant")
    def phone_disconnect(*_reason: object) -> None:
        phones.pop(request.sid, None)

    @socketio.on("submit_checkin", namespace="/participant")
    def submit_checkin(payload: dict) -> dict:
        room, name = phones[request.sid]
        response = {
            "id": secrets.token_urlsafe(12),
            "name": name,
            "passed": bool(payload.get("passed")),
            "mood": payload.get("mood"),
            "low_mood": False,
            "feelings": payload.get("feelings") or [],
            "note": payload.get("note"),
            "note_shared": False,
        }
        socketio.emit(
            "answer_recorded",
            {"round_id": payload.get("round_id"), "response": response},
            to=f"consoles-{room}",
            namespace="/facilitator",
        )
        return {"ok": True, "client_id": payload.get("client_id"), "held": False}

    return app, socketio


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--port", type=int, default=5900)
    parser.add_argument("--async-mode", default="eventlet", choices=["eventlet", "gevent", "threading"])
    parser.add_argument("--max-connections", type=int, default=20000)
    parser.add_argument(
        "--gc",
        choices=["tuned", "default"],
        default="tuned",
        help="tuned: the garbage collector set as wsgi.py sets Stepwise's; default: Python's",
    )
    args = parser.parse_args()
    app, socketio = create_relay(args.async_mode)
    if args.gc == "tuned":  # as wsgi.py does, so that the two differ only by the app's work
        gc.collect()
        gc.freeze()
        gc.set_threshold(700, 10, 1000)
    options: dict = {"eventlet": {"max_size": args.max_connections}}.get(args.async_mode, {})
    if args.async_mode == "threading":
        options["allow_unsafe_werkzeug"] = True
    socketio.run(app, host="127.0.0.1", port=args.port, log_output=False, **options)


if __name__ == "__main__":
    main()
