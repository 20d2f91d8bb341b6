"""What the projected shared screen learns of a check-in round: the prompt, how many have
responded (answers and passes together, never who, and in an anonymous round only as batches are
released), and after a reveal the aggregate, or nothing when too few answered."""

import pytest

from facilitator.extensions import socketio
from facilitator.realtime.rooms import FACILITATOR_NS

from ..conftest import drain, emit_ok, received, walk
from .test_sockets import open_round, slot_ends, submit


@pytest.fixture
def screen(app, facilitator_client, live_session):
    sock = socketio.test_client(
        app,
        namespace=FACILITATOR_NS,
        auth={"live_session_id": live_session.id, "screen": True},
        flask_test_client=facilitator_client,
    )
    sock.get_received(FACILITATOR_NS)
    return sock


def connect_screen(app, facilitator_client, live_session) -> dict:
    """A screen connecting now: its snapshot."""
    sock = socketio.test_client(
        app,
        namespace=FACILITATOR_NS,
        auth={"live_session_id": live_session.id, "screen": True},
        flask_test_client=facilitator_client,
    )
    [state] = received(sock, FACILITATOR_NS, "session_state")
    sock.disconnect(namespace=FACILITATOR_NS)
    return state


def counts(screen) -> list[int]:
    return [count["responded"] for count in received(screen, FACILITATOR_NS, "round_count")]


def test_the_screen_counts_answers_and_passes_but_never_says_whose(
    app, facilitator_client, console, screen, live_session, join
):
    phones = [join(live_session, name) for name in ("Ana Private", "Bo Private", "Cy Private")]
    round_id = open_round(console, prompt="How are you arriving?")
    messages = drain(screen, FACILITATOR_NS)
    assert [m["name"] for m in messages] == ["round_opened", "round_count"]
    assert messages[1]["args"][0] == {"round_id": round_id, "responded": 0}

    assert submit(phones[0], round_id, "ana-answer-1", mood=7, note="a private note")["ok"]
    assert counts(screen) == [1]
    assert submit(phones[1], round_id, "bo-answer-01", passed=True)["ok"]
    assert counts(screen) == [2]  # a pass moves the count like an answer: it gives nothing away
    assert submit(phones[0], round_id, "ana-answer-2", mood=3)["ok"]
    assert counts(screen) == [2]  # a changed answer is still one

    state = connect_screen(app, facilitator_client, live_session)
    assert state["round"]["responded"] == 2
    assert state["round"]["prompt"] == "How are you arriving?"
    assert not {"responses", "answered", "mood", "feelings", "your_answer"} & set(state["round"])
    everything = [*walk(state), *walk(drain(screen, FACILITATOR_NS))]
    assert not {"Ana Private", "Bo Private", "a private note", "mood", "note"} & set(everything)


def test_the_screen_never_gets_what_only_consoles_see(console, screen, live_session, join):
    phone = join(live_session)
    round_id = open_round(console)
    submit(phone, round_id, mood=5)
    emit_ok(console, FACILITATOR_NS, "close_round", {"round_id": round_id})
    names = {m["name"] for m in drain(screen, FACILITATOR_NS)}
    assert names == {"round_opened", "round_count", "round_closed"}


def test_in_an_anonymous_round_the_count_moves_only_with_a_batch(console, screen, live_session, join):
    phones = [join(live_session, f"Person {number}") for number in range(3)]
    round_id = open_round(console, anonymous=True)
    drain(screen, FACILITATOR_NS)
    for number, phone in enumerate(phones):
        assert submit(phone, round_id, f"anon-answer-{number}", mood=number + 4)["ok"]
    assert drain(screen, FACILITATOR_NS) == []  # nothing the moment someone taps
    slot_ends(live_session, round_id)
    assert counts(screen) == [3]


def test_the_screen_shows_the_aggregate_only_with_enough_answers(
    app, facilitator_client, console, screen, live_session, join
):
    phones = [join(live_session, name) for name in ("Ana", "Bo", "Cy")]
    first = open_round(console)
    submit(phones[0], first, mood=2)
    submit(phones[1], first, "bo-answer-01", passed=True)
    emit_ok(console, FACILITATOR_NS, "reveal_round", {"round_id": first})
    [revealed] = received(screen, FACILITATOR_NS, "round_revealed")
    assert revealed["reveal"] == {"round_id": first, "answered": 1, "too_few": True}
    state = connect_screen(app, facilitator_client, live_session)
    assert state["round"]["reveal"] == {"round_id": first, "answered": 1, "too_few": True}
    assert state["round"]["responded"] == 2

    second = open_round(console)
    for number, (phone, mood) in enumerate(zip(phones, (4, 7, 8), strict=True)):
        submit(phone, second, f"second-answer-{number}", mood=mood)
    emit_ok(console, FACILITATOR_NS, "reveal_round", {"round_id": second})
    [revealed] = received(screen, FACILITATOR_NS, "round_revealed")
    assert revealed["reveal"]["too_few"] is False
    assert revealed["reveal"]["mood"]["average"] == 6.3
    state = connect_screen(app, facilitator_client, live_session)
    assert state["round"]["reveal"]["mood"]["distribution"] == [0, 0, 0, 1, 0, 0, 1, 1, 0, 0]
