"""Support requests and safety flags at the service level: asking, seeing to it, escalating, privacy."""

import threading
import time
from datetime import timedelta

import pytest

from facilitator.clock import utcnow
from facilitator.errors import Invalid, NotAllowed, NotFound
from facilitator.extensions import db
from facilitator.groups import services as group_services
from facilitator.safety import services as safety_services
from facilitator.safety.models import SafetyFlag
from facilitator.sessions import services as session_services
from facilitator.sessions.models import SocketConnection
from facilitator.support import services
from facilitator.support.models import SupportRequest

from ..conftest import lead_and_group


@pytest.fixture
def asker(live_session):
    participant = session_services.join_session(live_session, "Quiet Heron")
    db.session.commit()
    return participant


def ask(participant, live_session, client_id="support-0001", urgency="now", message=None):
    requested = services.request_support(
        participant, live_session, client_id=client_id, urgency=urgency, message=message
    )
    db.session.commit()
    return requested


def test_a_request_is_stored_open_with_the_time_it_was_made(live_session, asker):
    before = utcnow()
    requested = ask(asker, live_session, urgency="later", message="  Could we talk after?  ")
    support_request = requested.request
    assert requested.created and requested.flag is None
    assert (support_request.urgency, support_request.message) == ("later", "Could we talk after?")
    assert support_request.status == "open" and not support_request.is_urgent
    assert before <= support_request.created_at <= utcnow()
    assert support_request.acknowledged_at is None and support_request.escalated_at is None


def test_a_resend_with_the_same_client_id_is_the_same_request(live_session, asker):
    first = ask(asker, live_session)
    again = ask(asker, live_session, message="different words, same submission")
    assert again.request.id == first.request.id
    assert not again.created
    assert db.session.scalar(db.select(db.func.count(SupportRequest.id))) == 1


def count(model) -> int:
    return db.session.scalar(db.select(db.func.count(model.id)))


def test_a_participant_has_only_a_few_open_requests_at_once(app, live_session, facilitator, asker):
    app.config["SUPPORT_REQUEST_RATE_LIMIT"] = "100 per minute"
    for number in range(services.MAX_OPEN_REQUESTS):
        ask(asker, live_session, client_id=f"support-{number:04d}")
    with pytest.raises(NotAllowed, match="already has your requests"):
        ask(asker, live_session, client_id="support-9999")
    db.session.rollback()
    # Once fewer are open, asking again is fine.
    for support_request in db.session.scalars(db.select(SupportRequest).limit(2)):
        services.resolve_request(facilitator, live_session, support_request.id, None)
    assert ask(asker, live_session, client_id="support-9999").created


def test_requests_are_rate_limited_per_participant(app, live_session, asker):
    app.config["SUPPORT_REQUEST_RATE_LIMIT"] = "2 per minute"
    ask(asker, live_session, client_id="support-0001")
    ask(asker, live_session, client_id="support-0002")
    # A resend of a stored request does not count.
    ask(asker, live_session, client_id="support-0002")
    with pytest.raises(NotAllowed, match="give it a little while") as refused:
        ask(asker, live_session, client_id="support-0003")
    assert "Need urgent help?" in refused.value.message
    db.session.rollback()
    assert count(SupportRequest) == 2
    # Someone else is not affected.
    other = session_services.join_session(live_session, "Other")
    db.session.commit()
    assert ask(other, live_session, client_id="support-0004").created


def test_words_of_risk_go_past_the_rate_limit_once_per_interval(app, live_session, asker):
    app.config.update(SUPPORT_REQUEST_RATE_LIMIT="1 per minute", RISK_BYPASS_INTERVAL_SECONDS=1)
    ask(asker, live_session, client_id="support-0001")
    with pytest.raises(NotAllowed):
        ask(asker, live_session, client_id="support-0002", message="Can we talk?")
    db.session.rollback()
    risky = ask(asker, live_session, client_id="support-0003", message="I want to kill myself")
    assert risky.created and risky.flag is not None
    # Within the interval, words of risk meet the limits like any other, and a refusal points
    # to the crisis numbers. Nothing of the refused message is stored, not even a flag.
    with pytest.raises(NotAllowed, match="Need urgent help") as refused:
        ask(asker, live_session, client_id="support-0004", message="i want to die")
    assert "already has your messages" in refused.value.message
    db.session.rollback()
    assert (count(SupportRequest), count(SafetyFlag)) == (2, 1)
    time.sleep(1.1)  # the next interval
    assert ask(asker, live_session, client_id="support-0004", message="i want to die").created


def test_words_of_risk_go_past_the_open_request_cap_once_per_interval(app, live_session, facilitator, asker):
    app.config["SUPPORT_REQUEST_RATE_LIMIT"] = "100 per minute"
    for number in range(services.MAX_OPEN_REQUESTS):
        ask(asker, live_session, client_id=f"support-{number:04d}")
    assert ask(asker, live_session, client_id="support-risky-1", message="i want to kill myself").created
    # Past that, the usual limits apply: within them, words of risk still get through ...
    for support_request in db.session.scalars(db.select(SupportRequest).limit(2)):
        services.resolve_request(facilitator, live_session, support_request.id, None)
    assert ask(asker, live_session, client_id="support-risky-2", message="I took too many pills").created
    # ... and beyond them they are refused until the interval has passed.
    with pytest.raises(NotAllowed, match="Need urgent help"):
        ask(asker, live_session, client_id="support-risky-3", message="I cut myself again")


def test_words_of_risk_within_the_limits_leave_the_bypass_for_when_it_is_needed(app, live_session, asker):
    app.config["SUPPORT_REQUEST_RATE_LIMIT"] = "1 per minute"
    assert ask(asker, live_session, client_id="support-risky-1", message="i want to die").created
    assert ask(asker, live_session, client_id="support-risky-2", message="i want to die").created
    with pytest.raises(NotAllowed):
        ask(asker, live_session, client_id="support-risky-3", message="i want to die")


def test_a_risky_message_raises_a_flag_and_makes_the_request_urgent(live_session, asker):
    requested = ask(asker, live_session, urgency="later", message="I keep thinking about ending my life")
    assert requested.flag is not None
    assert requested.request.is_urgent  # whatever the participant chose
    flag = db.session.scalars(db.select(SafetyFlag)).one()
    assert (flag.source, flag.participant_id, flag.categories) == ("support_message", asker.id, ["suicide"])


def test_the_first_facilitator_to_acknowledge_is_kept(live_session, facilitator, make_facilitator, asker):
    colleague = make_facilitator("Sam")
    group_services.add_co_facilitator(facilitator, live_session.group, colleague.email)
    support_request = ask(asker, live_session).request
    services.acknowledge_request(facilitator, live_session, support_request.id)
    first_seen = support_request.acknowledged_at
    services.acknowledge_request(colleague, live_session, support_request.id)
    assert (support_request.acknowledged_by_id, support_request.acknowledged_at) == (
        facilitator.id,
        first_seen,
    )
    assert services.console_entry(support_request)["acknowledged_by"] == "Dana Rivers"


def test_a_reply_acknowledges_the_request_and_reaches_the_participants_view(live_session, facilitator, asker):
    support_request = ask(asker, live_session).request
    services.reply_to_request(facilitator, live_session, support_request.id, "  I'll come over now.  ")
    db.session.commit()
    assert support_request.status == "acknowledged"
    [reply] = services.own_entry(support_request)["replies"]
    assert reply["text"] == "I'll come over now."


def test_the_resolution_note_stays_with_the_facilitators(live_session, facilitator, asker):
    support_request = ask(asker, live_session, urgency="later").request
    services.resolve_request(facilitator, live_session, support_request.id, "Talked at the break; safe plan.")
    db.session.commit()
    assert support_request.status == "resolved"
    assert support_request.acknowledged_at == support_request.resolved_at  # seen when resolved
    assert services.console_entry(support_request)["note"] == "Talked at the break; safe plan."
    own = services.own_entry(support_request)
    assert own["status"] == "resolved"
    assert "safe plan" not in str(own)
    assert services.open_requests(live_session) == []
    assert services.own_requests(live_session, asker) == [support_request]


def test_a_resolved_request_takes_no_more_replies_or_resolutions(live_session, facilitator, asker):
    support_request = ask(asker, live_session).request
    services.resolve_request(facilitator, live_session, support_request.id, None)
    with pytest.raises(Invalid, match="already been resolved"):
        services.reply_to_request(facilitator, live_session, support_request.id, "Hello")
    with pytest.raises(Invalid, match="already been resolved"):
        services.resolve_request(facilitator, live_session, support_request.id, None)


@pytest.mark.parametrize(
    ("urgency", "message", "problem"),
    [
        ("soon", None, "now or after the session"),
        ("", None, "now or after the session"),
        ("now", "x" * 501, "500 characters"),
    ],
)
def test_bad_requests_are_refused_kindly(live_session, asker, urgency, message, problem):
    with pytest.raises(Invalid, match=problem):
        ask(asker, live_session, urgency=urgency, message=message)


@pytest.mark.parametrize(
    ("event", "text", "problem"),
    [
        ("reply", "   ", "write a reply first"),
        ("reply", "x" * 501, "500 characters"),
        ("resolve", "x" * 1001, "1000 characters"),
    ],
)
def test_bad_replies_and_notes_are_refused_kindly(live_session, facilitator, asker, event, text, problem):
    support_request = ask(asker, live_session).request
    change = services.reply_to_request if event == "reply" else services.resolve_request
    with pytest.raises(Invalid, match=problem):
        change(facilitator, live_session, support_request.id, text)


def test_another_sessions_requests_and_flags_are_not_found(live_session, facilitator, group, asker):
    support_request = ask(asker, live_session, message="I want to hurt myself").request
    other = session_services.create_session(facilitator, group, title="Other", waiting_room=False)
    db.session.commit()
    with pytest.raises(NotFound):
        services.acknowledge_request(facilitator, other, support_request.id)
    with pytest.raises(NotFound):
        safety_services.acknowledge_flag(facilitator, other, support_request.safety_flag_id)


def test_acknowledging_a_flag_records_who_and_when(live_session, facilitator, asker):
    flag_id = ask(asker, live_session, message="I took too many pills last night").request.safety_flag_id
    flag = safety_services.acknowledge_flag(facilitator, live_session, flag_id)
    assert (flag.acknowledged_by_id, flag.acknowledged_at is not None) == (facilitator.id, True)
    assert safety_services.session_flags(live_session) == [flag]


def test_overdue_requests_are_claimed_once_and_only_while_unacknowledged(live_session, facilitator, asker):
    waiting = ask(asker, live_session, client_id="support-0001").request
    seen = ask(asker, live_session, client_id="support-0002").request
    services.acknowledge_request(facilitator, live_session, seen.id)
    db.session.commit()
    made = waiting.created_at
    assert services.claim_overdue_requests(made - timedelta(seconds=1), made) == []
    later = made + timedelta(seconds=60)
    claimed = services.claim_overdue_requests(made, later)
    assert [r.id for r in claimed] == [waiting.id]
    assert claimed[0].escalated_at == later
    assert services.claim_overdue_requests(later, later) == []  # never claimed twice


def test_requests_of_an_ended_session_are_not_escalated(live_session, facilitator, asker):
    support_request = ask(asker, live_session).request
    session_services.end_session(facilitator, live_session)
    db.session.commit()
    assert services.claim_overdue_requests(support_request.created_at, utcnow()) == []


def test_the_lead_is_alerted_first_only_while_their_console_is_open(
    live_session, facilitator, make_facilitator, asker
):
    support_request = ask(asker, live_session).request
    assert services.first_alerted_facilitator_id(live_session, support_request) is None
    db.session.add(
        SocketConnection(
            sid="console-1",
            namespace="/facilitator",
            live_session_id=live_session.id,
            facilitator_id=facilitator.id,
        )
    )
    db.session.commit()
    assert services.first_alerted_facilitator_id(live_session, support_request) == facilitator.id
    # A flagged message goes to everyone at once, like its flag.
    flagged = ask(asker, live_session, client_id="support-0002", message="i want to die").request
    assert services.first_alerted_facilitator_id(live_session, flagged) is None


@pytest.mark.postgres
def test_scans_running_at_once_claim_each_request_exactly_once(pg_app):
    lead, group = lead_and_group(min_aggregate_size=3)
    live_session = session_services.create_session(lead, group, title="Week 1", waiting_room=False)
    participant = session_services.join_session(live_session, "Ana")
    db.session.commit()
    made = ask(participant, live_session).request.created_at
    claimed_by: dict[str, list[int]] = {}
    first_has_claimed, first_may_commit = threading.Event(), threading.Event()

    def scan(name: str) -> None:
        with pg_app.app_context():  # a session of its own, as in another server process
            claimed_by[name] = [
                r.id for r in services.claim_overdue_requests(made, made + timedelta(minutes=1))
            ]
            if name == "first":
                first_has_claimed.set()
                first_may_commit.wait(5)
            db.session.commit()
            db.session.remove()

    first = threading.Thread(target=scan, args=("first",))
    first.start()
    assert first_has_claimed.wait(5)
    second = threading.Thread(target=scan, args=("second",))
    second.start()
    second.join(0.5)
    assert second.is_alive()  # waiting for the row the first scan claimed
    first_may_commit.set()
    first.join(5)
    second.join(5)
    assert claimed_by == {"first": [1], "second": []}
