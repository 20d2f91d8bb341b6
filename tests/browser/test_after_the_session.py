"""After the session, in real browsers: the end, the summary, the take-home page, trends and a PDF."""

import re
from datetime import timedelta

import pytest
from playwright.sync_api import expect
from pypdf import PdfReader
from sqlalchemy import select

from config import TestConfig
from facilitator import create_app
from facilitator.accounts.models import Facilitator
from facilitator.clock import utcnow
from facilitator.extensions import db
from facilitator.groups.models import Group

from ..conftest import PASSWORD, PHONE, screenshot
from ..summaries.conftest import Person, Plan, Round, build_session
from .test_checkin_round import join_on_phone, sign_in_and_start_session

pytestmark = pytest.mark.browser

# Eight earlier weeks of the group, for its trends: (check-in moods, check-out moods, wins).
HISTORY = [
    ([3, 4, 4, 5], [5, 5, 6, 6]),
    ([4, 3, 5], [5, 6, 6]),
    ([2, 4, 5, 5, 6], [4, 5, 6, 7, 7]),
    ([5, 4, 4, 6], [6, 6, 7, 7]),
    ([4, 5, 5], [6, 6, 7]),
    ([5, 5, 6, 6, 4, 7], [6, 7, 7, 8, 6, 8]),
    ([3, 6, 6, 5], [6, 7, 8, 7]),
    ([5, 6, 6, 7, 5], [7, 7, 8, 8, 7]),
]


def seed_history(live_server, facilitator_email: str, group_name: str) -> None:
    """Add the group's past sessions straight to the live server's database."""
    config = TestConfig()
    config.INSTANCE_DIR = live_server.instance_dir
    config.SQLALCHEMY_DATABASE_URI = live_server.database_url
    app = create_app(config)
    with app.app_context():
        facilitator = db.session.scalar(select(Facilitator).where(Facilitator.email == facilitator_email))
        group = db.session.scalar(select(Group).where(Group.name == group_name))
        for weeks_ago, (moods_in, moods_out) in zip(range(len(HISTORY), 0, -1), HISTORY, strict=True):
            names = [f"Member {n}" for n in range(1, len(moods_in) + 1)]
            plan = Plan(
                title=f"Week {len(HISTORY) - weeks_ago + 1}",
                start=utcnow().replace(hour=18, minute=0, second=0, microsecond=0)
                - timedelta(weeks=weeks_ago),
                minutes=75,
                people=[Person(name, 0) for name in names],
                rounds=[
                    Round("checkin", {n: {"mood": m} for n, m in zip(names, moods_in, strict=True)}),
                    Round("checkout", {n: {"mood": m} for n, m in zip(names, moods_out, strict=True)}),
                ],
            )
            build_session(facilitator, group, plan)
        db.session.remove()
        db.engine.dispose()


def answer(phone, mood: int, *feelings: tuple[str, str]) -> None:
    phone.locator(f"label.mood-option:has(input[value='{mood}'])").click()
    for core, word in feelings:
        phone.locator("summary", has_text=core).click()
        phone.locator("label.chip", has_text=word).click()
    phone.get_by_role("button", name="Send").click()
    expect(phone.locator("#checkin-status")).to_contain_text("Sent ✓")


def test_the_end_of_a_session_its_summary_the_take_home_page_and_trends(live_server, new_context, tmp_path):
    laptop = new_context().new_page()
    laptop.on("dialog", lambda dialog: dialog.accept())
    join_link = sign_in_and_start_session(live_server, laptop, minimum="3")
    seed_history(live_server, "dana@example.org", "Thursday Circle")
    ana, bo, cy = (join_on_phone(new_context, join_link, name) for name in ("Ana", "Bo", "Cy"))
    expect(laptop.locator("#roster-count")).to_have_text("3")

    laptop.get_by_role("button", name="Open round").click()
    answer(ana, 4, ("Sad", "tired"))
    answer(bo, 3, ("Sad", "tired"), ("Scared", "anxious"))
    answer(cy, 6, ("Joyful", "hopeful"))
    expect(laptop.locator("#count-answered")).to_have_text("3")
    laptop.get_by_role("button", name="Reveal to the group").click()
    laptop.get_by_label("Kind of round").select_option("checkout")
    laptop.get_by_role("button", name="Open round").click()
    for phone in (ana, bo, cy):
        expect(phone.get_by_role("heading", name="How are you leaving today?")).to_be_visible()
    answer(ana, 7, ("Peaceful", "calm"))
    answer(bo, 5, ("Joyful", "hopeful"))
    answer(cy, 10, ("Peaceful", "calm"), ("Strong", "proud"))
    expect(laptop.locator("#count-answered")).to_have_text("3")

    laptop.get_by_role("button", name="End session").click()
    for phone in (ana, bo, cy):
        expect(phone.get_by_role("heading", name="The session has ended")).to_be_visible()
        expect(phone.get_by_role("link", name="Something to take home")).to_be_visible()

    # The participant's take-home page: the group's shift, never a name or an answer.
    bo.get_by_role("link", name="Something to take home").click()
    expect(bo.get_by_role("heading", name="Thank you for being part of today")).to_be_visible()
    expect(bo.locator("#shift-sentence")).to_contain_text(
        "Together, the group arrived at 4.3 and left at 7.3, on a scale of 1 to 10."
    )
    expect(bo.get_by_role("heading", name="If things get hard")).to_be_visible()
    body = bo.locator("main").inner_text()
    for private in ("Ana", "Cy", "anxious", "tired"):
        assert private not in body
    screenshot(bo, "take-home-phone")

    # The facilitator's summary, reached from the console of the ended session.
    expect(laptop.locator("#session-state")).to_have_text("Ended")
    laptop.get_by_role("link", name="Session summary").click()
    expect(laptop.get_by_role("heading", name="Summary: Thursday Circle")).to_be_visible()
    expect(laptop.locator("#figure-joined")).to_have_text("3")
    expect(laptop.locator("#figure-most-at-once")).to_have_text("3")
    expect(laptop.locator("#mood-shift")).to_have_text(
        re.compile(r"moods went from 4\.3 at check-in to 7\.3 at check-out:\s+up 3\.0\.")
    )
    expect(laptop.locator("#people-shift")).to_contain_text("Bo")
    expect(laptop.locator("#people-shift tbody tr")).to_have_count(3)
    laptop.get_by_label("Private notes (only this group's facilitators see them)").fill(
        "Bo arrived low and left lighter. Check in with Cy about the new job."
    )
    laptop.get_by_role("button", name="Save notes").click()
    expect(laptop.get_by_text("Your notes are saved.")).to_be_visible()
    screenshot(laptop, "session-summary")

    with laptop.expect_download() as download_info:
        laptop.get_by_role("link", name="Download PDF").click()
    pdf_path = tmp_path / "summary.pdf"
    download_info.value.save_as(pdf_path)
    text = " ".join(" ".join(page.extract_text() for page in PdfReader(pdf_path).pages).split())
    for expected in (
        "Summary: Thursday Circle",
        "Joined 3",
        "Check-in mood average 4.3, median 4",
        "Check-out mood average 7.3, median 7",
        "Change in average mood +3.0 (up)",
        "Bo 3 → 5 (+2)",
        "Bo arrived low and left lighter.",
    ):
        assert expected in text, expected

    # The group's trends: the eight earlier weeks and today.
    laptop.get_by_role("link", name="Thursday Circle").first.click()
    laptop.get_by_role("link", name="Trends and exports").click()
    expect(laptop.get_by_role("heading", name="Trends across sessions")).to_be_visible()
    expect(laptop.locator("svg.chart-svg")).to_have_count(4)  # moods, answers, wins, the pulse
    expect(laptop.locator("#trend-table tbody tr")).to_have_count(len(HISTORY) + 1)
    screenshot(laptop, "group-trends")


def test_an_unknown_take_home_link_is_met_kindly(live_server, new_context):
    live_server.flask(  # past the first-run setup page
        "create-facilitator",
        "--email",
        "dana@example.org",
        "--name",
        "Dana",
        "--password-stdin",
        stdin=PASSWORD,
    )
    phone = new_context(PHONE).new_page()
    response = phone.goto(live_server.url + "/take-home/not-a-real-link")
    assert response.status == 404
    expect(phone.get_by_role("heading", name="This page isn't available")).to_be_visible()
    expect(phone.get_by_text("Need urgent help?")).to_be_visible()
