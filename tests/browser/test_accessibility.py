"""Accessible in every state (README, "Accessibility"): axe-core's WCAG 2.0, 2.1 and 2.2 A and AA
rules, and Label in Name, on every page and every live state of a session, in real browsers; focus
after the console's actions; and what screen readers are told as the room changes.

One browser for the whole run, one live server per test, phones as real pages where their screen
is checked and as Socket.IO clients where they only need to take part.
"""

from __future__ import annotations

import itertools
import re
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import expect

from facilitator.error_pages import render_error

from ..conftest import LAPTOP, PASSWORD, PHONE
from .a11y import (
    Audit,
    announcements,
    assert_accessible,
    checked_context,
    describe,
    dump,
    record_live_regions,
    violations,
)
from .test_checkin_round import sign_in_and_start_session
from .test_console_alerts import ask, phone_socket

pytestmark = pytest.mark.browser


# --- the check itself -------------------------------------------------------------------------


def test_the_check_reports_what_breaks_a_rule(new_context):
    page = checked_context(new_context, LAPTOP).new_page()
    page.set_content(
        """<!doctype html><html lang="en"><head><title>Broken</title></head><body><main>
        <h1>Broken on purpose</h1>
        <input id="unlabelled">
        <button aria-label="Close the dialog">Send</button>
        <p style="color:#bbb;background:#fff">Too pale to read</p>
        </main></body></html>"""
    )
    found = {violation["rule"]: violation for violation in violations(page)}
    # Label in Name is experimental in axe-core, so off by default: the check turns it on.
    assert {"label", "label-content-name-mismatch", "color-contrast"} <= found.keys(), describe(
        list(found.values())
    )
    report = describe(list(found.values()))
    assert "label-content-name-mismatch (serious)" in report
    assert "at #unlabelled:" in report
    with pytest.raises(pytest.fail.Exception, match=r"a broken page \(.*\): \d+ accessibility rule"):
        assert_accessible(page, "a broken page")

    page.set_content(
        """<!doctype html><html lang="en"><head><title>Fine</title></head><body><main>
        <h1>Fine</h1><label for="name">Name</label><input id="name">
        <button aria-label="Send your answer">Send</button></main></body></html>"""
    )
    assert_accessible(page, "a fine page")


# --- pages without a live session -------------------------------------------------------------


def server_error_page(app) -> str:
    """The page a person sees when something fails on the server (no route of a healthy server
    fails on purpose, so it is rendered by the app, as its error handler does)."""
    with app.test_request_context("/"):
        html, status = render_error(500)
    assert status == 500
    return html


def test_the_pages_around_the_sessions(app, live_server, new_context):
    audit = Audit()
    laptop = checked_context(new_context, LAPTOP).new_page()
    # First run: the setup page, also with its errors showing.
    laptop.goto(live_server.url)
    expect(laptop).to_have_url(re.compile("/setup$"))
    audit.check(laptop, "setup")
    laptop.get_by_role("button", name="Create my account").click()
    expect(laptop.locator(".field.has-error").first).to_be_visible()
    audit.check(laptop, "setup, with errors")
    laptop.get_by_label("Your name, as group members will see it").fill("Dana Rivers")
    laptop.get_by_label("E-mail").fill("dana@example.org")
    laptop.get_by_label("Password (at least 10 characters)").fill(PASSWORD)
    laptop.get_by_label("Password again").fill(PASSWORD)
    laptop.get_by_role("button", name="Create my account").click()
    expect(laptop.get_by_text("You're set up as the admin.")).to_be_visible()
    audit.check(laptop, "groups, none yet")

    laptop.goto(live_server.url + "/groups/new")
    audit.check(laptop, "group form")
    laptop.get_by_role("button", name="Create group").click()
    expect(laptop.locator(".field.has-error").first).to_be_visible()
    audit.check(laptop, "group form, with errors")
    laptop.get_by_label("Group name").fill("Tuesday Recovery Circle")
    laptop.get_by_role("button", name="Create group").click()
    expect(laptop.get_by_role("heading", name="Tuesday Recovery Circle")).to_be_visible()
    audit.check(laptop, "group page, no sessions yet")
    group_path = urlsplit(laptop.url).path
    laptop.get_by_label("Session title (optional)").fill("Week 13")
    laptop.get_by_label("Schedule for later (leave empty to start now)").fill("2030-01-08T18:00")
    laptop.get_by_role("button", name="Start or schedule session").click()
    expect(laptop.locator("#session-state")).to_have_text("Scheduled")
    audit.check(laptop, "session page, scheduled")
    laptop.goto(live_server.url + group_path)
    expect(laptop.locator(".session-list li")).to_have_count(1)
    audit.check(laptop, "group page, with a session")
    laptop.goto(live_server.url + "/groups/")
    audit.check(laptop, "groups")
    for path, state in (
        (f"{group_path}/edit", "group form, editing"),
        (f"{group_path}/trends", "trends, no sessions yet"),
        ("/facilitators", "facilitators"),
        ("/invites", "invitations"),
        ("/account/password", "password"),
    ):
        laptop.goto(live_server.url + path)
        audit.check(laptop, state)

    # A facilitator who is not an admin may not make invitations: the 403 page.
    live_server.flask(
        "create-facilitator",
        "--email",
        "sam@example.org",
        "--name",
        "Sam",
        "--password-stdin",
        stdin=PASSWORD,
    )
    other = checked_context(new_context, LAPTOP).new_page()
    other.goto(live_server.url + "/login")
    audit.check(other, "login")
    other.get_by_label("E-mail").fill("sam@example.org")
    other.get_by_label("Password").fill("not the password")
    other.get_by_role("button", name="Sign in").click()
    expect(other.locator(".error-summary")).to_be_visible()
    audit.check(other, "login, refused")
    other.get_by_label("Password").fill(PASSWORD)
    other.get_by_role("button", name="Sign in").click()
    expect(other).to_have_url(re.compile("/groups/$"))
    response = other.goto(live_server.url + "/invites")
    assert response.status == 403
    expect(other.get_by_role("heading", name="This page isn't open to you")).to_be_visible()
    audit.check(other, "error page 403")

    # A participant's pages outside a session, and the error pages they may meet.
    phone = checked_context(new_context, PHONE).new_page()
    phone.goto(live_server.url)
    audit.check(phone, "start page")
    phone.get_by_label("Session code").fill("NOPE-NOPE")
    phone.get_by_role("button", name="Continue").click()
    audit.check(phone, "start page, unknown code")
    response = phone.goto(live_server.url + "/no/such/page")
    assert response.status == 404
    audit.check(phone, "error page 404")
    response = phone.goto(live_server.url + "/logout")
    assert response.status == 405
    audit.check(phone, "error page 405")
    # A form whose CSRF token has expired.
    phone.goto(live_server.url)
    phone.locator('input[name="csrf_token"]').evaluate("node => (node.value = 'expired')")
    phone.get_by_label("Session code").fill("ABCD-EFGH")
    phone.get_by_role("button", name="Continue").click()
    expect(phone.get_by_text("This form had expired")).to_be_visible()
    audit.check(phone, "error page, expired form (CSRF)")
    # Served from the live server's address, so its stylesheet and scripts load as they would.
    failing = live_server.url + "/a-page-that-failed"
    phone.route(
        failing,
        lambda route: route.fulfill(
            status=500, body=server_error_page(app), content_type="text/html; charset=utf-8"
        ),
    )
    response = phone.goto(failing)
    assert response.status == 500
    expect(phone.get_by_role("heading", name="Something went wrong on our side")).to_be_visible()
    audit.check(phone, "error page 500")
    audit.assert_clean()


# --- a live session, state by state -------------------------------------------------------------


@pytest.fixture
def server(start_live_server):
    """A live server whose limits leave room for a console driven faster than by hand."""
    server = start_live_server(SOCKET_EVENT_RATE_LIMIT="300 per 10 seconds")
    yield server
    server.stop()


WIN = "Went for a walk every morning"


def answer_over_socket(phone, client_id: str, **answer) -> None:
    state = phone.call("sync", {}, namespace="/participant", timeout=5)["state"]
    payload = {"round_id": state["round"]["id"], "client_id": client_id, **answer}
    ack = phone.call("submit_checkin", payload, namespace="/participant", timeout=5)
    assert ack["ok"], ack


def test_a_session_in_every_state(server, new_context):
    audit = Audit()
    laptop_context = checked_context(new_context, LAPTOP)
    laptop = laptop_context.new_page()
    laptop.on("dialog", lambda dialog: dialog.accept())
    join_link = sign_in_and_start_session(server, laptop, waiting_room=True)
    join_token = urlsplit(join_link).path.rsplit("/", 1)[1]
    audit.check(laptop, "console, nobody yet")
    screen = laptop_context.new_page()
    screen.goto(laptop.url + "/screen")
    expect(screen.locator("#connection")).to_have_text("Connected")
    audit.check(screen, "shared screen: join")

    # Joining, and the waiting room.
    phone = checked_context(new_context, PHONE).new_page()
    phone.goto(join_link)
    audit.check(phone, "join")
    phone.get_by_label("What should the group call you?").fill("")
    phone.get_by_role("button", name="Join the session").click()
    expect(phone.locator(".field.has-error")).to_be_visible()
    audit.check(phone, "join, with an error")
    phone.get_by_label("What should the group call you?").fill("Ana")
    phone.get_by_role("button", name="Join the session").click()
    expect(phone.get_by_role("heading", name="You're in the waiting room")).to_be_visible()
    expect(phone.locator("#connection")).to_have_text("Connected")
    audit.check(phone, "room: waiting")
    bo, cy = (phone_socket(server, join_token, name) for name in ("Bo", "Cy"))
    expect(laptop.locator("#roster .admit")).to_have_count(3)
    audit.check(laptop, "console: waiting room")
    laptop.get_by_role("button", name="Let everyone in").click()
    expect(laptop.locator("#roster-count")).to_have_text("3")
    expect(phone.locator("#step")).to_be_visible()
    audit.check(phone, "room: in, between rounds")

    # A check-in round: open, answered, revealed.
    laptop.get_by_role("button", name="Open round").click()
    expect(phone.get_by_role("heading", name="How are you arriving today?")).to_be_visible()
    expect(screen.locator("#screen")).to_have_attribute("data-mode", "round")
    audit.check(phone, "room: check-in")
    audit.check(laptop, "console: round open, no answers yet")
    audit.check(screen, "shared screen: round")
    phone.locator("label.mood-option:has(input[value='7'])").click()
    phone.locator("summary", has_text="Joyful").click()
    phone.locator("label.chip", has_text="hopeful").click()
    phone.get_by_label("A short note").fill("Slept well for once")
    audit.check(phone, "room: check-in, filled in")
    phone.get_by_role("button", name="Send").click()
    expect(phone.locator("#checkin-status")).to_contain_text("Sent ✓")
    audit.check(phone, "room: check-in, sent")
    answer_over_socket(bo, "answer-bo-01", mood=6, feelings=["tired"], note="Long week")
    answer_over_socket(cy, "answer-cy-01", passed=True)
    expect(laptop.locator("#count-answered")).to_have_text("2")
    audit.check(laptop, "console: mid-round")
    laptop.get_by_role("button", name="Reveal to the group").click()
    expect(phone.locator("#reveal")).to_contain_text("Average mood 6.5")
    expect(screen.locator("#screen")).to_have_attribute("data-mode", "reveal")
    audit.check(phone, "room: revealed")
    audit.check(laptop, "console: revealed")
    audit.check(screen, "shared screen: reveal")

    # Support: the sheet on the phone, the alert on the console.
    phone.get_by_role("link", name="I need support").click()
    sheet = phone.get_by_role("dialog", name="Ask the facilitator for support")
    expect(sheet).to_be_visible()
    audit.check(phone, "room: support sheet")
    sheet.get_by_label("Now, please").check()
    sheet.get_by_label("Anything you'd like them to know?").fill("Could we talk at the break?")
    sheet.get_by_role("button", name="Send to the facilitator").click()
    expect(phone.locator("#support-own")).to_contain_text("Delivered to the facilitator ✓")
    audit.check(phone, "room: support request sent")
    ask(bo, "ask-bo-000001", "later", "After the session, please")
    expect(laptop.locator("#support-alerts .support-alert")).to_have_count(2)
    audit.check(laptop, "console: support alerts")

    # Small wins: the step, the queue, the wall.
    laptop.locator(".step-button", has_text="Small wins").click()
    expect(phone.locator("#wins.is-step")).to_be_visible()
    expect(screen.locator("#screen")).to_have_attribute("data-mode", "wins")
    audit.check(phone, "room: wins step")
    phone.get_by_label("Your win, in a few words").fill(WIN)
    phone.locator("#win-form label.chip", has_text="Showed up").click()
    phone.get_by_role("button", name="Share my win").click()
    expect(phone.locator("#win-status")).to_contain_text("Shared ✓")
    payload = {"client_id": "win-bo-000001", "text": "Cooked a real dinner"}
    ack = bo.call("share_win", payload, namespace="/participant", timeout=5)
    assert ack["ok"], ack
    expect(laptop.locator("#win-queue li")).to_have_count(2)
    audit.check(laptop, "console: wins queue")
    laptop.get_by_role("button", name=f"Approve: {WIN}").click()
    laptop.get_by_role("button", name="Approve: Cooked a real dinner").click()
    expect(phone.locator("#win-wall li")).to_have_count(2)
    phone.locator("#win-wall li", has_text=WIN).get_by_role("button", name="Applause: 0").click()
    expect(screen.locator("#win-wall .screen-reaction")).to_have_text(["Applause 1"])
    audit.check(phone, "room: wins wall")
    audit.check(laptop, "console: wins on the wall")
    audit.check(screen, "shared screen: wins")
    laptop.get_by_role("button", name=f"Spotlight: {WIN}").click()
    expect(screen.locator("#win-spotlight")).to_contain_text(WIN)
    expect(phone.locator("#win-spotlight")).to_contain_text(WIN)
    audit.check(screen, "shared screen: wins, spotlight")
    audit.check(phone, "room: wins, spotlight")

    # The dialogs: removing someone, leaving.
    laptop.get_by_role("button", name="Remove Cy").click()
    expect(laptop.get_by_role("dialog", name="Remove Cy?")).to_be_visible()
    audit.check(laptop, "console: remove dialog")
    laptop.get_by_role("button", name="Cancel").click()
    phone.get_by_role("button", name="Leave the session").click()
    expect(phone.get_by_role("dialog", name="Leave the session?")).to_be_visible()
    audit.check(phone, "room: leave dialog")
    phone.get_by_role("button", name="Stay").click()

    # The end, and after.
    laptop.get_by_role("button", name="End session").click()
    expect(phone.get_by_role("heading", name="The session has ended")).to_be_visible()
    expect(screen.locator("#screen")).to_have_attribute("data-mode", "ended")
    audit.check(phone, "room: ended")
    audit.check(screen, "shared screen: ended")
    expect(laptop.locator("#session-state")).to_have_text("Ended")
    audit.check(laptop, "console: ended")
    phone.get_by_role("link", name="Something to take home").click()
    expect(phone.get_by_role("heading", name="Thank you for being part of today")).to_be_visible()
    audit.check(phone, "take-home")
    laptop.get_by_role("link", name="Session summary").click()
    expect(laptop.get_by_role("heading", name="Summary: Thursday Circle")).to_be_visible()
    audit.check(laptop, "summary")
    laptop.get_by_role("link", name="Thursday Circle").first.click()
    audit.check(laptop, "group page, after a session (follow-up list)")
    laptop.get_by_role("link", name="Trends and exports").click()
    expect(laptop.get_by_role("heading", name="Trends across sessions")).to_be_visible()
    audit.check(laptop, "trends")
    for client in (bo, cy):
        client.disconnect()
    audit.assert_clean()


# --- focus after the console's actions --------------------------------------------------------

# Where focus is: somewhere a keyboard or screen-reader user can carry on from, not the page's body
# (where the browser puts it when the focused control is hidden, disabled or removed).
FOCUS = """() => {
  const node = document.activeElement;
  if (!node || node === document.body || node === document.documentElement) return null;
  const usable = node.isConnected && !node.disabled && node.checkVisibility();
  return usable ? node.outerHTML.slice(0, 120) : null;
}"""


def press(page, control, after: str, done=None) -> None:
    """Use `control` from the keyboard, wait for what it does (`done()`, an expectation), and
    assert focus is then somewhere sensible and visible."""
    control.focus()
    control.press("Enter" if control.evaluate("node => node.type !== 'checkbox'") else "Space")
    if done is not None:
        done()
    settled_on_sensible_focus(page, after)


def settled_on_sensible_focus(page, after: str) -> None:
    try:
        page.wait_for_function(f"() => ({FOCUS})() !== null", timeout=5_000)
    except Exception:  # noqa: BLE001 - reported with where focus is instead
        where = page.evaluate("() => document.activeElement?.outerHTML?.slice(0, 120)")
        pytest.fail(f"after {after}, focus was lost (on {where})", pytrace=False)


def test_focus_goes_somewhere_sensible_after_each_console_action(server, new_context):
    laptop = new_context().new_page()
    laptop.on("dialog", lambda dialog: dialog.accept())
    join_link = sign_in_and_start_session(server, laptop, waiting_room=True)
    join_token = urlsplit(join_link).path.rsplit("/", 1)[1]
    ana, bo, cy = (phone_socket(server, join_token, name) for name in ("Ana", "Bo", "Cy"))
    expect(laptop.locator("#roster .admit")).to_have_count(3)

    # Letting one person in: on to their row's Remove; everyone: on to the roster.
    press(
        laptop,
        laptop.get_by_role("button", name="Let in Ana"),
        "letting Ana in",
        lambda: expect(laptop.locator("#roster-count")).to_have_text("1"),
    )
    expect(laptop.get_by_role("button", name="Remove Ana")).to_be_focused()
    let_everyone_in = laptop.get_by_role("button", name="Let everyone in")
    press(laptop, let_everyone_in, "letting everyone in", lambda: expect(let_everyone_in).to_be_hidden())
    expect(laptop.locator("#roster-count")).to_have_text("3")

    # A round: opening it hides the form; closing hides Close; revealing hides Reveal.
    open_round = laptop.get_by_role("button", name="Open round")
    press(laptop, open_round, "opening a round", lambda: expect(open_round).to_be_hidden())
    expect(laptop.locator("#round-prompt-text")).to_be_focused()
    answer_over_socket(ana, "answer-ana-01", mood=7)
    close_round = laptop.get_by_role("button", name="Close round")
    press(laptop, close_round, "closing the round", lambda: expect(close_round).to_be_hidden())
    expect(laptop.get_by_role("button", name="Reveal to the group")).to_be_focused()
    reveal = laptop.get_by_role("button", name="Reveal to the group")
    press(laptop, reveal, "revealing the round", lambda: expect(reveal).to_be_hidden())
    expect(laptop.get_by_label("Kind of round")).to_be_focused()
    # Revealing an open round closes it too.
    press(laptop, open_round, "opening a second round", lambda: expect(close_round).to_be_visible())
    press(laptop, reveal, "revealing an open round", lambda: expect(close_round).to_be_hidden())
    expect(laptop.get_by_label("Kind of round")).to_be_focused()

    # Locking the room: the switch keeps focus, and says what it did.
    lock = laptop.get_by_label("Lock the room to new people")
    press(laptop, lock, "locking the room", lambda: expect(lock).to_be_checked())
    expect(lock).to_be_focused()
    press(laptop, lock, "unlocking the room")
    expect(lock).not_to_be_checked()

    # Removing someone, through the dialog.
    press(laptop, laptop.get_by_role("button", name="Remove Cy"), "asking to remove Cy")
    dialog = laptop.get_by_role("dialog", name="Remove Cy?")
    expect(dialog).to_be_visible()
    expect(dialog.get_by_role("button", name="Cancel")).to_be_focused()
    press(
        laptop,
        dialog.get_by_role("button", name="Remove Cy"),
        "removing Cy",
        lambda: expect(laptop.locator("#roster li", has_text="Cy")).to_contain_text("Removed"),
    )
    expect(laptop.locator("#roster-heading")).to_be_focused()

    # Acknowledging a support alert.
    ask(bo, "ask-bo-000001", "now", "Could we talk?")
    acknowledge = laptop.get_by_role("button", name="Acknowledge Bo's request")
    press(laptop, acknowledge, "acknowledging Bo's request", lambda: expect(acknowledge).to_have_count(0))

    # A win approved from the queue: on to the next one, then to the queue's heading.
    for number, text in enumerate(("Cooked a real dinner", "Texted a friend back")):
        payload = {"client_id": f"win-ana-{number:05d}", "text": text}
        assert ana.call("share_win", payload, namespace="/participant", timeout=5)["ok"]
    expect(laptop.locator("#win-queue li")).to_have_count(2)
    press(
        laptop,
        laptop.get_by_role("button", name="Approve: Cooked a real dinner"),
        "approving a win",
        lambda: expect(laptop.locator("#win-queue li")).to_have_count(1),
    )
    expect(laptop.get_by_role("button", name="Approve: Texted a friend back")).to_be_focused()
    press(
        laptop,
        laptop.get_by_role("button", name="Hide: Texted a friend back"),
        "hiding a win",
        lambda: expect(laptop.locator("#win-queue li")).to_have_count(0),
    )
    clear = laptop.get_by_role("button", name="Clear the spotlight")
    press(
        laptop,
        laptop.get_by_role("button", name="Spotlight: Cooked a real dinner"),
        "spotlighting a win",
        lambda: expect(clear).to_be_visible(),
    )
    press(laptop, clear, "clearing the spotlight", lambda: expect(clear).to_be_hidden())

    # The agenda: Next step is disabled on the last step, Previous step on the first.
    next_step = laptop.get_by_role("button", name="Next step")
    step = laptop.locator("#agenda li")
    for index in (1, 2, 3):
        press(
            laptop,
            next_step,
            "moving to the next step",
            lambda i=index: expect(step.nth(i)).to_have_attribute("aria-current", "step"),
        )
    expect(next_step).to_be_disabled()
    expect(laptop.locator('#agenda li[aria-current="step"] .step-button')).to_be_focused()
    previous_step = laptop.get_by_role("button", name="Previous step")
    for index in (2, 1, 0):
        press(
            laptop,
            previous_step,
            "moving to the previous step",
            lambda i=index: expect(step.nth(i)).to_have_attribute("aria-current", "step"),
        )
    expect(previous_step).to_be_disabled()
    expect(laptop.locator('#agenda li[aria-current="step"] .step-button')).to_be_focused()
    for client in (ana, bo, cy):
        client.disconnect()


# --- what screen readers are told -----------------------------------------------------------------

ONLY_FIGURES = re.compile(r"[\d\s.,:;×/()+-]+")
FIGURES_IN_A_ROW = re.compile(r"\d+(?:[\s,:;]+\d+){3,}")  # "1 0 0 0", "4: 1, 5: 0": a chart read out


def said(page) -> list[str]:
    return [entry["text"] for entry in announcements(page)]


def said_twice(entries: list[dict]) -> list[str]:
    """The same news read out twice: a region saying again what it said last (a redraw), or two
    regions saying the same words within two seconds (one event, announced twice)."""
    twice, last_in_region = [], {}
    for index, entry in enumerate(entries):
        if last_in_region.get(entry["region"]) == entry["text"]:
            twice.append(entry["text"])
        last_in_region[entry["region"]] = entry["text"]
        for earlier in entries[:index]:
            close = entry["at"] - earlier["at"] < 2_000
            if close and earlier["region"] != entry["region"] and earlier["text"] == entry["text"]:
                twice.append(entry["text"])
    return twice


def assert_announced_well(page, where: str) -> None:
    """Nothing said twice, nothing said as bare figures."""
    texts = said(page)
    twice = said_twice(announcements(page))
    assert not twice, f"{where} said these twice: {twice}\n{dump(announcements(page))}"
    figures = [text for text in texts if ONLY_FIGURES.fullmatch(text) or FIGURES_IN_A_ROW.search(text)]
    assert not figures, f"{where} read out figures without words: {figures}"


def spoken_gaps(page, pattern: str) -> list[int]:
    """Milliseconds between consecutive announcements matching `pattern`."""
    times = [entry["at"] for entry in announcements(page) if re.search(pattern, entry["text"])]
    return [later - earlier for earlier, later in itertools.pairwise(times)]


def test_what_screen_readers_are_told(server, new_context):
    laptop_context = new_context()
    laptop = laptop_context.new_page()
    join_link = sign_in_and_start_session(server, laptop, waiting_room=False)
    join_token = urlsplit(join_link).path.rsplit("/", 1)[1]
    screen = laptop_context.new_page()
    screen.goto(laptop.url + "/screen")
    expect(screen.locator("#connection")).to_have_text("Connected")
    phone = new_context(PHONE).new_page()
    phone.goto(join_link)
    phone.get_by_label("What should the group call you?").fill("Ana")
    phone.get_by_role("button", name="Join the session").click()
    expect(phone.locator("#connection")).to_have_text("Connected")
    others = [phone_socket(server, join_token, name) for name in ("Bo", "Cy", "Di", "Ed")]
    expect(laptop.locator("#roster-count")).to_have_text("5")
    for page in (laptop, screen, phone):
        record_live_regions(page)

    # A round opens: the phone says so, with its question.
    laptop.get_by_role("button", name="Open round").click()
    phone.wait_for_function(
        "() => window.liveAnnouncements.some((a) => a.text.includes('How are you arriving today?'))"
    )
    opened = [text for text in said(phone) if "How are you arriving today?" in text]
    assert len(opened) == 1 and re.search(r"\bopen", opened[0], re.IGNORECASE), opened

    # Answers arrive together: the console reads the counts out as words, at most every few seconds.
    phone.locator("label.mood-option:has(input[value='7'])").click()
    phone.get_by_role("button", name="Send").click()
    for client, mood in zip(others, (6, 6, 7, 5), strict=True):
        answer_over_socket(client, f"answer-{mood}-{id(client)}", mood=mood)
    expect(laptop.locator("#count-answered")).to_have_text("5")
    laptop.wait_for_function(
        "() => window.liveAnnouncements.some((a) => a.text.includes('5 answered'))", timeout=15_000
    )
    counts = [text for text in said(laptop) if "answered" in text]
    assert 1 <= len(counts) < 5, counts
    assert all(gap >= 4_000 for gap in spoken_gaps(laptop, "answered")), spoken_gaps(laptop, "answered")

    # The reveal, as one sentence.
    laptop.get_by_role("button", name="Reveal to the group").click()
    phone.wait_for_function(
        "() => window.liveAnnouncements.some((a) => a.text.includes('Most people chose'))"
    )
    reveal = [text for text in said(phone) if "Most people chose" in text]
    assert reveal == ["How the group is doing. Most people chose 6 to 7; average 6.2, from 5 answers."], (
        reveal
    )

    # Small wins: Ana's win gets a flurry of reactions; her phone sums them up, now and then.
    laptop.locator(".step-button", has_text="Small wins").click()
    expect(phone.locator("#wins.is-step")).to_be_visible()
    phone.get_by_label("Your win, in a few words").fill(WIN)
    phone.get_by_role("button", name="Share my win").click()
    laptop.get_by_role("button", name=f"Approve: {WIN}").click()
    expect(phone.locator("#win-wall li")).to_have_count(1)
    win_id = phone.locator("#win-wall li").get_attribute("data-win-id")
    for client, reaction in zip(others, ("clap", "heart", "clap", "sprout"), strict=True):
        payload = {"win_id": win_id, "reaction": reaction, "on": True}
        assert client.call("react_to_win", payload, namespace="/participant", timeout=5)["ok"]
    expect(phone.locator("#win-wall li").get_by_role("button", name="Applause: 2")).to_be_visible()
    phone.wait_for_function(
        "() => window.liveAnnouncements.some((a) => a.text.includes('Applause 2, With you 1, Growing 1'))",
        timeout=15_000,
    )
    reactions = [text for text in said(phone) if "Applause" in text or "With you" in text]
    assert 1 <= len(reactions) < 4, reactions
    assert all(gap >= 4_000 for gap in spoken_gaps(phone, "Applause|With you")), reactions

    # Asking for support, and the facilitator seeing it.
    phone.get_by_role("link", name="I need support").click()
    sheet = phone.get_by_role("dialog", name="Ask the facilitator for support")
    sheet.get_by_label("After the session is fine").check()
    sheet.get_by_role("button", name="Send to the facilitator").click()
    expect(phone.locator("#support-own")).to_contain_text("Delivered to the facilitator ✓")
    laptop.get_by_role("button", name="Acknowledge Ana's request").click()
    expect(phone.locator("#support-own")).to_contain_text("The facilitator has seen it ✓")
    phone.wait_for_function(
        "() => window.liveAnnouncements.some((a) => a.text.includes('The facilitator has seen it'))"
    )

    for page, where in ((phone, "the phone"), (laptop, "the console"), (screen, "the shared screen")):
        assert_announced_well(page, where)
    for client in others:
        client.disconnect()
