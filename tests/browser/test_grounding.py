"""A shared grounding exercise in real browsers: the facilitator starts box breathing, and three
phones and the shared screen show it in step, each with its own clock set wrong on purpose (one
phone a minute and a half ahead, one 45 seconds behind...): only their measured offsets from the
server's clock can bring them together. One phone prefers reduced motion and gets a still text
countdown; one closes it quietly; a reload finds its place again; the facilitator stops it."""

import re

import pytest
from playwright.sync_api import expect

from ..conftest import LAPTOP, PHONE, SCREENSHOTS, screenshot
from .a11y import BYPASS_CSP, violations
from .test_checkin_round import join_on_phone, sign_in_and_start_session

pytestmark = pytest.mark.browser

IN_STEP_MS = 250  # the bound: phones and the screen show the same moment within this

# This page's clock (Date.now, what the room's scripts read) set `skew` milliseconds off. The
# real time stays readable as performance.timeOrigin + performance.now(), for the test to compare.
SKEWED_CLOCK = "(() => { const now = Date.now.bind(Date); Date.now = () => now() + %d; })();"

READ_PHASE = """() => {
  const view = document.getElementById("grounding");
  return {
    stage: view.dataset.stage,
    elapsed: Number(view.dataset.elapsedMs),
    step: view.dataset.step,
    realNow: performance.timeOrigin + performance.now(),
  };
}"""


def skewed_page(context, skew_ms: int):
    page = context.new_page()
    page.add_init_script(SKEWED_CLOCK % skew_ms)
    return page


def socket_events_sent(page) -> list[str]:
    """Every Socket.IO event the page sends from now on (frames "42/namespace,[...]")."""
    sent: list[str] = []

    def watch(websocket) -> None:
        websocket.on(
            "framesent", lambda payload: sent.append(payload) if str(payload).startswith("42") else None
        )

    page.on("websocket", watch)
    return sent


def join_skewed(new_context, join_link: str, name: str, skew_ms: int, **device):
    context = new_context({**PHONE, **BYPASS_CSP, **device})
    phone = skewed_page(context, skew_ms)
    sent = socket_events_sent(phone)
    phone.goto(join_link)
    phone.get_by_label("What should the group call you?").fill(name)
    phone.get_by_role("button", name="Join the session").click()
    expect(phone.locator("#connection")).to_have_text("Connected")
    return phone, sent


def next_step(page) -> None:
    """Wait until the page shows the next step."""
    step = page.locator("#grounding").get_attribute("data-step")
    page.wait_for_function("(step) => document.getElementById('grounding').dataset.step !== step", arg=step)


def assert_in_step(pages) -> None:
    """Every page's displayed moment of the exercise, brought to one real instant, within IN_STEP_MS."""
    readings = [page.evaluate(READ_PHASE) for page in pages]
    assert all(reading["stage"] == "step" for reading in readings), readings
    instant = readings[0]["realNow"]
    # A reading taken later is brought back to the first one's instant (the pages share this machine's clock).
    moments = [reading["elapsed"] - (reading["realNow"] - instant) for reading in readings]
    assert max(moments) - min(moments) <= IN_STEP_MS, moments


def test_a_grounding_exercise_in_step_on_three_phones_and_the_shared_screen(live_server, new_context):
    laptop_context = new_context({**LAPTOP, **BYPASS_CSP})
    laptop = laptop_context.new_page()
    join_link = sign_in_and_start_session(live_server, laptop)
    screen = skewed_page(laptop_context, -7_000)
    screen.set_viewport_size({"width": 1280, "height": 720})
    screen.goto(laptop.url + "/screen")
    expect(screen.locator("#connection")).to_have_text("Connected")

    ana, ana_sent = join_skewed(new_context, join_link, "Ana", 90_000)
    bo, bo_sent = join_skewed(new_context, join_link, "Bo", -45_000)
    cy, _ = join_skewed(new_context, join_link, "Cy", 12_000, reduced_motion="reduce")
    phones = (ana, bo, cy)

    panel = laptop.locator("#grounding-panel")
    expect(panel.get_by_label("Box breathing")).to_be_checked()
    panel.get_by_label("Rounds").fill("5")
    panel.get_by_role("button", name="Start for everyone").click()
    expect(laptop.get_by_role("button", name="Stop for everyone")).to_be_focused()

    # "Get ready" first, everywhere, then the first step: breathe in.
    for page in (*phones, screen):
        view = page.locator("#grounding")
        expect(view).to_be_visible()
        expect(view.locator("#grounding-title")).to_have_text("Box breathing")
        expect(view).to_have_attribute("data-stage", "step", timeout=8_000)
    expect(screen.locator("#view-join")).to_be_hidden()
    expect(screen.locator("#screen")).to_have_attribute("data-grounding", "on")
    expect(laptop.locator("#grounding")).to_have_attribute("data-stage", "step")

    # Each phone measured its clock against the server's as it connected (a few pings)...
    assert sum('"clock"' in frame for frame in ana_sent) >= 3
    # ... and shows the same moment as every other phone and the screen, whatever its clock says.
    pages = [ana, bo, cy, screen]
    for _ in range(3):
        assert_in_step(pages)
        next_step(ana)

    # Every page as it is now passes axe-core's WCAG 2.x A and AA rules (tests/browser/a11y.py).
    for page in (ana, cy, screen, laptop):
        assert violations(page) == [], page.url

    # Breathing in, the square grows; holding, it stays full.
    expect(ana.locator("#grounding")).to_have_attribute("data-shape", "full", timeout=10_000)
    expect(ana.locator("#grounding-text")).to_have_text("Hold gently")
    expect(ana.locator(".grounding-visual")).to_be_visible()
    expect(ana.locator("#grounding-round")).to_contain_text("Round")
    screenshot(ana, "grounding-phone")
    expect(screen.locator("#grounding")).to_have_attribute("data-shape", "full", timeout=16_000)
    screenshot(screen, "grounding-shared-screen")

    # With reduced motion: no square, no moving bar; the words and a countdown in whole seconds.
    cy_view = cy.locator("#grounding")
    expect(cy_view).to_have_attribute("data-motion", "reduced")
    expect(cy.locator(".grounding-visual")).to_be_hidden()
    expect(cy.locator(".grounding-progress")).to_be_hidden()
    count = cy.locator("#grounding-count")
    expect(count).to_have_text(re.compile(r"^[1-4]$"))
    first = count.text_content()
    expect(count).not_to_have_text(first)  # it counts down
    expect(cy.locator("#grounding-text")).not_to_be_empty()
    screenshot(cy, "grounding-phone-reduced-motion")

    # Bo closes it on his phone only: nothing is sent, and a reload keeps it closed.
    sent_before = len(bo_sent)
    bo.get_by_role("button", name="Close the exercise").click()
    expect(bo.locator("#grounding")).to_be_hidden()
    expect(bo.locator("#step-title")).to_be_focused()
    expect(ana.locator("#grounding")).to_be_visible()
    assert bo_sent[sent_before:] == []
    bo.reload()
    expect(bo.locator("#connection")).to_have_text("Connected")
    expect(ana.locator("#grounding")).to_have_attribute("data-stage", "step")
    expect(bo.locator("#grounding")).to_be_hidden()

    # Ana reloads mid-exercise: rebuilt from the server's state, in step again.
    ana.reload()
    expect(ana.locator("#grounding")).to_have_attribute("data-stage", "step")
    assert_in_step([ana, cy, screen])

    # The facilitator stops it early: gone from every screen, and the console offers a new one.
    laptop.locator("#grounding-panel").screenshot(path=str(SCREENSHOTS / "grounding-console.png"))
    laptop.get_by_role("button", name="Stop for everyone").click()
    for page in (ana, cy):
        expect(page.locator("#grounding")).to_be_hidden()
    expect(screen.locator("#grounding")).to_be_hidden()
    expect(screen.locator("#view-join")).to_be_visible()
    expect(laptop.get_by_role("button", name="Start for everyone")).to_be_visible()


def test_a_script_of_the_group_runs_to_its_end(live_server, new_context):
    """The lead writes a script on the group page; the console runs it; it ends by itself."""
    laptop = new_context({**LAPTOP, **BYPASS_CSP}).new_page()
    join_link = sign_in_and_start_session(live_server, laptop)
    console_url = laptop.url
    laptop.get_by_role("link", name="Thursday Circle").first.click()

    laptop.get_by_text("Write a script").click()
    laptop.get_by_label("Title of the script").fill("Feet on the floor")
    laptop.get_by_label("Words of line 1", exact=True).fill("Press your feet into the floor.")
    laptop.get_by_label("Seconds for line 1", exact=True).fill("2")
    laptop.get_by_role("button", name="Save the script").click()
    expect(laptop.locator(".script-row .error")).to_have_text("Please give each line 3 to 60 seconds.")
    expect(laptop.get_by_label("Words of line 1", exact=True)).to_have_value(
        "Press your feet into the floor."
    )
    assert violations(laptop) == []
    laptop.get_by_label("Seconds for line 1", exact=True).fill("3")
    laptop.get_by_label("Words of line 2").fill("Notice the weight of your body.")
    laptop.get_by_label("Seconds for line 2").fill("3")
    laptop.get_by_role("button", name="Save the script").click()
    expect(laptop.locator(".flash")).to_contain_text("“Feet on the floor” is ready to use")
    expect(laptop.locator(".script-list")).to_contain_text("2 lines, 6 s")

    phone = join_on_phone(new_context, join_link, "Ana")
    laptop.goto(console_url)
    panel = laptop.locator("#grounding-panel")
    panel.get_by_label("A script of the group's").check()
    expect(panel.get_by_label("Script", exact=True)).to_have_value(re.compile(r"^\d+$"))
    panel.get_by_role("button", name="Start for everyone").click()

    view = phone.locator("#grounding")
    expect(view.locator("#grounding-title")).to_have_text("Feet on the floor")
    expect(view.locator("#grounding-text")).to_have_text("Press your feet into the floor.", timeout=8_000)
    expect(view.locator("#grounding-round")).to_have_text("1 of 2")
    expect(view.locator(".grounding-visual")).to_be_hidden()  # a line to read: no breathing square
    expect(view.locator("#grounding-text")).to_have_text("Notice the weight of your body.")
    expect(view.locator("#grounding-text")).to_have_text("Thank you. Take a moment before we go on.")
    # After a few seconds of thanks it closes by itself, on the phone and the console.
    expect(view).to_be_hidden(timeout=10_000)
    expect(laptop.get_by_role("button", name="Start for everyone")).to_be_visible()
