"""The whole first path in a real browser: set up, create a group, start a session, a phone joins."""

import re

import pytest
from playwright.sync_api import expect

from ..conftest import PASSWORD, PHONE, screenshot

pytestmark = pytest.mark.browser


def test_first_run_to_a_participant_on_the_roster(live_server, new_context):
    laptop = new_context().new_page()
    laptop.goto(live_server.url)
    expect(laptop).to_have_url(re.compile("/setup$"))
    laptop.get_by_label("Your name, as group members will see it").fill("Dana Rivers")
    laptop.get_by_label("E-mail").fill("dana@example.org")
    laptop.get_by_label("Password (at least 10 characters)").fill(PASSWORD)
    laptop.get_by_label("Password again").fill(PASSWORD)
    laptop.get_by_role("button", name="Create my account").click()
    expect(laptop.get_by_text("You're set up as the admin.")).to_be_visible()

    laptop.get_by_role("link", name="Create your first group").click()
    laptop.get_by_label("Group name").fill("Tuesday Recovery Circle")
    laptop.get_by_label("Description (optional)").fill("A steady place to check in, week by week.")
    expect(laptop.get_by_label("Crisis resources shown to participants")).to_contain_text("988")
    laptop.get_by_role("button", name="Create group").click()
    expect(laptop.get_by_role("heading", name="Tuesday Recovery Circle")).to_be_visible()

    laptop.get_by_label("Session title (optional)").fill("Week 12")
    laptop.get_by_role("button", name="Start or schedule session").click()
    expect(laptop.get_by_role("heading", name=re.compile("Week 12"))).to_be_visible()
    join_link = laptop.locator("a.join-link").get_attribute("href")
    code = laptop.locator(".join-code strong").inner_text()

    phone = new_context(PHONE).new_page()
    phone.goto(join_link)
    expect(phone.get_by_role("heading", name="Welcome. We're glad you're here.")).to_be_visible()
    expect(phone.get_by_label("What should the group call you?")).not_to_have_value("")
    phone.get_by_text("Need urgent help?").click()
    expect(phone.get_by_text("Stepwise is not an emergency service.")).to_be_visible()
    phone.get_by_text("Need urgent help?").click()
    phone.get_by_label("What should the group call you?").fill("Quiet Heron")
    screenshot(phone, "participant-join-phone")
    phone.get_by_role("button", name="Join the session").click()
    expect(phone.get_by_text("you're here as Quiet Heron")).to_be_visible()
    expect(phone.locator("#connection")).to_have_text("Connected")

    # The same phone comes back to the same seat after a reload.
    phone.reload()
    expect(phone.get_by_text("you're here as Quiet Heron")).to_be_visible()

    laptop.reload()
    expect(laptop.locator("#roster")).to_contain_text("Quiet Heron")
    screenshot(laptop, "facilitator-session")

    # A second phone types the code on the start page instead.
    other = new_context(PHONE).new_page()
    other.goto(live_server.url)
    other.get_by_label("Session code").fill(code.lower())
    other.get_by_role("button", name="Continue").click()
    expect(other.get_by_role("button", name="Join the session")).to_be_visible()

    laptop.goto(laptop.url + "/screen")
    expect(laptop.locator(".screen-code")).to_have_text(code)
    expect(laptop.locator("img.qr")).to_be_visible()
    screenshot(laptop, "shared-screen-join")
