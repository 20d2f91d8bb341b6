"""Exports of a session's summary (CSV, JSON, PDF) and of a group's trends (CSV, JSON).

Every export is written to the audit log by the route that serves it.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

from fpdf import FPDF

from ..clock import isoformat
from ..groups.models import Group
from .formatting import day_and_time, duration_words
from .models import SessionSummary
from .services import PULSE_SERIES, SummaryPart

# A spreadsheet runs a cell that starts with one of these as a formula; names are typed by anyone.
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")

GROUP_COLUMNS = (
    "id",
    "title",
    "date",
    "check_in_average",
    "check_out_average",
    "smoothed_check_in_average",
    "smoothed_check_out_average",
    "joined",
    "most_at_once",
    "wins",
    *PULSE_SERIES,
    *(f"smoothed_{key}" for key in PULSE_SERIES),
)


def spreadsheet_safe(value: object) -> object:
    """A cell value that a spreadsheet shows as text, never runs as a formula."""
    if isinstance(value, str) and value.startswith(_FORMULA_STARTS):
        return "'" + value
    return "" if value is None else value


def flatten(value: object, prefix: str = "") -> list[tuple[str, object]]:
    """Nested dicts and lists as (dotted.path, value) pairs; lists of plain values stay one cell."""
    if isinstance(value, dict):
        return [pair for key, item in value.items() for pair in flatten(item, f"{prefix}{key}.")]
    if isinstance(value, list) and any(isinstance(item, dict) for item in value):
        return [pair for index, item in enumerate(value, 1) for pair in flatten(item, f"{prefix}{index}.")]
    if isinstance(value, list):
        cells = (" ".join(map(str, item)) if isinstance(item, list) else str(item) for item in value)
        return [(prefix.rstrip("."), "; ".join(cells))]
    return [(prefix.rstrip("."), value)]


def _csv(rows: list[list[object]]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerows([[spreadsheet_safe(cell) for cell in row] for row in rows])
    return buffer.getvalue()


def session_record(summary: SessionSummary) -> dict:
    """A session's whole summary with the facilitators' notes, as the JSON export holds it."""
    return {
        **summary.data,
        "notes": summary.notes,
        "computed_at": isoformat(summary.computed_at),
    }


def session_csv(summary: SessionSummary) -> str:
    """One row per figure of the summary: `field,value`."""
    return _csv([["field", "value"], *map(list, flatten(session_record(summary)))])


def group_record(group: Group, trend: dict) -> dict:
    """A group's trend data, as the JSON export holds it."""
    return {"group": {"id": group.id, "name": group.name}, **trend}


def group_csv(trend: dict) -> str:
    """One row per ended session with its figures and smoothed values."""
    rows: list[list[object]] = [list(GROUP_COLUMNS)]
    for index, point in enumerate(trend["sessions"]):
        smoothed = {f"smoothed_{key}": values[index] for key, values in trend["smoothed"].items()}
        rows.append([{**point, **smoothed}.get(column) for column in GROUP_COLUMNS])
    return _csv(rows)


# --- PDF -----------------------------------------------------------------------------------------

FONT = "DejaVu"
FALLBACK_FONT = "Helvetica"
INK = (29, 43, 54)
MUTED = (90, 104, 116)
ACCENT = (47, 111, 98)
LINE = (200, 192, 180)


class SummaryPdf(FPDF):
    """An A4 document in the app's plain style, with Unicode text where the fonts are installed."""

    def __init__(self, font_dir: str) -> None:
        super().__init__(format="A4")
        self.set_margins(18, 18, 18)
        self.set_auto_page_break(True, margin=18)
        regular, bold = Path(font_dir, "DejaVuSans.ttf"), Path(font_dir, "DejaVuSans-Bold.ttf")
        if regular.is_file() and bold.is_file():
            self.add_font(FONT, "", str(regular))
            self.add_font(FONT, "B", str(bold))
            self.body_font = FONT
        else:
            self.body_font = FALLBACK_FONT

    def text_for_font(self, text: str) -> str:
        """Text the font can draw: Helvetica knows Latin-1 only, so other characters become '?'."""
        if self.body_font == FONT:
            return text
        return text.encode("latin-1", "replace").decode("latin-1")

    def footer(self) -> None:
        """The page number on every page."""
        self.set_y(-12)
        self.set_font(self.body_font, "", 8)
        self.set_text_color(*MUTED)
        self.cell(0, 5, self.text_for_font(f"Stepwise · page {self.page_no()}"), align="C")

    def heading(self, text: str, size: int = 13) -> None:
        """A section heading in the app's green."""
        self.ln(3)
        self.set_font(self.body_font, "B", size)
        self.set_text_color(*ACCENT)
        self.multi_cell(0, size * 0.5, self.text_for_font(text), new_x="LMARGIN", new_y="NEXT")
        self.ln(1)

    def paragraph(self, text: str, *, muted: bool = False) -> None:
        """Running text that wraps at the margins."""
        self.set_font(self.body_font, "", 10)
        self.set_text_color(*(MUTED if muted else INK))
        self.multi_cell(0, 5, self.text_for_font(text), new_x="LMARGIN", new_y="NEXT")

    def rows(self, rows: list[tuple[str, str]]) -> None:
        """Label and value, one pair a line, long values wrapping beside their label."""
        if not rows:
            self.paragraph("Nothing to show.", muted=True)
            return
        self.set_font(self.body_font, "", 10)
        self.set_text_color(*INK)
        self.set_draw_color(*LINE)
        with self.table(
            col_widths=(2, 3),
            first_row_as_headings=False,
            borders_layout="HORIZONTAL_LINES",
            line_height=5.5,
            padding=1,
            text_align="LEFT",
        ) as table:
            for label, value in rows:
                row = table.row()
                row.cell(self.text_for_font(label))
                row.cell(self.text_for_font(value))


def generic_rows(section: dict) -> list[tuple[str, str]]:
    """A section without rows of its own, as its fields."""
    return [(path, "" if value is None else str(value)) for path, value in flatten(section)]


def session_pdf(summary: SessionSummary, parts: list[SummaryPart], font_dir: str) -> bytes:
    """The printable summary as a PDF: the session, each part's section, the facilitators' notes."""
    data = summary.data
    session = data["session"]
    pdf = SummaryPdf(font_dir)
    pdf.set_title(f"Summary: {session['title']}")
    pdf.add_page()
    pdf.set_font(pdf.body_font, "", 9)
    pdf.set_text_color(*MUTED)
    pdf.cell(0, 5, pdf.text_for_font(session["group_name"]), new_x="LMARGIN", new_y="NEXT")
    pdf.heading(f"Summary: {session['title']}", size=18)
    when = day_and_time(session["started_at"] or session["ended_at"])
    pdf.paragraph(
        f"{when} · {duration_words(session['duration_minutes'])}"
        + (" · ended by itself after it was left open" if session["ended_by_itself"] else "")
    )
    for part in parts:
        if part.key not in data:
            continue
        pdf.heading(part.title)
        pdf.rows((part.rows or generic_rows)(data[part.key]))
    pdf.heading("Private notes")
    pdf.paragraph(summary.notes or "No notes.", muted=not summary.notes)
    return bytes(pdf.output())
