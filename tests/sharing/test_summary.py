"""The speaking queue in the session summary (counts and times, never names), its exports, and
the retention purge."""

from __future__ import annotations

from datetime import timedelta

import pytest

from facilitator.clock import utcnow
from facilitator.extensions import db
from facilitator.sessions import services as session_services
from facilitator.sharing import services
from facilitator.sharing.models import ShareRound, ShareTurn
from facilitator.sharing.summary import SUMMARY_PART
from facilitator.summaries import purge
from facilitator.summaries.models import SessionSummary

from .conftest import SHARING_STEP


def waited(turn_id: int, seconds: int) -> None:
    """As if the turn had been asked for `seconds` before it was called."""
    turn = db.session.get(ShareTurn, turn_id)
    turn.queued_at = turn.called_at - timedelta(seconds=seconds)
    db.session.commit()


def call_next(facilitator, live_session):
    state = services.load_state(live_session)
    found = services.current_turn(live_session, state, SHARING_STEP)
    called = services.call_next(facilitator, live_session, found[0].id if found else None).called
    db.session.commit()
    return called


@pytest.fixture
def ended_with_a_queue(at_sharing, facilitator, seat):
    """Ana shares (waited 60 s), Bo is called and passes (waited 180 s), Cy takes it back, Di is
    skipped; Cy and Di leave; then a go-round in which Ana shares (waited 30 s) and Bo is never
    called."""
    ana, bo, cy, di = (seat(name) for name in ("Ana", "Bo", "Cy", "Di"))
    for person in (ana, bo, cy, di):
        services.raise_hand(person, at_sharing)
    services.pass_turn(cy, at_sharing)
    db.session.commit()
    waited(call_next(facilitator, at_sharing).id, 60)
    waited(call_next(facilitator, at_sharing).id, 180)
    services.pass_turn(bo, at_sharing)
    services.skip_turn(facilitator, at_sharing, services.queue(at_sharing, SHARING_STEP)[0][0].id)
    session_services.leave_session(cy)
    session_services.leave_session(di)
    services.start_go_round(facilitator, at_sharing, "chosen", [ana.id, bo.id])
    db.session.commit()
    waited(call_next(facilitator, at_sharing).id, 30)
    session_services.end_session(facilitator, at_sharing)
    db.session.commit()
    return at_sharing


def test_the_summary_counts_who_shared_passed_and_waited_without_names(ended_with_a_queue):
    section = db.session.get(SessionSummary, ended_with_a_queue.id).data["sharing"]
    assert section == {
        "shared": 2,
        "passed": 1,
        "taken_back": 1,
        "not_called": 2,  # Di, skipped; Bo, still waiting in the go-round at the end
        "go_rounds": 1,
        "timed_turns": 3,
        "median_wait_seconds": 60,
        "longest_wait_seconds": 180,
    }
    for name in ("Ana", "Bo", "Cy", "Di"):
        assert name not in str(section)


def test_the_summary_page_and_the_pdf_rows(facilitator_client, ended_with_a_queue):
    page = facilitator_client.get(f"/sessions/{ended_with_a_queue.id}/summary").get_data(as_text=True)
    assert 'id="figure-shared">2<' in page
    assert "Speaking queue" in page
    section = db.session.get(SessionSummary, ended_with_a_queue.id).data["sharing"]
    rows = dict(SUMMARY_PART.rows(section))
    assert (rows["Shared"], rows["Median wait to be called"], rows["Go-rounds"]) == ("2", "60 s", "1")
    assert facilitator_client.get(f"/sessions/{ended_with_a_queue.id}/summary.pdf").status_code == 200


def test_a_session_without_a_queue_says_so(facilitator_client, live_session, facilitator):
    session_services.end_session(facilitator, live_session)
    db.session.commit()
    section = db.session.get(SessionSummary, live_session.id).data["sharing"]
    assert (section["shared"], section["median_wait_seconds"]) == (0, None)
    page = facilitator_client.get(f"/sessions/{live_session.id}/summary").get_data(as_text=True)
    assert "Nobody used the speaking queue in this session." in page


def test_the_purge_removes_the_queue_s_rows_and_keeps_the_summary(ended_with_a_queue, group):
    group.retention_days = 7
    db.session.commit()
    (report,) = purge.purge_past_retention(ended_with_a_queue.ended_at + timedelta(days=8))
    assert report.removed["speaking-queue turns"] == 6
    assert db.session.query(ShareTurn).count() == 0
    assert db.session.query(ShareRound).count() == 0
    assert db.session.get(SessionSummary, ended_with_a_queue.id).data["sharing"]["shared"] == 2
    (again,) = purge.purge_past_retention(utcnow() + timedelta(days=8))
    assert again.removed["speaking-queue turns"] == 0
