"""Pages for running a session (facilitators) and for joining one (participants)."""

from __future__ import annotations

import io

import segno
from flask import (
    Blueprint,
    Response,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_login import current_user, login_required

from ..clock import utcnow
from ..errors import DomainError
from ..extensions import db, limiter
from ..groups.forms import ConfirmForm
from ..groups.services import load_group_for
from . import services
from .forms import JoinCodeForm, JoinForm, NewSessionForm
from .models import LiveSession
from .quick_exit import AWAY_COOKIE, forecast
from .seats import give_seat, seat_participant_id, this_device

bp = Blueprint("sessions", __name__)


def join_url(live_session: LiveSession) -> str:
    """The link participants open; BASE_URL decides the address when it is set."""
    path = url_for("sessions.join", join_token=live_session.join_token)
    base_url = current_app.config["BASE_URL"]
    return (
        base_url + path
        if base_url
        else url_for("sessions.join", join_token=live_session.join_token, _external=True)
    )


# --- facilitators -----------------------------------------------------------------------------


@bp.post("/groups/<int:group_id>/sessions")
@login_required
def create_session(group_id: int):
    """Start a session now, or schedule one."""
    group = load_group_for(current_user, group_id)
    form = NewSessionForm()
    if not form.validate_on_submit():
        for errors in form.errors.values():
            for message in errors:
                flash(message, "error")
        return redirect(url_for("groups.show_group", group_id=group.id))
    try:
        live_session = services.create_session(
            current_user,
            group,
            title=form.title.data or "",
            waiting_room=form.waiting_room.data,
            wins_need_approval=not form.wins_show_at_once.data,
            scheduled_for=form.scheduled_for_utc(),
        )
    except DomainError as error:
        db.session.rollback()
        flash(error.message, "error")
        return redirect(url_for("groups.show_group", group_id=group.id))
    db.session.commit()
    return redirect(url_for("sessions.console", live_session_id=live_session.id))


@bp.get("/sessions/<int:live_session_id>")
@login_required
def console(live_session_id: int):
    """The facilitator's console for one session."""
    live_session = services.load_session_for(current_user, live_session_id)
    return render_template(
        "sessions/console.html",
        live_session=live_session,
        join_url=join_url(live_session),
        confirm_form=ConfirmForm(),
    )


@bp.post("/sessions/<int:live_session_id>/start")
@login_required
def start_session(live_session_id: int):
    """Open a scheduled session."""
    live_session = services.load_session_for(current_user, live_session_id)
    if ConfirmForm().validate_on_submit():
        services.start_session(current_user, live_session)
        db.session.commit()
    return redirect(url_for("sessions.console", live_session_id=live_session.id))


@bp.post("/sessions/<int:live_session_id>/end")
@login_required
def end_session(live_session_id: int):
    """End a session for everyone."""
    live_session = services.load_session_for(current_user, live_session_id)
    if ConfirmForm().validate_on_submit():
        services.end_session(current_user, live_session)
        db.session.commit()  # every screen is told (facilitator/realtime's receiver of session_ended)
        flash("The session has ended.", "success")
    return redirect(url_for("sessions.console", live_session_id=live_session.id))


@bp.get("/sessions/<int:live_session_id>/screen")
@login_required
def shared_screen(live_session_id: int):
    """The page to project for the room: how to join, in big type."""
    live_session = services.load_session_for(current_user, live_session_id)
    return render_template("sessions/screen.html", live_session=live_session, join_url=join_url(live_session))


@bp.get("/sessions/<int:live_session_id>/qr.svg")
@login_required
def join_qr(live_session_id: int):
    """The join link as a QR code (SVG)."""
    live_session = services.load_session_for(current_user, live_session_id)
    buffer = io.BytesIO()
    segno.make(join_url(live_session), error="m").save(
        buffer,
        kind="svg",
        scale=10,
        border=2,
        dark="#1d2b36",
        light="#ffffff",
        title="QR code to join the session",
    )
    return Response(buffer.getvalue(), mimetype="image/svg+xml")


# --- participants -----------------------------------------------------------------------------


@bp.get("/")
def start_page():
    """Where a participant types the code shown in the room."""
    return render_template("sessions/start.html", form=JoinCodeForm())


@bp.post("/join")
@limiter.limit(lambda: current_app.config["JOIN_RATE_LIMIT"])
def join_by_code():
    """Find the session for a typed code."""
    form = JoinCodeForm()
    if form.validate_on_submit():
        try:
            live_session = services.find_session_by_code(form.code.data)
        except DomainError as error:
            form.code.errors.append(error.message)
        else:
            return redirect(url_for("sessions.join", join_token=live_session.join_token))
    return render_template("sessions/start.html", form=form), 400


def _current_seat(live_session: LiveSession):
    """The participant this phone already is in the session, if they can still take part."""
    participant = services.find_seat(live_session, seat_participant_id(request, live_session))
    return participant if participant is not None and participant.status in ("present", "waiting") else None


@bp.route("/j/<join_token>", methods=["GET", "POST"])
@limiter.limit(lambda: current_app.config["JOIN_RATE_LIMIT"], methods=["POST"])
def join(join_token: str):
    """Join a session under a chosen name. A phone that already has a seat goes straight back in;
    a browser whose person the facilitator removed is kindly refused."""
    live_session = services.find_session_by_token(join_token)
    group = live_session.group
    device_id = this_device(request)
    if live_session.is_live and _current_seat(live_session) is not None:
        if request.cookies.get(AWAY_COOKIE):
            # Left by quick exit: Back lands here, so no live room opens by itself; one tap goes back in.
            return render_template("sessions/come_back.html", live_session=live_session, group=group)
        return redirect(url_for("sessions.room", join_token=join_token))
    try:
        services.check_joinable(live_session, device_id)
    except DomainError as error:
        # Someone who took part and comes back after the end still finds their take-home page.
        took_part = services.find_seat(live_session, seat_participant_id(request, live_session)) is not None
        page = render_template(
            "sessions/closed.html",
            message=error.message,
            group=group,
            live_session=live_session,
            took_part=took_part,
        )
        return page, error.status_code
    form = JoinForm()
    if form.validate_on_submit():
        try:
            participant = services.join_session(live_session, form.display_name.data, device_id)
        except DomainError as error:
            db.session.rollback()
            form.display_name.errors.append(error.message)
        else:
            db.session.commit()
            response = redirect(url_for("sessions.room", join_token=join_token))
            give_seat(response, participant)
            return response
    if not form.is_submitted():
        form.display_name.data = services.suggest_display_name()
    suggestions = [services.suggest_display_name() for _ in range(8)]
    return render_template(
        "sessions/join.html", form=form, live_session=live_session, group=group, suggestions=suggestions
    )


@bp.get("/j/<join_token>/room")
def room(join_token: str):
    """The participant's screen for the live session."""
    live_session = services.find_session_by_token(join_token)
    participant = _current_seat(live_session)
    if participant is None or not live_session.is_live:
        return redirect(url_for("sessions.join", join_token=join_token))
    response = Response(
        render_template(
            "sessions/room.html",
            live_session=live_session,
            participant=participant,
            group=live_session.group,
        )
    )
    if request.cookies.get(AWAY_COOKIE):
        # Back in after a quick exit: the join link takes this phone straight in again.
        response.delete_cookie(AWAY_COOKIE, path=url_for("sessions.join", join_token=join_token))
    return response


@bp.get("/weather")
def neutral_page():
    """Where "Quick exit" leads: an ordinary weather page, not a Stepwise page, the same for everyone
    (facilitator/sessions/quick_exit.py)."""
    return render_template("sessions/weather.html", days=forecast(utcnow().date()))
