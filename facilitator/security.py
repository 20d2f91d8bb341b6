"""HTTP security headers: a strict CSP with no inline code, and no caching of personal pages."""

from flask import Flask, Response, request

from .extensions import talisman


def init_app(app: Flask) -> None:
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
