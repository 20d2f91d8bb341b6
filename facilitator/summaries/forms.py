"""Forms for session summaries."""

from flask_wtf import FlaskForm
from wtforms import TextAreaField


class NotesForm(FlaskForm):
    # Its length is checked by services.save_notes, which says kindly what's wrong.
    notes = TextAreaField("Private notes (only this group's facilitators see them)")
