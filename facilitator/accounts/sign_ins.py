"""This browser's sign-in: the adapter between Flask's session and the sign-in services.

The session cookie keeps a random token; the user loader accepts the facilitator only while the
sign-in that token stands for is active on the server. A sign-in ended anywhere (signing out,
a password change, an admin) therefore stops its cookie working, copies included.
"""

from __future__ import annotations

from datetime import timedelta

from flask import current_app, g, session
from flask_login import current_user, login_user, logout_user

from ..clock import utcnow
from ..extensions import db
from . import services
from .models import Facilitator, SignIn

SESSION_KEY = "sign_in"


def log_in(facilitator: Facilitator) -> None:
    """Sign this browser in afresh: nothing in its session from before survives. Commits."""
    session.clear()
    sign_in, token = services.start_sign_in(facilitator)
    db.session.commit()
    session[SESSION_KEY] = token
    g.sign_in = sign_in
    login_user(facilitator)


def log_out() -> None:
    """End this browser's sign-in (the consoles it opened close), and forget its session."""
    sign_in = current_sign_in()
    if sign_in is not None:
        services.end_sign_in(sign_in, "signed_out")
        db.session.commit()
    logout_user()
    session.clear()


def load_facilitator(facilitator_id: str) -> Facilitator | None:
    """The facilitator of this browser's sign-in, only while that sign-in is active on the server."""
    token = session.get(SESSION_KEY)
    if not isinstance(token, str) or not facilitator_id.isdigit():
        return None
    sign_in = services.find_open_sign_in(int(facilitator_id), token)
    if sign_in is None:
        return None
    now = utcnow()
    idle_after = timedelta(minutes=current_app.config["SIGN_IN_IDLE_MINUTES"])
    if services.expire_idle_sign_in(sign_in, now=now, idle_after=idle_after):
        db.session.commit()
        return None
    if services.touch_sign_in(sign_in, now):
        db.session.commit()
    g.sign_in = sign_in
    return db.session.get(Facilitator, sign_in.facilitator_id)


def current_sign_in() -> SignIn | None:
    """The server-side sign-in behind this request's session cookie, or None when signed out."""
    if not current_user.is_authenticated:
        return None
    return g.get("sign_in")
