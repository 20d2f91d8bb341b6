"""Small wins in real browsers: two phones share, the facilitator moderates, everyone celebrates."""

import re

import pytest
from playwright.sync_api import expect

from ..conftest import PHONE, screenshot
from .test_checkin_round import join_on_phone, sign_in_and_start_session

pytestmark = pytest.mark.browser

ANA_WIN = "Went a whole day without a drink. <b>Really</b>."
BO_HIDDEN = "<script>alert('x')</script> a test, please hide"
BO_WIN = "Laughed out loud during group today"


def share_win(phone, text, kind=None):
    phone.get_by_label("Your win, in a few words").fill(text)
    if kind:
        phone.locator("#win-form label.chip", has_text=kind).click()
    phone.get_by_role("button", name="Share my win").click()


def test_share_moderate_and_celebrate_small_wins(live_server, new_context):
    laptop_context = new_context()
    laptop = laptop_context.new_page()
    join_link = sign_in_and_start_session(live_server, laptop)
    screen = laptop_context.new_page()
    screen.goto(laptop.url + "/screen")
    expect(screen.locator("#connection")).to_have_text("Connected")

    ana = join_on_phone(new_context, join_link, "Ana")
    bo_context = new_context({**PHONE, "reduced_motion": "reduce"})
    bo = bo_context.new_page()
    bo.goto(join_link)
    bo.get_by_label("What should the group call you?").fill("Bo")
    bo.get_by_role("button", name="Join the session").click()
    expect(bo.locator("#connection")).to_have_text("Connected")

    # The "small wins" step brings the share form to the top of every phone and onto the screen.
    laptop.locator(".step-button", has_text="Small wins").click()
    expect(screen.locator("#wins-title")).to_have_text("Small wins")
    expect(screen.locator("#view-wins")).to_be_visible()
    for phone in (ana, bo):
        expect(phone.locator("#step + #wins")).to_be_visible()
        expect(phone.get_by_label("Your win, in a few words")).to_be_visible()

    share_win(ana, ANA_WIN, "Said no")
    expect(ana.locator("#win-status")).to_have_text("Shared ✓ The facilitator will put it on the wall soon.")
    expect(ana.locator("#your-wins")).to_contain_text("Waiting for the facilitator")
    share_win(bo, BO_HIDDEN)
    share_win(bo, BO_WIN, "Felt it and stayed")
    expect(bo.locator("#your-wins li")).to_have_count(2)

    # The console's queue: the words, never a name.
    queue = laptop.locator("#win-queue")
    expect(queue.locator("li")).to_have_count(3)
    expect(queue).to_contain_text(BO_HIDDEN)
    expect(queue).not_to_contain_text("Ana")
    expect(queue).not_to_contain_text("Bo")
    for phone in (ana, bo):
        expect(phone.locator("#win-wall li")).to_have_count(0)

    laptop.get_by_role("button", name=f"Approve: {ANA_WIN}").click()
    laptop.get_by_role("button", name=f"Hide: {BO_HIDDEN}").click()
    laptop.get_by_role("button", name=f"Approve: {BO_WIN}").click()
    expect(queue.locator("li")).to_have_count(0)
    expect(laptop.locator("#win-hidden-box")).to_contain_text("Kept off the wall (1)")

    for page in (ana, bo, screen):
        wall = page.locator("#win-wall")
        expect(wall.locator("li")).to_have_count(2)
        # Shown as text: the tags are visible characters, and no script ran.
        expect(wall.locator("li", has_text=ANA_WIN)).to_contain_text("Said no")
        expect(wall).not_to_contain_text("alert")
    expect(ana.locator("#your-wins")).to_contain_text("On the wall")
    expect(bo.locator("#your-wins")).to_contain_text("Kept off the wall for now. It still counts.")

    # A new win is greeted: an animation, or a still highlight under prefers-reduced-motion.
    new_on_bo = bo.locator("#win-wall li.is-new").first
    expect(new_on_bo).to_be_visible()
    assert new_on_bo.evaluate("node => getComputedStyle(node).animationName") == "none"
    assert new_on_bo.evaluate("node => getComputedStyle(node).backgroundColor") == "rgb(255, 241, 201)"

    # Bo's applause reaches Ana's phone, the screen and the console.
    bo.locator("#win-wall li", has_text=ANA_WIN).get_by_role("button", name="Applause: 0").click()
    expect(
        bo.locator("#win-wall li", has_text=ANA_WIN).get_by_role("button", name="Applause: 1")
    ).to_have_attribute("aria-pressed", "true")
    expect(
        ana.locator("#win-wall li", has_text=ANA_WIN).get_by_role("button", name="Applause: 1")
    ).to_be_visible()
    expect(screen.locator("#win-wall li", has_text=ANA_WIN).locator(".screen-reaction")).to_have_text(
        ["Applause 1"]
    )
    expect(laptop.locator("#win-console-wall li", has_text=ANA_WIN)).to_contain_text("1")
    ana.locator("#win-wall li", has_text=ANA_WIN).get_by_role("button", name="With you: 0").click()
    ana.locator("#win-wall li", has_text=BO_WIN).get_by_role("button", name="Growing: 0").click()
    expect(
        bo.locator("#win-wall li", has_text=ANA_WIN).get_by_role("button", name="With you: 1")
    ).to_be_visible()
    expect(
        bo.locator("#win-wall li", has_text=BO_WIN).get_by_role("button", name="Growing: 1")
    ).to_be_visible()
    expect(bo.locator("#win-wall li.is-new")).to_have_count(0, timeout=10_000)
    bo.locator("#win-wall").scroll_into_view_if_needed()
    screenshot(bo, "wins-wall-phone")

    laptop.get_by_role("button", name=f"Spotlight: {ANA_WIN}").click()
    for page in (ana, bo, screen):
        expect(page.locator("#win-spotlight")).to_contain_text(ANA_WIN)
    expect(screen.locator("#win-spotlight.is-new")).to_have_count(0, timeout=10_000)
    screenshot(screen, "shared-screen-wins")

    # Ana takes her win back: it leaves every wall.
    ana.once("dialog", lambda dialog: dialog.accept())
    ana.locator("#your-wins li", has_text=ANA_WIN).get_by_role("button", name=re.compile("Take back")).click()
    for page in (bo, screen):
        expect(page.locator("#win-wall li")).to_have_count(1)
        expect(page.locator("#win-spotlight")).to_be_hidden()


def test_show_at_once_and_a_held_win(live_server, new_context):
    live_server.extra_env["WIN_BATCH_SECONDS"] = "2"
    live_server.stop()
    live_server.start()
    laptop = new_context().new_page()
    join_link = sign_in_and_start_session(live_server, laptop)
    ana, bo = (join_on_phone(new_context, join_link, name) for name in ("Ana", "Bo"))
    laptop.get_by_label("Check each win before the group sees it").uncheck()
    expect(ana.locator("#win-mode")).to_contain_text("Wins appear on the wall within half a minute")

    ana.get_by_text("Share a small win").click()
    share_win(ana, "Made it to the meeting", "Showed up")
    expect(ana.locator("#win-status")).to_contain_text("It will appear on the wall within half a minute")
    expect(bo.locator("#win-wall")).to_contain_text("Made it to the meeting", timeout=15_000)
    expect(laptop.locator("#win-console-wall")).to_contain_text("Made it to the meeting")

    bo.get_by_text("Share a small win").click()
    share_win(bo, "Honestly I want to end my life")
    expect(bo.locator("#win-status")).to_contain_text("It stays with the facilitator for now")
    expect(bo.locator("#crisis")).to_have_attribute("open", "")
    expect(laptop.locator("#win-queue")).to_contain_text("Held by the safety net")
    ana.wait_for_timeout(4_000)  # longer than a batch: a held win never appears on its own
    expect(ana.locator("#win-wall li")).to_have_count(1)
