"""The pulse over HTTP: a phone that had not answered when the session ended answers here, from the
room's "The session has ended" card or from the take-home page, with the ticket it was given while
the session was live. See docs/protocol.md ("Answering after the end")."""

from __future__ import annotations

from flask import Blueprint, current_app, jsonify

from ..clock import utcnow
from ..errors import DomainError
from ..extensions import db, limiter
from ..summaries.services import find_take_home
from . import services
from .forms import LatePulseForm

bp = Blueprint("pulse", __name__)

THANKS_MESSAGE = "Thank you. Your answers are in, without your name."


def _refusal(error: DomainError):
    return jsonify(ok=False, error=error.message), error.status_code


@bp.post("/take-home/<token>/pulse")
@limiter.limit(lambda: current_app.config["PULSE_LATE_RATE_LIMIT"])
def answer_late(token: str):
    """Store a late pulse (JSON in, the same acknowledgement as the event's out). Nothing here
    reads a seat cookie: the ticket is all the server asks for, and all it could tell."""
    try:
        summary = find_take_home(token)
        form = LatePulseForm()
        if not form.validate():
            return jsonify(ok=False, error=form.first_error()), 400
        stored = services.record_late_pulse(
            summary.live_session,
            ticket=form.ticket.data,
            client_id=form.client_id.data,
            scores=form.scores(),
            now=utcnow(),
        )
    except DomainError as error:
        db.session.rollback()
        return _refusal(error)
    db.session.commit()
    return jsonify(ok=True, client_id=form.client_id.data, stored=stored, message=THANKS_MESSAGE)
