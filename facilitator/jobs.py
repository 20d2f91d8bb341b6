"""Work beside the requests: later and periodic tasks, and the claims that keep them safe.

Each server process runs its own background tasks (Flask-SocketIO's start_background_task and
sleep, so any async mode works), each in an app context with its own database session.
Several processes scanning at once is fine: `claim` changes a row in one conditional UPDATE,
so each row is claimed, and acted on, by exactly one of them.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from flask import Flask, current_app
from sqlalchemy import ColumnElement, select, update

from .clock import utcnow
from .extensions import db, socketio


def claim(model: type, *conditions: ColumnElement[bool], values: dict[str, Any], order_by: Any) -> list:
    """Set `values` on the rows matching `conditions`, and return those rows, freshly loaded.

    The conditions must stop matching once the values are set (e.g. `escalated_at IS NULL` with
    `escalated_at=now`), so a row is never claimed twice.
    """
    claimed_ids = db.session.scalars(
        update(model)
        .where(*conditions)
        .values(**values)
        .returning(model.id)
        .execution_options(synchronize_session=False)
    ).all()
    if not claimed_ids:
        return []
    return list(
        db.session.scalars(
            select(model)
            .where(model.id.in_(claimed_ids))
            .order_by(order_by)
            .execution_options(populate_existing=True)
        )
    )


def run_in_app_context(app: Flask, job: Callable[[], object], what: str) -> None:
    """Run a background `job` in an app context; a failure is rolled back and logged, never raised."""
    with app.app_context():
        try:
            job()
        except Exception:
            db.session.rollback()
            app.logger.exception("Background work failed: %s", what)
        finally:
            db.session.remove()


def run_later(delay: float, job: Callable[[], object], what: str) -> None:
    """Run `job` once, `delay` seconds from now, in a background task of this process."""
    app = current_app._get_current_object()

    def later() -> None:
        socketio.sleep(delay)
        run_in_app_context(app, job, what)

    socketio.start_background_task(later)


_started: set[str] = set()


def run_every(app: Flask, interval_setting: str, job: Callable[[datetime], object]) -> None:
    """Run `job(now)` every `app.config[interval_setting]` seconds in this process, from now on.

    Started once per job and process; not under TESTING, where tests call the job themselves.
    """
    name = f"{job.__module__}.{job.__qualname__}"
    if name in _started or app.config["TESTING"]:
        return
    _started.add(name)

    def loop() -> None:
        while True:
            socketio.sleep(app.config[interval_setting])
            run_in_app_context(app, lambda: job(utcnow()), name)

    socketio.start_background_task(loop)


def start_periodic_jobs(app: Flask) -> None:
    """Start this process's scans: overdue support requests, and sessions left open."""
    from .summaries.idle import end_idle_sessions
    from .support.sockets import escalate_overdue_requests

    run_every(app, "SUPPORT_ESCALATION_SCAN_SECONDS", escalate_overdue_requests)
    run_every(app, "IDLE_SESSION_SCAN_SECONDS", end_idle_sessions)
