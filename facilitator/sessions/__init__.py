"""Sessions of a group: scheduling, starting and ending them, joining, seats, the room's rules."""

from __future__ import annotations

from flask import Flask

from . import routes, services
from .forms import NewSessionForm


def init_app(app: Flask) -> None:
    """Pages, and the sessions panel on a group's page (the group page itself knows no sessions)."""
    app.register_blueprint(routes.bp)
    app.add_template_global(services.sessions_of)
    app.add_template_global(NewSessionForm, "new_session_form")
