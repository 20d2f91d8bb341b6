"""Exports in detail: cells that stay text in a spreadsheet, nested figures as rows, PDF fonts."""

import csv
import io

import pytest
from pypdf import PdfReader

from facilitator.clock import utcnow
from facilitator.extensions import db
from facilitator.summaries import exports, services
from facilitator.summaries.models import SessionSummary

from .conftest import Person, Plan, build_session


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ('=HYPERLINK("http://x")', '\'=HYPERLINK("http://x")'),
        ("+1 555", "'+1 555"),
        ("-2", "'-2"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("Quiet Heron", "Quiet Heron"),
        (-2, -2),
        (None, ""),
    ],
)
def test_cells_a_spreadsheet_would_run_stay_text(value, expected):
    assert exports.spreadsheet_safe(value) == expected


def test_nested_figures_become_dotted_rows():
    assert exports.flatten(
        {"a": {"b": 1, "list": [1, 2]}, "pairs": [["calm", 2]], "people": [{"name": "Ana"}], "none": None}
    ) == [("a.b", 1), ("a.list", "1; 2"), ("pairs", "calm 2"), ("people.1.name", "Ana"), ("none", None)]


def test_a_name_typed_as_a_formula_is_exported_as_text(facilitator, group, facilitator_client):
    live_session = build_session(
        facilitator, group, Plan("Week 1", utcnow(), 30, [Person('=HYPERLINK("http://evil")', 0)])
    )
    body = facilitator_client.get(f"/sessions/{live_session.id}/summary.csv").get_data(as_text=True)
    rows = dict(csv.reader(io.StringIO(body)))
    assert rows["attendance.people.1.name"] == '\'=HYPERLINK("http://evil")'


def pdf_text(data: bytes) -> str:
    return " ".join(" ".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages).split())


def test_without_the_unicode_fonts_the_pdf_falls_back_to_helvetica(week_12, tmp_path):
    summary = db.session.get(SessionSummary, week_12.id)
    summary.notes = "Ana: “lighter” → calmer"
    text = pdf_text(exports.session_pdf(summary, services.summary_parts(), str(tmp_path)))
    assert "Ana 4 ? 7 (+3)" in text
    assert "Ana: ?lighter? ? calmer" in text


def test_with_the_unicode_fonts_the_pdf_keeps_every_character(app, week_12):
    summary = db.session.get(SessionSummary, week_12.id)
    summary.notes = "Ana: “lighter” → calmer"
    text = pdf_text(exports.session_pdf(summary, services.summary_parts(), app.config["PDF_FONT_DIR"]))
    assert "Ana: “lighter” → calmer" in text


def test_a_part_without_rows_of_its_own_is_listed_by_its_fields(monkeypatch, week_12):
    summary = db.session.get(SessionSummary, week_12.id)
    summary.data = {**summary.data, "example": {"count": 2, "reactions": {"clap": 5}}}
    extra = services.SummaryPart("example", "An example", lambda _s: {}, None, None, None)
    text = pdf_text(exports.session_pdf(summary, [*services.summary_parts(), extra], "/nonexistent"))
    assert "An example count 2 reactions.clap 5" in text
