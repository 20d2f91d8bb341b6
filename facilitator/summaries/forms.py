"""Forms for session summaries."""

from wtforms import TextAreaField

from ..forms import Form


class NotesForm(Form):
    # Its length is checked by services.save_notes, which says kindly what's wrong.
    notes = TextAreaField("Private notes (only this group's facilitators see them)")
