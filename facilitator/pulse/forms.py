"""The pulse over plain HTTP, for a phone answering after the session ended (with its ticket)."""

from __future__ import annotations

from wtforms import HiddenField, IntegerField
from wtforms.validators import NumberRange, Optional, Regexp

from ..forms import Form
from .models import PULSE_MAX, PULSE_MIN, QUESTION_KEYS

RESEND_MESSAGE = "That didn't go through. Please send it once more."
TICKET_FORMAT_MESSAGE = (
    "We couldn't take these answers: this phone may have answered already. Thank you all the same."
)
RANGE_MESSAGE = f"Please choose a number from {PULSE_MIN} to {PULSE_MAX}."


def _score() -> IntegerField:
    return IntegerField(validators=[Optional(), NumberRange(PULSE_MIN, PULSE_MAX, message=RANGE_MESSAGE)])


class LatePulseForm(Form):
    """The four answers (each may be left empty), the phone's ticket and its id for this answer."""

    ticket = HiddenField(validators=[Regexp(r"^[0-9a-f]{64}\Z", message=TICKET_FORMAT_MESSAGE)])
    client_id = HiddenField(validators=[Regexp(r"^[A-Za-z0-9_-]{8,64}\Z", message=RESEND_MESSAGE)])
    heard = _score()
    mattered = _score()
    fit = _score()
    overall = _score()

    def scores(self) -> dict[str, object]:
        return {key: self[key].data for key in QUESTION_KEYS}

    def first_error(self) -> str:
        for key, messages in self.errors.items():
            if key in QUESTION_KEYS:
                return RANGE_MESSAGE  # WTForms' own words for a number it can't read are not ours
            return str(messages[0]) if isinstance(messages, list) else str(messages)
        return RESEND_MESSAGE
