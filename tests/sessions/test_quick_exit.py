"""Quick exit on the server: the neutral page it leads to, the button on every participant screen,
the join link after a quick exit, and leaving quietly (away, not left). The browser's part is in
tests/browser/test_quick_exit.py."""

from __future__ import annotations

import re
from datetime import date

import pytest

from facilitator.extensions import db
from facilitator.realtime.rooms import FACILITATOR_NS, PARTICIPANT_NS
from facilitator.sessions import services
from facilitator.sessions.models import Participant
from facilitator.sessions.quick_exit import AWAY_COOKIE, forecast

from ..conftest import participant_socket, received

BUTTON = re.compile(r'<a class="quick-exit-button[^"]*"[^>]*href="/weather"[^>]*>Quick exit<')


def leave_by_quick_exit(phone) -> None:
    """What the phone's quick-exit.js leaves behind for the server: the note on the join link's path."""
    phone.client.set_cookie(AWAY_COOKIE, "1", path=f"/j/{phone.join_token}")


# --- the neutral page -------------------------------------------------------------------------


def test_the_neutral_page_is_not_a_stepwise_page_and_the_same_for_everyone(
    app, client, facilitator_client, live_session, join
):
    phone = join(live_session, "Quiet Heron", connect=False)
    secrets = [
        "stepwise",
        live_session.group.name.lower(),
        live_session.title.lower(),
        "quiet heron",
        live_session.join_token.lower(),
        live_session.join_code.lower(),
        "session",
        "quick exit",
    ]
    pages = {}
    browsers = {"nobody": client, "participant": phone.client, "facilitator": facilitator_client}
    for who, browser in browsers.items():
        response = browser.get("/weather")
        assert response.status_code == 200
        assert response.headers["Cache-Control"] == "no-store"
        assert "Set-Cookie" not in response.headers, who
        headers = " ".join(f"{name}: {value}" for name, value in response.headers.items()).lower()
        pages[who] = text = response.get_data(as_text=True)
        for secret in secrets:
            assert secret not in text.lower(), (who, secret)
            assert secret not in headers, (who, secret)
        assert "<title>Weather</title>" in text
        assert "<script" not in text
        # Its own stylesheet and icon, none of the app's.
        assert re.findall(r'(?:href|src)="([^"]+)"', text) == [
            url for url in re.findall(r'(?:href|src)="([^"]+)"', text) if "weather" in url
        ]
    assert pages["nobody"] == pages["participant"] == pages["facilitator"]
    # Its stylesheet names nothing either.
    css_url = re.search(r'href="([^"]+\.css)"', pages["nobody"]).group(1)
    assert "stepwise" not in client.get(css_url).get_data(as_text=True).lower()


def test_the_forecast_is_made_from_the_date_alone():
    days = forecast(date(2025, 3, 14))
    assert days == forecast(date(2025, 3, 14))
    assert [day.name for day in days] == ["Today", "Tomorrow", "Sunday", "Monday", "Tuesday"]
    for day in days:
        assert day.low < day.high
        assert 0 <= day.rain_chance <= 100 and day.rain_chance % 5 == 0
    # It changes from day to day, like a real one.
    assert len({(day.sky, day.high) for day in forecast(date(2025, 3, 1), 30)}) > 10


# --- the button on every participant screen -------------------------------------------------------


def test_every_participant_screen_has_the_button_and_its_script(app, client, facilitator, live_session, join):
    phone = join(live_session, "Quiet Heron", connect=False)
    token = live_session.join_token
    pages = {
        "start page": client.get("/"),
        "join page": client.get(f"/j/{token}"),
        "room (and waiting room)": phone.client.get(f"/j/{token}/room"),
        "an unknown link": client.get("/j/no-such-link"),
    }
    services.end_session(facilitator, live_session)
    db.session.commit()
    pages["closed session"] = client.get(f"/j/{token}")
    take_home = re.search(r'href="(/take-home/[^"]+)"', phone.client.get(f"/j/{token}").text).group(1)
    pages["take-home page"] = phone.client.get(take_home)
    for name, response in pages.items():
        page = response.get_data(as_text=True)
        in_support_sheet = name.startswith("room")  # the support sheet has its own
        assert len(BUTTON.findall(page)) == 1 + in_support_sheet, name
        assert re.search(r'<script type="module" src="/static/js/quick-exit\.[0-9a-f]{12}\.js">', page), name
        assert 'id="quick-exit-hint"' in page and 'id="quick-exit-status"' in page, name


def test_facilitators_pages_have_no_quick_exit(facilitator_client, live_session):
    for url in (f"/sessions/{live_session.id}", f"/sessions/{live_session.id}/screen", "/groups"):
        page = facilitator_client.get(url).get_data(as_text=True)
        assert "quick-exit" not in page, url


# --- leaving quietly, and coming back ------------------------------------------------------------


def test_quick_exit_leaves_quietly_and_the_link_brings_them_back(app, console, live_session, join):
    phone = join(live_session, "Quiet Heron")
    assert received(console, FACILITATOR_NS, "participant_updated")[-1]["online"] is True

    # Leaving the page closes the connection, and that is all: away, not left; the seat is kept.
    phone.socket.disconnect(namespace=PARTICIPANT_NS)
    leave_by_quick_exit(phone)
    away = received(console, FACILITATOR_NS, "participant_updated")[-1]
    assert (away["name"], away["status"], away["online"]) == ("Quiet Heron", "present", False)
    assert db.session.get(Participant, phone.participant_id).status == "present"

    # Back lands on the join link: it offers to go back in, and opens no room by itself.
    join_page = phone.client.get(f"/j/{phone.join_token}")
    assert join_page.status_code == 200
    text = join_page.get_data(as_text=True)
    assert "Welcome back" in text and f'href="/j/{phone.join_token}/room">Go back in<' in text
    assert 'id="room"' not in text and "Quiet Heron" not in text

    # "Go back in": the room clears the note, and the link goes straight in again.
    room = phone.client.get(f"/j/{phone.join_token}/room")
    assert room.status_code == 200
    cleared = [value for value in room.headers.getlist("Set-Cookie") if value.startswith(f"{AWAY_COOKIE}=")]
    assert len(cleared) == 1 and f"Path=/j/{phone.join_token}" in cleared[0] and "Max-Age=0" in cleared[0]
    assert phone.client.get(f"/j/{phone.join_token}").status_code == 302
    phone.socket = participant_socket(app, phone)
    back = received(console, FACILITATOR_NS, "participant_updated")[-1]
    assert (back["name"], back["status"], back["online"]) == ("Quiet Heron", "present", True)


@pytest.mark.parametrize("state", ["no seat", "left", "ended"])
def test_the_note_changes_nothing_without_a_live_seat(client, facilitator, live_session, join, state):
    if state == "no seat":
        client.set_cookie(AWAY_COOKIE, "1", path=f"/j/{live_session.join_token}")
        page = client.get(f"/j/{live_session.join_token}")
        assert page.status_code == 200 and "Join the session" in page.get_data(as_text=True)
        return
    phone = join(live_session, "Quiet Heron", connect=False)
    leave_by_quick_exit(phone)
    if state == "left":
        services.leave_session(db.session.get(Participant, phone.participant_id))
        db.session.commit()
        page = phone.client.get(f"/j/{phone.join_token}")
        assert page.status_code == 200 and "Join the session" in page.get_data(as_text=True)
    else:
        services.end_session(facilitator, live_session)
        db.session.commit()
        page = phone.client.get(f"/j/{phone.join_token}")
        assert page.status_code != 200 and "Something to take home" in page.get_data(as_text=True)
    assert "Welcome back" not in page.get_data(as_text=True)
