"""The speaking queue in real browsers: a facilitator and three phones. Two ask to share, the
console calls them in order, one passes; then a go-round with the gentle share timer, on the
phones, the console and (when the facilitator chooses) the shared screen."""

import re
from datetime import datetime, timedelta

import pytest
from playwright.sync_api import expect

from ..conftest import LAPTOP, PHONE, screenshot
from .a11y import BYPASS_CSP, violations
from .test_checkin_round import sign_in_and_start_session

pytestmark = pytest.mark.browser

TIMER = re.compile(r"^(About \d+ minutes left|Less than a minute left)$")
COUNTDOWN = re.compile(r"^\d:\d\d left$")


def start_session_with_a_timed_sharing_step(live_server, laptop) -> str:
    """Sign in, make a group whose sharing step has a one-minute share timer, start a session;
    returns the join link."""
    timer = "Share timer of step 2 (sharing steps only)"
    return sign_in_and_start_session(
        live_server, laptop, group_form=lambda page: page.get_by_label(timer).select_option("1")
    )


def join(new_context, join_link, name, **device):
    phone = new_context({**PHONE, **BYPASS_CSP, **device}).new_page()
    phone.goto(join_link)
    phone.get_by_label("What should the group call you?").fill(name)
    phone.get_by_role("button", name="Join the session").click()
    expect(phone.locator("#connection")).to_have_text("Connected")
    return phone


def later_on_this_phone(page, minutes: float) -> None:
    """This page's clock, `minutes` ahead (its timers keep running): the turn's time is up here."""
    page.clock.set_fixed_time(datetime.now() + timedelta(minutes=minutes))


def test_ask_to_share_be_called_in_order_pass_and_a_timed_go_round(live_server, new_context):
    laptop_context = new_context({**LAPTOP, **BYPASS_CSP})  # BYPASS_CSP: axe-core is put into the pages
    laptop = laptop_context.new_page()
    join_link = start_session_with_a_timed_sharing_step(live_server, laptop)
    screen = laptop_context.new_page()
    screen.goto(laptop.url + "/screen")
    expect(screen.locator("#connection")).to_have_text("Connected")
    ana = join(new_context, join_link, "Ana")
    bo = join(new_context, join_link, "Bo", reduced_motion="reduce")
    cy = join(new_context, join_link, "Cy")
    panel = laptop.locator("#sharing-panel")
    expect(panel).to_contain_text("The queue opens during a sharing step.")
    for phone in (ana, bo, cy):
        expect(phone.locator("#sharing")).to_be_hidden()

    # The sharing step brings the card to the top of every phone, under the step.
    laptop.locator(".step-button", has_text="Sharing").click()
    for phone in (ana, bo, cy):
        expect(phone.locator("#step + #sharing")).to_be_visible()
        expect(phone.get_by_role("button", name="I'd like to share")).to_be_visible()
    expect(screen.locator("#screen-sharing")).to_contain_text("Ask on your phone if you'd like to share")

    # Two ask, in this order; the console lists them in order with their waiting time.
    ana.get_by_role("button", name="I'd like to share").click()
    expect(ana.locator("#share-words")).to_have_text("You're in the queue. You're next.")
    bo.get_by_role("button", name="I'd like to share").click()
    expect(bo.locator("#share-words")).to_have_text("You're in the queue. 1 person before you.")
    queue = laptop.locator("#share-queue li")
    expect(queue).to_have_count(2)
    expect(queue.locator(".share-name")).to_have_text(["Ana", "Bo"])
    expect(queue.first.locator(".share-waited")).to_have_text("waited less than a minute")
    expect(laptop.locator("#share-queue-count")).to_have_text("2")
    # Everyone else sees how many, never who.
    expect(cy.locator("#share-room")).to_have_text("2 people are waiting to share.")
    expect(cy.locator("#sharing")).not_to_contain_text("Ana")
    expect(cy.locator("#sharing")).not_to_contain_text("Bo")
    expect(screen.locator("#screen-share-count")).to_have_text("2 people waiting to share")
    expect(screen.locator("#screen-sharing")).not_to_contain_text("Ana")
    panel.scroll_into_view_if_needed()
    screenshot(laptop, "sharing-queue-console")
    screenshot(bo, "sharing-queue-phone")
    assert violations(laptop) == []
    assert violations(bo) == []

    # Reordering and moving back: Bo first, then Ana again.
    laptop.get_by_role("button", name="Move Bo up").click()
    expect(queue.locator(".share-name")).to_have_text(["Bo", "Ana"])
    expect(bo.locator("#share-words")).to_have_text("You're in the queue. You're next.")
    laptop.get_by_label("Place of Bo in the queue").select_option("2")
    expect(queue.locator(".share-name")).to_have_text(["Ana", "Bo"])

    # The console calls them in order; the called phone says so gently, with its timer.
    laptop.get_by_role("button", name="Call the first person: Ana").click()
    expect(ana.locator("#share-words")).to_have_text(
        "It's your turn. Share as much or as little as you like. You can still pass, and that's fine."
    )
    expect(ana.locator("#share-said")).to_have_text("It's your turn. You can still pass.")
    expect(ana.get_by_role("button", name="Pass")).to_be_visible()
    expect(ana.locator("#share-timer")).to_have_attribute("data-phase", "running")
    expect(ana.locator("#share-timer .share-timer-text")).to_have_text(TIMER)
    expect(ana.locator("#share-timer .share-ring")).to_be_visible()
    expect(laptop.locator("#share-now-name")).to_have_text("Ana")
    expect(laptop.locator("#console-share-timer")).to_have_attribute("data-phase", "running")
    expect(bo.locator("#share-words")).to_have_text("You're in the queue. You're next.")
    expect(cy.locator("#share-room")).to_have_text("Someone is sharing now. 1 person is waiting to share.")
    expect(cy.locator("#share-timer")).to_be_hidden()  # only the speaker sees it
    expect(screen.locator("#screen-share-timer")).to_be_hidden()  # until the facilitator chooses

    # Time's up on Ana's phone: a soft cue, and nothing is cut off.
    later_on_this_phone(ana, 2)
    expect(ana.locator("#share-timer")).to_have_attribute("data-phase", "ended")
    expect(ana.locator("#share-timer .share-timer-text")).to_have_text("Take your time to finish.")
    expect(ana.locator("#share-said")).to_have_text(
        "Your timer is done. Take your time to finish. Nobody will cut you off."
    )
    expect(ana.get_by_role("button", name="Pass")).to_be_visible()
    ana.wait_for_function("() => document.getAnimations().length === 0")  # the ring has filled
    screenshot(ana, "sharing-timer-ended-phone")
    assert violations(ana) == []

    # Next: Bo, who passes. The console says so; the queue is empty.
    laptop.get_by_role("button", name="Call next: Bo").click()
    expect(bo.locator("#share-words")).to_contain_text("It's your turn.")
    expect(ana.locator("#share-words")).to_have_text("Thank you for sharing.")
    expect(ana.locator("#share-timer")).to_be_hidden()
    bo.get_by_role("button", name="Pass").click()
    expect(bo.locator("#share-words")).to_have_text("You passed. That's always fine.")
    expect(laptop.locator("#share-now-label")).to_have_text("Passed (that's fine)")
    expect(laptop.locator("#share-now-name")).to_have_text("Bo")
    expect(laptop.locator("#share-call-next")).to_be_disabled()

    # A go-round, in the order they joined, with the timer on the shared screen too.
    laptop.get_by_label("In the order they joined (you can reorder after)").check()
    laptop.get_by_role("button", name="Start a go-round").click()
    expect(queue.locator(".share-name")).to_have_text(["Ana", "Bo", "Cy"])
    expect(laptop.locator("#share-round-progress")).to_have_text("In your order: 3 of 3 still to come.")
    for phone in (ana, bo, cy):
        expect(phone.locator("#share-words")).to_contain_text("It's a go-round: everyone has a turn")
    expect(cy.get_by_role("button", name="Pass")).to_be_visible()
    laptop.get_by_label("Show the timer on the shared screen").check()
    laptop.get_by_role("button", name="Call next: Ana").click()
    expect(screen.locator("#screen-share-timer")).to_have_attribute("data-phase", "running")
    expect(screen.locator("#screen-share-count")).to_have_text(
        "Someone is sharing · 2 people waiting to share"
    )
    laptop.get_by_role("button", name="Call next: Bo").click()
    # Bo's phone prefers reduced motion: no ring, a calm text countdown.
    expect(bo.locator("#share-timer")).to_have_attribute("data-motion", "reduced")
    expect(bo.locator("#share-timer .share-timer-text")).to_have_text(COUNTDOWN)
    expect(bo.locator("#share-timer .share-ring")).to_be_hidden()
    assert bo.locator("#share-timer .share-ring-fill").evaluate(
        "node => getComputedStyle(node).transitionDuration"
    ) in (
        "0s",
        "",
    )
    expect(ana.locator("#share-timer .share-ring")).to_be_hidden()  # Ana is done
    # Cy passes their place before being called.
    cy.get_by_role("button", name="Pass").click()
    expect(cy.locator("#share-words")).to_have_text("You passed. That's always fine.")
    expect(queue).to_have_count(0)
    laptop.get_by_role("button", name="Finish Bo's turn").click()
    expect(laptop.locator("#share-round-box")).not_to_contain_text("still to come")
    expect(screen.locator("#screen-share-timer")).to_be_hidden()
    expect(bo.locator("#share-words")).to_have_text("Thank you for sharing.")
