"""Check-in rounds: moods, feeling words and short notes, named or anonymous (docs/protocol.md)."""

from __future__ import annotations

from flask import Flask

from .. import signals
from ..client_config import add_client_settings
from ..realtime.snapshot import add_catch_up, add_state_part
from ..sessions.models import LiveSession
from ..summaries.purge import add_purge_step
from ..summaries.services import add_summary_part
from . import feelings, services, sockets, summary


def init_app(app: Flask) -> None:
    """Socket events, the round in every snapshot, the summary's moods, notes in the purge, and
    the console's round form, which offers the round of the current agenda step."""
    sockets.events.register(app)
    add_state_part(app, "round", sockets.checkin_state)
    add_catch_up(app, sockets.release_due)
    add_summary_part(app, summary.SUMMARY_PART)
    add_purge_step(app, summary.PURGE_STEP)
    signals.session_ending.connect(_close_the_round)
    add_client_settings(
        app,
        mood_min=feelings.MOOD_MIN,
        max_feelings=feelings.MAX_FEELINGS,
        round_default_prompts={kind.value: prompt for kind, prompt in services.DEFAULT_PROMPTS.items()},
    )
    app.add_template_global(services.round_for_step)
    app.jinja_env.globals.update(
        mood_labels=feelings.MOOD_LABELS,
        feelings_wheel=feelings.FEELINGS_WHEEL,
        max_feelings=feelings.MAX_FEELINGS,
        note_max=feelings.NOTE_MAX_LENGTH,
    )


def _close_the_round(live_session: LiveSession) -> None:
    services.close_at_session_end(live_session)
