"""Summary, trends, exports and take-home pages over HTTP: what they show and who may see them."""

import csv
import io
import json
import re
from datetime import timedelta
from html import unescape

import pytest
from pypdf import PdfReader

from facilitator.audit.models import AuditEntry
from facilitator.clock import utcnow
from facilitator.extensions import db
from facilitator.groups import services as group_services
from facilitator.summaries.formatting import day_and_time
from facilitator.summaries.models import SessionSummary

from ..conftest import login, post_form
from .conftest import FOUR_WEEKS_TREND, WEEK_12_FIGURES


def page(response) -> str:
    assert response.status_code == 200, response.status_code
    return response.get_data(as_text=True)


def text_of(html: str) -> str:
    """The words of a page as a reader sees them: tags, entities and extra spaces taken out."""
    inline_gone = re.sub(r"</?(strong|span|a|em|b)\b[^>]*>", "", html)
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", inline_gone)).split())


@pytest.fixture
def outsider_client(app, make_facilitator):
    client = app.test_client()
    login(client, make_facilitator("Olu Outsider"))
    return client


def facilitator_routes(live_session_id: int, group_id: int) -> list[str]:
    return [
        f"/sessions/{live_session_id}/summary",
        f"/sessions/{live_session_id}/summary.csv",
        f"/sessions/{live_session_id}/summary.json",
        f"/sessions/{live_session_id}/summary.pdf",
        f"/groups/{group_id}/trends",
        f"/groups/{group_id}/export.csv",
        f"/groups/{group_id}/export.json",
    ]


def test_outsiders_are_told_nothing_exists(week_12, group, outsider_client):
    for url in facilitator_routes(week_12.id, group.id):
        assert outsider_client.get(url).status_code == 404, url
    notes = post_form(
        outsider_client, f"/sessions/{week_12.id}/summary/notes", {"notes": "mine now"}, form_url="/groups/"
    )
    assert notes.status_code == 404
    assert db.session.get(SessionSummary, week_12.id).notes is None
    exported = db.select(db.func.count(AuditEntry.id)).where(AuditEntry.action.like("export.%"))
    assert db.session.scalar(exported) == 0


def test_signed_out_visitors_are_sent_to_sign_in(week_12, group, client):
    for url in facilitator_routes(week_12.id, group.id):
        response = client.get(url)
        assert response.status_code == 302 and "/login" in response.headers["Location"], url


def test_unknown_sessions_and_groups_are_not_found(facilitator_client):
    for url in facilitator_routes(9999, 9999):
        assert facilitator_client.get(url).status_code == 404, url


def test_a_co_facilitator_sees_the_summary(app, week_12, group, facilitator, make_facilitator):
    colleague = make_facilitator("Cam Co", email="cam@example.org")
    group_services.add_co_facilitator(facilitator, group, colleague.email)
    db.session.commit()
    client = app.test_client()
    login(client, colleague)
    assert "Summary: Week 12" in page(client.get(f"/sessions/{week_12.id}/summary"))


def test_the_summary_page_shows_every_figure(facilitator_client, week_12):
    html = page(facilitator_client.get(f"/sessions/{week_12.id}/summary"))
    text = text_of(html)
    attendance = WEEK_12_FIGURES["attendance"]
    for figure_id, key in [
        ("figure-joined", "joined"),
        ("figure-most-at-once", "most_at_once"),
        ("figure-left-early", "left_early"),
        ("figure-removed", "removed"),
    ]:
        assert f'id="{figure_id}">{attendance[key]}<' in html
    assert "3 Mar 2026, 18:00 UTC · 1 h 30 min" in text
    assert "On average, moods went from 4.3 at check-in to 6.0 at check-out: up 1.7." in text
    assert "Answered 3 Passed 0 Average 4.3 Median 4" in text
    assert "Answered 2 Passed 1 Average 6.0 Median 6.0" in text
    assert "tired × 2 anxious × 1 hopeful × 1" in text
    assert "calm × 2 hopeful × 1" in text
    assert "Ana 4 7 +3 (up)" in text
    assert "Bo 6 – only one round" in text
    assert "Cy 3 5 +2 (up)" in text
    assert "Bo 2 h" not in text
    assert "Bo 18:02 left at 19:00 58 min" in text
    assert "Di 18:40 removed at 18:50 10 min" in text
    assert 'id="figure-flags">2<' in html
    assert "Median time to see 1 min 30 s" in text
    assert "never acknowledged" in text
    assert "“How are you doing right now?” · 2 answered, 0 passed · anonymous" in text
    assert "Rough week" not in html  # no participant's written words


def test_the_summary_charts_are_accessible_svg_without_style_or_script(facilitator_client, week_12):
    html = page(facilitator_client.get(f"/sessions/{week_12.id}/summary"))
    svg = re.search(r"<svg.*?</svg>", html, re.S).group(0)
    assert 'role="img"' in svg and "<title id=" in svg and "<desc id=" in svg
    assert "Check-in: 3: 1, 4: 1, 6: 1; Check-out: 5: 1, 7: 1." in svg
    assert "<style" not in html and "<script>" not in html and " style=" not in html


def test_a_live_session_sends_the_facilitator_back_with_a_word(facilitator_client, live_session):
    response = facilitator_client.get(f"/sessions/{live_session.id}/summary")
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/sessions/{live_session.id}")
    console = page(facilitator_client.get(response.headers["Location"]))
    assert "The summary will be ready as soon as the session ends." in console


def test_an_empty_session_has_a_kind_summary(facilitator_client, live_session):
    post_form(
        facilitator_client, f"/sessions/{live_session.id}/end", {}, form_url=f"/sessions/{live_session.id}"
    )
    text = text_of(page(facilitator_client.get(f"/sessions/{live_session.id}/summary")))
    assert "Nobody joined this session." in text
    assert "No check-in or check-out round was opened in this session." in text
    assert "The risk-language screen flagged nothing in this session." in text


def test_the_console_and_the_group_page_link_to_summaries_and_trends(facilitator_client, week_12, group):
    console = page(facilitator_client.get(f"/sessions/{week_12.id}"))
    assert f'href="/sessions/{week_12.id}/summary"' in console
    group_page = page(facilitator_client.get(f"/groups/{group.id}"))
    assert f'href="/groups/{group.id}/trends"' in group_page
    assert f'href="/sessions/{week_12.id}/summary"' in group_page


def test_private_notes_are_saved_and_escaped(facilitator_client, week_12):
    url = f"/sessions/{week_12.id}/summary"
    response = post_form(
        facilitator_client, f"{url}/notes", {"notes": "<b>Call Bo</b> on Friday"}, form_url=url
    )
    assert response.status_code == 302
    html = page(facilitator_client.get(url))
    assert "Your notes are saved." in html
    assert "&lt;b&gt;Call Bo&lt;/b&gt; on Friday" in html and "<b>Call Bo</b>" not in html
    too_long = post_form(facilitator_client, f"{url}/notes", {"notes": "x" * 5001}, form_url=url)
    assert "5,000 characters" in page(facilitator_client.get(too_long.headers["Location"]))
    assert db.session.get(SessionSummary, week_12.id).notes == "<b>Call Bo</b> on Friday"


def test_session_csv_holds_the_figures(facilitator_client, week_12):
    response = facilitator_client.get(f"/sessions/{week_12.id}/summary.csv")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    assert "attachment" in response.headers["Content-Disposition"]
    rows = dict(csv.reader(io.StringIO(response.get_data(as_text=True))))
    assert rows["field"] == "value"
    assert rows["session.duration_minutes"] == "90"
    for key, value in WEEK_12_FIGURES["attendance"].items():
        assert rows[f"attendance.{key}"] == str(value)
    assert rows["checkins.check_in.mood.average"] == "4.3"
    assert rows["checkins.check_in.mood.median"] == "4"
    assert rows["checkins.check_in.mood.distribution"] == "0; 0; 1; 1; 0; 1; 0; 0; 0; 0"
    assert rows["checkins.check_in.feelings"] == "tired 2; anxious 1; hopeful 1"
    assert rows["checkins.check_out.mood.average"] == "6.0"
    assert rows["checkins.shift.change"] == "1.7"
    assert rows["checkins.people.1.name"] == "Ana"
    assert rows["checkins.people.1.change"] == "3"
    assert rows["safety_flags.median_seconds_to_acknowledge"] == "90"


def test_session_json_holds_the_whole_summary(facilitator_client, week_12):
    response = facilitator_client.get(f"/sessions/{week_12.id}/summary.json")
    data = json.loads(response.get_data(as_text=True))
    assert data["checkins"]["shift"] == WEEK_12_FIGURES["shift"]
    assert data["checkins"]["people"] == WEEK_12_FIGURES["people"]
    assert data["attendance"]["most_at_once"] == 4
    assert data["notes"] is None


def test_session_pdf_holds_the_figures(facilitator_client, week_12):
    response = facilitator_client.get(f"/sessions/{week_12.id}/summary.pdf")
    assert response.mimetype == "application/pdf"
    text = " ".join(page_.extract_text() for page_ in PdfReader(io.BytesIO(response.get_data())).pages)
    text = " ".join(text.split())
    for expected in (
        "Summary: Week 12",
        "3 Mar 2026, 18:00 UTC · 1 h 30 min",
        "Bo 58 min, left early",
        "Joined 5",
        "Most at once 4",
        "Left early 1",
        "Check-in mood average 4.3, median 4",
        "Check-out mood average 6.0, median 6.0",
        "Change in average mood +1.7 (up)",
        "Ana 4 → 7 (+3)",
        "Median time to acknowledge 90 s",
        "No notes.",
    ):
        assert expected in text, expected


def test_group_exports_hold_the_trend(facilitator_client, four_weeks, group):
    rows = list(csv.DictReader(io.StringIO(page(facilitator_client.get(f"/groups/{group.id}/export.csv")))))
    assert [row["title"] for row in rows] == ["Week 1", "Week 2", "Week 3", "Week 4"]
    assert [row["check_in_average"] for row in rows] == ["4.0", "4.0", "6.0", "4.5"]
    assert [row["check_out_average"] for row in rows] == ["5.3", "6.0", "7.0", ""]
    assert [row["smoothed_check_in_average"] for row in rows] == ["4.0", "4.67", "4.83", "5.25"]
    assert [row["joined"] for row in rows] == ["3", "3", "3", "4"]
    data = json.loads(page(facilitator_client.get(f"/groups/{group.id}/export.json")))
    assert data["group"] == {"id": group.id, "name": group.name}
    assert data["smoothed"] == FOUR_WEEKS_TREND["smoothed"]


def test_every_export_is_written_to_the_audit_log(facilitator_client, facilitator, week_12, group):
    for url in facilitator_routes(week_12.id, group.id):
        facilitator_client.get(url)
    entries = db.session.scalars(
        db.select(AuditEntry).where(AuditEntry.action.like("export.%")).order_by(AuditEntry.id)
    ).all()
    assert [e.action for e in entries] == [
        "export.session_csv",
        "export.session_json",
        "export.session_pdf",
        "export.group_csv",
        "export.group_json",
    ]
    assert {e.facilitator_id for e in entries} == {facilitator.id}
    assert [e.live_session_id for e in entries] == [week_12.id] * 3 + [None] * 2
    assert {e.group_id for e in entries} == {group.id}


def test_the_trends_page_draws_the_charts(facilitator_client, four_weeks, group):
    html = page(facilitator_client.get(f"/groups/{group.id}/trends"))
    assert html.count("<svg") == 4  # moods, people, wins and the group pulse
    assert "The smoothed check-in line rose from 4 to 5.2." in html
    assert "The smoothed joined line rose from 3 to 3.5." in html
    text = text_of(html)
    assert "Week 3 6.0 (4.83) 7.0 (6.5) 3 (3.33) 3" in text
    assert "<style" not in html and " style=" not in html


def test_the_trends_page_of_a_group_that_has_not_met(facilitator_client, group):
    assert "Trends appear here once the group has met." in page(
        facilitator_client.get(f"/groups/{group.id}/trends")
    )


def take_home_url(live_session) -> str:
    return f"/take-home/{db.session.get(SessionSummary, live_session.id).take_home_token}"


def test_the_take_home_page_shows_the_group_never_a_person(app, week_12, group):
    group.min_aggregate_size = 2
    week_12.ended_at = utcnow().replace(microsecond=0) - timedelta(days=1)
    db.session.commit()
    valid_until = day_and_time(week_12.ended_at + timedelta(days=app.config["TAKE_HOME_DAYS"]))
    html = page(app.test_client().get(take_home_url(week_12)))
    text = text_of(html)
    assert "Together, the group arrived at 4.3 and left at 6.0, on a scale of 1 to 10." in text
    assert "The room felt a little lighter by the end." in text
    assert "988" in text  # the crisis resources
    for name in ("Ana", "Bo", "Cy", "Di", "Eve"):
        assert name not in text
    assert "Rough week" not in text
    assert f"This page is here for you until {valid_until}." in text


def test_the_take_home_page_hides_a_mood_too_few_shared(app, live_session, facilitator, join):
    post_form_client = app.test_client()
    login(post_form_client, facilitator)
    post_form(
        post_form_client, f"/sessions/{live_session.id}/end", {}, form_url=f"/sessions/{live_session.id}"
    )
    text = text_of(page(app.test_client().get(take_home_url(live_session))))
    assert "The group didn't share moods this time." in text


def test_unknown_and_expired_take_home_links_get_a_kind_page(app, week_12, group):
    week_12.ended_at = utcnow() - timedelta(days=app.config["TAKE_HOME_DAYS"], seconds=1)
    db.session.commit()
    visitor = app.test_client()
    unknown = visitor.get("/take-home/no-such-page")
    assert unknown.status_code == 404
    assert "We couldn't find this page. Please check the link with your facilitator." in text_of(
        unknown.get_data(as_text=True)
    )
    expired = visitor.get(take_home_url(week_12))
    assert expired.status_code == 410
    text = text_of(expired.get_data(as_text=True))
    assert "This page was open for 7 days after the session, and that time has passed." in text
    assert group.name in text and "Need urgent help?" in text


def test_retention_settings_on_the_group_form(facilitator_client, group):
    url = f"/groups/{group.id}/edit"
    details = {
        "name": group.name,
        "crisis_resources": "Call 988",
        "min_aggregate_size": "3",
        "agenda-0-kind": "checkin",
        "agenda-0-title": "Check-in",
    }
    post_form(facilitator_client, url, {**details, "retention_days": "90", "purge_win_texts": "y"})
    db.session.refresh(group)
    assert (group.retention_days, group.purge_win_texts) == (90, True)
    post_form(facilitator_client, url, {**details, "retention_days": ""})
    db.session.refresh(group)
    assert (group.retention_days, group.purge_win_texts) == (None, False)
    for bad in ("0", "lots", "3651"):
        response = post_form(facilitator_client, url, {**details, "retention_days": bad})
        assert "from 1 to 3,650, or leave it empty" in page(response)
