"""The group pulse: four anonymous 0–10 questions on how each session fit, shown to facilitators
only as the group's averages, with a drop alert when a session falls clearly below the group's own
recent sessions (docs/summaries.md, docs/privacy.md)."""

from __future__ import annotations

from flask import Flask

from .. import signals
from ..client_config import add_client_settings
from ..jobs import add_periodic_job
from ..realtime.snapshot import add_catch_up, add_state_part
from ..sessions.models import LiveSession
from ..summaries.models import SessionSummary
from ..summaries.purge import add_purge_step
from ..summaries.services import add_summary_part
from . import routes, services, sockets, summary
from .models import HIGH_END, LOW_END, PULSE_MAX, PULSE_MIN, QUESTIONS


def init_app(app: Flask) -> None:
    """Socket events, the pulse in every snapshot (and its key made first), the late answers'
    route and their periodic count, the summary's part and the purge's step, the tickets made as a
    session ends, and the pages' alerts (template globals)."""
    sockets.events.register(app)
    app.register_blueprint(routes.bp)
    add_state_part(app, "pulse", sockets.pulse_state)
    add_catch_up(app, sockets.make_ready)
    add_summary_part(app, summary.SUMMARY_PART)
    add_purge_step(app, summary.PURGE_STEP)
    add_periodic_job(app, "PULSE_SCAN_SECONDS", summary.count_late_answers)
    signals.session_ending.connect(_give_tickets)
    app.jinja_env.globals.update(
        pulse_questions=QUESTIONS,
        pulse_range=(PULSE_MIN, PULSE_MAX),
        pulse_ends=(LOW_END, HIGH_END),
    )
    app.add_template_global(services.latest_drop, "pulse_latest_drop")
    app.add_template_global(services.drop_for_session, "pulse_drop_for")
    app.add_template_global(late_answer_open, "pulse_late_open")
    add_client_settings(app, pulse_questions={question.key: question.short for question in QUESTIONS})


def _give_tickets(live_session: LiveSession) -> None:
    services.close_at_session_end(live_session)


def late_answer_open(summary_or_session: SessionSummary | LiveSession) -> bool:
    """Whether the take-home page offers the pulse to a phone that has a ticket."""
    live_session = (
        summary_or_session.live_session
        if isinstance(summary_or_session, SessionSummary)
        else summary_or_session
    )
    return services.is_late_open(live_session)
