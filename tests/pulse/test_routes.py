"""The pulse over HTTP and on the pages: answering after the end, the drop alert on the group page
and the next session's console, the summary, trends and exports, the take-home page, the purge."""

import csv
import io
import re
from datetime import timedelta
from html import unescape

import pytest
from pypdf import PdfReader

from facilitator.clock import utcnow
from facilitator.extensions import db
from facilitator.pulse import services
from facilitator.pulse.models import PulseResponse, PulseTicket
from facilitator.sessions import services as session_services
from facilitator.summaries import purge
from facilitator.summaries.models import SessionSummary

from ..conftest import csrf_token
from .conftest import everything, pulse_session, pulse_weeks


def text_of(html: str) -> str:
    inline_gone = re.sub(r"</?(strong|span|a|em|b)\b[^>]*>", "", html)
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", inline_gone)).split())


def page(response) -> str:
    assert response.status_code == 200, response.status_code
    return response.get_data(as_text=True)


# --- answering after the end ---------------------------------------------------------------------


@pytest.fixture
def ended(facilitator, live_session):
    """An ended session where Ana and Bo had not answered: their phones' tickets, and the summary."""
    people = [session_services.join_session(live_session, name) for name in ("Ana", "Bo")]
    key = services.ensure_pulse(live_session).pulse_key
    tickets = [services.ticket_for(key, person.id) for person in people]
    session_services.end_session(facilitator, live_session)
    db.session.commit()
    return live_session, tickets, db.session.get(SessionSummary, live_session.id)


def post_late(client, summary, phone_ticket, **fields):
    home = client.get(f"/take-home/{summary.take_home_token}")
    data = {
        "csrf_token": csrf_token(home.get_data(as_text=True)),
        "ticket": phone_ticket,
        "client_id": "late-answer-0001",
        "heard": "7",
        "mattered": "",
        "fit": "6",
        "overall": "8",
        **fields,
    }
    return client.post(
        f"/take-home/{summary.take_home_token}/pulse", data=data, headers={"Accept": "application/json"}
    )


def test_a_phone_answers_from_the_take_home_page_once(client, ended):
    _live_session, (ana, _bo), summary = ended
    home = page(client.get(f"/take-home/{summary.take_home_token}"))
    assert 'id="take-home-pulse"' in home and "How did today's session fit you?" in home
    response = post_late(client, summary, ana)
    assert response.status_code == 200
    assert response.json == {
        "ok": True,
        "client_id": "late-answer-0001",
        "stored": True,
        "message": "Thank you. Your answers are in, without your name.",
    }
    assert post_late(client, summary, ana).json["stored"] is False  # a resend: the same answer
    again = post_late(client, summary, ana, client_id="late-answer-0002")
    assert (again.status_code, again.json["ok"]) == (404, False)
    assert "may have answered already" in again.json["error"]
    [row] = db.session.scalars(db.select(PulseResponse)).all()
    assert (row.heard, row.mattered, row.fit, row.overall) == (7, None, 6, 8)


@pytest.mark.parametrize(
    ("fields", "status", "message"),
    [
        ({"heard": "11"}, 400, "from 0 to 10"),
        ({"heard": "seven"}, 400, "from 0 to 10"),
        ({"heard": "", "fit": "", "overall": ""}, 400, "Skipping is always fine"),
        ({"ticket": "not-a-ticket"}, 400, "may have answered already"),
        ({"ticket": "0" * 64}, 404, "may have answered already"),
        ({"client_id": "x"}, 400, "Please send it once more"),
    ],
)
def test_bad_late_answers_get_a_kind_word_and_write_nothing(client, ended, fields, status, message):
    _live_session, (ana, _bo), summary = ended
    response = post_late(client, summary, ana, **fields)
    assert (response.status_code, response.json["ok"]) == (status, False)
    assert message in response.json["error"]
    assert db.session.scalar(db.select(db.func.count(PulseResponse.id))) == 0
    assert db.session.scalar(db.select(PulseTicket.used_by).where(PulseTicket.used_by.is_not(None))) is None


def test_late_answers_need_the_page_s_csrf_token_and_a_known_link(app, client, ended):
    app.config["WTF_CSRF_ENABLED"] = True
    _live_session, (ana, _bo), summary = ended
    response = client.post(
        f"/take-home/{summary.take_home_token}/pulse",
        data={"ticket": ana, "client_id": "late-answer-0001", "heard": "5"},
    )
    assert response.status_code == 400
    assert post_late(client, summary, ana).status_code == 200  # with the page's token it goes through
    app.config["WTF_CSRF_ENABLED"] = False
    missing = client.post(
        "/take-home/no-such-link/pulse",
        data={"ticket": ana, "client_id": "late-answer-0002", "heard": "5"},
        headers={"Accept": "application/json"},
    )
    assert (missing.status_code, missing.json["ok"]) == (404, False)


def test_no_late_answers_once_the_time_is_up_and_no_form_either(app, client, ended):
    app.config["WTF_CSRF_ENABLED"] = False  # the page has no form left to take a token from
    live_session, (ana, _bo), summary = ended
    live_session.ended_at = utcnow() - timedelta(hours=25)
    db.session.commit()
    assert 'id="take-home-pulse"' not in page(client.get(f"/take-home/{summary.take_home_token}"))
    response = client.post(
        f"/take-home/{summary.take_home_token}/pulse",
        data={"ticket": ana, "client_id": "late-answer-0001", "heard": "5"},
        headers={"Accept": "application/json"},
    )
    assert (response.status_code, response.json["ok"]) == (403, False)
    assert "time for answering has passed" in response.json["error"]


def test_the_late_route_is_not_for_a_live_session(app, client, facilitator, group):
    app.config["WTF_CSRF_ENABLED"] = False
    live = session_services.create_session(facilitator, group, title="Live", waiting_room=False)
    db.session.add(SessionSummary(live_session=live, data={}))  # as if a take-home link existed
    db.session.commit()
    summary = db.session.get(SessionSummary, live.id)
    response = client.post(
        f"/take-home/{summary.take_home_token}/pulse",
        data={"ticket": "0" * 64, "client_id": "late-answer-0001", "heard": "5"},
        headers={"Accept": "application/json"},
    )
    assert (response.status_code, response.json["ok"]) == (403, False)
    assert "still on" in response.json["error"]


# --- the drop alert --------------------------------------------------------------------------------


def test_the_drop_alert_on_the_group_page_and_the_next_session_s_console(
    facilitator_client, facilitator, group, dip
):
    group_page = text_of(page(facilitator_client.get(f"/groups/{group.id}")))
    assert "Week 5 fit the group less well than usual" in group_page
    assert (
        "Its pulse came to 5.0 out of 10. Over the group's 4 sessions before it, the pulse was 7.75 on "
        "average, and seldom below 6.75." in group_page
    )
    assert "What would make our time together more useful for you?" in group_page

    next_session = session_services.create_session(facilitator, group, title="Week 6", waiting_room=False)
    db.session.commit()
    console = text_of(page(facilitator_client.get(f"/sessions/{next_session.id}")))
    assert "Last time, the session fit the group less well than usual" in console
    assert "Week 5" in console and "Its pulse came to 5.0 out of 10." in console
    # A session scheduled for later shows it from the start, on its console, too.
    later = session_services.create_session(
        facilitator, group, title="Week 7", waiting_room=False, scheduled_for=utcnow() + timedelta(days=7)
    )
    db.session.commit()
    assert "Its pulse came to 5.0 out of 10." in text_of(
        page(facilitator_client.get(f"/sessions/{later.id}"))
    )
    # The summary of the week itself says so too; earlier weeks don't.
    assert "This session fit the group less well than usual" in text_of(
        page(facilitator_client.get(f"/sessions/{dip[-1].id}/summary"))
    )
    assert "less well than usual" not in page(facilitator_client.get(f"/sessions/{dip[-2].id}/summary"))


def test_a_low_question_alerts_without_any_history(facilitator_client, facilitator, group):
    pulse_session(facilitator, group, 1, [{**everything(8), "mattered": 4}] * 3)
    html = text_of(page(facilitator_client.get(f"/groups/{group.id}")))
    assert "“We spent time on things that matter to me” averaged 4.0 out of 10." in html
    assert "Over the group's" not in html  # no baseline yet


def test_no_alert_when_the_pulse_is_usual_or_too_few_answered(facilitator_client, facilitator, group):
    pulse_weeks(facilitator, group, [8, 8, 7, 8])
    pulse_session(facilitator, group, 5, [everything(1)] * 2)  # under the minimum: shows nothing
    assert "less well than usual" not in page(facilitator_client.get(f"/groups/{group.id}"))
    upcoming = session_services.create_session(facilitator, group, title="Week 6", waiting_room=False)
    db.session.commit()
    assert "less well than usual" not in page(facilitator_client.get(f"/sessions/{upcoming.id}"))


def test_the_console_panel_of_a_live_session(facilitator_client, live_session):
    html = page(facilitator_client.get(f"/sessions/{live_session.id}"))
    assert 'id="pulse-panel"' in html and "Ask for the pulse now" in html
    assert "console-pulse" in html


# --- the summary, trends and exports -------------------------------------------------------------


def test_the_summary_page_pdf_and_csv_show_the_averages(facilitator_client, facilitator, group):
    live_session = pulse_session(
        facilitator, group, 1, [everything(9), everything(7), {**everything(5), "fit": None}], others=1
    )
    html = text_of(page(facilitator_client.get(f"/sessions/{live_session.id}/summary")))
    assert "How the session fit" in html
    assert "I felt listened to and treated with respect 7.0 3" in html
    assert "The way we worked together today suited me not shown (too few answered it) 2" in html
    pdf = PdfReader(io.BytesIO(facilitator_client.get(f"/sessions/{live_session.id}/summary.pdf").get_data()))
    text = " ".join(" ".join(p.extract_text() for p in pdf.pages).split())
    assert "How the session fit" in text and "Answered 3" in text
    assert "I felt listened to and treated with respect 7.0 of 10, 3 answered" in text
    rows = dict(
        csv.reader(io.StringIO(page(facilitator_client.get(f"/sessions/{live_session.id}/summary.csv"))))
    )
    assert (rows["pulse.answered"], rows["pulse.questions.heard.mean"], rows["pulse.score"]) == (
        "3",
        "7.0",
        "7.0",
    )


def test_too_few_answers_show_only_the_count(facilitator_client, facilitator, group):
    live_session = pulse_session(facilitator, group, 1, [everything(9), everything(2)])
    html = text_of(page(facilitator_client.get(f"/sessions/{live_session.id}/summary")))
    assert "2 answered: fewer than the group's minimum of 3, so the averages aren't shown." in html


def test_the_trends_page_and_group_export_have_a_line_per_question(facilitator_client, facilitator, group):
    pulse_weeks(facilitator, group, [6, 8, None, 7])
    html = page(facilitator_client.get(f"/groups/{group.id}/trends"))
    assert "How the sessions fit the group" in html
    # The same smoothing as every other line: a centred average of three, gaps left out.
    assert "The smoothed “Overall” line rose from 7 to 7." not in html
    text = text_of(html)
    assert "Week 1 " in text and "6.0 (7.0)" in text and "8.0 (7.0)" in text and "7.0 (7.0)" in text
    rows = list(csv.DictReader(io.StringIO(page(facilitator_client.get(f"/groups/{group.id}/export.csv")))))
    assert [row["pulse_overall"] for row in rows] == ["6.0", "8.0", "", "7.0"]
    assert [row["smoothed_pulse_heard"] for row in rows] == ["7.0", "7.0", "", "7.0"]


# --- the purge -------------------------------------------------------------------------------------


def test_the_purge_removes_each_answer_and_keeps_the_figures(facilitator, group, client):
    group.retention_days = 30
    db.session.commit()
    old = pulse_session(facilitator, group, 1, [everything(8)] * 3, others=1)
    figures = db.session.get(SessionSummary, old.id).data["pulse"]
    recent = pulse_session(facilitator, group, 2, [everything(6)] * 3)
    recent.ended_at = utcnow()
    old.ended_at = utcnow() - timedelta(days=31)
    db.session.commit()
    assert db.session.scalar(db.select(db.func.count(PulseTicket.id))) == 1  # the quiet one's

    (report,) = purge.purge_past_retention(utcnow())
    assert report.removed["pulse answers"] == 3
    db.session.expire_all()
    assert db.session.scalars(db.select(PulseResponse.live_session_id)).all() == [recent.id] * 3
    assert db.session.scalar(db.select(db.func.count(PulseTicket.id))) == 0
    assert db.session.get(SessionSummary, old.id).data["pulse"] == figures
    (again,) = purge.purge_past_retention(utcnow())
    assert again.removed["pulse answers"] == 0


def test_the_purge_counts_late_answers_in_before_removing_them(facilitator, group):
    group.retention_days = 1
    live_session = session_services.create_session(facilitator, group, title="Week 1", waiting_room=False)
    people = [session_services.join_session(live_session, name) for name in ("Ana", "Bo", "Cy")]
    key = services.ensure_pulse(live_session).pulse_key
    tickets = [services.ticket_for(key, person.id) for person in people]
    session_services.end_session(facilitator, live_session)
    for number, ticket in enumerate(tickets):
        services.record_late_pulse(
            live_session, ticket=ticket, client_id=f"late-{number:04d}", scores=everything(5), now=utcnow()
        )
    db.session.commit()
    (report,) = purge.purge_past_retention(utcnow() + timedelta(days=2))
    assert report.removed["pulse answers"] == 3
    section = db.session.get(SessionSummary, live_session.id).data["pulse"]
    assert (section["answered"], section["score"]) == (3, 5.0)


def _luminance(colour: str) -> float:
    channels = [int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def test_the_pulse_chart_tells_its_lines_apart_by_more_than_colour(facilitator, group):
    from facilitator.summaries import charts
    from facilitator.summaries.services import group_trend

    pulse_weeks(facilitator, group, [6, 8, 7])
    chart = charts.pulse_trend_chart(group_trend(group))
    assert [entry.name for entry in chart.legend] == [
        "Listened to",
        "What matters",
        "How we worked",
        "Overall",
    ]
    assert len({(entry.marker, entry.dash) for entry in chart.legend}) == 4
    assert len(chart.points) == 12 and len(chart.lines) == 4
    for entry in chart.legend:  # each at least 3:1 against the white of the chart
        assert (1.05) / (_luminance(entry.colour) + 0.05) >= 3
    assert "The smoothed “Overall” line rose from 7 to 7.5." in chart.description  # (6+8)/2, (8+7)/2
