"""After the session: the facilitators' summary, the group's trends, exports, and the participants'
take-home page."""

from __future__ import annotations

from flask import (
    Blueprint,
    Response,
    current_app,
    flash,
    jsonify,
    redirect,
    render_template,
    url_for,
)
from flask_login import current_user, login_required

from ..clock import utcnow
from ..errors import DomainError
from ..extensions import db
from ..groups.services import load_group_for
from ..sessions.services import load_session_for
from . import charts, exports, formatting, services
from .forms import NotesForm

bp = Blueprint("summaries", __name__)
for template_filter in formatting.FILTERS:
    bp.add_app_template_filter(template_filter)
bp.add_app_template_global(charts.mood_distribution_chart)


def _download(body: str | bytes, mimetype: str, filename: str) -> Response:
    return Response(
        body, mimetype=mimetype, headers={"Content-Disposition": f'attachment; filename="{filename}"'}
    )


# --- facilitators -----------------------------------------------------------------------------


@bp.get("/sessions/<int:live_session_id>/summary")
@login_required
def show_summary(live_session_id: int):
    """The summary of an ended session, for the group's facilitators."""
    live_session = load_session_for(current_user, live_session_id)
    try:
        summary = services.ended_summary(live_session)
    except DomainError as error:
        flash(error.message, "error")
        return redirect(url_for("sessions.console", live_session_id=live_session.id))
    db.session.commit()  # a session ended before summaries existed has just had its summary made
    take_home_until = summary.take_home_expires_at(current_app.config["TAKE_HOME_DAYS"])
    return render_template(
        "summaries/summary.html",
        live_session=live_session,
        summary=summary,
        data=summary.data,
        parts=services.summary_parts(),
        take_home_url=url_for("summaries.take_home", token=summary.take_home_token, _external=True),
        take_home_until=take_home_until,
        take_home_open=take_home_until > utcnow(),
        form=NotesForm(notes=summary.notes),
        notes_max=services.NOTES_MAX_LENGTH,
    )


@bp.post("/sessions/<int:live_session_id>/summary/notes")
@login_required
def save_notes(live_session_id: int):
    """Save the facilitators' private notes on a session."""
    live_session = load_session_for(current_user, live_session_id)
    summary = services.ended_summary(live_session)
    form = NotesForm()
    if form.validate_on_submit():
        try:
            services.save_notes(current_user, summary, form.notes.data or "")
        except DomainError as error:
            db.session.rollback()
            flash(error.message, "error")
        else:
            db.session.commit()
            flash("Your notes are saved.", "success")
    else:
        for message in form.notes.errors or ["This form had expired. Please try again."]:
            flash(message, "error")
    return redirect(url_for("summaries.show_summary", live_session_id=live_session.id) + "#private-notes")


@bp.get("/sessions/<int:live_session_id>/summary.<any(csv, json, pdf):kind>")
@login_required
def export_session(live_session_id: int, kind: str):
    """Download a session's summary as CSV, JSON or PDF (written to the audit log)."""
    live_session = load_session_for(current_user, live_session_id)
    summary = services.ended_summary(live_session)
    services.record_export(
        current_user, f"session_{kind}", group=live_session.group, live_session=live_session
    )
    db.session.commit()
    filename = f"stepwise-session-{live_session.id}.{kind}"
    if kind == "json":
        response = jsonify(exports.session_record(summary))
        response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
        return response
    if kind == "csv":
        return _download(exports.session_csv(summary), "text/csv", filename)
    pdf = exports.session_pdf(summary, services.summary_parts(), current_app.config["PDF_FONT_DIR"])
    return _download(pdf, "application/pdf", filename)


@bp.get("/groups/<int:group_id>/trends")
@login_required
def group_trends(group_id: int):
    """A group's sessions over time: moods, attendance and wins, with smoothed lines."""
    group = load_group_for(current_user, group_id)
    trend = services.group_trend(group)
    db.session.commit()  # summaries made now for sessions ended before they existed
    return render_template(
        "summaries/trends.html", group=group, trend=trend, charts=charts.trend_charts(trend)
    )


@bp.get("/groups/<int:group_id>/export.<any(csv, json):kind>")
@login_required
def export_group(group_id: int, kind: str):
    """Download a group's figures per session as CSV or JSON (written to the audit log)."""
    group = load_group_for(current_user, group_id)
    trend = services.group_trend(group)
    services.record_export(current_user, f"group_{kind}", group=group)
    db.session.commit()
    filename = f"stepwise-group-{group.id}.{kind}"
    if kind == "csv":
        return _download(exports.group_csv(trend), "text/csv", filename)
    response = jsonify(exports.group_record(group, trend))
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


# --- participants -----------------------------------------------------------------------------


@bp.get("/take-home/<token>")
def take_home(token: str):
    """The participants' page to take home: the group's wins and mood shift, and where to find help."""
    valid_days = current_app.config["TAKE_HOME_DAYS"]
    try:
        summary = services.find_take_home(token)
    except DomainError as error:
        return render_template(
            "summaries/take_home_closed.html", message=error.message, group=None
        ), error.status_code
    try:
        services.check_take_home_open(summary, valid_days, utcnow())
    except DomainError as error:
        group = summary.live_session.group
        return render_template(
            "summaries/take_home_closed.html", message=error.message, group=group
        ), error.status_code
    shift = services.group_mood_shift(summary)
    return render_template(
        "summaries/take_home.html",
        summary=summary,
        data=summary.data,
        group=summary.live_session.group,
        parts=services.summary_parts(),
        shift=shift,
        shift_chart=charts.mood_shift_chart(shift),
        valid_until=summary.take_home_expires_at(valid_days),
    )
