"""After the session: its summary, the participants' take-home page, trends, exports, the purge.

Summaries build on the sessions; the capabilities built on both (check-ins, safety flags, wins,
support) add their sections and purge steps in their own init_app.
"""

from __future__ import annotations

from flask import Flask

from .. import signals
from ..jobs import add_periodic_job
from ..sessions.models import LiveSession
from . import routes
from .idle import end_idle_sessions
from .purge import PurgeStep, add_purge_step, purge_summary_notes
from .services import (
    SummaryPart,
    add_summary_part,
    attendance_rows,
    attendance_summary,
    ensure_summary,
    take_home_url,
)


def init_app(app: Flask) -> None:
    """Pages, the attendance part, the facilitators' notes in the purge, the idle-session scan,
    and the summary counted in the transaction that ends a session."""
    app.register_blueprint(routes.bp)
    add_summary_part(
        app,
        SummaryPart(
            "attendance",
            "Who came",
            attendance_summary,
            rows=attendance_rows,
            template="summaries/_attendance.html",
        ),
    )
    add_purge_step(app, PurgeStep("facilitators' notes", purge_summary_notes))
    add_periodic_job(app, "IDLE_SESSION_SCAN_SECONDS", end_idle_sessions)
    app.add_template_global(take_home_url)
    signals.session_ending.connect(_count_the_session)


def _count_the_session(live_session: LiveSession) -> None:
    """Counted now, while everything it counts is there; the purge may remove words later."""
    ensure_summary(live_session)
