"""Asking for support over HTTP (the room's support form), for a phone without its live connection.

The same rules as the `request_support` event: who may ask, validation, the limits, the risk
screen, a client id stored once, and the same alerts to the consoles.
"""

import pytest
from sqlalchemy.exc import IntegrityError

from facilitator.extensions import db
from facilitator.realtime.callers import NOT_IN_SESSION_MESSAGE, NOT_SEATED_MESSAGE
from facilitator.realtime.events import NOT_LIVE_MESSAGE
from facilitator.realtime.rooms import FACILITATOR_NS, PARTICIPANT_NS
from facilitator.safety.models import SafetyFlag
from facilitator.sessions import services as session_services
from facilitator.support import routes, services
from facilitator.support.forms import RESEND_MESSAGE
from facilitator.support.models import SupportRequest

from ..conftest import csrf_token, emit, participant_socket, received

JSON = {"Accept": "application/json"}
RISKY = "I want to kill myself"


def support_url(live_session) -> str:
    return f"/j/{live_session.join_token}/support"


def room_form(phone) -> dict:
    """The room page's CSRF token and the client id its support form was made with."""
    html = phone.client.get(f"/j/{phone.join_token}/room").get_data(as_text=True)
    client_id = html.split('id="support-client-id" name="client_id" type="hidden" value="')[1].split('"')[0]
    return {"csrf_token": csrf_token(html), "client_id": client_id}


def post(phone, live_session, *, json=True, form=None, **fields):
    """Post the support form as the room's script does (JSON back) or as a plain form (a page)."""
    data = {**(form or room_form(phone)), "urgency": "now", "message": "", **fields}
    return phone.client.post(support_url(live_session), data=data, headers=JSON if json else {})


def stored() -> list[SupportRequest]:
    return list(db.session.scalars(db.select(SupportRequest).order_by(SupportRequest.id)))


def console_support_events(console) -> list[tuple[str, dict]]:
    names = ("support_requested", "safety_flagged", "support_updated")
    return [(m["name"], m["args"][0]) for m in console.get_received(FACILITATOR_NS) if m["name"] in names]


def test_a_request_over_http_alerts_the_console_as_the_event_does(app, console, live_session, join):
    phone = join(live_session, "Asker")
    response = post(phone, live_session, client_id="http-request-1", message="Could we talk at the break?")
    assert response.status_code == 200
    ack = response.get_json()
    assert ack["ok"] and ack["client_id"] == "http-request-1"
    assert ack["request"]["status"] == "open" and ack["request"]["message"] == "Could we talk at the break?"
    [(name, entry)] = console_support_events(console)
    assert (name, entry["name"], entry["urgency"]) == ("support_requested", "Asker", "now")
    # The asker's own screens (a tab that is connected) learn it too.
    assert phone.events("support_updated")[-1]["id"] == ack["request"]["id"]
    # The same acknowledgement as the event's.
    event_ack = emit(
        phone.socket, PARTICIPANT_NS, "request_support", {"client_id": "socket-request", "urgency": "later"}
    )
    assert set(event_ack) == set(ack)


def test_a_plain_form_post_comes_back_to_the_room_with_a_kind_word(console, live_session, join):
    phone = join(live_session, "Asker", connect=False)
    response = post(phone, live_session, json=False, urgency="later")
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/j/{live_session.join_token}/room")
    room = phone.client.get(response.headers["Location"]).get_data(as_text=True)
    assert routes.THANKS_MESSAGE.replace("'", "&#39;") in room
    assert '<details class="crisis" id="crisis">' in room  # closed: nothing worrying was said
    [request] = stored()
    assert request.urgency == "later"
    assert [name for name, _ in console_support_events(console)] == ["support_requested"]


def test_a_flagged_message_over_http_gets_the_crisis_resources(console, live_session, join):
    phone = join(live_session, "Asker", connect=False)
    ack = post(phone, live_session, client_id="http-request-1", urgency="later", message=RISKY).get_json()
    assert ack["ok"] and ack["flagged"] is True
    events = dict(console_support_events(console))
    assert events["safety_flagged"]["source"] == "support_message"
    assert events["support_requested"]["urgent"] is True

    # Without the script: back in the room with the crisis resources open, and a gentle word.
    response = post(phone, live_session, json=False, message="I want to die")
    room = phone.client.get(response.headers["Location"]).get_data(as_text=True)
    assert '<details class="crisis" id="crisis" open>' in room
    assert "Thank you for telling us." in room
    assert db.session.scalar(db.select(db.func.count(SafetyFlag.id))) == 2


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"urgency": "soon"}, "Please choose whether you'd like support now or after the session."),
        ({"urgency": ""}, "Please choose whether you'd like support now or after the session."),
        ({"message": "x" * 501}, "Please keep your message to 500 characters."),
        ({"client_id": "short"}, RESEND_MESSAGE),
        ({"client_id": "not allowed!"}, RESEND_MESSAGE),
        ({"client_id": ""}, RESEND_MESSAGE),
    ],
)
def test_bad_requests_get_a_kind_message_and_store_nothing(console, live_session, join, fields, message):
    phone = join(live_session, "Asker", connect=False)
    response = post(phone, live_session, **fields)
    assert response.status_code == 400
    assert response.get_json() == {"ok": False, "error": message}
    # Without the script: the room again, the sheet open with the words and why.
    page = post(phone, live_session, json=False, **fields)
    assert page.status_code == 400
    html = page.get_data(as_text=True)
    assert 'id="support-sheet" aria-labelledby="support-sheet-heading" open' in html
    assert message.replace("'", "&#39;") in html
    if "message" in fields:
        assert f">{fields['message']}</textarea>" in html
    assert stored() == [] and console_support_events(console) == []


def test_the_limits_are_the_events_limits(app, console, live_session, join):
    app.config["SUPPORT_REQUEST_RATE_LIMIT"] = "2 per minute"
    phone = join(live_session, "Asker")
    assert post(phone, live_session, client_id="http-request-1").get_json()["ok"]
    # Counted per person across the socket and HTTP alike.
    event = {"client_id": "socket-request-2", "urgency": "now"}
    assert emit(phone.socket, PARTICIPANT_NS, "request_support", event)["ok"]
    response = post(phone, live_session, client_id="http-request-3")
    assert response.status_code == 403
    assert response.get_json() == {"ok": False, "error": services.RATE_MESSAGE}
    page = post(phone, live_session, json=False, client_id="http-request-4")
    assert page.status_code == 403 and "Please give it a little while" in page.get_data(as_text=True)
    assert len(stored()) == 2
    # A flagged message goes past them, once.
    assert post(phone, live_session, client_id="http-request-5", message=RISKY).get_json()["flagged"]
    assert post(phone, live_session, client_id="http-request-6", message=RISKY).get_json() == {
        "ok": False,
        "error": services.RISK_MESSAGE,
    }


def test_open_requests_are_capped_over_http_too(console, live_session, join):
    phone = join(live_session, "Asker", connect=False)
    for number in range(3):
        assert post(phone, live_session, client_id=f"http-request-{number}").get_json()["ok"]
    refused = post(phone, live_session, client_id="http-request-9").get_json()
    assert refused == {"ok": False, "error": services.OPEN_CAP_MESSAGE}


def test_the_same_client_id_is_stored_once_whichever_way_it_comes(app, console, live_session, join):
    phone = join(live_session, "Asker")
    form = room_form(phone)
    first = post(phone, live_session, form=form).get_json()
    console.get_received(FACILITATOR_NS)
    # The form sent twice (a double tap, a reload of the post)...
    again = post(phone, live_session, form=form).get_json()
    assert again["ok"] and again["request"]["id"] == first["request"]["id"]
    assert post(phone, live_session, json=False, form=form).status_code == 302
    # ...and resent over the socket once it connects: one request, announced once.
    resend = {"client_id": form["client_id"], "urgency": "now"}
    assert (
        emit(phone.socket, PARTICIPANT_NS, "request_support", resend)["request"]["id"]
        == first["request"]["id"]
    )
    assert len(stored()) == 1
    assert console_support_events(console) == []


def test_a_request_stored_over_the_socket_at_the_same_moment_is_not_stored_twice(
    app, console, live_session, join, monkeypatch
):
    """The socket stores it between this request's check for it and its insert: the insert fails
    on the unique client id, and the request is answered as the resend it is."""
    phone = join(live_session, "Asker")
    request_support = services.request_support
    raced = []

    def racing(participant, live_session, **kwargs):
        if not raced:
            raced.append(True)
            ack = emit(
                phone.socket,
                PARTICIPANT_NS,
                "request_support",
                {"client_id": kwargs["client_id"], "urgency": "now"},
            )
            assert ack["ok"]
            raise IntegrityError("INSERT INTO support_request", {}, Exception("UNIQUE constraint failed"))
        return request_support(participant, live_session, **kwargs)

    monkeypatch.setattr(routes.services, "request_support", racing)
    ack = post(phone, live_session, client_id="raced-request").get_json()
    assert ack["ok"] and raced
    assert [r.client_id for r in stored()] == ["raced-request"]
    assert [name for name, _ in console_support_events(console)] == ["support_requested"]


def test_someone_in_the_waiting_room_can_ask_over_http(console, live_session, join):
    live_session.waiting_room = True
    db.session.commit()
    phone = join(live_session, "Still Waiting", connect=False)
    assert post(phone, live_session).get_json()["ok"]


def refused(phone, live_session, status: int, message: str) -> None:
    response = post(
        phone,
        live_session,
        form={
            "csrf_token": csrf_token(phone.client.get("/").get_data(as_text=True)),
            "client_id": "refused-request",
        },
    )
    assert response.status_code == status
    assert response.get_json() == {"ok": False, "error": message}
    page = phone.client.post(
        support_url(live_session),
        data={
            "csrf_token": csrf_token(phone.client.get("/").get_data(as_text=True)),
            "client_id": "refused-request",
            "urgency": "now",
        },
    )
    assert page.status_code == status and message.replace("'", "&#39;") in page.get_data(as_text=True)
    assert stored() == []


def test_a_removed_participant_is_refused(facilitator, console, live_session, join):
    phone = join(live_session, "Removed", connect=False)
    session_services.remove_participant(facilitator, live_session, phone.participant_id)
    db.session.commit()
    refused(phone, live_session, 403, NOT_IN_SESSION_MESSAGE)
    assert console_support_events(console) == []


def test_someone_who_left_is_refused(live_session, join):
    phone = join(live_session, "Gone", connect=False)
    participant = db.session.get(session_services.Participant, phone.participant_id)
    session_services.leave_session(participant)
    db.session.commit()
    refused(phone, live_session, 403, NOT_IN_SESSION_MESSAGE)


def test_nobody_can_ask_once_the_session_has_ended(facilitator, live_session, join):
    phone = join(live_session, "Late", connect=False)
    session_services.end_session(facilitator, live_session)
    db.session.commit()
    refused(phone, live_session, 403, NOT_LIVE_MESSAGE)


def test_without_a_seat_nobody_is_recognised(app, group, facilitator, live_session, join):
    stranger = join(live_session, "Stranger", connect=False)
    stranger.client.delete_cookie(f"stepwise_seat_{live_session.id}")
    refused(stranger, live_session, 403, NOT_SEATED_MESSAGE)
    # A seat in another session is not a seat in this one.
    other = session_services.create_session(facilitator, group, title="Other", waiting_room=False)
    db.session.commit()
    elsewhere = join(other, "Elsewhere", connect=False)
    refused(elsewhere, live_session, 403, NOT_SEATED_MESSAGE)


def test_an_unknown_session_is_not_found(join, live_session):
    phone = join(live_session, "Asker", connect=False)
    response = phone.client.post("/j/no-such-session/support", data=room_form(phone), headers=JSON)
    assert response.status_code == 404
    assert response.get_json()["ok"] is False


def test_the_form_needs_its_csrf_token(console, live_session, join):
    phone = join(live_session, "Asker", connect=False)
    form = {"client_id": "no-token-request", "urgency": "now"}
    assert phone.client.post(support_url(live_session), data=form, headers=JSON).status_code == 400
    assert (
        phone.client.post(support_url(live_session), data={**form, "csrf_token": "forged"}).status_code == 400
    )
    assert stored() == [] and console_support_events(console) == []


def test_the_seat_cookie_decides_who_asks_not_the_form(console, live_session, join):
    asker, other = join(live_session, "Asker", connect=False), join(live_session, "Other", connect=False)
    response = post(asker, live_session, participant_id=str(other.participant_id))
    assert response.status_code == 200
    [request] = stored()
    assert request.participant_id == asker.participant_id


def test_the_room_page_has_a_real_form(live_session, join):
    phone = join(live_session, "Asker", connect=False)
    html = phone.client.get(f"/j/{live_session.join_token}/room").get_data(as_text=True)
    assert f'method="post" action="/j/{live_session.join_token}/support"' in html
    assert 'href="#support-sheet"' in html  # the button works before the script does
    first, second = room_form(phone)["client_id"], room_form(phone)["client_id"]
    assert first != second  # each page, its own request


def test_participant_sockets_still_work_after_an_http_request(app, console, live_session, join):
    phone = join(live_session, "Asker", connect=False)
    assert post(phone, live_session).get_json()["ok"]
    phone.socket = participant_socket(app, phone)
    state = received(phone.socket, PARTICIPANT_NS, "session_state")[-1]
    assert [r["client_id"] for r in state["support_requests"]] == [stored()[0].client_id]
