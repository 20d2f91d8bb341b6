"""Facilitator accounts: first-run setup, sign in and out, invitations, optional sign-up."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_login import current_user, login_required, login_user, logout_user

from ..errors import DomainError
from ..extensions import db, limiter, login_manager
from ..sessions.realtime import disconnect_facilitator
from . import services
from .forms import AccountForm, InviteForm, LoginForm
from .models import Facilitator

bp = Blueprint("accounts", __name__)

login_manager.login_view = "accounts.login"
login_manager.login_message = "Please sign in to continue."
login_manager.login_message_category = "info"

# Pages a fresh install may show before its first facilitator exists.
_OPEN_BEFORE_SETUP = {"accounts.setup", "static", "health.healthz"}


@login_manager.user_loader
def load_facilitator(facilitator_id: str) -> Facilitator | None:
    return db.session.get(Facilitator, int(facilitator_id)) if facilitator_id.isdigit() else None


@bp.before_app_request
def lead_fresh_install_to_setup():
    """On a fresh install, every page leads to the setup of the first facilitator."""
    if current_app.extensions.get("stepwise_set_up") or request.endpoint in _OPEN_BEFORE_SETUP:
        return None
    if services.has_facilitators():
        current_app.extensions["stepwise_set_up"] = True
        return None
    return redirect(url_for("accounts.setup"))


def _safe_next(target: str | None) -> str:
    """Follow ?next= only to a path on this site."""
    if target and target.startswith("/") and not target.startswith("//") and not urlsplit(target).netloc:
        return target
    return url_for("groups.list_groups")


def _create_account(form: AccountForm, create) -> Facilitator | None:
    """Run one of the account-creating services on a valid form; show its message if it says no."""
    try:
        facilitator = create(form.email.data, form.display_name.data, form.password.data)
    except DomainError as error:
        db.session.rollback()
        form.email.errors.append(error.message)
        return None
    db.session.commit()
    login_user(facilitator)
    return facilitator


@bp.route("/setup", methods=["GET", "POST"])
def setup():
    """Create the first (admin) facilitator of a fresh install."""
    if services.has_facilitators():
        return redirect(url_for("accounts.login"))
    form = AccountForm()
    if form.validate_on_submit() and _create_account(form, services.create_first_facilitator):
        flash("Welcome to Stepwise. You're set up as the admin.", "success")
        return redirect(url_for("groups.list_groups"))
    return render_template("accounts/setup.html", form=form)


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(lambda: current_app.config["LOGIN_RATE_LIMIT"], methods=["POST"])
def login():
    """Sign a facilitator in."""
    if current_user.is_authenticated:
        return redirect(url_for("groups.list_groups"))
    form = LoginForm()
    if form.validate_on_submit():
        facilitator = services.authenticate(form.email.data, form.password.data)
        if facilitator is None:
            form.password.errors.append("That e-mail and password don't match. Please try again.")
        else:
            db.session.commit()
            login_user(facilitator)
            return redirect(_safe_next(request.args.get("next")))
    return render_template("accounts/login.html", form=form)


@bp.post("/logout")
@login_required
def logout():
    """Sign out, and close this facilitator's live consoles."""
    disconnect_facilitator(current_user.id)
    logout_user()
    flash("You're signed out.", "info")
    return redirect(url_for("accounts.login"))


@bp.route("/signup", methods=["GET", "POST"])
def signup():
    """Open sign-up, only when ALLOW_SIGNUP is on."""
    if not current_app.config["ALLOW_SIGNUP"]:
        abort(404)
    form = AccountForm()
    if form.validate_on_submit() and _create_account(form, services.create_facilitator):
        return redirect(url_for("groups.list_groups"))
    return render_template("accounts/signup.html", form=form)


@bp.route("/invites", methods=["GET", "POST"])
@login_required
def invites():
    """An admin creates invitation links for new facilitators."""
    if not current_user.is_admin:
        abort(403)
    form = InviteForm()
    new_link = None
    if form.validate_on_submit():
        _, token = services.create_invite(
            current_user, form.note.data or "", current_app.config["INVITE_VALID_DAYS"]
        )
        db.session.commit()
        new_link = url_for("accounts.accept_invite", token=token, _external=True)
    return render_template(
        "accounts/invites.html", form=form, new_link=new_link, invites=services.pending_invites()
    )


@bp.route("/invite/<token>", methods=["GET", "POST"])
def accept_invite(token: str):
    """A new facilitator creates an account from an invitation link."""
    invite = services.find_usable_invite(token)
    form = AccountForm()
    if form.validate_on_submit() and _create_account(
        form, lambda *details: services.accept_invite(invite, *details)
    ):
        flash("Welcome to Stepwise.", "success")
        return redirect(url_for("groups.list_groups"))
    return render_template("accounts/invite.html", form=form)
