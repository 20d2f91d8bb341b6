"""Work beside the requests: later and periodic tasks, and the claims that keep them safe.

Each server process runs its own background tasks (Flask-SocketIO's start_background_task and
sleep, so any async mode works), each in an app context with its own database session.
Several processes scanning at once is fine: `claim` changes a row in one conditional UPDATE,
so each row is claimed, and acted on, by exactly one of them.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any, ClassVar, Protocol, TypeVar

from flask import Flask, current_app
from sqlalchemy import ColumnElement, select, update
from sqlalchemy.orm import Mapped

from .clock import utcnow
from .extensions import db, socketio


class _WithId(Protocol):
    """A model with an integer `id` column (a class attribute, as the ORM maps it)."""

    id: ClassVar[Mapped[int]]


ModelT = TypeVar("ModelT", bound=_WithId)


def claim(
    model: type[ModelT], *conditions: ColumnElement[bool], values: dict[str, Any], order_by: Any
) -> list[ModelT]:
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
            db.session.commit()  # and what it queued for after the commit goes out
        except Exception:
            db.session.rollback()
            app.logger.exception("Background work failed: %s", what)
        finally:
            db.session.remove()


def run_later(delay: float, job: Callable[[], object], what: str) -> None:
    """Run `job` once, `delay` seconds from now, in a background task of this process."""
    app = current_app_object()

    def later() -> None:
        socketio.sleep(delay)
        run_in_app_context(app, job, what)

    socketio.start_background_task(later)


def current_app_object() -> Flask:
    """The app itself behind the `current_app` proxy, for work that outlives the request."""
    # Flask types `current_app` as the Flask it stands for, not as the proxy it is.
    return current_app._get_current_object()  # type: ignore[attr-defined]


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


@dataclass(frozen=True)
class PeriodicJob:
    """A scan a capability runs in every server process, every `app.config[interval_setting]` s."""

    interval_setting: str
    run: Callable[[datetime], object]


def add_periodic_job(app: Flask, interval_setting: str, run: Callable[[datetime], object]) -> None:
    """Have every server process run `run(now)` every `app.config[interval_setting]` seconds."""
    jobs = app.extensions.setdefault("stepwise.periodic_jobs", [])
    job = PeriodicJob(interval_setting, run)
    if job not in jobs:
        jobs.append(job)


def periodic_jobs(app: Flask) -> list[PeriodicJob]:
    return list(app.extensions.get("stepwise.periodic_jobs", []))


def start_periodic_jobs(app: Flask) -> None:
    """Start this process's scans, as the capabilities registered them (once per process)."""
    for job in periodic_jobs(app):
        run_every(app, job.interval_setting, job.run)
