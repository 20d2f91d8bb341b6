"""Anonymous small wins: shared, moderated or released in shuffled batches, celebrated."""

from __future__ import annotations

from flask import Flask

from ..client_config import add_client_settings
from ..realtime.snapshot import add_catch_up, add_state_part
from ..summaries.purge import add_purge_step
from ..summaries.services import add_summary_part
from . import sockets, summary
from .models import REACTION_LABELS, WIN_KIND_LABELS, WIN_TEXT_MAX_LENGTH


def init_app(app: Flask) -> None:
    """Socket events, the wall in every snapshot, the summary's wins, win texts in the purge."""
    sockets.events.register(app)
    add_state_part(app, "wins", sockets.wins_state)
    add_catch_up(app, sockets.release_and_announce)
    add_summary_part(app, summary.SUMMARY_PART)
    add_purge_step(app, summary.PURGE_STEP)
    app.jinja_env.globals.update(win_kinds=WIN_KIND_LABELS, win_text_max=WIN_TEXT_MAX_LENGTH)
    add_client_settings(
        app,
        win_kinds={str(kind): label for kind, label in WIN_KIND_LABELS.items()},
        reactions={str(reaction): label for reaction, label in REACTION_LABELS.items()},
        win_batch_seconds=lambda config: config["WIN_BATCH_SECONDS"],
    )
