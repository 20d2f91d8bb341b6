"""Crisis resources: tappable phone numbers, escaped text, and the sheet on every participant page."""

import pytest

from config import DEFAULT_CRISIS_RESOURCES
from facilitator.extensions import db
from facilitator.support.crisis import LinePart, crisis_lines


@pytest.mark.parametrize(
    ("line", "numbers"),
    [
        (
            "United States: call or text 988 (Suicide & Crisis Lifeline), or 911.",
            [("988", "988"), ("911", "911")],
        ),
        ("Canada: call or text 9-8-8, or 911 in an emergency.", [("9-8-8", "988"), ("911", "911")]),
        (
            "Samaritans, call 116 123 (free, any time); 999 or 112",
            [("116 123", "116123"), ("999", "999"), ("112", "112")],
        ),
        ("Lifeline, call 13 11 14; 000 in an emergency.", [("13 11 14", "131114"), ("000", "000")]),
        ("Call (800) 273-8255 now.", [("(800) 273-8255", "8002738255")]),
        ("From abroad: +44 (0)20 7946 0958", [("+44 (0)20 7946 0958", "+442079460958")]),
        ("+1 800.273.8255", [("+1 800.273.8255", "+18002738255")]),
        ("Text HOME to 741741.", [("741741", "741741")]),
        ("(988)", [("988", "988")]),
        # Not phone numbers: times, hours, prices, counts, addresses, too short or too long.
        ("Open 24/7, from 9.30 or 10:30 to 18.00", []),
        ("A $100 gift, 1,000 people, 3.5 stars", []),
        ("See www.988lifeline.org or 988lifeline.org", []),
        ("Press 1, then 2", []),
        ("Reference 1234567890123456", []),
        ("No numbers here at all", []),
    ],
)
def test_phone_numbers_are_found_and_dialled_as_digits(line, numbers):
    [parts] = crisis_lines(line)
    assert "".join(part.text for part in parts) == line  # nothing is lost or changed
    assert [(part.text, part.tel) for part in parts if part.tel] == numbers


def test_each_non_empty_line_is_one_resource():
    lines = crisis_lines("  Call 988  \n\n   \nText 741741\n")
    assert lines == [
        [LinePart("Call "), LinePart("988", "988")],
        [LinePart("Text "), LinePart("741741", "741741")],
    ]


def test_the_default_resources_make_every_emergency_number_tappable():
    tels = [part.tel for line in crisis_lines(DEFAULT_CRISIS_RESOURCES) for part in line if part.tel]
    assert tels == ["988", "911", "988", "911", "116123", "999", "112", "131114", "000"]


def test_the_sheet_keeps_the_text_escaped_and_links_the_numbers(client, group, live_session):
    group.crisis_resources = "<b>Crisis line</b> <script>alert(1)</script>: call 0800 123 456"
    db.session.commit()
    html = client.get(f"/j/{live_session.join_token}").get_data(as_text=True)
    assert "&lt;b&gt;Crisis line&lt;/b&gt; &lt;script&gt;alert(1)&lt;/script&gt;: call " in html
    assert '<a class="tel" href="tel:0800123456">0800 123 456</a>' in html
    assert "<script>alert(1)" not in html


def test_the_start_page_shows_the_default_resources(client, facilitator):
    html = client.get("/").get_data(as_text=True)
    assert "Stepwise is not an emergency service" in html
    assert 'href="tel:988"' in html


def test_a_participant_who_lands_on_a_missing_page_still_sees_them(client, facilitator_client):
    html = client.get("/j/no-such-session-token").get_data(as_text=True)
    assert "find that session" in html and "Stepwise is not an emergency service" in html
    # A facilitator's error page is about their work, not a crisis sheet.
    assert "not an emergency service" not in facilitator_client.get("/groups/999").get_data(as_text=True)


def test_every_participant_screen_has_the_sheet_and_the_room_the_support_button(
    client, facilitator, live_session, join
):
    from facilitator.sessions import services as session_services

    phone = join(live_session, "Quiet Heron", connect=False)
    room = phone.client.get(f"/j/{live_session.join_token}/room").get_data(as_text=True)
    assert "Stepwise is not an emergency service" in room
    assert 'id="support-open"' in room and "I need support" in room
    assert 'maxlength="500"' in room
    session_services.end_session(facilitator, live_session)
    db.session.commit()
    closed = client.get(f"/j/{live_session.join_token}").get_data(as_text=True)
    assert "Stepwise is not an emergency service" in closed
