"""The take-home link is offered to everyone in the room when the session ends."""

from facilitator.extensions import db
from facilitator.realtime.rooms import FACILITATOR_NS
from facilitator.sessions import services as session_services
from facilitator.summaries.models import SessionSummary

from ..conftest import post_form, received


def take_home_path(live_session) -> str:
    return f"/take-home/{db.session.get(SessionSummary, live_session.id).take_home_token}"


def test_ending_from_the_console_offers_the_take_home_link(console, live_session, join):
    ana = join(live_session, "Ana")
    ack = console.emit("end_session", {}, namespace=FACILITATOR_NS, callback=True)
    assert ack == {"ok": True}
    (ended,) = ana.events("session_ended")
    assert ended["take_home_url"] == take_home_path(live_session)
    assert ended["take_home_url"] != f"/j/{live_session.join_token}"


def test_ending_over_http_offers_it_too_also_to_the_waiting_room(
    facilitator_client, group, facilitator, join
):
    live_session = session_services.create_session(facilitator, group, title="Week 13", waiting_room=True)
    db.session.commit()
    waiting = join(live_session, "Bo")
    response = post_form(
        facilitator_client, f"/sessions/{live_session.id}/end", {}, form_url=f"/sessions/{live_session.id}"
    )
    assert response.status_code == 302
    (ended,) = waiting.events("session_ended")
    assert ended["take_home_url"] == take_home_path(live_session)


def test_the_console_is_told_too(console, live_session):
    console.emit("end_session", {}, namespace=FACILITATOR_NS, callback=True)
    (ended,) = received(console, FACILITATOR_NS, "session_ended")
    assert ended["session"]["state"] == "ended" and ended["take_home_url"] == take_home_path(live_session)
