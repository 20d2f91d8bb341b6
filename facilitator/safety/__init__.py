"""The safety net: the risk-language screen, and the private flags it raises for facilitators.

Check-ins, wins and support screen every text a participant writes through `services`; the
flags reach the consoles here, and the summary and the purge through this package's init_app.
See docs/safety.md.
"""

from __future__ import annotations

from flask import Flask

from ..realtime.snapshot import add_state_part
from ..summaries.purge import add_purge_step
from ..summaries.services import add_summary_part
from . import sockets, summary
from .screening import load_phrase_list


def init_app(app: Flask) -> None:
    """Check the phrase list now (a broken custom list stops the start, not a participant's
    first message); socket events, flags in the consoles' snapshot, the summary, the purge."""
    load_phrase_list(app.config["RISK_PHRASES_FILE"] or None)
    sockets.events.register(app)
    add_state_part(app, "safety_flags", sockets.safety_state)
    add_summary_part(app, summary.SUMMARY_PART)
    add_purge_step(app, summary.PURGE_STEP)
