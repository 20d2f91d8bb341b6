"""Facilitator accounts: first-run setup, sign in and out, passwords, invitations, optional sign-up,
and an admin's management of accounts."""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Callable
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
from flask.typing import ResponseReturnValue
from flask_login import current_user, login_required

from ..errors import DomainError
from ..extensions import db, limiter
from . import services, sign_ins
from .forms import AccountForm, ChangePasswordForm, InviteForm, LoginForm, ResetPasswordForm
from .models import Facilitator

bp = Blueprint("accounts", __name__)


# Pages a fresh install may show before its first facilitator exists.
_OPEN_BEFORE_SETUP = {"accounts.setup", "static", "health.healthz"}


@bp.before_app_request
def lead_fresh_install_to_setup() -> ResponseReturnValue | None:
    """On a fresh install, every page leads to the setup of the first facilitator."""
    if current_app.extensions.get("stepwise_set_up") or request.endpoint in _OPEN_BEFORE_SETUP:
        return None
    if services.has_facilitators():
        current_app.extensions["stepwise_set_up"] = True
        return None
    return redirect(url_for("accounts.setup"))


def _safe_next(target: str | None) -> str:
    """Follow ?next= only to a plain path on this site."""
    if (
        target
        and target.startswith("/")
        and not target.startswith("//")
        # Browsers read a backslash as a slash and drop tabs and newlines: "/\\evil.com" leaves the site.
        and target.isprintable()
        and "\\" not in target
        and not urlsplit(target).netloc
    ):
        return target
    return url_for("groups.list_groups")


def _login_account_key() -> str:
    """Who a sign-in attempt is for, as a keyed hash of the e-mail: counters never hold the address."""
    email = services.normalize_email(request.form.get("email", ""))
    key = current_app.config["SECRET_KEY"].encode()
    return hmac.new(key, f"login-account:{email}".encode(), hashlib.sha256).hexdigest()


def _create_account(form: AccountForm, create: Callable[[str, str, str], Facilitator]) -> bool:
    """Run one of the account-creating services on a valid form and sign the newcomer in;
    show the service's message if it says no."""
    try:
        facilitator = create(form.email.data, form.display_name.data, form.password.data)
    except DomainError as error:
        db.session.rollback()
        form.email.errors.append(error.message)
        return False
    sign_ins.log_in(facilitator)
    return True


@bp.route("/setup", methods=["GET", "POST"])
def setup() -> ResponseReturnValue:
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
@limiter.limit(
    lambda: current_app.config["LOGIN_ACCOUNT_RATE_LIMIT"],
    methods=["POST"],
    key_func=_login_account_key,
    # Only attempts that did not sign in count, so the account's owner is not locked out by using it.
    deduct_when=lambda response: response.status_code != 302,
)
def login() -> ResponseReturnValue:
    """Sign a facilitator in."""
    if current_user.is_authenticated:
        return redirect(url_for("groups.list_groups"))
    form = LoginForm()
    if form.validate_on_submit():
        try:
            facilitator = services.authenticate(form.email.data, form.password.data)
        except DomainError as error:
            db.session.rollback()
            form.form_errors.append(error.message)
        else:
            sign_ins.log_in(facilitator)
            return redirect(_safe_next(request.args.get("next")))
    return render_template("accounts/login.html", form=form)


@bp.post("/logout")
@login_required
def logout() -> ResponseReturnValue:
    """Sign out: this sign-in ends and the consoles it opened close."""
    sign_ins.log_out()
    flash("You're signed out.", "info")
    return redirect(url_for("accounts.login"))


@bp.route("/account/password", methods=["GET", "POST"])
@login_required
def change_password() -> ResponseReturnValue:
    """A facilitator sets a new password; their other sign-ins end and the consoles there close."""
    form = ChangePasswordForm()
    if form.validate_on_submit():
        try:
            services.change_password(
                current_user, form.current_password.data, form.password.data, keep=sign_ins.current_sign_in()
            )
        except DomainError as error:
            db.session.rollback()
            form.form_errors.append(error.message)
        else:
            db.session.commit()
            flash(
                "Your password is changed. Anywhere else you were signed in, please sign in again.", "success"
            )
            return redirect(url_for("groups.list_groups"))
    return render_template("accounts/password.html", form=form)


@bp.route("/signup", methods=["GET", "POST"])
def signup() -> ResponseReturnValue:
    """Open sign-up, only when ALLOW_SIGNUP is on."""
    if not current_app.config["ALLOW_SIGNUP"]:
        abort(404)
    form = AccountForm()
    if form.validate_on_submit() and _create_account(form, services.create_facilitator):
        return redirect(url_for("groups.list_groups"))
    return render_template("accounts/signup.html", form=form)


@bp.route("/invites", methods=["GET", "POST"])
@login_required
def invites() -> ResponseReturnValue:
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
def accept_invite(token: str) -> ResponseReturnValue:
    """A new facilitator creates an account from an invitation link."""
    invite = services.find_usable_invite(token)
    form = AccountForm()
    if form.validate_on_submit() and _create_account(
        form, lambda *details: services.accept_invite(invite, *details)
    ):
        flash("Welcome to Stepwise.", "success")
        return redirect(url_for("groups.list_groups"))
    return render_template("accounts/invite.html", form=form)


def _facilitators_page(reset_for: Facilitator | None = None, reset_link: str | None = None) -> str:
    return render_template(
        "accounts/facilitators.html",
        facilitators=services.list_facilitators(current_user),
        reset_for=reset_for,
        reset_link=reset_link,
    )


@bp.get("/facilitators")
@login_required
def list_facilitators() -> ResponseReturnValue:
    """An admin's list of accounts, to switch them off or on and to make password-reset links."""
    return _facilitators_page()


@bp.post("/facilitators/<int:facilitator_id>/disable")
@login_required
def disable_facilitator(facilitator_id: int) -> ResponseReturnValue:
    """An admin switches an account off: its sign-ins end and its consoles close."""
    facilitator = services.load_facilitator_for(current_user, facilitator_id)
    services.disable_facilitator(current_user, facilitator)
    db.session.commit()
    flash(f"{facilitator.display_name}'s account is switched off, and they are signed out.", "info")
    return redirect(url_for("accounts.list_facilitators"))


@bp.post("/facilitators/<int:facilitator_id>/enable")
@login_required
def enable_facilitator(facilitator_id: int) -> ResponseReturnValue:
    """An admin switches an account back on."""
    facilitator = services.load_facilitator_for(current_user, facilitator_id)
    services.enable_facilitator(current_user, facilitator)
    db.session.commit()
    flash(f"{facilitator.display_name}'s account is switched on again.", "success")
    return redirect(url_for("accounts.list_facilitators"))


@bp.post("/facilitators/<int:facilitator_id>/reset-link")
@login_required
def create_password_reset(facilitator_id: int) -> ResponseReturnValue:
    """An admin makes a single-use link for setting a new password; it is shown only this once."""
    facilitator = services.load_facilitator_for(current_user, facilitator_id)
    _, token = services.create_password_reset(
        current_user, facilitator, current_app.config["PASSWORD_RESET_VALID_HOURS"]
    )
    db.session.commit()
    return _facilitators_page(facilitator, url_for("accounts.reset_password", token=token, _external=True))


@bp.route("/reset/<token>", methods=["GET", "POST"])
def reset_password(token: str) -> ResponseReturnValue:
    """Set a new password through an admin's link; every sign-in of the account ends."""
    reset = services.find_usable_password_reset(token)
    form = ResetPasswordForm()
    if form.validate_on_submit():
        services.reset_password(reset, form.password.data)
        db.session.commit()
        flash("Your new password is set. Please sign in with it.", "success")
        return redirect(url_for("accounts.login"))
    return render_template("accounts/reset.html", form=form)
