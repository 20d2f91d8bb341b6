"""A live check-in round in real browsers: a facilitator and three phones."""

import re

import pytest
from playwright.sync_api import expect

from ..conftest import PASSWORD, PHONE, screenshot

pytestmark = pytest.mark.browser


def sign_in_and_start_session(
    live_server, laptop, minimum: str = "2", *, waiting_room: bool = False, group_form=None
) -> str:
    """Create a facilitator, sign in, make a group and start a session; returns the join link.

    `group_form(page)` fills in more of the group form before it is sent."""
    live_server.flask(
        "create-facilitator",
        "--email",
        "dana@example.org",
        "--name",
        "Dana",
        "--password-stdin",
        stdin=PASSWORD,
    )
    laptop.goto(live_server.url + "/login")
    laptop.get_by_label("E-mail").fill("dana@example.org")
    laptop.get_by_label("Password").fill(PASSWORD)
    laptop.get_by_role("button", name="Sign in").click()
    laptop.goto(live_server.url + "/groups/new")
    laptop.get_by_label("Group name").fill("Thursday Circle")
    laptop.get_by_label("Fewest answers before the group's results are shown").fill(minimum)
    if group_form:
        group_form(laptop)
    laptop.get_by_role("button", name="Create group").click()
    if waiting_room:
        laptop.get_by_label("Use a waiting room (you let each person in)").check()
    laptop.get_by_role("button", name="Start or schedule session").click()
    expect(laptop.locator("#connection")).to_have_text("Connected")
    return laptop.locator("a.join-link").get_attribute("href")


def join_on_phone(new_context, join_link, name):
    phone = new_context(PHONE).new_page()
    phone.goto(join_link)
    phone.get_by_label("What should the group call you?").fill(name)
    phone.get_by_role("button", name="Join the session").click()
    expect(phone.locator("#connection")).to_have_text("Connected")
    return phone


def test_check_in_and_check_out_rounds(live_server, new_context):
    laptop = new_context().new_page()
    join_link = sign_in_and_start_session(live_server, laptop)
    ana, bo, cy = (join_on_phone(new_context, join_link, name) for name in ("Ana", "Bo", "Cy"))
    expect(laptop.locator("#roster-count")).to_have_text("3")

    laptop.get_by_role("button", name="Open round").click()
    for phone in (ana, bo, cy):
        expect(phone.get_by_role("heading", name="How are you arriving today?")).to_be_visible()

    ana.locator("label.mood-option", has_text="Fairly good").click()
    ana.locator("summary", has_text="Joyful").click()
    ana.locator("label.chip", has_text="hopeful").click()
    ana.locator("summary", has_text="Sad").click()
    ana.locator("label.chip", has_text="tired").click()
    ana.get_by_label("A short note").fill("Made it to the gym twice <3")
    ana.get_by_role("button", name="Send").click()
    expect(ana.locator("#checkin-status")).to_contain_text("Sent ✓")
    screenshot(ana, "participant-checkin-phone")

    bo.locator("label.mood-option", has_text="A bit low").click()
    bo.locator("summary", has_text="Sad").click()
    bo.locator("label.chip", has_text="tired").click()
    bo.get_by_role("button", name="Send").click()
    expect(bo.locator("#checkin-status")).to_contain_text("Sent ✓")
    cy.get_by_role("button", name="Pass").click()
    expect(cy.locator("#checkin-status")).to_have_text("You passed. That's always fine.")

    # The console follows without a reload.
    expect(laptop.locator("#count-answered")).to_have_text("2")
    expect(laptop.locator("#count-passed")).to_have_text("1")
    expect(laptop.locator("#count-waiting")).to_have_text("0")
    expect(laptop.locator("#mood-stats")).to_have_text("Average 5.5 · median 5.5")
    expect(laptop.locator("#mood-distribution")).to_have_attribute(
        "aria-label", re.compile("4: 1, 5: 0, 6: 0, 7: 1")
    )
    expect(laptop.locator("#feeling-counts li").first).to_have_text("tired × 2")
    expect(laptop.locator("#responses")).to_contain_text("Made it to the gym twice <3")
    screenshot(laptop, "console-mid-round")

    # Changing an answer while the round is open.
    bo.locator("label.mood-option", has_text="Okay").click()
    bo.get_by_role("button", name="Send").click()
    expect(laptop.locator("#mood-stats")).to_have_text("Average 6.5 · median 6.5")

    laptop.get_by_role("button", name="Reveal to the group").click()
    for phone in (ana, bo, cy):
        expect(phone.locator("#reveal")).to_contain_text(
            "Average mood 6.5, middle value 6.5, from 2 answers."
        )
        expect(phone.locator("#reveal")).not_to_contain_text("Ana")
    expect(ana.locator("#checkin-status")).to_have_text("This round has closed. Thank you.")
    expect(ana.locator("#checkin-form")).to_be_hidden()
    screenshot(bo, "participant-reveal-phone")

    laptop.get_by_label("Kind of round").select_option("checkout")
    laptop.get_by_role("button", name="Open round").click()
    for phone in (ana, bo, cy):
        expect(phone.get_by_role("heading", name="How are you leaving today?")).to_be_visible()
        expect(phone.locator("#checkin-kind")).to_have_text("Check-out")
        expect(phone.locator("#reveal")).to_be_hidden()
    cy.locator("label.mood-option", has_text="Good").first.click()
    cy.get_by_role("button", name="Send").click()
    expect(laptop.locator("#count-answered")).to_have_text("1")
    expect(laptop.locator("#count-waiting")).to_have_text("2")


def answer_while_offline(live_server, new_context, mood_word: str):
    """A phone answers an open round while its network is down; returns the laptop and the phone."""
    laptop = new_context().new_page()
    join_link = sign_in_and_start_session(live_server, laptop)
    context = new_context(PHONE)
    phone = context.new_page()
    phone.goto(join_link)
    phone.get_by_role("button", name="Join the session").click()
    expect(phone.locator("#connection")).to_have_text("Connected")
    laptop.get_by_role("button", name="Open round").click()
    expect(phone.locator("#checkin")).to_be_visible()

    context.set_offline(True)
    expect(phone.locator("#connection")).to_contain_text("Reconnecting", timeout=60_000)
    phone.locator("label.mood-option", has_text=mood_word).click()
    phone.get_by_role("button", name="Send").click()
    expect(phone.locator("#checkin-status")).to_contain_text("Not sent yet")
    context.set_offline(False)
    return laptop, phone


def test_answer_waits_offline_and_is_sent_on_reconnect(live_server, new_context):
    laptop, phone = answer_while_offline(live_server, new_context, "Getting by")
    expect(phone.locator("#checkin-status")).to_contain_text("Sent ✓", timeout=30_000)
    expect(laptop.locator("#count-answered")).to_have_text("1")


def test_an_answer_kept_offline_is_sent_after_a_reload(live_server, new_context):
    laptop, phone = answer_while_offline(live_server, new_context, "Really good")
    phone.reload()  # the page that sent it is gone; the answer waits in the phone's storage
    expect(phone.locator("#checkin-status")).to_contain_text("Sent ✓", timeout=30_000)
    expect(phone.locator('input[name="mood"][value="9"]')).to_be_checked()
    expect(laptop.locator("#count-answered")).to_have_text("1")


def test_an_anonymous_round_reaches_the_console_in_batches(live_server, new_context):
    laptop = new_context().new_page()
    join_link = sign_in_and_start_session(live_server, laptop)
    ana, bo, cy = (join_on_phone(new_context, join_link, name) for name in ("Ana", "Bo", "Cy"))
    expect(laptop.locator("#roster-count")).to_have_text("3")
    laptop.get_by_label("Anonymous: answers are not stored with names").check()
    laptop.get_by_role("button", name="Open round").click()
    expect(laptop.locator("#round-state")).to_contain_text("small batches")

    for phone, mood in ((ana, "Fairly good"), (bo, "A bit low")):
        phone.locator("label.mood-option", has_text=mood).click()
        phone.get_by_role("button", name="Send").click()
        expect(phone.locator("#checkin-status")).to_contain_text("Sent ✓")
    cy.get_by_label("A short note").fill("Quiet week, glad to be here")
    cy.get_by_role("button", name="Send").click()
    expect(cy.locator("#checkin-status")).to_contain_text("Sent ✓")
    # The answers reach the console together when their slot of ANONYMOUS_BATCH_SECONDS ends.
    expect(laptop.locator("#count-answered")).to_have_text("3", timeout=40_000)
    expect(laptop.locator("#count-waiting")).to_have_text("0")
    expect(laptop.locator("#responses li")).to_have_count(3)
    expect(laptop.locator("#responses")).to_contain_text("Quiet week, glad to be here")
    expect(laptop.locator("#responses")).not_to_contain_text("Ana")
    expect(laptop.locator("#mood-stats")).to_have_text("Average 5.5 · median 5.5")
