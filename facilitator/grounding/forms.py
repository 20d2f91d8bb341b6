"""The group page's form for writing a grounding script."""

from __future__ import annotations

from flask import g
from wtforms import FieldList, FormField, IntegerField, StringField
from wtforms.validators import Length, NumberRange, Optional

from ..forms import Form, SubForm
from .models import TITLE_MAX_LENGTH
from .services import LINE_MAX_LENGTH, LINE_SECONDS, SCRIPT_LINES

LINE_SECONDS_MESSAGE = "Please give each line {} to {} seconds.".format(*LINE_SECONDS)


class SecondsField(IntegerField):
    """Seconds for a line: "not a number" gets the range's own words."""

    def process_formdata(self, valuelist: list[str]) -> None:
        try:
            super().process_formdata(valuelist)
        except ValueError as problem:
            raise ValueError(LINE_SECONDS_MESSAGE) from problem


class ScriptLineForm(SubForm):
    """One line of a script; a row left without words is dropped (services.clean_script)."""

    text = StringField(
        "Words",
        validators=[
            Optional(),
            Length(max=LINE_MAX_LENGTH, message=f"Please keep each line to {LINE_MAX_LENGTH} characters."),
        ],
    )
    seconds = SecondsField(
        "Seconds", validators=[Optional(), NumberRange(*LINE_SECONDS, LINE_SECONDS_MESSAGE)]
    )


class ScriptForm(Form):
    """A new script: a title and up to SCRIPT_LINES[1] timed lines; services.clean_script holds the rules."""

    # Its own id: the group page has other forms with a title (the new session's).
    title = StringField(
        "Title of the script",
        id="script-title",
        validators=[
            Length(max=TITLE_MAX_LENGTH, message=f"Please keep the title to {TITLE_MAX_LENGTH} characters.")
        ],
    )
    lines = FieldList(FormField(ScriptLineForm), min_entries=SCRIPT_LINES[1], max_entries=SCRIPT_LINES[1])

    def details(self) -> dict:
        """The form's values as the keyword arguments of services.add_script."""
        return {
            "title": self.title.data or "",
            "lines": [
                {"text": entry.text.data, "seconds": entry.seconds.data} for entry in self.lines.entries
            ],
        }


def script_form() -> ScriptForm:
    """The group page's form: the one just refused (with its words and what to change), or a new one."""
    form = g.get("grounding_script_form")
    return form if form is not None else ScriptForm(formdata=None)


class DeleteScriptForm(Form):
    """Deleting a script: a button with its CSRF token."""
