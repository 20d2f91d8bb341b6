"""Facilitators' pages for their groups."""

from __future__ import annotations

import functools
from collections.abc import Callable

from flask import Blueprint, current_app, flash, redirect, render_template, url_for
from flask_login import current_user, login_required

from ..errors import DomainError
from ..extensions import db
from . import services
from .forms import CoFacilitatorForm, ConfirmForm, GroupForm
from .models import DEFAULT_AGENDA, Group, Role

bp = Blueprint("groups", __name__, url_prefix="/groups")


@bp.before_request
@login_required
def require_login() -> None:
    """Every page here is for signed-in facilitators."""


@bp.get("/")
def list_groups():
    """The facilitator's groups."""
    return render_template("groups/list.html", groups=services.groups_run_by(current_user))


def _save_group(form: GroupForm, save: Callable[..., Group]) -> Group | None:
    """Run a group-saving service on a valid form; show its message on the form if it says no."""
    if not form.validate_on_submit():
        return None
    try:
        group = save(**form.details())
    except DomainError as error:
        db.session.rollback()
        form.form_errors.append(error.message)
        return None
    db.session.commit()
    return group


@bp.route("/new", methods=["GET", "POST"])
def create_group():
    """Create a group."""
    form = GroupForm()
    if not form.is_submitted():
        form.crisis_resources.data = current_app.config["DEFAULT_CRISIS_RESOURCES"]
        form.fill_agenda(DEFAULT_AGENDA)
    group = _save_group(form, functools.partial(services.create_group, current_user))
    if group is not None:
        flash("Group created.", "success")
        return redirect(url_for("groups.show_group", group_id=group.id))
    return render_template("groups/form.html", form=form, group=None)


@bp.get("/<int:group_id>")
def show_group(group_id: int):
    """A group: its sessions, its facilitators and what each role may do, and a way to start a session."""
    group = services.load_group_for(current_user, group_id)
    return render_template(
        "groups/show.html",
        group=group,
        can_manage=services.can_manage(current_user, group),
        co_form=CoFacilitatorForm(),
        confirm_form=ConfirmForm(),
        lead_role=Role.LEAD,
    )


@bp.route("/<int:group_id>/edit", methods=["GET", "POST"])
def edit_group(group_id: int):
    """Change a group's details, crisis resources and agenda (its lead, or an admin member)."""
    group = services.load_group_to_manage(current_user, group_id)
    form = GroupForm(obj=group)
    if not form.is_submitted():
        form.fill_agenda(group.agenda)
    if _save_group(form, functools.partial(services.update_group, current_user, group)):
        flash("Changes saved.", "success")
        return redirect(url_for("groups.show_group", group_id=group.id))
    return render_template("groups/form.html", form=form, group=group)


@bp.post("/<int:group_id>/archive")
def archive_group(group_id: int):
    """Archive a group, or restore an archived one."""
    group = services.load_group_to_manage(current_user, group_id)
    if ConfirmForm().validate_on_submit():
        services.set_archived(current_user, group, not group.is_archived)
        db.session.commit()
        flash("Group archived." if group.is_archived else "Group restored.", "success")
    return redirect(url_for("groups.show_group", group_id=group.id))


@bp.post("/<int:group_id>/facilitators")
def add_co_facilitator(group_id: int):
    """Add a co-facilitator by e-mail."""
    group = services.load_group_to_manage(current_user, group_id)
    form = CoFacilitatorForm()
    if form.validate_on_submit():
        try:
            colleague = services.add_co_facilitator(current_user, group, form.email.data)
        except DomainError as error:
            db.session.rollback()
            flash(error.message, "error")
        else:
            db.session.commit()
            flash(f"{colleague.display_name} now helps run this group.", "success")
    else:
        for message in form.email.errors:
            flash(message, "error")
    return redirect(url_for("groups.show_group", group_id=group.id))


@bp.post("/<int:group_id>/facilitators/<int:facilitator_id>/remove")
def remove_co_facilitator(group_id: int, facilitator_id: int):
    """Take a co-facilitator out of the group; their open consoles on its sessions close at once."""
    group = services.load_group_to_manage(current_user, group_id)
    if ConfirmForm().validate_on_submit():
        services.remove_co_facilitator(current_user, group, facilitator_id)
        db.session.commit()  # their consoles on the group's sessions close (signals.left_group)
        flash("Co-facilitator removed.", "success")
        if not group.is_run_by(current_user):  # an admin member who took themselves out
            return redirect(url_for("groups.list_groups"))
    return redirect(url_for("groups.show_group", group_id=group.id))
