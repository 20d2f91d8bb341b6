"""Forms: the support request as a plain HTML form, for a phone without its live connection (or
without JavaScript), with the same fields as the `request_support` event; resolving a follow-up."""

from __future__ import annotations

import secrets

from wtforms import HiddenField, StringField, TextAreaField
from wtforms.validators import Regexp

from ..forms import Form

RESEND_MESSAGE = "That didn't go through. Please send it once more."


class SupportRequestForm(Form):
    # Made with the page (or by the phone's script), so sending the same form twice stores it once.
    client_id = HiddenField(validators=[Regexp(r"^[A-Za-z0-9_-]{8,64}\Z", message=RESEND_MESSAGE)])
    # Both checked by services.request_support, which says kindly what's wrong, as for the event.
    urgency = StringField()
    message = TextAreaField()


def new_client_id() -> str:
    return secrets.token_urlsafe(16)


def new_support_form() -> SupportRequestForm:
    """An empty request form for a page, with its own client id."""
    return SupportRequestForm(formdata=None, data={"client_id": new_client_id(), "urgency": "now"})


class FollowUpForm(Form):
    """Resolving a request from the follow-up list (templates/support/_follow_up.html)."""

    # Its length is checked by services.resolve_request, which says kindly what's wrong.
    note = TextAreaField()
    back = HiddenField()  # "group" or "summary": the page to go back to
