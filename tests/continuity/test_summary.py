"""Counts in the summary, the step on its writer's take-home page only, and the purge."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func, select

from facilitator.clock import utcnow
from facilitator.continuity.models import NextStep, StepFollowUp
from facilitator.extensions import db
from facilitator.realtime.rooms import PARTICIPANT_NS
from facilitator.summaries.models import SessionSummary
from facilitator.summaries.purge import purge_group

from ..conftest import emit_ok
from .test_sockets import end, new_key, next_session


def write(phone, text: str, shared: bool) -> None:
    emit_ok(
        phone.socket,
        PARTICIPANT_NS,
        "submit_next_step",
        {"client_id": f"step-{phone.participant_id:04}", "text": text, "shared": shared},
    )


def two_weeks(facilitator, group, live_session, join):
    phone, other = join(live_session, "Quiet Heron"), join(live_session, "Open Finch")
    key = new_key()
    emit_ok(phone.socket, PARTICIPANT_NS, "remember_me", {"key": key})
    write(phone, "Walk to the park", False)
    write(other, "Cook one meal", True)
    end(facilitator, live_session)
    week_two = next_session(facilitator, group)
    back = join(week_two, "Heron Again")
    emit_ok(back.socket, PARTICIPANT_NS, "recognise_me", {"key": key})
    emit_ok(back.socket, PARTICIPANT_NS, "step_follow_up", {"outcome": "not_this_time"})
    end(facilitator, week_two)
    return phone, other, week_two


def test_the_summary_holds_counts_only(facilitator, facilitator_client, group, live_session, join):
    _phone, _other, week_two = two_weeks(facilitator, group, live_session, join)
    first = db.session.get(SessionSummary, live_session.id).data["continuity"]
    assert first == {
        "returning": 1,
        "steps_written": 2,
        "steps_shared": 1,
        "follow_ups": {"did_it": 0, "partly": 0, "not_this_time": 0, "skip": 0},
    }
    second = db.session.get(SessionSummary, week_two.id).data["continuity"]
    assert second["returning"] == 1 and second["follow_ups"]["not_this_time"] == 1
    page = facilitator_client.get(f"/sessions/{live_session.id}/summary").get_data(as_text=True)
    assert 'id="continuity-summary"' in page and "Cook one meal" not in page


def test_the_take_home_page_shows_a_step_to_its_own_phone_only(app, facilitator, live_session, join):
    phone, other = join(live_session, "Quiet Heron"), join(live_session, "Open Finch")
    write(phone, "Walk to the <b>park</b>", False)
    end(facilitator, live_session)
    token = db.session.get(SessionSummary, live_session.id).take_home_token
    own = phone.client.get(f"/take-home/{token}").get_data(as_text=True)
    assert "Walk to the &lt;b&gt;park&lt;/b&gt;" in own and 'id="own-next-step"' in own
    for stranger in (other.client, app.test_client()):
        page = stranger.get(f"/take-home/{token}").get_data(as_text=True)
        assert "park" not in page and 'id="own-next-step"' not in page


def test_the_purge_removes_next_step_texts(facilitator, group, live_session, join):
    _phone, _other, week_two = two_weeks(facilitator, group, live_session, join)
    assert db.session.scalar(select(func.count()).select_from(NextStep)) == 2
    group.retention_days = 30
    for session in (live_session, week_two):
        session.ended_at = utcnow() - timedelta(days=31)
    db.session.commit()
    report = purge_group(group, utcnow())
    db.session.commit()
    assert report.removed["next small steps"] == 2
    assert db.session.scalar(select(func.count()).select_from(NextStep)) == 0
    assert db.session.scalar(select(func.count()).select_from(StepFollowUp)) == 0
    # The counts stay in the summary.
    assert db.session.get(SessionSummary, live_session.id).data["continuity"]["steps_written"] == 2
