"""Two sessions with a returning phone: remembered at the first, its step asked about at the next."""

import pytest
from playwright.sync_api import expect

from ..conftest import LAPTOP, PHONE, screenshot
from .a11y import assert_accessible, checked_context
from .test_checkin_round import sign_in_and_start_session

pytestmark = pytest.mark.browser


def join(phone, join_link: str, name: str) -> None:
    phone.goto(join_link)
    phone.get_by_label("What should the group call you?").fill(name)
    phone.get_by_role("button", name="Join the session").click()
    expect(phone.locator("#connection")).to_have_text("Connected")


def test_a_returning_phone_across_two_sessions(live_server, new_context):
    laptop = checked_context(new_context, LAPTOP).new_page()
    laptop.on("dialog", lambda dialog: dialog.accept())  # "End the session for everyone?"
    join_link = sign_in_and_start_session(live_server, laptop)
    phone = checked_context(new_context, PHONE).new_page()
    join(phone, join_link, "Ana")

    # Ana chooses to be remembered, and is shown the words to write down.
    phone.locator("summary", has_text="What's remembered").click()
    phone.get_by_role("button", name="Remember me in this group").click()
    expect(phone.locator("#remembered-status")).to_have_text("Remembered ✓")
    assert len(phone.locator("#phrase-words").inner_text().split()) == 8
    expect(laptop.locator(".returning-badge")).to_have_text("returning · 1st session")

    # At check-out, one small step, shared with the facilitator.
    laptop.locator(".step-button", has_text="Check-out").click()
    phone.get_by_label("If you like, write one small thing you'd like to try. It's optional.").fill(
        "Walk to the park on Thursday"
    )
    phone.get_by_label("Share it with the facilitator").check()
    phone.get_by_role("button", name="Keep my step").click()
    expect(phone.locator("#next-step-status")).to_contain_text("Kept ✓")
    expect(laptop.locator("#shared-steps")).to_have_text("Ana: Walk to the park on Thursday")
    expect(laptop.locator("#steps-written")).to_have_text("1 written so far.")

    laptop.get_by_role("button", name="End session").click()
    expect(phone.get_by_role("heading", name="The session has ended")).to_be_visible()
    phone.get_by_role("link", name="Something to take home").click()
    expect(phone.locator("#own-next-step")).to_contain_text("Walk to the park on Thursday")

    # The next week: the same phone joins, and is recognised by the key it kept.
    laptop.locator(".eyebrow a", has_text="Thursday Circle").click()
    laptop.get_by_role("button", name="Start or schedule session").click()
    expect(laptop.locator("#connection")).to_have_text("Connected")
    join(phone, laptop.locator("a.join-link").get_attribute("href"), "Ana B")
    expect(
        phone.get_by_role("heading", name="Welcome back. Last time you chose a small step")
    ).to_be_visible()
    expect(phone.locator("#previous-step-text")).to_have_text("Walk to the park on Thursday")
    phone.get_by_role("button", name="Partly").click()
    expect(phone.locator("#follow-up-status")).to_have_text("Thank you ✓")
    expect(phone.get_by_role("button", name="Partly")).to_have_attribute("aria-pressed", "true")
    screenshot(phone, "continuity-remembered-checkin-phone")
    assert_accessible(phone, "Last time's step at check-in, on a returning phone")

    # The console: a badge, the count, and the name (Ana shared her step).
    expect(laptop.locator(".returning-badge")).to_have_text("returning · 2nd session")
    expect(laptop.locator('#follow-up-counts [data-outcome="partly"]')).to_have_text("1")
    expect(laptop.locator("#shared-follow-ups")).to_have_text("Ana B: Partly")
    screenshot(laptop, "continuity-console")
    assert_accessible(laptop, "Steps between sessions on the console")

    # What's remembered, then forget me: the badge goes, and the phone forgets its key.
    phone.locator("summary", has_text="What's remembered").click()
    expect(phone.locator("#remembered-count")).to_contain_text("This is session 2")
    expect(phone.locator("#mood-history")).to_have_text("No moods yet.")
    assert_accessible(phone, "What's remembered, open")
    phone.get_by_role("button", name="Forget me").click()
    expect(phone.locator("#remembered-status")).to_contain_text("Forgotten")
    expect(laptop.locator(".returning-badge")).to_have_count(0)
    assert phone.evaluate("Object.keys(localStorage).filter((k) => k.startsWith('stepwise-member-'))") == []
