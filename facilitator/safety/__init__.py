"""The safety net: the risk-language screen, and the private flags it raises for facilitators.

Check-ins, wins and support screen every text a participant writes through `services`; the
flags reach the consoles here, and the summary and the purge through this package's init_app.
See docs/safety.md.
"""

from __future__ import annotations

from flask import Flask

from ..client_config import add_client_settings
from ..realtime.snapshot import add_state_part
from ..summaries.purge import add_purge_step
from ..summaries.services import add_summary_part
from . import commands, sockets, summary
from .screening import load_phrase_list
from .second_opinion import FLAGGED_BY
from .services import risk_model


def init_app(app: Flask) -> None:
    """Socket events, flags in the consoles' snapshot, the summary, the purge, and the command
    that trains the model. The phrase list and the model are read when first asked for: a
    server reads them before it serves (`load_screen`), a command that never screens a text
    (`db upgrade`) not at all."""
    app.cli.add_command(commands.train_command)
    add_client_settings(app, flagged_by_second_opinion=FLAGGED_BY)
    sockets.events.register(app)
    add_state_part(app, "safety_flags", sockets.safety_state)
    add_summary_part(app, summary.SUMMARY_PART)
    add_purge_step(app, summary.PURGE_STEP)


def load_screen(app: Flask) -> None:
    """Read and compile the phrase list and the model now, as `python wsgi.py` does before it
    serves: a broken custom file stops the start, not a participant's first message. The list's
    combined patterns are compiled when first needed (all of them took seconds at each start), so
    a worker's first notes take a little longer (docs/safety.md, Speed)."""
    load_phrase_list(app.config["RISK_PHRASES_FILE"] or None)
    with app.app_context():
        risk_model()
