"""The participant's room held in one hand: at 320 px, and at 200% text, during a check-in.

Every mood and Pass are on the screen, whole, clickable and covered by nothing (the support button
included); the page never scrolls sideways; Send and Pass stay in view while answering; the
round's prompt appears once. Leaving asks first and says what it means.
"""

import pytest
from playwright.sync_api import expect

from ..conftest import PHONE, SCREENSHOTS
from .test_checkin_round import sign_in_and_start_session

pytestmark = pytest.mark.browser

PROMPT = "How are you arriving today?"

# Where each control is drawn, and what the screen shows at its centre.
CONTROL_BOXES = """(selector) => [...document.querySelectorAll(selector)].map((element) => {
  element.scrollIntoView({ block: "center" });
  const box = element.getBoundingClientRect();
  const hit = document.elementFromPoint(box.x + box.width / 2, box.y + box.height / 2);
  return {
    text: element.textContent.trim().replace(/\\s+/g, " "),
    x: box.x, y: box.y, width: box.width, height: box.height,
    uncovered: element.contains(hit),
    coveredBy: hit && !element.contains(hit) ? (hit.id || hit.className || hit.tagName) : null,
  };
})"""

VISIBLE_PROMPTS = """(prompt) => [...document.querySelectorAll("#room *")].filter((element) =>
  element.children.length === 0 && element.textContent.trim() === prompt && element.checkVisibility()
).length"""


def join_phone(new_context, join_link, name, viewport):
    phone = new_context({**PHONE, "viewport": viewport}).new_page()
    phone.goto(join_link)
    phone.get_by_label("What should the group call you?").fill(name)
    phone.get_by_role("button", name="Join the session").click()
    expect(phone.locator("#connection")).to_have_text("Connected")
    return phone


def double_the_text(page) -> None:
    """200% text: the root font size doubled, as a browser's text-size setting does."""
    page.evaluate(
        """() => {
          const root = document.documentElement;
          root.style.fontSize = `${parseFloat(getComputedStyle(root).fontSize) * 2}px`;
        }"""
    )


def screen_shot(page, name: str) -> None:
    """What the phone's screen shows (not the whole page: the action bar is where the hand is)."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"))


def in_viewport(page, locator) -> bool:
    box = locator.bounding_box()
    size = page.viewport_size
    return (
        box is not None
        and box["x"] >= 0
        and box["y"] >= 0
        and box["x"] + box["width"] <= size["width"]
        and box["y"] + box["height"] <= size["height"]
    )


@pytest.mark.parametrize(
    ("viewport", "text_scale", "shot"),
    [
        ({"width": 320, "height": 640}, 1, "room-checkin-320"),
        ({"width": 390, "height": 844}, 2, "room-checkin-390-200-percent-text"),
        ({"width": 320, "height": 640}, 2, "room-checkin-320-200-percent-text"),
    ],
    ids=["320px", "390px-200%-text", "320px-200%-text"],
)
def test_the_check_in_fits_one_hand(live_server, new_context, viewport, text_scale, shot):
    laptop = new_context().new_page()
    join_link = sign_in_and_start_session(live_server, laptop)
    phone = join_phone(new_context, join_link, "Ana", viewport)
    if text_scale == 2:
        double_the_text(phone)  # set before the round, as a phone's setting would be
    laptop.get_by_role("button", name="Open round").click()
    expect(phone.get_by_role("heading", name=PROMPT)).to_be_visible()
    width = viewport["width"]

    # No sideways scrolling (WCAG 1.4.4, 1.4.10), and the prompt once.
    assert phone.evaluate("document.documentElement.scrollWidth") <= width
    assert phone.evaluate(VISIBLE_PROMPTS, PROMPT) == 1

    # Send and Pass are on the screen from the start, without scrolling.
    phone.evaluate("window.scrollTo(0, 0)")
    send, pass_ = phone.locator("#checkin-send"), phone.locator("#checkin-pass")
    assert in_viewport(phone, send) and in_viewport(phone, pass_)
    screen_shot(phone, shot)

    # Every mood, Send and Pass: whole on the screen, 44 px or more, covered by nothing (the support
    # button included); the moods all the same size.
    moods = phone.evaluate(CONTROL_BOXES, ".mood-option")
    controls = phone.evaluate(CONTROL_BOXES, "#checkin-send, #checkin-pass")
    assert [mood["text"].split(" ")[0] for mood in moods] == [str(n) for n in range(1, 11)]
    for control in moods + controls:
        assert control["uncovered"], control
        assert control["x"] >= 0 and control["x"] + control["width"] <= width, control
        assert control["width"] >= 44 and control["height"] >= 44, control
    assert len({(round(m["width"]), round(m["height"])) for m in moods}) == 1, moods
    assert len({round(m["x"]) for m in moods}) <= 5  # at most 5 columns
    for index in range(10):
        phone.locator("label.mood-option").nth(index).click(trial=True)
    pass_.click(trial=True)

    # Still nothing sideways with the feeling words open, and Send stays in view while writing.
    phone.locator("summary", has_text="Sad").click()
    phone.locator("label.chip", has_text="disappointed").click()
    assert phone.evaluate("document.documentElement.scrollWidth") <= width
    phone.locator("label.mood-option", has_text="Okay").click()
    phone.get_by_label("A short note").fill("Slept badly, but I'm here.")
    assert in_viewport(phone, send) and in_viewport(phone, pass_)
    assert phone.evaluate(CONTROL_BOXES, "#checkin-note")[0]["uncovered"]
    send.click()
    expect(phone.locator("#checkin-status")).to_contain_text("Sent ✓")
    expect(laptop.locator("#count-answered")).to_have_text("1")
    pass_.click()
    expect(phone.locator("#checkin-status")).to_have_text("You passed. That's always fine.")

    # The support button covers nothing either: the last control of the page can be reached.
    leave = phone.get_by_role("button", name="Leave the session")
    assert phone.evaluate(CONTROL_BOXES, "#leave-form button")[0]["uncovered"]
    leave.click(trial=True)


def test_send_and_pass_leave_the_bar_when_the_round_closes(live_server, new_context):
    laptop = new_context().new_page()
    join_link = sign_in_and_start_session(live_server, laptop)
    phone = join_phone(new_context, join_link, "Ana", {"width": 320, "height": 640})
    expect(phone.locator("#answer-actions")).to_be_hidden()
    expect(phone.locator("#step-prompt")).to_have_text(PROMPT)
    laptop.get_by_role("button", name="Open round").click()
    expect(phone.locator("#checkin-send")).to_be_visible()
    # The round's card stands for the step: its prompt once, as the page's heading.
    expect(phone.locator("#step")).to_be_hidden()
    expect(phone.locator("#checkin-now")).to_be_visible()
    expect(phone.locator("#checkin .eyebrow")).to_have_text("Now · Check-in")
    expect(phone.get_by_role("heading", level=1)).to_have_text(PROMPT)
    laptop.get_by_role("button", name="Close round").click()
    expect(phone.locator("#answer-actions")).to_be_hidden()
    expect(phone.get_by_role("link", name="I need support")).to_be_visible()
    # The next step has its own card again; the closed round's card is no longer "now".
    laptop.locator(".step-button", has_text="Sharing").click()
    expect(phone.locator("#step-title")).to_have_text("Sharing")
    expect(phone.locator("#step-prompt")).to_be_visible()
    expect(phone.locator("#checkin-now")).to_be_hidden()
    expect(phone.locator("#checkin-kind")).to_have_text("Check-in")


def test_leaving_asks_first_and_says_what_it_means(live_server, new_context):
    laptop = new_context().new_page()
    join_link = sign_in_and_start_session(live_server, laptop)
    phone = join_phone(new_context, join_link, "Ana", {"width": 320, "height": 640})
    expect(laptop.locator("#roster-count")).to_have_text("1")

    phone.get_by_role("button", name="Leave the session").click()
    dialog = phone.get_by_role("dialog", name="Leave the session?")
    expect(dialog).to_be_visible()
    expect(dialog).to_contain_text("You won't get new check-ins")
    expect(dialog).to_contain_text("What you've sent stays as it was")
    expect(dialog).to_contain_text("You can come back with the same link while the session is open")
    expect(dialog.get_by_role("button", name="Stay")).to_be_focused()
    screen_shot(phone, "room-leave-dialog-320")
    dialog.get_by_role("button", name="Stay").click()
    expect(dialog).to_be_hidden()
    expect(phone.locator("#connection")).to_have_text("Connected")

    phone.get_by_role("button", name="Leave the session").click()
    dialog.get_by_role("button", name="Leave the session").click()
    expect(phone.get_by_label("What should the group call you?")).to_be_visible()  # the join page
    expect(laptop.locator("#roster")).to_contain_text("Left the session")
