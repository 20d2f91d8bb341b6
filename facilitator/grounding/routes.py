"""The group page's grounding scripts: adding one (the small form on the page) and deleting one."""

from __future__ import annotations

from flask import Blueprint, flash, g, redirect, url_for
from flask_login import current_user, login_required

from ..errors import DomainError
from ..extensions import db
from ..groups import routes as group_routes
from ..groups import services as group_services
from . import services
from .forms import DeleteScriptForm, ScriptForm

bp = Blueprint("grounding", __name__, url_prefix="/groups")


@bp.before_request
@login_required
def require_login() -> None:
    """Only signed-in facilitators write scripts."""


def _group_page_again(form: ScriptForm, group_id: int, message: str | None = None):
    """The group page once more, with the refused form's words and what to change (400)."""
    if message:
        form.form_errors.append(message)
    g.grounding_script_form = form
    return group_routes.show_group(group_id), 400


@bp.post("/<int:group_id>/grounding-scripts")
def add_script(group_id: int):
    """Add a grounding script to the group (its lead, or an admin who helps run it)."""
    group = group_services.load_group_to_manage(current_user, group_id)
    form = ScriptForm()
    if not form.validate_on_submit():
        return _group_page_again(form, group.id)
    try:
        script = services.add_script(current_user, group, **form.details())
    except DomainError as refusal:
        db.session.rollback()
        return _group_page_again(form, group.id, refusal.message)
    db.session.commit()
    flash(f"“{script.title}” is ready to use in this group's sessions.", "success")
    return redirect(url_for("groups.show_group", group_id=group.id, _anchor="grounding-heading"))


@bp.post("/<int:group_id>/grounding-scripts/<int:script_id>/delete")
def delete_script(group_id: int, script_id: int):
    """Delete one of the group's grounding scripts."""
    group = group_services.load_group_to_manage(current_user, group_id)
    if DeleteScriptForm().validate_on_submit():
        try:
            services.delete_script(current_user, group, script_id)
        except DomainError as refusal:
            db.session.rollback()
            flash(refusal.message, "error")
        else:
            db.session.commit()
            flash("Script deleted. Exercises already run with it are kept as they were.", "success")
    return redirect(url_for("groups.show_group", group_id=group.id, _anchor="grounding-heading"))
