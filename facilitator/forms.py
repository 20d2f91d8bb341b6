"""The base of every form: typed text arrives without control characters (facilitator/text.py).

Every text field drops C0 and C1 control characters (DEL too) as it reads its data; a
TextAreaField keeps line breaks and tabs. Passwords are left as typed: they
are only hashed, never stored or shown, and changing them would lock people out.
"""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import Form as PlainForm
from wtforms import PasswordField, StringField, TextAreaField
from wtforms.meta import DefaultMeta

from .text import remove_control_characters


def strip_control_characters(value: object) -> object:
    """`value` without control characters (single-line text)."""
    return remove_control_characters(value, multiline=False) if isinstance(value, str) else value


def strip_control_characters_but_lines(value: object) -> object:
    """`value` without control characters other than line breaks and tabs (multi-line text)."""
    return remove_control_characters(value) if isinstance(value, str) else value


def _text_filter(field_class: type) -> object | None:
    if issubclass(field_class, PasswordField) or not issubclass(field_class, StringField):
        return None
    if issubclass(field_class, TextAreaField):
        return strip_control_characters_but_lines
    return strip_control_characters


class _CleanTextMeta(DefaultMeta):
    """Form options: put the control-character filter first on every text field.

    WTForms combines the Meta classes of a form's bases, so `super()` is the next of them.
    """

    def bind_field(self, form, unbound_field, options):
        text_filter = _text_filter(unbound_field.field_class)
        if text_filter is not None:
            # A new list each time: the unbound field is shared by every instance of the form.
            options = {**options, "filters": [text_filter, *unbound_field.kwargs.get("filters", ())]}
        return super().bind_field(form, unbound_field, options)


class Form(FlaskForm):
    """A form posted by a browser (with its CSRF token)."""

    class Meta(_CleanTextMeta):
        pass


class SubForm(PlainForm):
    """A form nested in another with FormField: no CSRF token of its own."""

    class Meta(_CleanTextMeta):
        pass
