"""The speaking queue: "I'd like to share", go-rounds, and a gentle share timer (docs/protocol.md)."""

from __future__ import annotations

from flask import Flask

from .. import signals
from ..client_config import add_client_settings
from ..groups.models import SHARE_TIMER_MAX_MINUTES
from ..realtime.snapshot import add_state_part
from ..sessions.models import LiveSession
from ..summaries.purge import add_purge_step
from ..summaries.services import add_summary_part
from . import services, sockets, summary


def init_app(app: Flask) -> None:
    """Socket events, the queue in every snapshot, the summary's counts, the queue's rows in the
    purge; the room hears of a moved agenda, and the turns forget their people at the end."""
    sockets.events.register(app)
    add_state_part(app, "sharing", sockets.sharing_state)
    add_summary_part(app, summary.SUMMARY_PART)
    add_purge_step(app, summary.PURGE_STEP)
    signals.step_changing.connect(_step_changing)
    signals.session_ending.connect(_forget_people)
    add_client_settings(app, share_timer_max_minutes=SHARE_TIMER_MAX_MINUTES)


def _step_changing(live_session: LiveSession, *, previous: int) -> None:
    sockets.step_changing(live_session, previous)


def _forget_people(live_session: LiveSession) -> None:
    services.unlink_turns(live_session)
