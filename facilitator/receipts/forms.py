"""The receipt's form on the take-home page, and the public /verify form."""

from __future__ import annotations

from flask_wtf.file import FileField, FileSize
from wtforms import HiddenField, StringField, TextAreaField
from wtforms.validators import Length, Optional

from ..forms import Form
from .services import CODE_MAX_LENGTH, NAME_MAX_LENGTH, NAME_TOO_LONG_MESSAGE

# A receipt's PDF is about 20 KB; the request as a whole stays under MAX_CONTENT_LENGTH.
RECEIPT_FILE_MAX_BYTES = 60 * 1024


class ReceiptForm(Form):
    """An optional name to print on the receipt; the phone's time zone (set by its script) for the date."""

    name = StringField(
        "Name to print on it (optional)",
        validators=[Optional(), Length(max=NAME_MAX_LENGTH, message=NAME_TOO_LONG_MESSAGE)],
    )
    time_zone = HiddenField(validators=[Optional(), Length(max=64)])


class VerifyForm(Form):
    """A receipt's code, pasted, or its file."""

    code = TextAreaField(
        "Receipt code",
        validators=[
            Optional(),
            Length(max=CODE_MAX_LENGTH * 4, message="That is much longer than a receipt code."),
        ],
    )
    receipt_file = FileField(
        "Or choose the receipt's PDF",
        validators=[FileSize(RECEIPT_FILE_MAX_BYTES, message="That file is larger than a receipt.")],
    )

    def submitted_text(self) -> str | bytes | None:
        """What to look for a code in: the pasted text, else the chosen file's bytes."""
        if self.code.data and self.code.data.strip():
            return self.code.data
        upload = self.receipt_file.data
        if upload and getattr(upload, "filename", ""):
            return upload.read(RECEIPT_FILE_MAX_BYTES + 1)
        return None
