from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from facilitator.clock import utcnow
from facilitator.extensions import db
from facilitator.sessions import services
from facilitator.sessions.forms import NewSessionForm
from facilitator.sessions.models import LiveSession, Participant

from ..conftest import csrf_token, login, post_form


def test_start_a_session_from_the_group_page(facilitator_client, group):
    response = post_form(
        facilitator_client,
        f"/groups/{group.id}/sessions",
        {"title": "Week 1"},
        form_url=f"/groups/{group.id}",
    )
    live_session = db.session.scalars(db.select(LiveSession)).one()
    assert response.headers["Location"] == f"/sessions/{live_session.id}"
    console = facilitator_client.get(f"/sessions/{live_session.id}").get_data(as_text=True)
    assert live_session.display_code in console
    assert f"/j/{live_session.join_token}" in console


def test_schedule_a_session_in_local_time(facilitator_client, group):
    when = (utcnow() + timedelta(days=1)).replace(second=0, microsecond=0)
    local = when - timedelta(minutes=120)  # a facilitator two hours ahead of... behind UTC
    post_form(
        facilitator_client,
        f"/groups/{group.id}/sessions",
        {"title": "Later", "scheduled_for": local.strftime("%Y-%m-%dT%H:%M"), "utc_offset_minutes": "120"},
        form_url=f"/groups/{group.id}",
    )
    live_session = db.session.scalars(db.select(LiveSession)).one()
    assert live_session.state == "scheduled"
    assert live_session.scheduled_for == when


def test_a_session_scheduled_across_a_change_of_clocks_takes_that_dates_offset(facilitator_client, group):
    """The browser's offset is today's; its time zone gives the offset on the scheduled date."""
    zone = ZoneInfo("America/New_York")
    now = datetime.now(zone)
    noons = (
        now.replace(tzinfo=None, hour=12, minute=0, second=0, microsecond=0) + timedelta(days=n)
        for n in range(1, 367)
    )
    # The first noon ahead on the other side of a change of clocks.
    local = next(noon for noon in noons if noon.replace(tzinfo=zone).utcoffset() != now.utcoffset())
    todays_offset = -now.utcoffset() // timedelta(minutes=1)  # as JavaScript's getTimezoneOffset()
    page = facilitator_client.get(f"/groups/{group.id}").get_data(as_text=True)
    assert 'name="time_zone"' in page and 'name="utc_offset_minutes"' in page
    post_form(
        facilitator_client,
        f"/groups/{group.id}/sessions",
        {
            "title": "After the clocks change",
            "scheduled_for": local.strftime("%Y-%m-%dT%H:%M"),
            "utc_offset_minutes": str(todays_offset),
            "time_zone": "America/New_York",
        },
        form_url=f"/groups/{group.id}",
    )
    scheduled_for = db.session.scalars(db.select(LiveSession.scheduled_for)).one()
    assert scheduled_for == local.replace(tzinfo=zone).astimezone(UTC).replace(tzinfo=None)
    assert abs(scheduled_for - (local + timedelta(minutes=todays_offset))) == timedelta(hours=1)


@pytest.mark.parametrize(
    ("typed", "offset", "zone", "expected"),
    [
        # Typed in winter for a summer evening in New York (UTC-5 then, UTC-4 on the day).
        ("2026-07-01T18:00", 300, "America/New_York", datetime(2026, 7, 1, 22, 0)),
        # Typed in summer for a winter evening in London (UTC+1 then, UTC on the day).
        ("2026-12-01T18:00", -60, "Europe/London", datetime(2026, 12, 1, 18, 0)),
        # 02:30 does not exist in New York on 8 March 2026: read as before the change, as browsers do.
        ("2026-03-08T02:30", 300, "America/New_York", datetime(2026, 3, 8, 7, 30)),
        # No time zone, or one unknown here: the browser's offset, as before.
        ("2026-07-01T18:00", 300, "", datetime(2026, 7, 1, 23, 0)),
        ("2026-07-01T18:00", 300, "Mars/Olympus", datetime(2026, 7, 1, 23, 0)),
        ("2026-07-01T18:00", 300, "../../etc/passwd", datetime(2026, 7, 1, 23, 0)),
    ],
)
def test_a_scheduled_time_in_utc(app, typed, offset, zone, expected):
    form_data = {"scheduled_for": typed, "utc_offset_minutes": str(offset), "time_zone": zone}
    with app.test_request_context(method="POST", data=form_data):
        form = NewSessionForm(meta={"csrf": False})
        assert form.validate(), form.errors
        assert form.scheduled_for_utc() == expected


def test_join_page_offers_a_friendly_name_and_crisis_resources(client, live_session):
    html = client.get(f"/j/{live_session.join_token}").get_data(as_text=True)
    assert 'name="display_name"' in html
    assert "Stepwise is not an emergency service" in html
    assert "988" in html
    assert "e-mail" in html  # says plainly that none is asked


def test_joining_sets_a_seat_cookie_and_the_same_phone_comes_back(join, live_session):
    phone = join(live_session, "Brave Otter", connect=False)
    cookie = phone.client.get_cookie(f"stepwise_seat_{live_session.id}")
    assert cookie.http_only
    assert cookie.same_site == "Lax"
    # Reopening the link goes straight back to the same seat, without a second participant.
    response = phone.client.get(f"/j/{live_session.join_token}")
    assert response.headers["Location"] == f"/j/{live_session.join_token}/room"
    room = phone.client.get(f"/j/{live_session.join_token}/room").get_data(as_text=True)
    assert "Brave Otter" in room
    assert db.session.scalar(db.select(db.func.count(Participant.id))) == 1


def test_a_forged_seat_cookie_is_ignored(client, join, live_session):
    join(live_session, "Real Person", connect=False)
    client.set_cookie(f"stepwise_seat_{live_session.id}", "forged.value.here")
    assert (
        client.get(f"/j/{live_session.join_token}/room").headers["Location"]
        == f"/j/{live_session.join_token}"
    )


def test_facilitator_sees_who_joined(facilitator_client, join, live_session):
    join(live_session, "Gentle Fern", connect=False)
    html = facilitator_client.get(f"/sessions/{live_session.id}").get_data(as_text=True)
    assert "Gentle Fern" in html


def test_code_typed_on_the_start_page_leads_to_the_session(client, live_session):
    response = post_form(client, "/join", {"code": live_session.display_code.lower()}, form_url="/")
    assert response.headers["Location"] == f"/j/{live_session.join_token}"


@pytest.mark.parametrize(
    ("code", "message"),
    [("", "Please type the code"), ("ZZZZZZ", "couldn&#39;t find a session"), ("X" * 13, "longer than ours")],
)
def test_bad_codes_get_a_kind_message(client, live_session, code, message):
    response = post_form(client, "/join", {"code": code}, form_url="/")
    assert response.status_code == 400
    assert message in response.get_data(as_text=True)


@pytest.mark.parametrize(
    ("name", "message"), [("", "Please choose a name"), ("x" * 41, "40 characters or fewer")]
)
def test_join_form_explains_bad_names(client, live_session, name, message):
    response = post_form(client, f"/j/{live_session.join_token}", {"display_name": name})
    assert response.status_code == 200
    assert message in response.get_data(as_text=True)
    assert db.session.scalar(db.select(db.func.count(Participant.id))) == 0


def test_participant_names_are_escaped(facilitator_client, join, live_session):
    join(live_session, "<img src=x onerror=alert(1)>", connect=False)
    html = facilitator_client.get(f"/sessions/{live_session.id}").get_data(as_text=True)
    assert "<img src=x" not in html
    assert "&lt;img src=x onerror=alert(1)&gt;" in html


def test_ended_session_refuses_joins_kindly(client, live_session, facilitator):
    services.end_session(facilitator, live_session)
    db.session.commit()
    response = client.get(f"/j/{live_session.join_token}")
    assert response.status_code == 403
    assert "This session has ended. Thank you for being part of it." in response.get_data(as_text=True)


def test_unknown_join_link_gets_a_kind_404(client, facilitator):
    response = client.get("/j/not-a-real-token")
    assert response.status_code == 404
    assert "check the link" in response.get_data(as_text=True)


def test_end_session_over_http(facilitator_client, live_session):
    post_form(
        facilitator_client, f"/sessions/{live_session.id}/end", {}, form_url=f"/sessions/{live_session.id}"
    )
    assert live_session.is_ended


def test_shared_screen_and_qr_code(facilitator_client, live_session):
    html = facilitator_client.get(f"/sessions/{live_session.id}/screen").get_data(as_text=True)
    assert live_session.display_code in html
    qr = facilitator_client.get(f"/sessions/{live_session.id}/qr.svg")
    assert qr.mimetype == "image/svg+xml"
    assert qr.get_data(as_text=True).lstrip().startswith(("<?xml", "<svg"))


def test_sessions_of_other_groups_are_not_found(app, live_session, make_facilitator):
    client = app.test_client()
    login(client, make_facilitator("Other"))
    for path in ("", "/screen", "/qr.svg"):
        assert client.get(f"/sessions/{live_session.id}{path}").status_code == 404


def test_after_the_end_a_participant_finds_the_take_home_page_again(client, join, live_session, facilitator):
    phone = join(live_session, "Came Back", connect=False)
    services.end_session(facilitator, live_session)
    db.session.commit()
    again = phone.client.get(f"/j/{live_session.join_token}").get_data(as_text=True)
    assert "Something to take home" in again
    assert "/take-home/" in again
    # Someone who never took part is not offered it.
    assert "/take-home/" not in client.get(f"/j/{live_session.join_token}").get_data(as_text=True)


# --- removal keeps that browser out -------------------------------------------------------------


def _participants() -> int:
    return db.session.scalar(db.select(db.func.count(Participant.id)))


def _remove(facilitator, live_session, phone) -> None:
    services.remove_participant(facilitator, live_session, phone.participant_id)
    db.session.commit()


def test_a_removed_browser_cannot_rejoin_by_link(join, live_session, facilitator):
    sam = join(live_session, "Sam", connect=False)
    token = csrf_token(sam.client.get("/").get_data(as_text=True))  # the join page no longer has a form
    _remove(facilitator, live_session, sam)
    sam.client.delete_cookie(f"stepwise_seat_{live_session.id}")  # not even without its seat

    page = sam.client.get(f"/j/{live_session.join_token}")
    assert page.status_code == 403
    assert services.REMOVED_MESSAGE.replace("'", "&#39;") in page.get_data(as_text=True)
    assert 'name="display_name"' not in page.get_data(as_text=True)

    again = sam.client.post(
        f"/j/{live_session.join_token}", data={"csrf_token": token, "display_name": "Someone New"}
    )
    assert again.status_code == 403
    assert services.REMOVED_MESSAGE.replace("'", "&#39;") in again.get_data(as_text=True)
    assert _participants() == 1
    assert sam.client.get_cookie(f"stepwise_seat_{live_session.id}") is None


def test_a_removed_browser_cannot_rejoin_by_code(join, live_session, facilitator):
    sam = join(live_session, "Sam", connect=False)
    _remove(facilitator, live_session, sam)
    response = post_form(
        sam.client, "/join", {"code": live_session.display_code}, form_url="/", follow_redirects=True
    )
    assert response.status_code == 403
    assert response.request.path == f"/j/{live_session.join_token}"
    assert services.REMOVED_MESSAGE.replace("'", "&#39;") in response.get_data(as_text=True)
    assert _participants() == 1


def test_another_browser_can_still_join_after_a_removal(join, live_session, facilitator):
    _remove(facilitator, live_session, join(live_session, "Sam", connect=False))
    ana = join(live_session, "Ana", connect=False)
    assert ana.client.get(f"/j/{live_session.join_token}/room").status_code == 200
    assert _participants() == 2


@pytest.mark.parametrize("secure", [False, True])
def test_the_device_cookie_is_httponly_and_lasts_a_year(app, client, live_session, secure):
    app.config["SESSION_COOKIE_SECURE"] = secure
    response = client.get(f"/j/{live_session.join_token}")
    header = next(h for h in response.headers.getlist("Set-Cookie") if h.startswith("stepwise_device="))
    assert "HttpOnly" in header
    assert "SameSite=Lax" in header
    assert "Max-Age=31536000" in header
    assert ("Secure" in header) is secure


def test_the_same_browser_is_a_different_device_key_in_each_session(
    app, client, live_session, group, facilitator
):
    other_session = services.create_session(facilitator, group, title="Week 13", waiting_room=False)
    db.session.commit()
    for each in (live_session, other_session):
        response = post_form(client, f"/j/{each.join_token}", {"display_name": "Ana"})
        assert response.status_code == 302
    device_cookie = client.get_cookie("stepwise_device").value
    here, there = db.session.scalars(db.select(Participant).order_by(Participant.id)).all()
    assert here.device_key and there.device_key
    assert here.device_key != there.device_key
    assert device_cookie not in (here.device_key, there.device_key)


def test_a_forged_device_cookie_is_replaced(client, live_session):
    client.set_cookie("stepwise_device", "forged.value.here")
    client.get(f"/j/{live_session.join_token}")
    assert client.get_cookie("stepwise_device").value != "forged.value.here"
