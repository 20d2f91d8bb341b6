"""The group pulse in real browsers: phones answer at the check-out step (by touch and by keyboard,
skipping a question), one answers on its last screen after the end, and the next session's console
shows the drop alert, accessible all the way."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from config import TestConfig
from facilitator import create_app
from facilitator.accounts.models import Facilitator
from facilitator.extensions import db
from facilitator.groups.models import Group

from ..conftest import LAPTOP, PHONE, SCREENSHOTS, screenshot
from ..pulse.conftest import pulse_weeks
from .a11y import assert_accessible, checked_context
from .test_checkin_round import sign_in_and_start_session

pytestmark = pytest.mark.browser

QUESTIONS = (
    "I felt listened to and treated with respect",
    "We spent time on things that matter to me",
    "The way we worked together today suited me",
    "Taken together, this session was a good one for me",
)


def seed_steady_weeks(live_server) -> None:
    """Four earlier sessions of the group, straight into the live server's database, whose pulse
    was 8, 8, 7 and 8 (usual, by the rule, down to 6.75)."""
    config = TestConfig()
    config.INSTANCE_DIR = live_server.instance_dir
    config.SQLALCHEMY_DATABASE_URI = live_server.database_url
    app = create_app(config)
    with app.app_context():
        facilitator = db.session.scalar(select(Facilitator).where(Facilitator.email == "dana@example.org"))
        group = db.session.scalar(select(Group).where(Group.name == "Thursday Circle"))
        pulse_weeks(facilitator, group, [8, 8, 7, 8])
        db.session.remove()
        db.engine.dispose()


def picture(page, selector: str, name: str) -> None:
    """A screenshot of one card as it sits in the page, without the bars that stay on screen."""
    page.evaluate("() => { document.activeElement.blur(); window.scrollTo(0, 0); }")
    box = page.locator(selector).bounding_box()
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True, clip=box)


def slider(page, question: str):
    return page.get_by_role("slider", name=question)


def join(new_context, join_link, name):
    phone = checked_context(new_context, PHONE).new_page()
    phone.goto(join_link)
    phone.get_by_label("What should the group call you?").fill(name)
    phone.get_by_role("button", name="Join the session").click()
    expect(phone.locator("#connection")).to_have_text("Connected")
    return phone


def test_phones_answer_the_pulse_and_the_next_console_shows_the_drop(live_server, new_context):
    laptop = checked_context(new_context, LAPTOP).new_page()
    laptop.on("dialog", lambda dialog: dialog.accept())
    join_link = sign_in_and_start_session(live_server, laptop, minimum="3")
    seed_steady_weeks(live_server)
    ana, bo, cy, dee, eve = (join(new_context, join_link, name) for name in ("Ana", "Bo", "Cy", "Dee", "Eve"))
    expect(laptop.locator("#roster-count")).to_have_text("5")
    expect(ana.locator("#pulse")).to_be_hidden()  # not before the check-out step
    expect(laptop.locator("#pulse-panel-status")).to_contain_text("0 answered so far.")

    # The check-out step: every phone shows the pulse by itself.
    laptop.locator(".step-button", has_text="Check-out").click()
    for phone in (ana, bo, cy, dee, eve):
        expect(phone.get_by_role("heading", name="How did today's session fit you?")).to_be_visible()
    expect(laptop.locator("#pulse-panel-status")).to_contain_text("it's the check-out step")

    # Ana: by touch, then one by keyboard alone; each slider says its value in words.
    first = slider(ana, QUESTIONS[0])
    expect(first).to_have_attribute("aria-valuetext", "Not answered yet")
    first.fill("5")
    expect(ana.locator("#pulse-heard-value")).to_have_text("5 / 10")
    expect(first).to_have_attribute("aria-valuetext", "5 out of 10")
    slider(ana, QUESTIONS[1]).fill("4")
    slider(ana, QUESTIONS[2]).fill("6")
    assert_accessible(ana, "The pulse on a phone, partly answered")
    picture(ana, "#pulse", "pulse-phone")
    slider(ana, QUESTIONS[3]).focus()
    ana.keyboard.press("ArrowRight")
    ana.keyboard.press("ArrowLeft")
    expect(ana.locator("#pulse-overall-value")).to_have_text("5 / 10")
    ana.get_by_role("button", name="Send my answers").click()
    expect(ana.locator("#pulse-status")).to_have_text("Thank you ✓ Sent, without your name.")
    expect(ana.locator("#pulse-thanks")).to_be_visible()

    # Bo answers everything; Cy answers and then skips one. Nothing chosen is refused kindly.
    bo.get_by_role("button", name="Send my answers").click()
    expect(bo.locator("#pulse-status")).to_contain_text("Skipping is always fine.")
    for question in QUESTIONS:
        slider(bo, question).fill("5")
    bo.get_by_role("button", name="Send my answers").click()
    expect(bo.locator("#pulse-status")).to_contain_text("Thank you ✓")
    for question, value in zip(QUESTIONS, ("5", "6", "3", "4"), strict=True):
        slider(cy, question).fill(value)
    cy.get_by_role("button", name=f"Skip this one: {QUESTIONS[2]}").click()
    expect(cy.locator("#pulse-fit-value")).to_have_text("Not answered")
    expect(slider(cy, QUESTIONS[2])).to_be_focused()
    cy.get_by_role("button", name="Send my answers").click()
    expect(cy.locator("#pulse-status")).to_contain_text("Thank you ✓")

    # The console: how many, never what.
    expect(laptop.locator("#pulse-answered")).to_have_text("3")
    expect(laptop.locator("#pulse-panel-status")).to_contain_text("3 answered so far.")

    # Dee hadn't answered: after the end, their phone's last screen asks once more.
    laptop.get_by_role("button", name="End session").click()
    expect(dee.get_by_role("heading", name="The session has ended")).to_be_visible()
    expect(dee.get_by_role("heading", name="How did today's session fit you?")).to_be_visible()
    assert_accessible(dee, "The pulse on the phone's last screen, after the end")
    expect(ana.get_by_role("heading", name="The session has ended")).to_be_visible()
    expect(ana.locator("#pulse")).to_be_hidden()  # answered already: not asked again
    slider(dee, QUESTIONS[3]).fill("7")
    dee.get_by_role("button", name="Send my answers").click()
    expect(dee.locator("#pulse-status")).to_have_text("Thank you ✓ Sent, without your name.")
    # Its take-home page doesn't ask again either.
    dee.get_by_role("link", name="Something to take home").click()
    expect(dee.get_by_role("heading", name="Thank you for being part of today")).to_be_visible()
    expect(dee.locator("#take-home-pulse")).to_be_hidden()
    # Eve goes straight to the take-home page instead: it asks there, with the ticket Eve's phone kept.
    eve.get_by_role("link", name="Something to take home").click()
    expect(eve.get_by_role("heading", name="How did today's session fit you?")).to_be_visible()
    assert_accessible(eve, "The pulse on the take-home page")
    slider(eve, QUESTIONS[0]).fill("9")
    eve.get_by_role("button", name="Send my answers").click()
    expect(eve.locator("#take-home-pulse-status")).to_have_text("Thank you ✓ Sent, without your name.")
    eve.reload()
    expect(eve.locator("#take-home-pulse")).to_be_hidden()  # answered: not asked again

    # The summary: the averages of the three live answers. (5+5+5)/3, (4+5+6)/3, fit (6+5)/2 from
    # two people only (under the minimum), (5+5+4)/3: a pulse of (5.0 + 5.0 + 4.7) / 3 = 4.9.
    expect(laptop.locator("#session-state")).to_have_text("Ended")
    laptop.get_by_role("link", name="Session summary").click()
    expect(laptop.locator("#figure-pulse-answered")).to_have_text("3")
    expect(laptop.locator("#figure-pulse-score")).to_have_text("4.9")
    expect(
        laptop.get_by_role("heading", name="This session fit the group less well than usual")
    ).to_be_visible()
    assert_accessible(laptop, "The summary with the pulse and its drop")

    # The group page, then the next session's console: the drop alert, with a kind suggestion.
    laptop.locator(".eyebrow a", has_text="Thursday Circle").click()
    expect(
        laptop.get_by_role("heading", name="Thursday Circle fit the group less well than usual")
    ).to_be_visible()
    assert_accessible(laptop, "The group page with a drop alert")
    laptop.get_by_role("button", name="Start or schedule session").click()
    alert = laptop.locator("#pulse-drop")
    expect(alert.get_by_role("heading")).to_have_text(
        "Last time, the session fit the group less well than usual"
    )
    expect(alert).to_contain_text(
        "Its pulse came to 4.9 out of 10. Over the group's 4 sessions before it, the pulse was 7.75 on "
        "average, and seldom below 6.75."
    )
    expect(alert).to_contain_text(
        "“Taken together, this session was a good one for me” averaged 4.7 out of 10."
    )
    expect(alert).to_contain_text("What would make our time together more useful for you?")
    expect(laptop.locator("#connection")).to_have_text("Connected")
    assert_accessible(laptop, "A drop alert on the next session's console")
    alert.scroll_into_view_if_needed()
    screenshot(laptop, "pulse-drop-console")
