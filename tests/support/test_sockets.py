"""Support requests and safety flags over Socket.IO: who receives what, escalation, acks, bad payloads."""

from datetime import timedelta

import pytest
from sqlalchemy import select

from facilitator.extensions import db, socketio
from facilitator.groups import services as group_services
from facilitator.realtime.rooms import FACILITATOR_NS, PARTICIPANT_NS
from facilitator.safety.models import SafetyFlag
from facilitator.sessions import services as session_services
from facilitator.support import services
from facilitator.support.models import SupportRequest
from facilitator.support.sockets import escalate_overdue_requests

from ..conftest import emit, facilitator_socket, login, participant_socket, received

SUPPORT_EVENTS = ("support_requested", "support_escalated", "support_updated", "safety_flagged")


def ask(phone, client_id="support-0001", urgency="now", message=None):
    payload = {"client_id": client_id, "urgency": urgency, "message": message}
    return emit(phone.socket, PARTICIPANT_NS, "request_support", payload)


def console_events(sock, *names):
    messages = sock.get_received(FACILITATOR_NS)
    return [(m["name"], m["args"][0]) for m in messages if m["name"] in names]


@pytest.fixture
def co_console(app, facilitator, group, live_session, make_facilitator):
    """A co-facilitator's console on the same session."""
    colleague = make_facilitator("Sam Okafor")
    group_services.add_co_facilitator(facilitator, group, colleague.email)
    db.session.commit()
    client = app.test_client()
    login(client, colleague)
    sock = facilitator_socket(app, client, live_session)
    assert sock.is_connected(FACILITATOR_NS)
    sock.get_received(FACILITATOR_NS)
    return sock


def test_a_request_reaches_the_lead_facilitator_only(console, co_console, live_session, join):
    asker, other = join(live_session, "Asker"), join(live_session, "Other")
    ack = ask(asker, message="Could we talk about my housing form after group?")
    assert ack["ok"] and ack["flagged"] is False
    assert ack["request"]["status"] == "open" and ack["client_id"] == "support-0001"
    [(name, entry)] = console_events(console, *SUPPORT_EVENTS)
    assert name == "support_requested"
    assert (entry["name"], entry["message"], entry["urgent"]) == (
        "Asker",
        "Could we talk about my housing form after group?",
        True,
    )
    assert console_events(co_console, *SUPPORT_EVENTS) == []
    assert all(other.events(event) == [] for event in SUPPORT_EVENTS)
    # The asker's own screens (other tabs too) learn it was delivered.
    assert asker.events("support_updated")[-1]["status"] == "open"


def test_every_console_is_alerted_when_the_lead_has_none_open(app, console, co_console, live_session, join):
    console.disconnect(FACILITATOR_NS)
    asker = join(live_session, "Asker")
    assert ask(asker)["ok"]
    [(_, entry)] = console_events(co_console, "support_requested")
    assert entry["name"] == "Asker"


def test_a_shared_screen_does_not_count_as_the_leads_console(
    app, facilitator_client, console, co_console, live_session, join
):
    console.disconnect(FACILITATOR_NS)
    screen = socketio.test_client(
        app,
        namespace=FACILITATOR_NS,
        auth={"live_session_id": live_session.id, "screen": True},
        flask_test_client=facilitator_client,
    )
    assert screen.is_connected(FACILITATOR_NS)
    assert ask(join(live_session, "Asker"))["ok"]
    [(_, entry)] = console_events(co_console, "support_requested")  # nobody is left waiting
    assert entry["name"] == "Asker"


def test_acknowledgement_and_reply_reach_only_that_participant(console, co_console, live_session, join):
    asker, other = join(live_session, "Asker"), join(live_session, "Other")
    request_id = ask(asker)["request"]["id"]
    console.get_received(FACILITATOR_NS)

    assert emit(console, FACILITATOR_NS, "acknowledge_support", {"request_id": request_id}) == {"ok": True}
    assert asker.events("support_updated")[-1]["status"] == "acknowledged"
    # Every console of the session now knows someone is seeing to it.
    [(_, seen)] = console_events(co_console, "support_updated")
    assert seen["acknowledged_by"] == "Dana Rivers"

    reply = {"request_id": request_id, "text": "I'll come over at the break."}
    assert emit(console, FACILITATOR_NS, "reply_support", reply) == {"ok": True}
    [mine] = asker.events("support_updated")[-1]["replies"]
    assert mine["text"] == "I'll come over at the break."
    assert all(other.events(event) == [] for event in SUPPORT_EVENTS)


def test_the_resolution_note_never_reaches_the_participant(console, live_session, join):
    asker = join(live_session, "Asker")
    request_id = ask(asker, urgency="later")["request"]["id"]
    resolve = {"request_id": request_id, "note": "Spoke after; referred to the clinic."}
    assert emit(console, FACILITATOR_NS, "resolve_support", resolve) == {"ok": True}
    update = asker.events("support_updated")[-1]
    assert update["status"] == "resolved"
    assert "clinic" not in str(asker.events("support_updated"))
    [(_, entry)] = console_events(console, "support_updated")
    assert entry["note"] == "Spoke after; referred to the clinic."


def test_an_unacknowledged_request_is_raised_again_to_every_console_once(
    app, console, co_console, live_session, join
):
    asker = join(live_session, "Asker")
    ask(asker, client_id="support-0001")
    ask(asker, client_id="support-0002")
    waiting, seen = db.session.scalars(db.select(SupportRequest).order_by(SupportRequest.id)).all()
    emit(console, FACILITATOR_NS, "acknowledge_support", {"request_id": seen.id})
    console.get_received(FACILITATOR_NS)
    co_console.get_received(FACILITATOR_NS)
    made = waiting.created_at
    assert app.config["SUPPORT_ESCALATION_SECONDS"] == 60

    assert escalate_overdue_requests(made + timedelta(seconds=59)) == []
    assert console_events(co_console, "support_escalated") == []

    assert [r.id for r in escalate_overdue_requests(made + timedelta(seconds=60))] == [waiting.id]
    for sock in (console, co_console):
        [(_, entry)] = console_events(sock, "support_escalated")
        assert entry["id"] == waiting.id and entry["escalated_at"] is not None
    assert asker.events("support_escalated") == []

    assert escalate_overdue_requests(made + timedelta(seconds=120)) == []
    assert console_events(co_console, "support_escalated") == []


def test_a_risky_message_is_urgent_flags_every_console_and_shows_care(
    console, co_console, live_session, join
):
    asker = join(live_session, "Asker")
    ack = ask(asker, urgency="later", message="I don't want to be alive anymore")
    assert ack["ok"] and ack["flagged"] is True
    for sock in (console, co_console):
        events = dict(console_events(sock, *SUPPORT_EVENTS))
        assert events["safety_flagged"]["source"] == "support_message"
        assert events["safety_flagged"]["name"] == "Asker"
        assert events["safety_flagged"]["participant_id"] == asker.participant_id  # to group them
        assert events["safety_flagged"]["matched"]  # the phrase-list entries, for the console's "why"
        assert events["support_requested"]["urgent"] is True
        assert events["support_requested"]["flagged"] is True
    assert asker.events("safety_flagged") == []


def test_snapshots_show_open_requests_and_flags_to_consoles_and_own_requests_to_phones(
    app, facilitator_client, console, live_session, join
):
    asker, other = join(live_session, "Asker"), join(live_session, "Other")
    request_id = ask(asker, message="I relapsed and I want to hurt myself")["request"]["id"]
    ask(other, client_id="support-0009", urgency="later")
    emit(
        console,
        FACILITATOR_NS,
        "reply_support",
        {"request_id": request_id, "text": "Thank you for telling me."},
    )

    fresh = facilitator_socket(app, facilitator_client, live_session)
    [state] = received(fresh, FACILITATOR_NS, "session_state")
    assert [(r["name"], r["status"]) for r in state["support_requests"]] == [
        ("Asker", "acknowledged"),
        ("Other", "open"),
    ]
    assert [flag["source"] for flag in state["safety_flags"]] == ["support_message"]

    asker.socket.disconnect(PARTICIPANT_NS)
    asker.socket.connect(namespace=PARTICIPANT_NS, auth={"join_token": live_session.join_token})
    [mine] = asker.events("session_state")[-1]["support_requests"]
    assert (mine["status"], mine["replies"][0]["text"]) == ("acknowledged", "Thank you for telling me.")
    assert "note" not in mine


def test_acknowledging_a_flag_updates_every_console(console, co_console, live_session, join):
    asker = join(live_session, "Asker")
    ask(asker, message="I cut myself again")
    flag = db.session.scalars(db.select(SafetyFlag)).one()
    console.get_received(FACILITATOR_NS)
    assert emit(co_console, FACILITATOR_NS, "acknowledge_flag", {"flag_id": flag.id}) == {"ok": True}
    [(_, entry)] = console_events(console, "safety_flag_updated")
    assert entry["acknowledged"] is True


def test_a_resend_after_a_lost_ack_announces_nothing(console, live_session, join):
    asker = join(live_session, "Asker")
    first = ask(asker)
    console.get_received(FACILITATOR_NS)
    again = ask(asker)
    assert again["request"]["id"] == first["request"]["id"]
    assert console_events(console, *SUPPORT_EVENTS) == []


def test_someone_in_the_waiting_room_can_ask_too(console, live_session, join):
    live_session.waiting_room = True
    db.session.commit()
    waiting = join(live_session, "Still Waiting")
    assert ask(waiting)["ok"]
    [(_, entry)] = console_events(console, "support_requested")
    assert entry["name"] == "Still Waiting"


def test_open_requests_per_participant_are_limited(console, live_session, join):
    asker = join(live_session, "Asker")
    for number in range(3):
        assert ask(asker, client_id=f"support-000{number}")["ok"]
    ack = ask(asker, client_id="support-0099")
    assert ack["ok"] is False
    assert "already has your requests" in ack["error"]
    assert db.session.scalar(db.select(db.func.count(SupportRequest.id))) == 3


def count(model) -> int:
    return db.session.scalar(db.select(db.func.count(model.id)))


def test_requests_are_rate_limited_per_person_across_connections(app, console, live_session, join):
    app.config["SUPPORT_REQUEST_RATE_LIMIT"] = "2 per minute"
    asker, other = join(live_session, "Asker"), join(live_session, "Other")
    second_tab = participant_socket(app, asker)  # the same phone's cookie: the same person
    assert ask(asker, client_id="support-0001")["ok"]
    assert emit(
        second_tab, PARTICIPANT_NS, "request_support", {"client_id": "support-0002", "urgency": "now"}
    )["ok"]
    ack = ask(asker, client_id="support-0003")
    assert ack == {"ok": False, "error": services.RATE_MESSAGE}
    assert "Need urgent help?" in ack["error"]
    assert ask(other, client_id="support-0004")["ok"]
    assert count(SupportRequest) == 3


def test_a_flagged_message_gets_through_past_the_limit_once_per_interval(app, console, live_session, join):
    app.config["SUPPORT_REQUEST_RATE_LIMIT"] = "1 per minute"
    asker = join(live_session, "Asker")
    second_tab = participant_socket(app, asker)
    assert ask(asker, client_id="support-0001", message="Could we talk?")["ok"]
    console.get_received(FACILITATOR_NS)

    risky = {"client_id": "support-0002", "urgency": "later", "message": "I want to kill myself"}
    ack = emit(second_tab, PARTICIPANT_NS, "request_support", risky)
    assert ack["ok"] and ack["flagged"] is True
    assert [name for name, _ in console_events(console, *SUPPORT_EVENTS)] == [
        "safety_flagged",
        "support_requested",
    ]

    # The next one within the interval meets the limit, from whichever connection, and is told
    # kindly where the crisis numbers are. Nothing of it is stored or announced.
    ack = ask(asker, client_id="support-0003", message="I want to die")
    assert ack == {"ok": False, "error": services.RISK_MESSAGE}
    assert "Need urgent help?" in ack["error"]
    assert (count(SupportRequest), count(SafetyFlag)) == (2, 1)
    assert console_events(console, *SUPPORT_EVENTS) == []


def test_nothing_reaches_the_screen_or_another_session(
    app, facilitator, facilitator_client, group, console, live_session, join
):
    screen = socketio.test_client(
        app,
        namespace=FACILITATOR_NS,
        auth={"live_session_id": live_session.id, "screen": True},
        flask_test_client=facilitator_client,
    )
    [screen_state] = received(screen, FACILITATOR_NS, "session_state")
    assert "support_requests" not in screen_state and "safety_flags" not in screen_state
    other = session_services.create_session(facilitator, group, title="Other", waiting_room=False)
    db.session.commit()
    other_console = facilitator_socket(app, facilitator_client, other)
    other_console.get_received(FACILITATOR_NS)

    asker = join(live_session, "Asker")
    ask(asker, message="I want to hurt myself")
    request_id = db.session.scalars(db.select(SupportRequest.id)).one()
    emit(console, FACILITATOR_NS, "acknowledge_support", {"request_id": request_id})
    for sock in (screen, other_console):
        assert console_events(sock, *SUPPORT_EVENTS, "safety_flag_updated") == []
    # Another session's console cannot act on this request either.
    ack = emit(other_console, FACILITATOR_NS, "reply_support", {"request_id": request_id, "text": "Hi"})
    assert ack == {"ok": False, "error": "We couldn't find that request."}


def test_participants_cannot_send_facilitator_events(console, live_session, join):
    asker, other = join(live_session, "Asker"), join(live_session, "Other")
    request_id = ask(asker)["request"]["id"]
    for event, payload in [
        ("acknowledge_support", {"request_id": request_id}),
        ("reply_support", {"request_id": request_id, "text": "pretending"}),
        ("resolve_support", {"request_id": request_id}),
    ]:
        other.socket.emit(event, payload, namespace=PARTICIPANT_NS)
    support_request = db.session.get(SupportRequest, request_id)
    db.session.refresh(support_request)
    assert support_request.status == "open" and support_request.replies == []


BAD_REQUESTS = [
    ({"urgency": "now"}, "client id is missing"),
    ({"client_id": "short", "urgency": "now"}, "client id"),
    ({"client_id": "has spaces in it!", "urgency": "now"}, "client id"),
    ({"client_id": "support-0001"}, "urgency is missing"),
    ({"client_id": "support-0001", "urgency": "soon"}, "urgency must be one of"),
    ({"client_id": "support-0001", "urgency": True}, "urgency must be one of"),
    ({"client_id": "support-0001", "urgency": "now", "message": "x" * 501}, "500 characters at most"),
    ({"client_id": "support-0001", "urgency": "now", "message": ["a list"]}, "message doesn't look right"),
    ({"client_id": "support-0001", "urgency": "now", "to": "everyone"}, "isn't something we expected"),
    ({"client_id": 12345678, "urgency": "now"}, "client id doesn't look right"),
    ("help", "doesn't look right"),
]


@pytest.mark.parametrize(("payload", "message"), BAD_REQUESTS)
def test_bad_requests_get_a_kind_error_and_write_nothing(console, live_session, join, payload, message):
    asker = join(live_session, "Asker")
    ack = emit(asker.socket, PARTICIPANT_NS, "request_support", payload)
    assert ack["ok"] is False
    assert message in ack["error"]
    assert db.session.scalar(db.select(db.func.count(SupportRequest.id))) == 0
    assert console_events(console, *SUPPORT_EVENTS) == []
    assert ask(asker)["ok"]  # the connection still works


BAD_FACILITATOR_PAYLOADS = [
    ("acknowledge_support", {}, "request id is missing"),
    ("acknowledge_support", {"request_id": "1"}, "request id doesn't look right"),
    ("acknowledge_support", {"request_id": 0}, "must be at least 1"),
    ("acknowledge_support", {"request_id": 999}, "couldn't find that request"),
    ("reply_support", {"request_id": 1}, "text is missing"),
    ("reply_support", {"request_id": 1, "text": "   "}, "text can't be empty"),
    ("reply_support", {"request_id": 1, "text": "x" * 501}, "500 characters at most"),
    ("reply_support", {"request_id": 1, "text": "hi", "to": 2}, "isn't something we expected"),
    ("resolve_support", {"request_id": 1, "note": "x" * 1001}, "1000 characters at most"),
    ("resolve_support", {"request_id": 1, "note": 5}, "note doesn't look right"),
    ("acknowledge_flag", {"flag_id": -1}, "must be at least 1"),
    ("acknowledge_flag", {"flag_id": 999}, "couldn't find that flag"),
]


@pytest.mark.parametrize(("event", "payload", "message"), BAD_FACILITATOR_PAYLOADS)
def test_bad_facilitator_payloads_change_nothing(console, live_session, join, event, payload, message):
    asker = join(live_session, "Asker")
    assert ask(asker)["request"]["id"] == 1
    ack = emit(console, FACILITATOR_NS, event, payload)
    assert ack["ok"] is False
    assert message in ack["error"]
    support_request = db.session.get(SupportRequest, 1)
    db.session.refresh(support_request)
    assert support_request.status == "open" and support_request.replies == []


def test_one_acknowledgement_covers_a_request_and_the_flag_its_message_raised(console, live_session, join):
    phone = join(live_session, "Asker")
    request_id = ask(phone, message="I have been saving my pills and I know when I'll do it")["request"]["id"]
    received(console, FACILITATOR_NS, "safety_flagged")
    ack = emit(console, FACILITATOR_NS, "acknowledge_support", {"request_id": request_id})
    assert ack == {"ok": True}
    [flag_update] = received(console, FACILITATOR_NS, "safety_flag_updated")
    assert flag_update["acknowledged"] is True
    flag = db.session.scalar(select(SafetyFlag))
    request = db.session.get(SupportRequest, request_id)
    db.session.refresh(flag)
    db.session.refresh(request)
    assert flag.acknowledged_at == request.acknowledged_at is not None
