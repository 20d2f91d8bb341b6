"""Attendance receipts over HTTP: made from the take-home page by the phone that attended, checked
by anyone on /verify, and the public keys that check them offline."""

from __future__ import annotations

from dataclasses import dataclass

from flask import Blueprint, Response, current_app, jsonify, render_template, request, url_for

from ..clock import utcnow
from ..errors import DomainError
from ..extensions import limiter
from ..sessions.models import LiveSession, Participant
from ..sessions.seats import seat_participant_id
from ..sessions.services import find_seat
from ..summaries.models import SessionSummary
from ..summaries.services import check_take_home_open, find_take_home
from . import document, keys, services
from .forms import ReceiptForm, VerifyForm

bp = Blueprint("receipts", __name__)

EMPTY_VERIFY_MESSAGE = "Please paste a receipt's code, or choose its file."


def _rate_limit() -> str:
    return current_app.config["RECEIPT_RATE_LIMIT"]


def _seat(live_session: LiveSession) -> Participant | None:
    """The participant this phone was in the session (its seat cookie), whatever became of them."""
    return find_seat(live_session, seat_participant_id(request, live_session))


@dataclass(frozen=True)
class ReceiptOffer:
    """What the take-home page's receipt section shows: the form, for a phone that attended;
    otherwise (minutes None) a note that receipts are made on the phone someone joined with."""

    minutes: int | None
    form: ReceiptForm | None
    seat_hours: int

    @property
    def minutes_text(self) -> str:
        return services.describe_minutes(self.minutes or 0)


def receipt_offer(summary: SessionSummary) -> ReceiptOffer | None:
    """The take-home page's receipt section, or None: the group offers none, or this phone was in
    the session but not let in long enough for one (then the page says nothing about it)."""
    live_session = summary.live_session
    if not live_session.group.attendance_receipts:
        return None
    hours = round(current_app.config["SEAT_COOKIE_MAX_AGE"] / 3600)
    participant = _seat(live_session)
    if participant is None:
        return ReceiptOffer(minutes=None, form=None, seat_hours=hours)
    if not services.has_attended(participant, live_session):
        return None
    return ReceiptOffer(services.attended_minutes(participant, live_session), ReceiptForm(), hours)


def _unavailable(message: str, status: int, summary: SessionSummary | None = None):
    back = url_for("summaries.take_home", token=summary.take_home_token) if summary else None
    group = summary.live_session.group if summary else None
    return render_template("receipts/unavailable.html", message=message, back=back, group=group), status


@bp.post("/take-home/<token>/receipt")
@limiter.limit(_rate_limit)
def download_receipt(token: str):
    """The receipt as a PDF, for the phone that attended. Nothing is written anywhere."""
    try:
        summary = find_take_home(token)
        check_take_home_open(summary, current_app.config["TAKE_HOME_DAYS"], utcnow())
    except DomainError as error:
        return _unavailable(error.message, error.status_code)
    form = ReceiptForm()
    if not form.validate_on_submit():  # a missing CSRF token is refused before this (error_pages)
        return _unavailable(next(iter(form.name.errors), "Please check the form."), 400, summary)
    live_session = summary.live_session
    try:
        signed = services.issue_receipt(
            _seat(live_session),
            live_session,
            name=form.name.data,
            zone=services.time_zone(form.time_zone.data),
        )
    except DomainError as error:
        return _unavailable(error.message, error.status_code, summary)
    pdf = document.receipt_pdf(
        signed,
        verify_url=url_for("receipts.verify", _external=True),
        keys_url=url_for("receipts.public_keys", _external=True),
        font_dir=current_app.config["PDF_FONT_DIR"],
    )
    filename = f"attendance-receipt-{signed.receipt.day.isoformat()}.pdf"
    return Response(
        pdf, mimetype="application/pdf", headers={"Content-Disposition": f'attachment; filename="{filename}"'}
    )


@bp.route("/verify", methods=["GET", "POST"])
@limiter.limit(_rate_limit, methods=["POST"])
def verify():
    """Anyone may check a receipt: the page shows what the receipt itself says, and whether its
    signature is good; nothing is looked up about anybody."""
    form = VerifyForm()
    checked = problem = None
    status = 200
    if form.validate_on_submit():
        text = form.submitted_text()
        if text is None:
            form.code.errors.append(EMPTY_VERIFY_MESSAGE)
            status = 400
        else:
            try:
                checked = services.verify_code(text)
            except DomainError as error:
                problem = error.message
    elif form.is_submitted():
        status = 400
    return render_template(
        "receipts/verify.html",
        form=form,
        checked=checked,
        problem=problem,
        keys_url=url_for("receipts.public_keys"),
    ), status


@bp.get("/receipts/public-keys")
def public_keys():
    """Every key a genuine receipt may be signed with, for checking receipts offline."""
    return jsonify(
        {
            "algorithm": "Ed25519",
            "format": "SWR1.<payload>.<signature>: the payload is the receipt's canonical JSON and the "
            "signature the Ed25519 signature of exactly those bytes, both base64url without padding.",
            "keys": [
                {"kid": key.kid, "current": key.current, "public_key_pem": key.pem}
                for key in keys.public_keys(current_app)
            ],
        }
    )


@bp.get("/receipts/public-key.pem")
def public_key_pem():
    """The current public key as PEM, for `openssl pkeyutl -verify` (docs/receipts.md)."""
    current = keys.public_keys(current_app)[0]
    return Response(current.pem, mimetype="text/plain")
