"""Across sessions: returning members without accounts, and one next small step a week
(docs/privacy.md, "Returning members and next steps")."""

from __future__ import annotations

from flask import Flask, request

from ..client_config import add_client_settings
from ..realtime.snapshot import add_state_part
from ..sessions.seats import seat_participant_id
from ..summaries.models import SessionSummary
from ..summaries.purge import add_purge_step
from ..summaries.services import add_summary_part
from . import services, sockets, summary
from .models import FOLLOW_UP_LABELS, STEP_MAX_LENGTH, NextStep


def init_app(app: Flask) -> None:
    """Socket events, each screen's part of the snapshot, the summary's counts, next-step texts in
    the purge, and the take-home page's own step (a template global)."""
    sockets.events.register(app)
    add_state_part(app, "continuity", sockets.continuity_state)
    add_summary_part(app, summary.SUMMARY_PART)
    add_purge_step(app, summary.PURGE_STEP)
    app.add_template_global(own_step_on_take_home, "continuity_own_step")
    app.jinja_env.globals.update(next_step_max=STEP_MAX_LENGTH, follow_up_labels=FOLLOW_UP_LABELS)
    add_client_settings(
        app,
        follow_ups={str(outcome): label for outcome, label in FOLLOW_UP_LABELS.items()},
        next_step_max=STEP_MAX_LENGTH,
    )


def own_step_on_take_home(summary_row: SessionSummary) -> NextStep | None:
    """The step this phone's seat wrote in the session, for its own take-home page only."""
    return services.own_step(seat_participant_id(request, summary_row.live_session))
