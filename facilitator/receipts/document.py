"""The receipt as a one-page PDF: what it says in plain words, how to check it, and its code, printed,
as a QR code that opens the /verify page, and whole in the file's keywords (for an upload)."""

from __future__ import annotations

import io
from datetime import UTC, datetime, time

import segno

from ..summaries.exports import INK, MUTED, SummaryPdf
from ..summaries.formatting import long_day
from .services import ROUND_TO_MINUTES, SignedReceipt, describe_minutes

CODE_LINE_LENGTH = 64


def code_lines(code: str) -> list[str]:
    """The code cut into lines that fit the page (whitespace is ignored when it is checked)."""
    return [code[start : start + CODE_LINE_LENGTH] for start in range(0, len(code), CODE_LINE_LENGTH)]


def receipt_rows(signed: SignedReceipt) -> list[tuple[str, str]]:
    receipt = signed.receipt
    return [
        ("Group", receipt.group),
        ("Date", long_day(datetime.combine(receipt.day, time()))),
        ("Time attended", f"{describe_minutes(receipt.minutes)} (to the nearest {ROUND_TO_MINUTES} minutes)"),
        ("Name", receipt.name or "No name: none was given."),
    ]


def receipt_pdf(signed: SignedReceipt, *, verify_url: str, keys_url: str, font_dir: str) -> bytes:
    """One A4 page. The file's dates are the session's day, not the moment it was downloaded."""
    pdf = SummaryPdf(font_dir)
    pdf.set_title("Attendance receipt")
    pdf.set_subject("Stepwise attendance receipt")
    pdf.set_keywords(signed.code)
    pdf.set_creation_date(datetime.combine(signed.receipt.day, time(), tzinfo=UTC))
    pdf.add_page()
    pdf.set_font(pdf.body_font, "", 9)
    pdf.set_text_color(*MUTED)
    pdf.cell(0, 5, "Stepwise", new_x="LMARGIN", new_y="NEXT")
    pdf.heading("Attendance receipt", size=18)
    pdf.paragraph("This confirms that the person holding this receipt attended a session of this group.")
    pdf.ln(2)
    pdf.rows(receipt_rows(signed))
    pdf.heading("How to check it")
    pdf.paragraph(
        f"Open {verify_url} and paste the code below, choose this file, or scan the QR code. "
        "The page shows only what this receipt says. It can also be checked without us, with the "
        f"public key published at {keys_url}."
    )
    pdf.ln(2)
    qr = segno.make(f"{verify_url}#{signed.code}", error="m")
    image = io.BytesIO()
    qr.save(image, kind="png", scale=4, border=2)
    image.seek(0)
    pdf.image(image, w=45, alt_text="QR code that opens the verification page with this receipt's code")
    pdf.ln(2)
    pdf.set_font(pdf.body_font, "B", 10)
    pdf.set_text_color(*INK)
    pdf.cell(0, 6, "Receipt code", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("Courier", "", 9)
    pdf.multi_cell(0, 4.5, "\n".join(code_lines(signed.code)), new_x="LMARGIN", new_y="NEXT")
    pdf.ln(3)
    pdf.paragraph(
        "Stepwise keeps no copy of this receipt and no record of who it was made for. "
        "The name on it, if any, was typed in by the person it was made for.",
        muted=True,
    )
    return bytes(pdf.output())
