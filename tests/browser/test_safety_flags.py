"""Safety flags on the console in real browsers: each says why it was flagged and how urgent it is."""

import json
import sqlite3

import pytest
from playwright.sync_api import expect

from ..conftest import screenshot
from .test_checkin_round import join_on_phone, sign_in_and_start_session
from .test_support import RECORD_ANNOUNCEMENTS, ask_for_support

pytestmark = pytest.mark.browser

SAVING_PILLS = "I have been saving my pills and I know when I'll do it"
NOT_WAKE_UP = "I'm not going to do anything but I wish I could just not wake up"
LOWER_URGENCY = "Lower urgency: they said they would not act on it — still worth a gentle check-in"


def stored_flag(live_server, text: str) -> tuple[list[str], str]:
    """The reasons and urgency the server stored (and sent the consoles) for a flagged text."""
    with sqlite3.connect(live_server.instance_dir / "stepwise.db") as database:
        row = database.execute("SELECT reasons, urgency FROM safety_flag WHERE text = ?", (text,)).fetchone()
    assert row, f"no flag for {text!r}"
    return json.loads(row[0]), row[1]


def test_each_flag_shows_why_it_was_flagged_and_how_urgent_it_is(live_server, new_context):
    laptop = new_context().new_page()
    join_link = sign_in_and_start_session(live_server, laptop)
    ana, bo = (join_on_phone(new_context, join_link, name) for name in ("Ana", "Bo"))
    expect(laptop.locator("#roster-count")).to_have_text("2")
    laptop.evaluate(RECORD_ANNOUNCEMENTS)

    ask_for_support(ana, "After the session is fine", SAVING_PILLS)
    ask_for_support(bo, "After the session is fine", NOT_WAKE_UP)
    flags = laptop.locator("#safety-flags > li")
    expect(flags).to_have_count(2)

    pills_reasons, pills_urgency = stored_flag(live_server, SAVING_PILLS)
    wake_reasons, wake_urgency = stored_flag(live_server, NOT_WAKE_UP)
    assert (pills_urgency, wake_urgency) == ("urgent", "lower")
    assert "method or means" in pills_reasons
    assert "wish to be dead" in wake_reasons

    # Ana's flag: urgent, and why, in words (the colour only repeats them).
    ana_flag = flags.filter(has=laptop.get_by_text("Ana", exact=True))
    expect(ana_flag.locator(".flag-urgency")).to_have_text("Urgent")
    expect(ana_flag.locator(".flag-reasons")).to_have_text(f"Why it was flagged: {', '.join(pills_reasons)}")
    expect(ana_flag).not_to_contain_text("Lower urgency")
    # Bo said he would not act on it: lower urgency, said kindly, and still why.
    bo_flag = flags.filter(has=laptop.get_by_text("Bo", exact=True))
    expect(bo_flag.locator(".flag-urgency")).to_have_text(LOWER_URGENCY)
    expect(bo_flag.locator(".flag-reasons")).to_have_text(f"Why it was flagged: {', '.join(wake_reasons)}")
    expect(bo_flag).not_to_contain_text("Urgent")

    # Each new flag is read out once, with its urgency and its first reason.
    laptop.wait_for_timeout(500)
    announcements = " ".join(laptop.evaluate("window.supportAnnouncements"))
    assert announcements.count(f"A new safety flag from Ana. Urgent: {pills_reasons[0]}.") == 1
    assert announcements.count(f"A new safety flag from Bo. Lower urgency: {wake_reasons[0]}.") == 1

    # Ana's second, lower-urgency flag joins her entry: the highest urgency leads, each flag keeps its own.
    ask_for_support(ana, "After the session is fine", NOT_WAKE_UP + " either")
    expect(ana_flag).to_contain_text("2 flags")
    again_reasons, again_urgency = stored_flag(live_server, NOT_WAKE_UP + " either")
    assert again_urgency == "lower"
    expect(ana_flag.locator(".flag-urgency")).to_have_text("Urgent (the highest of their 2 flags)")
    expect(ana_flag.locator(".support-when").first).to_contain_text("Lower urgency")
    newest_reasons = ana_flag.locator(".flag-reasons").first
    expect(newest_reasons).to_have_text(f"Why it was flagged: {', '.join(again_reasons)}")
    earlier = ana_flag.locator("details.support-earlier")
    earlier.locator("> summary").click()
    expect(earlier.locator(".support-when")).to_contain_text("Urgent")
    expect(earlier.locator(".flag-reasons")).to_have_text(f"Why it was flagged: {', '.join(pills_reasons)}")
    screenshot(laptop, "safety-flag-reasons-console")

    # The buttons stay comfortable to tap.
    for button in laptop.locator("#safety-flags button").all():
        assert button.bounding_box()["height"] >= 44
