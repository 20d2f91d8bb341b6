"""Requests left for after the session: the group's follow-up list, the summary, resolving them
over HTTP (the group's facilitators only), and retention."""

from datetime import timedelta
from urllib.parse import urlsplit

import pytest

from facilitator.audit.models import AuditEntry
from facilitator.clock import utcnow
from facilitator.extensions import db
from facilitator.groups.models import GroupFacilitator, Role
from facilitator.sessions import services as sessions
from facilitator.summaries import purge
from facilitator.summaries.models import SessionSummary
from facilitator.support import services
from facilitator.support.models import SupportRequest

from ..conftest import csrf_token, login

MESSAGE = "Could we talk after? <b>Things at home</b> are hard"


def ask(participant, live_session, client_id, urgency="later", message=MESSAGE) -> SupportRequest:
    requested = services.request_support(
        participant, live_session, client_id=client_id, urgency=urgency, message=message
    )
    db.session.commit()
    return requested.request


@pytest.fixture
def left_for_later(facilitator, live_session):
    """Ana asked for later and nobody resolved it; Bo asked now and was seen to and resolved."""
    ana, bo = (sessions.join_session(live_session, name) for name in ("Ana", "Bo"))
    db.session.commit()
    later = ask(ana, live_session, "ask-ana-later")
    now = ask(bo, live_session, "ask-bo-now", urgency="now", message="Can we step out?")
    services.resolve_request(facilitator, live_session, now.id, "Talked in the hall.")
    sessions.end_session(facilitator, live_session)
    db.session.commit()
    return later


def resolve(client, live_session_id, request_id, note="", back="group", page=None):
    form_page = client.get(page or f"/sessions/{live_session_id}/summary")
    token = csrf_token(form_page.get_data(as_text=True)) if form_page.status_code == 200 else "none"
    return client.post(
        f"/sessions/{live_session_id}/support/{request_id}/resolve",
        data={"csrf_token": token, "note": note, "back": back},
    )


def test_an_unresolved_request_stays_on_the_group_page_after_the_session(
    facilitator_client, group, live_session, left_for_later
):
    follow_ups = services.follow_ups(group)
    assert [(item.request.id, item.live_session.id) for item in follow_ups] == [
        (left_for_later.id, live_session.id)
    ]
    page = facilitator_client.get(f"/groups/{group.id}").get_data(as_text=True)
    assert 'id="follow-ups"' in page
    assert "<strong>Ana</strong>" in page and "for after the session" in page
    # The words, escaped; which session (with its summary), and when.
    assert "Could we talk after? &lt;b&gt;Things at home&lt;/b&gt; are hard" in page
    assert "<b>Things" not in page
    assert f'href="/sessions/{live_session.id}/summary">Week 12</a>' in page
    assert left_for_later.created_at.isoformat() in page
    # Bo's was resolved in the room: not here.
    assert "Can we step out?" not in page


def test_a_live_sessions_requests_are_on_its_console_not_the_follow_up_list(
    facilitator_client, facilitator, group, live_session
):
    ask(sessions.join_session(live_session, "Ana"), live_session, "ask-ana-later")
    assert services.follow_ups(group) == []
    assert 'id="follow-ups"' not in facilitator_client.get(f"/groups/{group.id}").get_data(as_text=True)


def test_a_person_no_longer_known_is_anonymous_on_the_list(facilitator_client, group, left_for_later):
    left_for_later.participant_id = None
    db.session.commit()
    page = facilitator_client.get(f"/groups/{group.id}").get_data(as_text=True)
    assert "<strong>Anonymous</strong>" in page


def test_a_facilitator_of_the_group_marks_it_resolved_with_a_private_note(
    facilitator, facilitator_client, group, live_session, left_for_later
):
    response = resolve(
        facilitator_client, live_session.id, left_for_later.id, note="Called her on Friday; she's okay."
    )
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/groups/{group.id}#follow-ups")
    db.session.expire_all()
    request = db.session.get(SupportRequest, left_for_later.id)
    assert request.resolved_at is not None and request.resolved_by_id == facilitator.id
    assert request.resolution_note == "Called her on Friday; she's okay."
    assert services.follow_ups(group) == []
    assert db.session.scalar(db.select(AuditEntry.id).where(AuditEntry.action == "support.resolved")), (
        "resolving is written to the audit log"
    )
    # The summary shows where it stands now: resolved, by whom, with the note.
    summary = facilitator_client.get(f"/sessions/{live_session.id}/summary").get_data(as_text=True)
    assert "Resolved by Dana Rivers" in summary
    assert "Called her on Friday; she&#39;s okay." in summary
    assert "Marked as resolved" in summary  # the flash


def test_a_co_facilitator_may_resolve_it_from_the_summary(
    app, make_facilitator, group, live_session, left_for_later
):
    colleague = make_facilitator("Sam Co")
    group.memberships.append(GroupFacilitator(facilitator_id=colleague.id, role=Role.CO))
    db.session.commit()
    client = app.test_client()
    login(client, colleague)
    response = resolve(client, live_session.id, left_for_later.id, back="summary")
    assert response.headers["Location"].endswith(f"/sessions/{live_session.id}/summary#follow-ups")
    db.session.expire_all()
    assert db.session.get(SupportRequest, left_for_later.id).resolved_by_id == colleague.id


def test_another_groups_facilitator_and_a_participant_can_resolve_nothing(
    app, make_facilitator, make_group, facilitator_client, group, live_session, left_for_later
):
    outsider = make_facilitator("Other Lead")
    other_group = make_group(outsider, name="Another group")
    other_session = sessions.create_session(outsider, other_group, title="Theirs", waiting_room=False)
    sessions.end_session(outsider, other_session)
    db.session.commit()
    client = app.test_client()
    login(client, outsider)
    # Not their session: it doesn't exist for them (from a page of their own, for a valid token).
    own_page = f"/sessions/{other_session.id}/summary"
    assert resolve(client, live_session.id, left_for_later.id, page=own_page).status_code == 404
    # Their own session with this group's request: that request isn't found in it.
    response = resolve(client, other_session.id, left_for_later.id, back="summary", page=own_page)
    assert response.status_code == 302
    assert "find that request" in client.get(own_page).get_data(as_text=True)
    # A phone (no account), even with a valid form token: sent to sign in.
    phone = app.test_client()
    start_page = phone.get("/").get_data(as_text=True)  # the join-by-code form
    response = phone.post(
        f"/sessions/{live_session.id}/support/{left_for_later.id}/resolve",
        data={"csrf_token": csrf_token(start_page), "note": "x"},
    )
    assert response.status_code == 302
    assert urlsplit(response.headers["Location"]).path == "/login"
    db.session.expire_all()
    request = db.session.get(SupportRequest, left_for_later.id)
    assert request.resolved_at is None and request.resolution_note is None
    assert [item.request.id for item in services.follow_ups(group)] == [left_for_later.id]


def test_resolving_needs_the_forms_csrf_token(facilitator_client, live_session, left_for_later):
    response = facilitator_client.post(
        f"/sessions/{live_session.id}/support/{left_for_later.id}/resolve", data={"note": "no token"}
    )
    assert response.status_code == 400
    db.session.expire_all()
    assert db.session.get(SupportRequest, left_for_later.id).resolved_at is None


def test_a_live_sessions_request_is_resolved_on_the_console_not_here(
    facilitator, facilitator_client, group, live_session
):
    request = ask(sessions.join_session(live_session, "Ana"), live_session, "ask-ana-later")
    response = resolve(facilitator_client, live_session.id, request.id, page=f"/groups/{group.id}")
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get(SupportRequest, request.id).resolved_at is None
    page = facilitator_client.get(f"/groups/{group.id}").get_data(as_text=True)
    assert "please resolve the request on its console" in page


def test_the_summary_counts_what_was_left_for_after_the_session(
    facilitator_client, live_session, left_for_later
):
    section = db.session.get(SessionSummary, live_session.id).data["support"]
    assert section["left_for_follow_up"] == 1
    assert [entry["resolved"] for entry in section["requests"]] == [False, True]
    page = facilitator_client.get(f"/sessions/{live_session.id}/summary").get_data(as_text=True)
    assert 'id="figure-follow-up">1<' in page
    assert "left for after the session" in page
    # Where it stands now, with the words (escaped) and a way to resolve it from here.
    assert 'id="follow-ups"' in page
    assert "&lt;b&gt;Things at home&lt;/b&gt;" in page
    assert f"/sessions/{live_session.id}/support/{left_for_later.id}/resolve" in page


def test_follow_up_keeps_nothing_past_the_groups_retention(
    facilitator_client, group, live_session, left_for_later
):
    group.retention_days = 30
    db.session.commit()
    assert len(services.follow_ups(group)) == 1
    later = live_session.ended_at + timedelta(days=31)
    # Past the retention period it leaves the list, and the purge removes its words as any other's.
    assert services.follow_ups(group, now=later) == []
    assert services.session_follow_ups(live_session, now=later) == []
    (report,) = purge.purge_past_retention(later)
    assert report.removed["support messages"] >= 1
    db.session.expire_all()
    request = db.session.get(SupportRequest, left_for_later.id)
    assert request.message is None and request.resolved_at is None
    # Today it is still within the period: still listed, without waiting for the purge.
    assert live_session.ended_at > utcnow() - timedelta(days=30)
    assert len(services.follow_ups(group)) == 1
