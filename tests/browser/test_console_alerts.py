"""Support alerts that cannot be missed, in a real browser: phones ask over real Socket.IO
connections while the console is scrolled to the bottom."""

import re
from urllib.parse import urlsplit

import pytest
import socketio
from playwright.sync_api import expect

from ..conftest import SCREENSHOTS, WebClient
from .test_checkin_round import sign_in_and_start_session
from .test_support import RECORD_ANNOUNCEMENTS

pytestmark = pytest.mark.browser

SAVING_PILLS = "I have been saving my pills and I know when I'll do it"


def phone_socket(live_server, join_token: str, name: str) -> socketio.Client:
    """A participant who joined over HTTP and connected a real Socket.IO client, as a phone does."""
    phone = WebClient(live_server)
    phone.submit(f"/j/{join_token}", {"display_name": name})
    client = socketio.Client(reconnection=False)
    client.connect(
        live_server.url,
        namespaces=["/participant"],
        auth={"join_token": join_token},
        headers={"Cookie": phone.cookie_header()},
        wait_timeout=5,
    )
    return client


def ask(phone: socketio.Client, client_id: str, urgency: str, message: str | None = None) -> None:
    payload = {"client_id": client_id, "urgency": urgency, "message": message}
    ack = phone.call("request_support", payload, namespace="/participant", timeout=5)
    assert ack["ok"], ack


def scroll_to_bottom(page) -> None:
    page.evaluate("window.scrollTo(0, document.documentElement.scrollHeight)")
    assert page.evaluate("window.scrollY") > 200, "the console should be taller than the window"


def viewport_screenshot(page, name: str) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"))


def test_an_alert_stays_in_view_names_the_person_and_goes_when_acknowledged(live_server, new_context):
    laptop = new_context().new_page()
    problems: list[str] = []
    laptop.on("pageerror", lambda error: problems.append(str(error)))
    laptop.on(
        "console",
        lambda message: problems.append(message.text) if message.type in ("error", "warning") else None,
    )
    join_link = sign_in_and_start_session(live_server, laptop)
    join_token = urlsplit(join_link).path.rsplit("/", 1)[1]
    ana, bo = (phone_socket(live_server, join_token, name) for name in ("Ana", "Bo"))
    expect(laptop.locator("#roster-count")).to_have_text("2")
    favicon = laptop.locator('link[rel~="icon"]')
    plain_icon = favicon.get_attribute("href")
    laptop.evaluate(RECORD_ANNOUNCEMENTS)

    # Scrolled to the bottom, the facilitator is alerted at the top of the window.
    scroll_to_bottom(laptop)
    ask(ana, "ask-ana-0001", "now", "Today is really heavy. Could we talk?")
    alert = laptop.locator("#support-alerts .support-alert")
    expect(alert).to_have_count(1)
    expect(alert).to_be_in_viewport()
    expect(alert.get_by_role("button", name="Acknowledge Ana's request")).to_be_in_viewport(ratio=1)
    expect(alert).to_contain_text("Ana asked for support at")
    expect(alert).to_contain_text("Urgent: now, please")
    expect(alert).to_contain_text("Today is really heavy. Could we talk?")
    expect(laptop).to_have_title(re.compile(r"^\(1\) "))
    expect(favicon).to_have_attribute("href", re.compile(r"^data:image/png;base64,"))
    ana_in_roster = laptop.locator("#roster li", has_text="Ana")
    expect(ana_in_roster.locator(".support-mark")).to_have_text("Asked for support")
    # Read out once, in the assertive region.
    laptop.wait_for_function("() => window.supportAnnouncements.length > 0")
    viewport_screenshot(laptop, "support-alert-console-scrolled")

    # The bar keeps its own space: a control focused near the top stops below it, not under it.
    laptop.locator("#step-next").focus()
    bar_bottom = laptop.locator("#console-sticky").bounding_box()
    control = laptop.locator("#step-next").bounding_box()
    assert control["y"] >= bar_bottom["y"] + bar_bottom["height"] - 1

    # A reload (no tap yet, so no sound may play: nothing is refused or logged) rebuilds it from the snapshot.
    laptop.reload()
    expect(laptop.locator("#connection")).to_have_text("Connected")
    expect(alert).to_have_count(1)
    expect(alert).to_contain_text("Ana asked for support at")
    expect(laptop).to_have_title(re.compile(r"^\(1\) "))
    laptop.evaluate(RECORD_ANNOUNCEMENTS)
    scroll_to_bottom(laptop)
    ask(bo, "ask-bo-00001", "later")
    expect(alert).to_have_count(2)
    bo_alert = alert.filter(has_text="Bo asked for support")
    expect(bo_alert).to_be_in_viewport()
    expect(bo_alert).to_contain_text("Later: after the session is fine")
    expect(laptop).to_have_title(re.compile(r"^\(2\) "))

    # A second console of the same session shows the same alerts.
    other = laptop.context.new_page()
    other.goto(laptop.url)
    expect(other.locator("#support-alerts .support-alert")).to_have_count(2)

    # Acknowledged here, gone everywhere; focus moves on to the next alert.
    alert.get_by_role("button", name="Acknowledge Ana's request").click()
    expect(alert).to_have_count(1)
    expect(other.locator("#support-alerts .support-alert")).to_have_count(1)
    expect(bo_alert.get_by_role("button", name="Acknowledge Bo's request")).to_be_focused()
    expect(laptop).to_have_title(re.compile(r"^\(1\) "))
    expect(ana_in_roster.locator(".support-mark")).to_have_text("Support: seeing to")
    # Acknowledged on the other console: gone here; nothing left, the title and icon are plain again.
    other.locator("#support-alerts").get_by_role("button", name="Acknowledge Bo's request").click()
    expect(alert).to_have_count(0)
    expect(laptop.locator("#support-alerts")).to_be_hidden()
    expect(laptop).not_to_have_title(re.compile(r"^\("))
    expect(favicon).to_have_attribute("href", plain_icon)
    expect(laptop.locator("#support-open > li")).to_have_count(2)

    # A safety flag on a check-in note is an alert too, acknowledged where it shows.
    laptop.get_by_role("button", name="Open round").click()
    expect(laptop.locator("#round-live")).to_be_visible()
    state = ana.call("sync", {}, namespace="/participant", timeout=5)["state"]
    answer = {"round_id": state["round"]["id"], "client_id": "answer-ana-01", "mood": 2, "note": SAVING_PILLS}
    assert ana.call("submit_checkin", answer, namespace="/participant", timeout=5)["ok"]
    scroll_to_bottom(laptop)
    expect(alert).to_have_count(1)
    expect(alert).to_be_in_viewport()
    expect(alert).to_contain_text("Ana: a safety flag on their check-in note")
    expect(alert).to_contain_text("Urgent: safety flag")
    expect(ana_in_roster.locator(".support-mark")).to_have_text("Safety flag to read")
    # Her very low mood is marked on the console's answers, in words.
    expect(laptop.locator("#responses li.low-mood")).to_contain_text("Very low mood")
    alert.get_by_role("button", name="Acknowledge Ana's safety flag").click()
    expect(alert).to_have_count(0)
    expect(laptop.locator("#safety-flags > li", has_text="Ana")).to_contain_text("Read ✓")
    expect(laptop.locator("#safety-flags > li", has_text="Ana")).to_be_focused()

    # On a narrow window the alert is in view too, and the bar still leaves the console room.
    laptop.set_viewport_size({"width": 400, "height": 760})
    scroll_to_bottom(laptop)
    ask(bo, "ask-bo-00002", "now", "Could you come over?")
    expect(alert).to_have_count(1)
    expect(alert.get_by_role("button", name="Acknowledge Bo's request")).to_be_in_viewport(ratio=1)
    assert laptop.locator("#console-sticky").bounding_box()["height"] < 760 / 2
    viewport_screenshot(laptop, "support-alert-console-narrow")

    # Each alert was read out once (since the reload: Bo's two requests and Ana's flag), and what
    # the snapshot rebuilt (Ana's request) was not read out again.
    laptop.wait_for_function(
        "() => window.supportAnnouncements.join(' ').split('Bo asked for support').length === 3"
    )
    announcements = " ".join(laptop.evaluate("window.supportAnnouncements"))
    assert announcements.count("Bo asked for support") == 2, announcements
    assert announcements.count("A new safety flag from Ana") == 1, announcements
    assert "Ana asked for support" not in announcements, announcements
    assert not [problem for problem in problems if "AudioContext" in problem or "Uncaught" in problem], (
        problems
    )
    for phone in (ana, bo):
        phone.disconnect()


def test_the_console_follows_the_agenda_and_shows_who_is_waiting(live_server, new_context):
    laptop = new_context().new_page()
    sign_in_and_start_session(live_server, laptop)
    # A second session, with a waiting room, from the group's page.
    laptop.locator(".eyebrow a").click()
    laptop.get_by_label("Use a waiting room (you let each person in)").check()
    laptop.get_by_role("button", name="Start or schedule session").click()
    expect(laptop.locator("#connection")).to_have_text("Connected")
    join_link = laptop.locator("a.join-link").get_attribute("href")
    join_token = urlsplit(join_link).path.rsplit("/", 1)[1]

    # The waiting room's count is at the top, wherever the console is scrolled.
    waiting = laptop.locator("#waiting-count")
    expect(waiting).to_have_text("Nobody is waiting to be let in")
    scroll_to_bottom(laptop)
    phone = phone_socket(live_server, join_token, "Cy")
    expect(waiting).to_have_text("1 waiting to be let in")
    expect(waiting).to_be_in_viewport()
    laptop.get_by_role("link", name="See who's waiting").click()
    expect(laptop.locator("#roster-heading")).to_be_focused()
    expect(laptop.get_by_role("button", name="Let in Cy")).to_be_in_viewport()
    laptop.get_by_role("button", name="Let in Cy").click()
    expect(waiting).to_have_text("Nobody is waiting to be let in")
    expect(laptop.get_by_role("link", name="See who's waiting")).to_be_hidden()

    # The round form offers the current step's round: moving to the check-out offers a check-out.
    kind, prompt = laptop.get_by_label("Kind of round"), laptop.locator("#round-prompt")
    expect(kind).to_have_value("checkin")
    expect(prompt).to_have_value("How are you arriving today?")
    laptop.locator(".step-button", has_text="Sharing").click()
    expect(kind).to_have_value("custom")
    expect(prompt).to_have_value("")
    # What the facilitator types is theirs: moving on keeps it.
    prompt.fill("One word for this week?")
    laptop.locator(".step-button", has_text="Check-out").click()
    expect(kind).to_have_value("checkout")
    expect(prompt).to_have_value("One word for this week?")
    prompt.fill("")
    laptop.locator(".step-button", has_text="Check-in").click()
    laptop.locator(".step-button", has_text="Check-out").click()
    expect(prompt).to_have_value("How are you leaving today?")
    laptop.get_by_role("button", name="Open round").click()
    expect(laptop.locator("#round-kind-label")).to_have_text("Check-out")
    expect(laptop.locator("#round-prompt-text")).to_have_text("How are you leaving today?")
    phone.disconnect()
