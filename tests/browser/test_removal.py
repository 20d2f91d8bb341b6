"""Removing someone in real browsers: the console says what removal does and cannot do, offers to
lock the room, and the removed phone cannot come back in from the same browser."""

import pytest
from playwright.sync_api import expect

from facilitator.sessions.services import LOCKED_MESSAGE, REMOVED_MESSAGE

from ..conftest import PHONE
from .test_checkin_round import join_on_phone, sign_in_and_start_session

pytestmark = pytest.mark.browser

WHAT_IT_DOES = "Their phone is disconnected and this browser can't rejoin this session."
WHAT_IT_CANNOT = (
    "They could still join from another device or a private window. Lock the room to stop all new joins."
)


def assert_big_enough(locator) -> None:
    box = locator.bounding_box()
    assert box and box["height"] >= 44 and box["width"] >= 44, box


def test_removal_says_what_it_does_and_keeps_that_browser_out(live_server, new_context):
    laptop = new_context().new_page()
    join_link = sign_in_and_start_session(live_server, laptop)
    sam, _ana = (join_on_phone(new_context, join_link, name) for name in ("Sam", "Ana"))
    expect(laptop.locator("#roster-count")).to_have_text("2")

    # Asking first, in plain words, with the least harmful choice focused; cancelling changes nothing.
    laptop.get_by_role("button", name="Remove Sam").click()
    dialog = laptop.get_by_role("dialog", name="Remove Sam?")
    expect(dialog).to_be_visible()
    expect(dialog).to_contain_text(WHAT_IT_DOES)
    expect(dialog).to_contain_text(WHAT_IT_CANNOT)
    expect(dialog.get_by_label("Lock the room too")).not_to_be_checked()
    expect(dialog.get_by_role("button", name="Cancel")).to_be_focused()
    for target in ("Cancel", "Remove Sam"):
        assert_big_enough(dialog.get_by_role("button", name=target, exact=True))
    assert_big_enough(dialog.locator("label.checkbox"))
    laptop.keyboard.press("Escape")
    expect(dialog).to_be_hidden()
    expect(laptop.locator("#roster").get_by_role("button", name="Remove Sam")).to_be_focused()

    # Removing: the phone is told, the roster says so, and focus lands on the roster.
    laptop.get_by_role("button", name="Remove Sam").click()
    dialog.get_by_role("button", name="Remove Sam", exact=True).click()
    expect(dialog).to_be_hidden()
    expect(sam.locator("#removed-message")).to_have_text(REMOVED_MESSAGE)
    sam_row = laptop.locator("#roster .roster-item", has_text="Sam")
    expect(sam_row.locator(".presence")).to_have_text("Removed")
    expect(sam_row.get_by_role("button")).to_have_count(0)
    expect(laptop.locator("#roster-count")).to_have_text("1")
    expect(laptop.locator("#roster-heading")).to_be_focused()
    expect(laptop.locator("#announcer")).to_have_text("Sam was removed.")

    # The same browser reloading the join link is kindly refused; the form is gone.
    response = sam.goto(join_link)
    assert response.status == 403
    expect(sam.locator("main")).to_contain_text(REMOVED_MESSAGE)
    expect(sam.get_by_role("button", name="Join the session")).to_have_count(0)

    # Another browser still can join, until the room is locked from the same dialog.
    join_on_phone(new_context, join_link, "Cy")
    expect(laptop.locator("#roster-count")).to_have_text("2")
    laptop.get_by_role("button", name="Remove Cy").click()
    dialog = laptop.get_by_role("dialog", name="Remove Cy?")
    dialog.get_by_label("Lock the room too").check()
    dialog.get_by_role("button", name="Remove Cy and lock the room").click()
    expect(laptop.get_by_label("Lock the room to new people")).to_be_checked()
    expect(laptop.locator("#announcer")).to_have_text("Cy was removed. The room is locked to new people.")
    newcomer = new_context(PHONE).new_page()
    assert newcomer.goto(join_link).status == 403
    expect(newcomer.locator("main")).to_contain_text(LOCKED_MESSAGE)

    # With the room locked, the dialog no longer offers what is already done.
    laptop.get_by_role("button", name="Remove Ana").click()
    dialog = laptop.get_by_role("dialog", name="Remove Ana?")
    expect(dialog).to_contain_text("The room is locked, so nobody new can join until you unlock it.")
    expect(dialog.get_by_text(WHAT_IT_CANNOT)).to_be_hidden()
    expect(dialog.get_by_label("Lock the room too")).to_be_hidden()
    dialog.get_by_role("button", name="Cancel").click()
    expect(dialog).to_be_hidden()
