"""Shared grounding exercises: box breathing, 5-4-3-2-1 senses or a group's own script, shown in
step on every phone and the shared screen by a server start time and each screen's measured
clock offset (docs/protocol.md, "Grounding exercises")."""

from __future__ import annotations

from flask import Flask

from ..realtime.snapshot import add_state_part
from ..summaries.services import add_summary_part
from . import routes, services, sockets, summary
from .forms import DeleteScriptForm, script_form
from .models import EXERCISE_KIND_LABELS, TITLE_MAX_LENGTH


def init_app(app: Flask) -> None:
    """Socket events (the exercises and the clock), the exercise in every snapshot, the summary's
    part, and the group page's scripts (its form and list, and their routes). Nothing to purge:
    no participant's words are kept here."""
    sockets.events.register(app)
    app.register_blueprint(routes.bp)
    add_state_part(app, "grounding", sockets.grounding_state)
    add_summary_part(app, summary.SUMMARY_PART)
    app.add_template_global(services.scripts_of, "grounding_scripts_of")
    app.add_template_global(script_form, "grounding_script_form")
    app.add_template_global(DeleteScriptForm, "grounding_delete_form")
    app.add_template_global(summary.ran_words, "grounding_ran_words")
    app.jinja_env.globals.update(
        grounding_kinds=EXERCISE_KIND_LABELS,
        grounding_limits={
            "breath": services.BREATH_SECONDS,
            "hold": services.HOLD_SECONDS,
            "rounds": services.ROUNDS,
            "sense": services.SENSE_SECONDS,
            "line": services.LINE_SECONDS,
            "line_length": services.LINE_MAX_LENGTH,
            "title_length": TITLE_MAX_LENGTH,
            "box": services.BOX_DEFAULTS,
            "sense_default": services.SENSE_DEFAULT_SECONDS,
            "line_default": services.LINE_DEFAULT_SECONDS,
            "lead_in": services.LEAD_IN_SECONDS,
        },
    )
