"""Groups, their agenda, crisis resources and settings, and who runs them (a lead, co-facilitators)."""

from __future__ import annotations

from flask import Flask

from . import routes


def init_app(app: Flask) -> None:
    app.register_blueprint(routes.bp)
