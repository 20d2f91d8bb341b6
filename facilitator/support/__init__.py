"""Asking for help: private support requests, their escalation, and the crisis resources."""

from __future__ import annotations

from flask import Flask

from ..client_config import add_client_settings
from ..jobs import add_periodic_job
from ..realtime.snapshot import add_state_part
from ..realtime.workers import add_departure_handler
from ..summaries.purge import add_purge_step
from ..summaries.services import add_summary_part
from . import alerts, crisis, routes, services, sockets, summary
from .forms import new_support_form


def init_app(app: Flask) -> None:
    """Socket events, requests in every snapshot (the waiting room's too), the escalation scan,
    the summary's part, messages in the purge, the crisis lines' template filter, and the
    follow-up list (its page action, and its panels on the group page and the summary)."""
    sockets.events.register(app)
    app.register_blueprint(routes.bp)  # asking over HTTP (the room's support form), resolving follow-ups
    app.add_template_global(new_support_form)
    app.add_template_global(services.follow_ups, "support_follow_ups")
    app.add_template_global(services.session_follow_ups, "support_session_follow_ups")
    app.add_template_global(services.facilitator_name, "support_facilitator_name")
    add_state_part(app, "support_requests", sockets.support_state, while_waiting=True)
    add_periodic_job(app, "SUPPORT_ESCALATION_SCAN_SECONDS", sockets.escalate_overdue_requests)
    # A server process that dies or drains takes consoles with it: their first alerts are re-picked.
    add_departure_handler(app, alerts.realert_after_lost_consoles)
    add_summary_part(app, summary.SUMMARY_PART)
    add_purge_step(app, summary.PURGE_STEP)
    crisis.init_app(app)
    app.jinja_env.globals.update(
        support_message_max=services.MESSAGE_MAX_LENGTH, support_note_max=services.NOTE_MAX_LENGTH
    )
    add_client_settings(
        app,
        support_reply_max_length=services.REPLY_MAX_LENGTH,
        support_note_max_length=services.NOTE_MAX_LENGTH,
    )
