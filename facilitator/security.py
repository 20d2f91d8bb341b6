"""The HTTP edge: security headers (a strict CSP with no inline code, no caching of personal
pages, Socket.IO's polling included), trusted proxies, and ids in URLs that the database can hold."""

from __future__ import annotations

from collections.abc import Callable, Iterable

from flask import Flask, Response, request
from werkzeug.middleware.proxy_fix import ProxyFix
from werkzeug.routing import IntegerConverter

from .extensions import talisman

# Flask-SocketIO's default path; Engine.IO answers there before Flask sees the request.
SOCKETIO_PATH = "/socket.io/"
# Ids are PostgreSQL INTEGER columns.
MAX_DATABASE_ID = 2**31 - 1


def init_app(app: Flask) -> None:
    """Security headers on every response; call after socketio.init_app, which wraps app.wsgi_app."""
    https = app.config["BASE_URL"].startswith("https://")
    policy = {
        "default-src": "'self'",
        "script-src": "'self'",
        "style-src": "'self'",
        "img-src": "'self' data:",
        "font-src": "'self'",
        "connect-src": "'self'",
        "object-src": "'none'",
        "base-uri": "'none'",
        "form-action": "'self'",
        "frame-ancestors": "'none'",
    }
    talisman.init_app(
        app,
        force_https=https,
        strict_transport_security=https,
        session_cookie_secure=https,
        content_security_policy=policy,
        frame_options="DENY",
        referrer_policy="same-origin",
    )

    @app.after_request
    def forbid_caching_of_pages(response: Response) -> Response:
        # Every page may show someone's words or name; only static files may be cached.
        if request.endpoint != "static":
            response.headers["Cache-Control"] = "no-store"
        return response

    # Replacing wsgi_app is how Flask documents adding middleware; its type declares a method.
    app.wsgi_app = NoStoreOnSocketIO(app.wsgi_app)  # type: ignore[method-assign]


class NoStoreOnSocketIO:
    """WSGI middleware: Socket.IO's polling responses, which carry people's words, are not cached."""

    def __init__(self, wsgi_app: Callable) -> None:
        self.wsgi_app = wsgi_app

    def __call__(self, environ: dict, start_response: Callable) -> Iterable[bytes]:
        if not (environ.get("PATH_INFO") or "").startswith(SOCKETIO_PATH):
            return self.wsgi_app(environ, start_response)

        def start_no_store(status: str, headers: list, exc_info=None):
            if not any(name.lower() == "cache-control" for name, _ in headers):
                headers = [*headers, ("Cache-Control", "no-store")]
            return start_response(status, headers, exc_info)

        return self.wsgi_app(environ, start_no_store)


class DatabaseIdConverter(IntegerConverter):
    """`<int:...>` in a URL: only 1 to 2**31-1, so a larger id is a 404, not a database error."""

    def __init__(self, url_map, fixed_digits=0, min=1, max=MAX_DATABASE_ID, signed=False) -> None:
        super().__init__(url_map, fixed_digits=fixed_digits, min=min, max=max, signed=signed)


def bound_url_ids(app: Flask) -> None:
    """Use DatabaseIdConverter for `int` in URLs; call before any route is added."""
    app.url_map.converters["int"] = DatabaseIdConverter


def trust_proxies(app: Flask) -> None:
    """Behind TRUSTED_PROXIES reverse proxies, take the client's address, scheme and host from the
    X-Forwarded-* headers they set (rate limits, logs and Engine.IO then see the client). Call last,
    so every other middleware (Socket.IO's included) sees the corrected request; with 0 those
    headers are ignored, since anyone could send them."""
    count = app.config["TRUSTED_PROXIES"]
    if count > 0:
        # Flask's documented way to add middleware (see init_app).
        app.wsgi_app = ProxyFix(  # type: ignore[method-assign]
            app.wsgi_app, x_for=count, x_proto=count, x_host=count
        )
