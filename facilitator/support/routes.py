"""Support over plain HTTP: asking for it from the room, and resolving what was left for after.

**Asking.** "I need support" works before the live connection does.
The room's support sheet is a real form posted here. A phone whose socket is connected sends the
`request_support` event instead; one whose socket is not (a slow network, the first seconds after
opening the room, no JavaScript) posts the same fields here. Both go through the same checks
(the event's own rules for who may send it), the same service and the same alerts, and a request
sent both ways, with the same client id, is stored once. See docs/protocol.md ("Asking over HTTP").

**Following up.** A request still open when its session ended stays on the group's follow-up
list (the group page and the session's summary) until a facilitator marks it resolved here.
"""

from __future__ import annotations

from flask import Blueprint, flash, jsonify, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from sqlalchemy.exc import IntegrityError

from ..errors import DomainError, Invalid, NotFound
from ..extensions import db
from ..realtime.callers import ParticipantCaller
from ..realtime.events import seated_caller_for
from ..sessions import services as session_services
from ..sessions.models import LiveSession
from ..sessions.seats import seat_participant_id
from . import services
from .alerts import announce_new_request
from .forms import FollowUpForm, SupportRequestForm, new_client_id

bp = Blueprint("support", __name__)

THANKS_MESSAGE = (
    "Thank you for asking. Your request is with the facilitator, and only the facilitators can see it. "
    "They'll come to you as soon as they can."
)
# As the room's own words for a message the safety net noticed (templates/support/_request_sheet.html).
CARE_MESSAGE = (
    "Thank you for telling us. The facilitator will come to you as soon as they can. If you might be "
    "in danger, please don't wait: the numbers under “Need urgent help?” at the top of this screen are "
    "there for you, any time."
)


def _wants_json() -> bool:
    """The room's script asks for JSON (the same acknowledgement as the event's); a plain form, a page."""
    return request.accept_mimetypes.best_match(["text/html", "application/json"]) == "application/json"


def _refusal(error: DomainError):
    return jsonify(ok=False, error=error.message), error.status_code


@bp.post("/j/<join_token>/support")
def ask_for_support(join_token: str):
    """A participant asks the facilitators, privately, for support (the form of the room's sheet).

    The phone's script gets the `request_support` acknowledgement as JSON; a plain form post is
    sent back to the room with a kind confirmation (post, redirect, get), or shown the room again
    with its words and what to change.
    """
    wants_json = _wants_json()
    try:
        live_session = session_services.find_session_by_token(join_token)
    except NotFound as error:
        if wants_json:
            return _refusal(error)
        raise
    participant_id = seat_participant_id(request, live_session)
    try:
        caller = seated_caller_for("request_support", live_session, participant_id)
    except DomainError as error:
        if wants_json:
            return _refusal(error)
        took_part = session_services.find_seat(live_session, participant_id) is not None
        page = render_template(
            "sessions/closed.html",
            message=error.message,
            group=live_session.group,
            live_session=live_session,
            took_part=took_part,
        )
        return page, error.status_code
    form = SupportRequestForm()
    try:
        if not form.validate():
            raise Invalid(next(iter(form.errors.values()))[0])
        requested = _ask(caller, form)
    except DomainError as error:
        db.session.rollback()
        if wants_json:
            return _refusal(error)
        return _room_again(caller, form, error), error.status_code
    if wants_json:
        return jsonify(ok=True, **services.receipt(requested))
    flagged = requested.request.safety_flag_id is not None
    flash(CARE_MESSAGE if flagged else THANKS_MESSAGE, "care" if flagged else "success")
    return redirect(url_for("sessions.room", join_token=join_token))


def _ask(caller: ParticipantCaller, form: SupportRequestForm) -> services.RequestedSupport:
    """Store the request and alert the facilitators once it is committed, as the event does."""

    def ask() -> services.RequestedSupport:
        return services.request_support(
            caller.participant,
            caller.live_session,
            client_id=form.client_id.data,
            urgency=form.urgency.data or "",
            message=form.message.data,
        )

    try:
        requested = ask()
    except IntegrityError:
        # The same request (its client id) arrived this very moment over the phone's live
        # connection too, and was stored there: this one is a resend of it.
        db.session.rollback()
        requested = ask()
    announce_new_request(caller.live_session, requested)
    db.session.commit()  # the alerts go out now (facilitator/transactions.py)
    return requested


def _room_again(caller: ParticipantCaller, form: SupportRequestForm, error: DomainError) -> str:
    """The room, its support sheet open with the person's words and why they didn't go through."""
    form.client_id.data = new_client_id()
    live_session: LiveSession = caller.live_session
    return render_template(
        "sessions/room.html",
        live_session=live_session,
        participant=caller.participant,
        group=live_session.group,
        support_form=form,
        support_error=error.message,
    )


# --- following up after the session -----------------------------------------------------------


@bp.post("/sessions/<int:live_session_id>/support/<int:request_id>/resolve")
@login_required
def resolve_follow_up(live_session_id: int, request_id: int):
    """Mark a request left for after its session resolved, with a private note; back to the page
    it was resolved from (the group's follow-up list or the session's summary)."""
    live_session = session_services.load_session_for(current_user, live_session_id)
    form = FollowUpForm()
    if form.validate_on_submit():
        try:
            services.resolve_follow_up(current_user, live_session, request_id, form.note.data)
        except DomainError as error:
            db.session.rollback()
            flash(error.message, "error")
        else:
            db.session.commit()
            flash("Marked as resolved.", "success")
    if form.back.data == "summary":
        return redirect(
            url_for("summaries.show_summary", live_session_id=live_session.id, _anchor="follow-ups")
        )
    return redirect(url_for("groups.show_group", group_id=live_session.group_id, _anchor="follow-ups"))
