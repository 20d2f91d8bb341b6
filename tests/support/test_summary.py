"""Support requests in the session summary and in the retention purge."""

from datetime import timedelta

from facilitator.extensions import db
from facilitator.sessions import services as sessions
from facilitator.summaries import purge
from facilitator.summaries.models import SessionSummary
from facilitator.support import services as support
from facilitator.support.models import SupportReply, SupportRequest


def ended_with_requests(facilitator, live_session):
    """Ana asked now and was seen after 30 s and answered; Bo asked for later and was not seen."""
    ana, bo = (sessions.join_session(live_session, name) for name in ("Ana", "Bo"))
    db.session.commit()
    urgent = support.request_support(
        ana, live_session, client_id="ask-ana-01", urgency="now", message="Can we talk?"
    )
    support.request_support(bo, live_session, client_id="ask-bo-001", urgency="later", message=None)
    db.session.commit()
    request = db.session.get(SupportRequest, urgent.request.id)
    support.reply_to_request(facilitator, live_session, request.id, "I'm here, come find me at the break.")
    request.acknowledged_at = request.created_at + timedelta(seconds=30)
    sessions.end_session(facilitator, live_session)
    db.session.commit()
    return live_session


def test_the_summary_counts_requests_and_times_to_acknowledge(facilitator, live_session, facilitator_client):
    ended = ended_with_requests(facilitator, live_session)
    section = db.session.get(SessionSummary, ended.id).data["support"]
    assert (section["count"], section["urgent"], section["acknowledged"]) == (2, 1, 1)
    assert section["median_seconds_to_acknowledge"] == 30
    assert "Can we talk" not in str(section) and "Ana" not in str(section)
    page = facilitator_client.get(f"/sessions/{ended.id}/summary").get_data(as_text=True)
    assert 'id="figure-support">2<' in page
    assert "never acknowledged" in page


def test_messages_and_replies_go_with_the_purge(facilitator, live_session, group):
    ended = ended_with_requests(facilitator, live_session)
    group.retention_days = 1
    db.session.commit()
    (report,) = purge.purge_past_retention(ended.ended_at + timedelta(days=2))
    assert report.removed["support messages"] == 2  # one message, one reply
    assert db.session.scalars(db.select(SupportRequest.message)).all() == [None, None]
    assert db.session.scalars(db.select(SupportReply.text)).all() == [""]
    assert db.session.get(SessionSummary, ended.id).data["support"]["count"] == 2
