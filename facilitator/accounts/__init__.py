"""Facilitator accounts: setup, invitations, sign-ins kept on the server, admins' account pages."""

from __future__ import annotations

from flask import Flask

from ..extensions import login_manager
from . import routes, sign_ins


def init_app(app: Flask) -> None:
    """Pages, and how Flask-Login finds the facilitator behind a browser's sign-in."""
    app.register_blueprint(routes.bp)
    login_manager.user_loader(sign_ins.load_facilitator)
    login_manager.login_view = "accounts.login"
    login_manager.login_message = "Please sign in to continue."
    login_manager.login_message_category = "info"
