"""Asking for support before the live connection works: over HTTP, and with no JavaScript at all.

The phone's socket is blocked (every /socket.io/ request aborted), as on a network too slow to
open it yet; its request still reaches the facilitator's console, and once the socket connects the
phone's resend of it creates nothing new.
"""

import re
import sqlite3

import pytest
from playwright.sync_api import expect

from ..conftest import PHONE
from .test_checkin_round import join_on_phone, sign_in_and_start_session

pytestmark = pytest.mark.browser

SOCKET = re.compile(r"/socket\.io/")
NOT_CONNECTED = re.compile(r"^(Connecting|Reconnecting)…")
# What the phone still keeps to send (its support Outbox in localStorage).
KEPT_REQUESTS = """() => Object.entries(localStorage)
  .filter(([key]) => key.startsWith("stepwise-support-"))
  .flatMap(([, value]) => Object.keys(JSON.parse(value)))"""


def block_the_socket(context) -> dict:
    """Fail every way the live connection opens (long-polling and WebSocket) while `blocked`."""
    state = {"blocked": True}
    context.route(SOCKET, lambda route: route.abort() if state["blocked"] else route.fallback())

    def websocket(ws) -> None:
        if state["blocked"]:
            ws.close()
        else:
            ws.connect_to_server()

    context.route_web_socket(SOCKET, websocket)
    return state


def stored_requests(live_server) -> list[tuple]:
    with sqlite3.connect(live_server.instance_dir / "stepwise.db") as database:
        return database.execute(
            "SELECT client_id, urgency, message FROM support_request ORDER BY id"
        ).fetchall()


def test_a_request_with_the_socket_blocked_reaches_the_console_once(live_server, new_context):
    laptop = new_context().new_page()
    join_link = sign_in_and_start_session(live_server, laptop)
    ana = join_on_phone(new_context, join_link, "Ana")
    expect(laptop.locator("#roster-count")).to_have_text("1")

    # The network lets pages through but not the live connection.
    socket = block_the_socket(ana.context)
    ana.reload()
    expect(ana.locator("#connection")).to_have_text(NOT_CONNECTED)

    ana.get_by_role("link", name="I need support").click()
    sheet = ana.get_by_role("dialog", name="Ask the facilitator for support")
    expect(sheet).to_be_visible()
    sheet.get_by_label("Now, please").check()
    sheet.get_by_label("Anything you'd like them to know?").fill("On a bad signal, but I need to talk.")
    sheet.get_by_role("button", name="Send to the facilitator").click()

    # The same screen says it arrived; the console is alerted, by name.
    expect(sheet).to_be_hidden()
    expect(ana.locator("#support-own")).to_contain_text("Delivered to the facilitator ✓")
    expect(ana.locator("#support-own")).to_contain_text("On a bad signal, but I need to talk.")
    alerts = laptop.locator("#support-alerts")
    expect(alerts).to_contain_text("Ana asked for support")
    expect(alerts).to_contain_text("On a bad signal, but I need to talk.")
    expect(ana.locator("#connection")).to_have_text(NOT_CONNECTED)
    [(client_id, urgency, message)] = stored_requests(live_server)
    assert (urgency, message) == ("now", "On a bad signal, but I need to talk.")

    # With the connection back, the request is there once, on the phone and in the database.
    socket["blocked"] = False
    ana.reload()
    expect(ana.locator("#connection")).to_have_text("Connected")
    expect(ana.locator("#support-own > li")).to_have_count(1)
    expect(ana.locator("#support-own")).to_contain_text("Delivered to the facilitator ✓")
    assert stored_requests(live_server) == [(client_id, urgency, message)]


def test_a_request_whose_answer_was_lost_is_resent_and_stored_once(live_server, new_context):
    laptop = new_context().new_page()
    join_link = sign_in_and_start_session(live_server, laptop)
    ana = join_on_phone(new_context, join_link, "Ana")
    socket = block_the_socket(ana.context)
    ana.reload()
    expect(ana.locator("#connection")).to_have_text(NOT_CONNECTED)
    # The request reaches the server, but its answer never reaches the phone.
    lost = {"answer": True}

    def lose_the_answer(route) -> None:
        if lost["answer"]:
            route.fetch()
            route.abort()
        else:
            route.fallback()

    ana.context.route("**/support", lose_the_answer)

    ana.get_by_role("link", name="I need support").click()
    sheet = ana.get_by_role("dialog", name="Ask the facilitator for support")
    sheet.get_by_label("Anything you'd like them to know?").fill("Just one request, please.")
    sheet.get_by_role("button", name="Send to the facilitator").click()
    expect(sheet).to_be_hidden()
    expect(ana.locator("#support-own")).to_contain_text("Not sent yet")
    expect(laptop.locator("#support-alerts")).to_contain_text("Ana asked for support")
    [stored] = stored_requests(live_server)

    # The phone keeps it and sends it again (the same client id) once it can: stored once.
    lost["answer"] = False
    socket["blocked"] = False
    ana.reload()
    expect(ana.locator("#connection")).to_have_text("Connected")
    expect(ana.locator("#support-own")).to_contain_text("Delivered to the facilitator ✓")
    expect(ana.locator("#support-own > li")).to_have_count(1)
    assert ana.evaluate(KEPT_REQUESTS) == []
    assert stored_requests(live_server) == [stored]
    expect(laptop.locator("#support-alerts .support-alert")).to_have_count(1)


def test_a_request_kept_while_both_ways_fail_goes_once_the_socket_connects(live_server, new_context):
    laptop = new_context().new_page()
    join_link = sign_in_and_start_session(live_server, laptop)
    ana = join_on_phone(new_context, join_link, "Ana")
    socket = block_the_socket(ana.context)
    ana.reload()
    expect(ana.locator("#connection")).to_have_text(NOT_CONNECTED)
    # The HTTP route is unreachable too (the phone lost its network after the page loaded).
    ana.context.route("**/support", lambda route: route.abort())

    ana.get_by_role("link", name="I need support").click()
    sheet = ana.get_by_role("dialog", name="Ask the facilitator for support")
    sheet.get_by_label("After the session is fine").check()
    sheet.get_by_role("button", name="Send to the facilitator").click()
    expect(sheet).to_be_hidden()
    expect(ana.locator("#support-own")).to_contain_text("Not sent yet")
    assert stored_requests(live_server) == []

    socket["blocked"] = False
    ana.reload()
    expect(ana.locator("#support-own")).to_contain_text("Delivered to the facilitator ✓")
    expect(ana.locator("#support-own > li")).to_have_count(1)
    assert [urgency for _, urgency, _ in stored_requests(live_server)] == ["later"]
    expect(laptop.locator("#support-alerts")).to_contain_text("Ana asked for support")


def test_without_javascript_the_sheet_is_a_plain_form(live_server, new_context):
    laptop = new_context().new_page()
    join_link = sign_in_and_start_session(live_server, laptop)
    phone = new_context({**PHONE, "java_script_enabled": False}).new_page()
    phone.goto(join_link)
    phone.get_by_label("What should the group call you?").fill("Bo")
    phone.get_by_role("button", name="Join the session").click()
    expect(phone.get_by_role("heading", name="Check-in")).to_be_visible()

    phone.get_by_role("link", name="I need support").click()
    message = phone.get_by_label("Anything you'd like them to know?")
    expect(message).to_be_visible()
    phone.get_by_label("After the session is fine").check()
    message.fill("No rush, just want a word later.")
    phone.get_by_role("button", name="Send to the facilitator").click()

    # Post, redirect, get: back in the room, with a kind word; the console is alerted.
    assert phone.url.endswith("/room")
    expect(phone.locator(".flash")).to_contain_text(
        "Thank you for asking. Your request is with the facilitator"
    )
    expect(phone.get_by_label("Anything you'd like them to know?")).to_be_hidden()
    expect(laptop.locator("#support-alerts")).to_contain_text("Bo asked for support")
    assert [row[1:] for row in stored_requests(live_server)] == [
        ("later", "No rush, just want a word later.")
    ]

    # A refused request comes back with its words and why (here: a fourth open request).
    for number in (2, 3, 4):
        phone.get_by_role("link", name="I need support").click()
        phone.get_by_label("Anything you'd like them to know?").fill(f"Request {number}")
        phone.get_by_role("button", name="Send to the facilitator").click()
    expect(phone.locator("#support-send-status")).to_contain_text("The facilitator already has your requests")
    expect(phone.get_by_label("Anything you'd like them to know?")).to_have_value("Request 4")
    assert len(stored_requests(live_server)) == 3
