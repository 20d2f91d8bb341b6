"""Forms for sessions and for joining one."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

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
    # Filled in by the browser, so a time typed in the facilitator's local time is stored as UTC: its
    # time zone (e.g. "Europe/London"), which gives the offset in force on the scheduled date, and,
    # for when that is missing or unknown here, its offset from UTC now (JavaScript's sign: minutes
    # to add to local time).
    time_zone = StringField(widget=HiddenInput(), validators=[Optional(), Length(max=64)])
    utc_offset_minutes = IntegerField(
        widget=HiddenInput(), default=0, validators=[Optional(), NumberRange(-900, 900)]
    )
    waiting_room = BooleanField("Use a waiting room (you let each person in)")
    # Unticked (and absent) means the safer default: a facilitator approves each small win first.
    wins_show_at_once = BooleanField("Show small wins at once, without checking them first")

    def scheduled_for_utc(self) -> datetime | None:
        local = self.scheduled_for.data
        if local is None:
            return None
        zone = _time_zone(self.time_zone.data)
        if zone is not None:
            # Today's offset would be an hour off across a change of clocks. A time the clocks skip
            # (or repeat) is read with the offset before the change, as browsers read it.
            return local.replace(tzinfo=zone).astimezone(UTC).replace(tzinfo=None)
        return local + timedelta(minutes=self.utc_offset_minutes.data or 0)


def _time_zone(name: str | None) -> ZoneInfo | None:
    """The IANA time zone called `name`, or None for no name or one unknown here."""
    if not name:
        return None
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):  # unknown, or not a plain key ("../x", "/etc/...")
        return None


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
