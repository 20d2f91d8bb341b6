"""Forms for sessions and for joining one."""

from __future__ import annotations

from datetime import datetime, timedelta

from wtforms import BooleanField, DateTimeLocalField, IntegerField, StringField
from wtforms.validators import InputRequired, Length, NumberRange, Optional
from wtforms.widgets import HiddenInput

from ..forms import Form
from .services import DISPLAY_NAME_MAX


class NewSessionForm(Form):
    title = StringField(
        "Session title (optional)",
        validators=[Optional(), Length(max=120, message="Please keep the title under 120 characters.")],
    )
    scheduled_for = DateTimeLocalField(
        "Schedule for later (leave empty to start now)",
        validators=[Optional()],
        format="%Y-%m-%dT%H:%M",
    )
    # Filled in by the browser, so a time typed in the facilitator's local time is stored as UTC.
    utc_offset_minutes = IntegerField(
        widget=HiddenInput(), default=0, validators=[Optional(), NumberRange(-900, 900)]
    )
    waiting_room = BooleanField("Use a waiting room (you let each person in)")
    # Unticked (and absent) means the safer default: a facilitator approves each small win first.
    wins_show_at_once = BooleanField("Show small wins at once, without checking them first")

    def scheduled_for_utc(self) -> datetime | None:
        if self.scheduled_for.data is None:
            return None
        return self.scheduled_for.data + timedelta(minutes=self.utc_offset_minutes.data or 0)


class JoinCodeForm(Form):
    code = StringField(
        "Session code",
        validators=[
            InputRequired("Please type the code you were given."),
            Length(max=12, message="That code is longer than ours. Please check it."),
        ],
    )


class JoinForm(Form):
    display_name = StringField(
        "What should the group call you?",
        validators=[
            InputRequired("Please choose a name. A made-up one is fine."),
            Length(
                max=DISPLAY_NAME_MAX,
                message=f"Please keep your name to {DISPLAY_NAME_MAX} characters or fewer.",
            ),
        ],
    )
