"""Kind error pages: nobody ever sees a stack trace."""

from flask import Flask, current_app, render_template
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException

from .errors import DomainError
from .extensions import db

MESSAGES = {
    400: ("Something in that request didn't look right", "Please go back and try again."),
    403: ("This page isn't open to you", "If you think it should be, ask the person who runs the group."),
    404: (
        "We couldn't find that page",
        "The link may be mistyped, or the session may have moved on. Check the link or code and try again.",
    ),
    405: ("That didn't work", "Please go back and try again."),
    413: ("That was more than we can take in", "Please shorten it and try again."),
    429: (
        "Let's take a short breather",
        "There were a lot of attempts in a short time. Please wait a little while, then try again.",
    ),
    500: (
        "Something went wrong on our side",
        "It isn't anything you did. Please try again in a moment.",
    ),
}


def render_error(status: int, detail: str | None = None):
    title, message = MESSAGES.get(status, MESSAGES[500])
    return render_template("errors/error.html", title=title, message=detail or message), status


def init_app(app: Flask) -> None:
    @app.errorhandler(CSRFError)
    def csrf_expired(_: CSRFError):
        return render_error(400, "This form had expired. Please go back, reload the page and try again.")

    @app.errorhandler(DomainError)
    def domain_error(error: DomainError):
        return render_error(error.status_code, error.message)

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException):
        return render_error(error.code or 500)

    @app.errorhandler(Exception)
    def unexpected_error(_: Exception):
        db.session.rollback()
        current_app.logger.exception("Unhandled error")
        return render_error(500)
