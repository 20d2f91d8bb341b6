"""Asking for help: private support requests, their escalation, and the crisis resources."""

from __future__ import annotations

from flask import Flask

from ..client_config import add_client_settings
from ..jobs import add_periodic_job
from ..realtime.snapshot import add_state_part
from ..summaries.purge import add_purge_step
from ..summaries.services import add_summary_part
from . import crisis, services, sockets, summary


def init_app(app: Flask) -> None:
    """Socket events, requests in every snapshot (the waiting room's too), the escalation scan,
    the summary's part, messages in the purge, and the crisis lines' template filter."""
    sockets.events.register(app)
    add_state_part(app, "support_requests", sockets.support_state, while_waiting=True)
    add_periodic_job(app, "SUPPORT_ESCALATION_SCAN_SECONDS", sockets.escalate_overdue_requests)
    add_summary_part(app, summary.SUMMARY_PART)
    add_purge_step(app, summary.PURGE_STEP)
    crisis.init_app(app)
    app.jinja_env.globals.update(support_message_max=services.MESSAGE_MAX_LENGTH)
    add_client_settings(
        app,
        support_reply_max_length=services.REPLY_MAX_LENGTH,
        support_note_max_length=services.NOTE_MAX_LENGTH,
    )
