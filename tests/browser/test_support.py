"""Asking for support in real browsers: a phone asks "now", the console is alerted and replies."""

import re

import pytest
from playwright.sync_api import expect

from ..conftest import screenshot
from .test_checkin_round import join_on_phone, sign_in_and_start_session

pytestmark = pytest.mark.browser

REPLY = "Of course. I'll come and sit with you at the break."


def test_a_private_request_for_support_and_the_facilitators_reply(live_server, new_context):
    laptop = new_context().new_page()
    join_link = sign_in_and_start_session(live_server, laptop)
    ana, bo = (join_on_phone(new_context, join_link, name) for name in ("Ana", "Bo"))
    expect(laptop.locator("#roster-count")).to_have_text("2")
    expect(laptop.locator("#support-summary")).to_have_text("Nobody has asked for support.")

    ana.get_by_role("link", name="I need support").click()
    sheet = ana.get_by_role("dialog", name="Ask the facilitator for support")
    expect(sheet).to_be_visible()
    sheet.get_by_label("Now, please").check()
    sheet.get_by_label("Anything you'd like them to know?").fill("Today is really heavy. Could we talk?")
    screenshot(ana, "support-sheet-phone")
    sheet.get_by_role("button", name="Send to the facilitator").click()
    expect(sheet).to_be_hidden()
    expect(ana.locator("#support-own")).to_contain_text("Delivered to the facilitator ✓")

    # The console is alerted without a reload, and the alert stays until acknowledged.
    alert = laptop.locator("#support-alerts .support-alert")
    expect(alert).to_contain_text("Ana asked for support at")
    expect(alert).to_contain_text("Urgent: now, please")
    expect(alert).to_contain_text("Today is really heavy. Could we talk?")
    expect(laptop.locator("#support-summary")).to_have_text("1 waiting to be seen")
    expect(laptop).to_have_title(re.compile(r"^\(1\) "))
    screenshot(laptop, "support-alert-console")

    alert.get_by_role("button", name="Acknowledge Ana's request").click()
    expect(alert).to_have_count(0)
    expect(ana.locator("#support-own")).to_contain_text("The facilitator has seen it ✓")
    laptop.get_by_label("A private reply to Ana").fill(REPLY)
    laptop.get_by_role("button", name="Send privately").click()
    expect(ana.locator("#support-own")).to_contain_text(f"From the facilitator: {REPLY}")
    expect(laptop.locator("#support-open")).to_contain_text(re.compile(f"Reply at .*: {re.escape(REPLY)}"))

    # Nobody else in the group sees anything.
    expect(bo.locator("#support-status")).to_be_hidden()
    expect(bo.locator("body")).not_to_contain_text("Today is really heavy")
    expect(bo.locator("body")).not_to_contain_text(REPLY)

    laptop.locator(".support-resolve summary").click()
    laptop.get_by_label("A private note on how it went").fill(
        "Talked at the break; she has a plan for tonight."
    )
    laptop.get_by_role("button", name="Mark as resolved").click()
    expect(laptop.locator("#support-summary")).to_have_text("Nobody has asked for support.")
    expect(ana.locator("#support-own")).to_contain_text("The facilitator has closed this.")
    expect(ana.locator("body")).not_to_contain_text("she has a plan")


def test_the_alert_sound_stays_muted_after_a_reload(live_server, new_context):
    laptop = new_context().new_page()
    sign_in_and_start_session(live_server, laptop)
    mute = laptop.get_by_label("Mute alert sound")
    expect(mute).not_to_be_checked()
    mute.check()
    laptop.reload()
    expect(laptop.get_by_label("Mute alert sound")).to_be_checked()
    assert laptop.evaluate("localStorage.getItem('stepwise-support-sound-muted')") == "1"
    laptop.get_by_label("Mute alert sound").uncheck()
    laptop.reload()
    expect(laptop.get_by_label("Mute alert sound")).not_to_be_checked()


RECORD_ANNOUNCEMENTS = """() => {
  const announcer = document.getElementById("support-announcer");
  window.supportAnnouncements = [];
  new MutationObserver(() => {
    if (announcer.textContent) window.supportAnnouncements.push(announcer.textContent);
  }).observe(announcer, { childList: true, characterData: true, subtree: true });
}"""


def ask_for_support(phone, urgency: str, message: str) -> None:
    phone.get_by_role("link", name="I need support").click()
    sheet = phone.get_by_role("dialog", name="Ask the facilitator for support")
    sheet.get_by_label(urgency).check()
    sheet.get_by_label("Anything you'd like them to know?").fill(message)
    sheet.get_by_role("button", name="Send to the facilitator").click()
    expect(sheet).to_be_hidden()


def test_one_persons_requests_and_flags_are_grouped_on_the_console(live_server, new_context):
    laptop = new_context().new_page()
    join_link = sign_in_and_start_session(live_server, laptop)
    ana = join_on_phone(new_context, join_link, "Ana")
    expect(laptop.locator("#roster-count")).to_have_text("1")
    laptop.evaluate(RECORD_ANNOUNCEMENTS)

    ask_for_support(ana, "After the session is fine", "Could we talk later?")
    ask_for_support(ana, "After the session is fine", "Honestly I want to die.")
    ask_for_support(ana, "After the session is fine", "I still want to die, sorry.")
    expect(ana.locator("#support-own > li")).to_have_count(3)

    # One card for Ana: how many times, the newest first, the older ones folded, the highest urgency.
    card = laptop.locator("#support-alerts .support-alert")
    expect(card).to_have_count(1)
    expect(card).to_contain_text("Ana asked for support 3 times")
    expect(card.locator("blockquote").first).to_have_text("I still want to die, sorry.")
    expect(card).to_contain_text("Urgent: the safety net noticed their message")
    earlier = card.locator("details.support-earlier")
    expect(earlier.locator("summary")).to_have_text("2 earlier requests")
    expect(earlier.get_by_text("Could we talk later?")).to_be_hidden()
    earlier.locator("summary").click()
    expect(earlier.get_by_text("Could we talk later?")).to_be_visible()
    expect(laptop.locator("#support-summary")).to_have_text("1 waiting to be seen · 2 unread safety flags")
    # Her two flags are one entry too.
    flag = laptop.locator("#safety-flags > li")
    expect(flag).to_have_count(1)
    expect(flag).to_contain_text("2 flags")
    # Read out once for the first request, once more when it became urgent, not for the repeat
    # (alerts arriving within a moment of each other are read out together); the flag with its
    # urgency and first reason.
    laptop.wait_for_timeout(500)
    assert re.fullmatch(
        r"Ana asked for support\. A new safety flag from Ana\. Urgent: [^.]+\. Ana asked for support again: "
        r"2 requests waiting\. The safety net noticed their message\.",
        " ".join(laptop.evaluate("window.supportAnnouncements")),
    )

    # Acknowledging the card acknowledges all three; focus moves to the reply to the newest.
    card.get_by_role("button", name="Acknowledge Ana's 3 requests").click()
    expect(card).to_have_count(0)
    expect(laptop.locator("#support-open > li")).to_have_count(3)
    expect(laptop.locator("#support-open > li").last.locator("textarea").first).to_be_focused()
    expect(ana.locator("#support-own")).not_to_contain_text("Delivered to the facilitator ✓")
    expect(ana.locator("#support-own > li", has_text="The facilitator has seen it ✓")).to_have_count(3)

    # Seeing the requests is seeing the flags their own messages raised: one acknowledgement.
    expect(flag).to_contain_text("Read ✓")
    expect(laptop.locator("#support-summary")).to_have_text("3 you're seeing to")
