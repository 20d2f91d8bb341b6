"""Attendance receipts: proof that someone attended, signed by the deployment, with no name unless
they type one, and nothing kept that links a receipt to a person (docs/receipts.md)."""

from __future__ import annotations

from flask import Flask

from . import routes
from .cli import receipts_cli
from .services import NAME_MAX_LENGTH


def init_app(app: Flask) -> None:
    """The receipt's download, the public /verify page and the public keys; the take-home page's
    receipt section (a template global); the key commands."""
    app.register_blueprint(routes.bp)
    app.add_template_global(routes.receipt_offer, "receipt_offer")
    app.jinja_env.globals.update(receipt_name_max=NAME_MAX_LENGTH)
    app.cli.add_command(receipts_cli)
