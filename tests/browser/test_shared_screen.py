"""The shared screen on a wall, at 1280x720 and 1920x1080: what the room is doing, rebuilt from
the snapshot and live events, never overflowing, never telling people to do what the step is not
about. The room is driven over Socket.IO (a console and phones); the screens are real browsers."""

from __future__ import annotations

import re

import pytest
import socketio
from playwright.sync_api import expect

from ..conftest import LiveRoom, join_live, open_live_room, screenshot

pytestmark = pytest.mark.browser

SIZES = {"1280": {"width": 1280, "height": 720}, "1920": {"width": 1920, "height": 1080}}
ANSWER_INSTRUCTION = re.compile("answer on your phone", re.IGNORECASE)
LONG_WIN = (
    "Called my sister for the first time in two years and we talked for an hour about our mum, "
    "the garden she kept and the songs she sang while cooking. I cried a bit afterwards, but "
    "it was the good kind of crying, and we made a plan to meet for lunch next month."
)
LONG_PROMPT = (
    "Thinking about the last seven days, the harder moments and the easier ones, at home, at work "
    "and in between: how steady have you felt, and what helped you keep going when it was hard?"
)
WINS = [
    "Went for a walk every morning",
    "Said no to a drink at the party",
    LONG_WIN,
    "Slept seven hours three nights in a row",
    "Asked for help at work instead of hiding it",
    "Cooked a real dinner",
    "Made it to group even though I nearly stayed home",
    "Texted a friend back",
    LONG_WIN.replace("sister", "brother"),
    "Paid the bill I was avoiding",
    "Ten minutes of stretching",
    "Laughed properly, for the first time in weeks, at a silly film with my kids",
    "Went to the doctor",
    "Kept my phone out of the bedroom",
]

# What must hold on the wall whatever the state: the page does not scroll, and no box of the
# view in sight clips what it holds (each clips rather than scrolls, so this is where a too-long
# text would hide).
FITS = """() => {
  const doc = document.documentElement;
  const problems = [];
  if (doc.scrollHeight > innerHeight || doc.scrollWidth > innerWidth) {
    problems.push(`page ${doc.scrollWidth}x${doc.scrollHeight} in ${innerWidth}x${innerHeight}`);
  }
  const view = ".screen-view:not([hidden])";
  const boxes = document.querySelectorAll(
    `main, ${view}, ${view} .win-wall, ${view} .screen-reveal-body`
  );
  for (const box of boxes) {
    if (box.scrollHeight > box.clientHeight + 1 || box.scrollWidth > box.clientWidth + 1) {
      const [name, inner] = [box.id || box.className, `${box.clientWidth}x${box.clientHeight}`];
      problems.push(`${name}: ${box.scrollWidth}x${box.scrollHeight} in ${inner}`);
    }
  }
  return problems;
}"""


def open_room(server) -> LiveRoom:
    """A facilitator, a group whose agenda has a wins step (minimum 3 for results), a live session."""
    return open_live_room(
        server,
        {
            "agenda-0-kind": "checkin",
            "agenda-0-title": "Check-in",
            "agenda-0-prompt": "How are you arriving today?",
            "agenda-1-kind": "wins",
            "agenda-1-title": "Small wins",
            "agenda-1-prompt": "What went a little better this week?",
            "agenda-2-kind": "checkout",
            "agenda-2-title": "Check-out",
        },
    )


def connect(server, namespace: str, auth: dict, cookies: str) -> socketio.Client:
    client = socketio.Client(reconnection=False)
    client.connect(server.url, namespaces=[namespace], auth=auth, headers={"Cookie": cookies}, wait_timeout=5)
    return client


def call(client: socketio.Client, namespace: str, event: str, payload: dict) -> dict:
    ack = client.call(event, payload, namespace=namespace, timeout=5)
    assert ack["ok"], ack
    return ack


def open_screens(new_context, server, room):
    """The shared screen at both sizes, signed in as the facilitator; the large one prefers reduced motion."""
    cookies = [
        {"name": name, "value": value, "url": server.url}
        for name, value in room.facilitator.http.cookies.items()
    ]
    screens = {}
    for size, viewport in SIZES.items():
        options = {"viewport": viewport, **({"reduced_motion": "reduce"} if size == "1920" else {})}
        context = new_context(options)
        context.add_cookies(cookies)
        page = context.new_page()
        page.goto(f"{server.url}/sessions/{room.live_session_id}/screen")
        expect(page.locator("#connection")).to_have_text("Connected")
        screens[size] = page
    return screens


def assert_fits(page) -> None:
    expect(page.locator(".win.is-new")).to_have_count(0, timeout=10_000)  # a greeting's pop has settled
    assert page.evaluate(FITS) == []


def assert_no_answer_instruction(page) -> None:
    expect(page.get_by_text(ANSWER_INSTRUCTION)).to_be_hidden()
    assert not ANSWER_INSTRUCTION.search(page.locator("body").inner_text())


def test_the_shared_screen_follows_the_room_and_fits_the_wall(start_live_server, new_context):
    server = start_live_server(
        WIN_SHARE_RATE_LIMIT="100 per minute", SOCKET_EVENT_RATE_LIMIT="100 per 10 seconds"
    )
    room = open_room(server)
    console = connect(
        server, "/facilitator", {"live_session_id": room.live_session_id}, room.facilitator.cookie_header()
    )
    screens = open_screens(new_context, server, room)

    # Before anything happens: a calm welcome, the QR code and the short code; nothing to answer.
    for size, page in screens.items():
        expect(page.locator("#screen")).to_have_attribute("data-mode", "join")
        expect(page.locator("img.qr")).to_be_visible()
        expect(page.locator(".screen-code")).to_have_text(room.join_code)
        expect(page.locator("#screen-step-title")).to_have_text("Check-in")
        assert_no_answer_instruction(page)
        assert_fits(page)
        screenshot(page, f"shared-screen-join-{size}")

    people = [join_live(server, room, name) for name in ("Ana", "Bo", "Cy", "Di")]
    phones = [
        connect(server, "/participant", {"join_token": room.join_token}, person.cookie_header())
        for person in people
    ]

    # A round opens: its question, the count (answers and passes, never who), the one instruction.
    first = call(console, "/facilitator", "open_round", {"kind": "checkin"})["round_id"]
    for page in screens.values():
        expect(page.locator("#screen")).to_have_attribute("data-mode", "round")
        expect(page.locator("#round-prompt")).to_have_text("How are you arriving today?")
        expect(page.locator("#round-count")).to_have_text("0")
        expect(page.locator("#round-instruction")).to_be_visible()
    call(
        phones[0], "/participant", "submit_checkin", {"round_id": first, "client_id": "ana-00001", "mood": 7}
    )
    for page in screens.values():
        expect(page.locator("#round-count")).to_have_text("1")
        expect(page.locator("#round-count-words")).to_have_text("person has answered")
    call(
        phones[1],
        "/participant",
        "submit_checkin",
        {"round_id": first, "client_id": "bo-000001", "passed": True},
    )
    for size, page in screens.items():
        expect(page.locator("#round-count")).to_have_text("2")
        expect(page.locator("#view-round")).not_to_contain_text("Ana")
        assert_fits(page)
        screenshot(page, f"shared-screen-round-{size}")

    # Revealed with one answer, below the group's minimum of 3: no figures at all.
    call(console, "/facilitator", "reveal_round", {"round_id": first})
    for page in screens.values():
        expect(page.locator("#screen")).to_have_attribute("data-mode", "reveal")
        expect(page.locator("#reveal-body")).to_contain_text("Too few people answered")
        expect(page.locator(".screen-chart")).to_have_count(0)
        expect(page.locator("#reveal-body")).not_to_contain_text("Average")
        assert_no_answer_instruction(page)
        assert_fits(page)

    # A second round with enough answers, and the longest question a round may have: the
    # aggregate, as a sentence, a chart and the most chosen feeling words.
    second = call(console, "/facilitator", "open_round", {"kind": "custom", "prompt": LONG_PROMPT})[
        "round_id"
    ]
    answers = [
        {"mood": 4, "feelings": ["tired", "hopeful", "overwhelmed"]},
        {"mood": 7, "feelings": ["tired", "grateful", "disappointed"]},
        {"mood": 8, "feelings": ["calm", "relieved", "thoughtful"]},
    ]
    for number, (phone, answer) in enumerate(zip(phones, answers, strict=False)):
        payload = {"round_id": second, "client_id": f"second-{number:03d}", **answer}
        call(phone, "/participant", "submit_checkin", payload)
    for page in screens.values():
        expect(page.locator("#round-count")).to_have_text("3")
        assert_fits(page)
    call(console, "/facilitator", "reveal_round", {"round_id": second})
    for size, page in screens.items():
        expect(page.locator("#screen")).to_have_attribute("data-mode", "reveal")
        expect(page.locator("#reveal-body")).to_contain_text(
            "Average mood 6.3, middle value 7, from 3 answers."
        )
        expect(page.locator(".screen-chart")).to_have_attribute(
            "aria-label", re.compile("mood 4 by 1 person")
        )
        expect(page.locator(".screen-words li").first).to_have_text("tired × 2")
        assert_no_answer_instruction(page)
        assert_fits(page)
        screenshot(page, f"shared-screen-reveal-{size}")

    # The wins step: many wins, long ones too, some with reactions.
    call(console, "/facilitator", "move_step", {"index": 1})
    for page in screens.values():
        expect(page.locator("#screen")).to_have_attribute("data-mode", "wins")
        expect(page.locator("#wins-title")).to_have_text("Small wins")
    win_ids = []
    for number, text in enumerate(WINS):
        ack = call(
            phones[number % 4], "/participant", "share_win", {"client_id": f"win-{number:05d}", "text": text}
        )
        win_ids.append(ack["win"]["id"])
        call(console, "/facilitator", "approve_win", {"win_id": ack["win"]["id"]})
    call(phones[1], "/participant", "react_to_win", {"win_id": win_ids[0], "reaction": "clap"})
    call(phones[2], "/participant", "react_to_win", {"win_id": win_ids[0], "reaction": "clap"})
    call(phones[2], "/participant", "react_to_win", {"win_id": win_ids[0], "reaction": "heart"})
    call(phones[3], "/participant", "react_to_win", {"win_id": win_ids[1], "reaction": "sprout"})
    for size, page in screens.items():
        wall = page.locator("#win-wall")
        expect(wall.locator("li")).to_have_count(len(WINS))
        first_win = wall.locator("li", has_text=WINS[0])
        # Words beside the pictures, and no zero counts.
        expect(first_win.locator(".screen-reaction")).to_have_text(["Applause 2", "With you 1"])
        expect(wall.locator("li", has_text=WINS[1]).locator(".screen-reaction")).to_have_text(["Growing 1"])
        expect(wall.locator("li", has_text=WINS[3]).locator(".screen-reactions")).to_have_count(0)
        expect(wall.locator(".reaction-count", has_text=re.compile(r"^0$"))).to_have_count(0)
        assert wall.locator(".screen-reaction").count() == 3
        # Too many for one screen: pages, each fitting.
        expect(wall).to_have_attribute("data-pages", re.compile(r"^([2-9]|\d\d+)$"))
        assert_no_answer_instruction(page)
        assert_fits(page)
        wall.evaluate("node => node.classList.remove('page-turn')")  # a still picture of the page
        screenshot(page, f"shared-screen-wins-{size}")

    # Pages turn by themselves (the small screen) or by the arrow keys; without motion when the
    # viewer prefers less of it.
    small, large = screens["1280"], screens["1920"]
    small_page = small.locator("#win-wall").get_attribute("data-page")
    expect(small.locator("#win-wall")).not_to_have_attribute("data-page", small_page, timeout=15_000)
    assert_fits(small)
    large_wall = large.locator("#win-wall")
    page_before = large_wall.get_attribute("data-page")
    large.keyboard.press("ArrowRight")
    expect(large_wall).not_to_have_attribute("data-page", page_before)
    assert large_wall.evaluate("node => getComputedStyle(node).animationName") == "none"
    assert_fits(large)

    # A long win in the spotlight, with the rest of the wall still fitting beside it.
    call(console, "/facilitator", "spotlight_win", {"win_id": win_ids[2]})
    for page in screens.values():
        expect(page.locator("#win-spotlight")).to_contain_text("Called my sister")
        expect(page.locator("#win-spotlight.is-new")).to_have_count(0, timeout=10_000)
        expect(page.locator("#win-wall li", has_text="Called my sister")).to_have_count(
            0
        )  # shown once, large
        assert_fits(page)
    screenshot(small, "shared-screen-spotlight-1280")

    # Between steps: the welcome again, not the old result, and after a reload too.
    call(console, "/facilitator", "move_step", {"index": 2})
    for page in screens.values():
        expect(page.locator("#screen")).to_have_attribute("data-mode", "join")
        expect(page.locator("#screen-step-title")).to_have_text("Check-out")
        assert_no_answer_instruction(page)
        assert_fits(page)
    small.reload()
    expect(small.locator("#connection")).to_have_text("Connected")
    expect(small.locator("#screen")).to_have_attribute("data-mode", "join")

    # Locked: the way in is not offered.
    call(console, "/facilitator", "set_locked", {"locked": True})
    expect(small.locator("img.qr")).to_be_hidden()
    expect(small.locator("#screen-step-title")).to_be_visible()

    for client in (console, *phones):
        client.disconnect()
    server.stop()


def test_a_round_is_shown_after_a_reload_and_its_result_stays_with_its_step(start_live_server, new_context):
    server = start_live_server()
    room = open_room(server)
    console = connect(
        server, "/facilitator", {"live_session_id": room.live_session_id}, room.facilitator.cookie_header()
    )
    phones = [
        connect(
            server,
            "/participant",
            {"join_token": room.join_token},
            join_live(server, room, name).cookie_header(),
        )
        for name in ("Ana", "Bo", "Cy")
    ]
    round_id = call(console, "/facilitator", "open_round", {"kind": "checkin"})["round_id"]
    call(
        phones[0],
        "/participant",
        "submit_checkin",
        {"round_id": round_id, "client_id": "ana-00001", "mood": 5},
    )
    call(
        phones[1],
        "/participant",
        "submit_checkin",
        {"round_id": round_id, "client_id": "bo-000001", "passed": True},
    )

    page = open_screens(new_context, server, room)["1280"]
    expect(page.locator("#screen")).to_have_attribute("data-mode", "round")
    expect(page.locator("#round-count")).to_have_text("2")  # from the snapshot

    call(console, "/facilitator", "close_round", {"round_id": round_id})
    expect(page.locator("#round-closed")).to_be_visible()
    assert_no_answer_instruction(page)
    call(console, "/facilitator", "reveal_round", {"round_id": round_id})
    expect(page.locator("#screen")).to_have_attribute("data-mode", "reveal")
    page.reload()  # the check-in step still: its result is still up
    expect(page.locator("#connection")).to_have_text("Connected")
    expect(page.locator("#screen")).to_have_attribute("data-mode", "reveal")
    expect(page.locator("#reveal-body")).to_contain_text("Too few people answered")

    for client in (console, *phones):
        client.disconnect()
    server.stop()
