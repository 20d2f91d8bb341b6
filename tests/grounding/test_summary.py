"""Grounding exercises in the session summary (page, PDF rows, JSON) and on the take-home page."""

from datetime import timedelta

import pytest

from facilitator.clock import utcnow
from facilitator.extensions import db
from facilitator.grounding import services
from facilitator.grounding.summary import ran_words
from facilitator.sessions import services as sessions
from facilitator.summaries.models import SessionSummary
from facilitator.summaries.services import summary_parts


@pytest.fixture
def ended_with_exercises(facilitator, live_session):
    """Box breathing run to its end, 5-4-3-2-1 stopped after 30 s, a script cut short by the end."""
    sessions.join_session(live_session, "Private Person")
    now = utcnow()
    box = services.start_exercise(facilitator, live_session, services.box_plan(**services.BOX_DEFAULTS))
    box.starts_at, box.ends_at = (
        now - timedelta(minutes=30),
        now - timedelta(minutes=30) + timedelta(seconds=64),
    )
    senses = services.start_exercise(facilitator, live_session, services.senses_plan(seconds=20))
    senses.starts_at, senses.ends_at = now - timedelta(minutes=20), now - timedelta(minutes=20, seconds=-100)
    senses.stopped_at = senses.starts_at + timedelta(seconds=30)
    script = services.add_script(
        facilitator, live_session.group, title="Evening calm", lines=[{"text": "Breathe.", "seconds": 60}]
    )
    last = services.start_exercise(
        facilitator, live_session, services.script_plan(live_session.group, script.id)
    )
    last.starts_at, last.ends_at = now - timedelta(seconds=20), now + timedelta(seconds=40)
    db.session.commit()
    sessions.end_session(facilitator, live_session)
    db.session.commit()
    return live_session


def test_the_summary_lists_each_exercise_and_how_it_went(ended_with_exercises):
    section = db.session.get(SessionSummary, ended_with_exercises.id).data["grounding"]
    assert section["count"] == 3
    first, second, third = section["items"]
    assert (first["title"], first["pattern"], first["rounds"]) == (
        "Box breathing",
        "in 4, hold 4, out 4, rest 4",
        4,
    )
    assert (first["planned_seconds"], first["ran_seconds"], first["stopped_early"]) == (64, 64, False)
    assert (second["kind"], second["ran_seconds"], second["stopped_early"]) == ("senses", 30, True)
    assert third["title"] == "Evening calm" and third["stopped_early"] is False
    assert 19 <= third["ran_seconds"] <= 22 and third["planned_seconds"] == 60
    assert [ran_words(item) for item in (first, second)] == ["1 min 4 s", "stopped after 30 s of 1 min 40 s"]
    assert ran_words(third).endswith("of 1 min 0 s, until the session ended")
    assert "Private Person" not in str(section)


def test_the_summary_page_pdf_rows_and_take_home_page(facilitator_client, client, ended_with_exercises):
    page = facilitator_client.get(f"/sessions/{ended_with_exercises.id}/summary").get_data(as_text=True)
    assert "Grounding exercises" in page
    assert "stopped after 30 s of 1 min 40 s" in page
    assert "in 4, hold 4, out 4, rest 4" in page
    part = next(part for part in summary_parts() if part.key == "grounding")
    rows = part.rows(db.session.get(SessionSummary, ended_with_exercises.id).data["grounding"])
    assert rows[0] == ("Grounding exercises", "3")
    assert ("Exercise: 5-4-3-2-1 senses", "stopped after 30 s of 1 min 40 s") in rows
    pdf = facilitator_client.get(f"/sessions/{ended_with_exercises.id}/summary.pdf")
    assert pdf.status_code == 200 and pdf.data.startswith(b"%PDF")
    token = db.session.get(SessionSummary, ended_with_exercises.id).take_home_token
    take_home = client.get(f"/take-home/{token}").get_data(as_text=True)
    assert "Grounding you did together" in take_home
    assert "Box breathing" in take_home and "in 4, hold 4, out 4, rest 4" in take_home


def test_a_session_without_exercises_says_so_and_the_take_home_page_leaves_it_out(
    facilitator, facilitator_client, client, live_session
):
    sessions.end_session(facilitator, live_session)
    db.session.commit()
    summary = db.session.get(SessionSummary, live_session.id)
    assert summary.data["grounding"] == {"count": 0, "items": []}
    page = facilitator_client.get(f"/sessions/{live_session.id}/summary").get_data(as_text=True)
    assert "No grounding exercise in this session." in page
    assert "Grounding you did together" not in client.get(f"/take-home/{summary.take_home_token}").get_data(
        as_text=True
    )
