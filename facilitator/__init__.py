"""Stepwise: live facilitation for therapy, recovery and peer-support groups."""

from __future__ import annotations

import secrets
from pathlib import Path

from flask import Flask
from sqlalchemy import event
from sqlalchemy.engine import Engine

from config import Config

from . import (
    accounts,
    assets,
    checkins,
    cli,
    client_config,
    connection_guard,
    continuity,
    error_pages,
    grounding,
    groups,
    health,
    pulse,
    realtime,
    receipts,
    safety,
    security,
    sessions,
    sharing,
    summaries,
    support,
    wins,
)
from .extensions import compress, csrf, db, limiter, login_manager, migrate, socketio
from .realtime.rooms import FACILITATOR_NS, PARTICIPANT_NS
from .security import SOCKETIO_PATH

BASE_DIR = Path(__file__).resolve().parent.parent


def create_app(config: type[Config] | Config = Config) -> Flask:
    """Build the application: settings, extensions, then each capability in its own init_app."""
    app = Flask(
        __name__,
        static_folder=str(BASE_DIR / "static"),
        template_folder=str(BASE_DIR / "templates"),
        instance_path=str(Path(config.INSTANCE_DIR).resolve()),
    )
    app.config.from_object(config)
    Path(app.instance_path).mkdir(parents=True, exist_ok=True)
    if not app.config["SECRET_KEY"]:
        app.config["SECRET_KEY"] = _instance_secret_key(Path(app.instance_path))

    security.bound_url_ids(app)  # before any route: ids past the database's range are a 404
    _init_extensions(app)
    assets.init_app(app)
    client_config.init_app(app)
    app.register_blueprint(health.bp)
    # The foundation first, then what builds on it; summary parts keep this order on the page.
    for capability in (
        accounts,
        groups,
        sessions,
        summaries,
        realtime,
        checkins,
        safety,
        support,
        wins,
        receipts,
        grounding,
        sharing,
        pulse,
        continuity,
    ):
        capability.init_app(app)
    security.init_app(app)
    error_pages.init_app(app)
    cli.init_app(app)
    security.trust_proxies(app)  # last, so Socket.IO's middleware and every other sees the client
    return app


def _instance_secret_key(instance_dir: Path) -> str:
    """Read the generated secret key, creating it (readable by the owner only) on first start."""
    key_file = instance_dir / "secret_key"
    if not key_file.exists():
        key_file.touch(mode=0o600)
        key_file.write_text(secrets.token_urlsafe(64))
    return key_file.read_text().strip()


def _init_extensions(app: Flask) -> None:
    db.init_app(app)
    # Batch mode lets later migrations alter tables on SQLite too.
    migrate.init_app(app, db, directory=str(BASE_DIR / "migrations"), render_as_batch=True)
    login_manager.init_app(app)
    csrf.init_app(app)
    limiter.init_app(app)
    # Pages and JSON, compressed as they are made; static files come compressed already (assets.py).
    compress.init_app(app)
    base_url = app.config["BASE_URL"]
    socketio.init_app(
        app,
        async_mode=app.config["SOCKETIO_ASYNC_MODE"],
        message_queue=app.config["SOCKETIO_MESSAGE_QUEUE"],
        # None means same origin only: a page from elsewhere cannot open a socket to us.
        cors_allowed_origins=[base_url] if base_url else None,
        ping_interval=20,
        ping_timeout=20,
        transports=list(app.config["SOCKETIO_TRANSPORTS"]),
    )
    connection_guard.init_app(app, socketio, namespaces=(FACILITATOR_NS, PARTICIPANT_NS))
    # Flask-SocketIO runs each event in a request context made from the connection's request to
    # /socket.io/. With no rule for that path, every event raised a NotFound and kept it with its
    # traceback: a reference cycle that only the garbage collector frees, whose passes showed in
    # the answers' p95. These rules match it, for a connection opened by long-polling and for one
    # opened straight as a WebSocket (which a plain rule turns away with a WebsocketMismatch), and
    # are never dispatched (the Socket.IO server answers that path before Flask does).
    app.add_url_rule(SOCKETIO_PATH, endpoint="socketio", strict_slashes=False)
    app.add_url_rule(SOCKETIO_PATH, endpoint="socketio_websocket", strict_slashes=False, websocket=True)


@event.listens_for(Engine, "connect")
def _tune_sqlite(dbapi_connection, connection_record) -> None:  # noqa: ARG001
    """SQLite only: enforce foreign keys, let readers run beside a writer, wait instead of failing."""
    if type(dbapi_connection).__module__.startswith("sqlite3"):
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA busy_timeout=5000")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()
