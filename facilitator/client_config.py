"""What the live pages' scripts need from the server (limits, labels, batch times), in one place.

Each capability adds its settings in its own init_app (`add_client_settings`); the console, the
phone's room and the shared screen render `client_config()` once, as JSON in their root
element's `data-config` attribute, and static/js/live.js reads it. So no number or list that
Python decides is copied into the JavaScript.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from flask import Flask, current_app

# A setting is a JSON-able value, or a function of the app's config for what deployments set.
Setting = Any | Callable[[Mapping[str, Any]], Any]


def add_client_settings(app: Flask, **settings: Setting) -> None:
    """Give the live pages' scripts these settings (names must be new)."""
    registered = app.extensions.setdefault("stepwise.client_settings", {})
    if clash := set(settings) & set(registered):
        raise ValueError(f"client settings given twice: {sorted(clash)}")
    registered.update(settings)


def client_config() -> dict[str, Any]:
    """The settings the live pages' scripts read, as JSON-able values."""
    settings = current_app.extensions.get("stepwise.client_settings", {})
    return {
        name: setting(current_app.config) if callable(setting) else setting
        for name, setting in settings.items()
    }


def init_app(app: Flask) -> None:
    app.add_template_global(client_config)
