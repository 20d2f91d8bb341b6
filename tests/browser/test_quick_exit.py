"""Quick exit in real browsers: on a phone in the room, the button (and Escape pressed three times)
lands on the neutral page at once, Back does not return to the room, the console shows the person
as away (not as having left), and the same link brings them back in."""

import re

import pytest
from playwright.sync_api import expect

from ..conftest import PHONE, SCREENSHOTS
from .test_checkin_round import join_on_phone, sign_in_and_start_session

pytestmark = pytest.mark.browser

FITS_ITS_COLUMN = """() => {
  const main = document.querySelector("main");
  const edge = main.getBoundingClientRect().right - parseFloat(getComputedStyle(main).paddingRight);
  return [...main.querySelectorAll("*")].every((each) => each.getBoundingClientRect().right <= edge + 0.5);
}"""

# Where a control is drawn, and whether the screen shows it there (nothing on top of it).
BOX = """(element) => {
  const box = element.getBoundingClientRect();
  const hit = document.elementFromPoint(box.x + box.width / 2, box.y + box.height / 2);
  return { x: box.x, y: box.y, width: box.width, height: box.height, uncovered: element.contains(hit) };
}"""


def screen_shot(page, name: str) -> None:
    """What the phone's screen shows."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"))


def presence(laptop, name: str):
    return laptop.locator("#roster .roster-item", has_text=name).locator(".presence")


def assert_on_the_neutral_page(phone) -> None:
    expect(phone).to_have_url(re.compile(r"/weather$"))
    expect(phone).to_have_title("Weather")
    expect(phone.get_by_role("heading", name="Weather", exact=True)).to_be_visible()
    text = phone.content().lower()
    for word in ("stepwise", "thursday circle", "sam", "session", "quick exit"):
        assert word not in text, word


def test_quick_exit_on_a_phone(live_server, new_context):
    laptop = new_context().new_page()
    join_link = sign_in_and_start_session(live_server, laptop)
    phone = join_on_phone(new_context, join_link, "Sam")
    expect(presence(laptop, "Sam")).to_have_text("online")
    button = phone.locator(".site-header").get_by_role("link", name="Quick exit")

    # Top right, a 44 px target covered by nothing, and still there at the bottom of the room.
    width = phone.viewport_size["width"]
    box = button.evaluate(BOX)
    assert box["uncovered"] and box["height"] >= 44 and box["width"] >= 44, box
    assert box["y"] < 100 and width - (box["x"] + box["width"]) < 24, box
    screen_shot(phone, "quick-exit-room-phone")
    phone.evaluate("window.scrollTo(0, document.documentElement.scrollHeight)")
    box = button.evaluate(BOX)
    assert box["uncovered"] and 0 <= box["y"] < 100, box
    leave = phone.get_by_role("button", name="Leave the session")
    assert leave.evaluate(BOX)["uncovered"]  # nor does the header cover the page

    # Pressed: the neutral page at once, in place of the room.
    button.click()
    assert_on_the_neutral_page(phone)
    # An ordinary page fits a phone: nothing runs out of the page's column.
    assert phone.evaluate(FITS_ITS_COLUMN)
    screen_shot(phone, "quick-exit-neutral-page-phone")
    # The console shows Sam away, not as having left: still counted in the room.
    expect(presence(laptop, "Sam")).to_have_text("away")
    expect(laptop.locator("#roster-count")).to_have_text("1")

    # Back goes to the page before the room (the join link), which opens no room by itself.
    phone.go_back()
    expect(phone).to_have_url(join_link)
    expect(phone.get_by_role("heading", name="Welcome back")).to_be_visible()
    expect(phone.locator("#room")).to_have_count(0)
    expect(presence(laptop, "Sam")).to_have_text("away")

    # The same link, one tap, and Sam is back where they were.
    phone.get_by_role("link", name="Go back in").click()
    expect(phone.locator("#connection")).to_have_text("Connected")
    expect(phone.locator(".eyebrow").first).to_contain_text("you're here as Sam")
    expect(presence(laptop, "Sam")).to_have_text("online")

    # From the support sheet, whose modal hides the header's button: its own, at its top right.
    phone.get_by_role("link", name="I need support").click()
    sheet = phone.get_by_role("dialog", name="Ask the facilitator for support")
    expect(sheet).to_be_visible()
    in_sheet = sheet.get_by_role("link", name="Quick exit")
    box = in_sheet.evaluate(BOX)
    assert box["uncovered"] and box["height"] >= 44, box
    expect(sheet.get_by_role("radio", name="Now, please")).to_be_focused()  # not the exit
    screen_shot(phone, "quick-exit-support-sheet-phone")
    in_sheet.click()
    assert_on_the_neutral_page(phone)
    expect(presence(laptop, "Sam")).to_have_text("away")

    # Opening the link again: back in, by the same tap.
    phone.goto(join_link)
    phone.get_by_role("link", name="Go back in").click()
    expect(phone.locator("#connection")).to_have_text("Connected")
    expect(presence(laptop, "Sam")).to_have_text("online")


def test_escape_three_times(live_server, new_context):
    laptop = new_context().new_page()
    join_link = sign_in_and_start_session(live_server, laptop)
    phone = join_on_phone(new_context, join_link, "Sam")
    expect(presence(laptop, "Sam")).to_have_text("online")
    dots = phone.locator(".site-header .quick-exit-dots")
    status = phone.locator("#quick-exit-status")
    expect(dots).to_be_hidden()

    # A gentle count of the presses: a dot each, and words for screen readers.
    phone.keyboard.press("Escape")
    expect(dots).to_be_visible()
    expect(dots.locator(".on")).to_have_count(1)
    expect(status).to_have_text("Escape: press 2 more times for quick exit.")
    phone.keyboard.press("Escape")
    expect(dots.locator(".on")).to_have_count(2)
    expect(status).to_have_text("Escape: press 1 more time for quick exit.")
    screen_shot(phone, "quick-exit-escape-count-phone")
    # Any other key starts the count again.
    phone.keyboard.press("Tab")
    expect(dots).to_be_hidden()
    expect(phone).to_have_url(re.compile(r"/room$"))

    # Too long between presses (five seconds) starts it again too.
    phone.clock.install()
    phone.keyboard.press("Escape")
    expect(dots.locator(".on")).to_have_count(1)
    phone.clock.fast_forward(5_100)
    expect(dots).to_be_hidden()
    expect(status).to_have_text("Quick exit cancelled.")

    # Three in a row: the neutral page, and the console shows Sam away.
    for _ in range(3):
        phone.keyboard.press("Escape")
    assert_on_the_neutral_page(phone)
    expect(presence(laptop, "Sam")).to_have_text("away")
    phone.go_back()
    expect(phone).to_have_url(join_link)
    expect(phone.get_by_role("heading", name="Welcome back")).to_be_visible()


def test_quick_exit_before_joining(live_server, new_context):
    laptop = new_context().new_page()
    join_link = sign_in_and_start_session(live_server, laptop)
    phone = new_context(PHONE).new_page()
    phone.goto(live_server.url + "/")
    phone.goto(join_link)
    phone.get_by_role("link", name="Quick exit").click()
    assert_on_the_neutral_page(phone)
    phone.go_back()
    expect(phone).to_have_url(live_server.url + "/")
