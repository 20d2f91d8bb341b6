"""The console follows the agenda: the round form offers the current step's round; very low moods
are marked for the facilitator, and for nobody else."""

import re

import pytest

from facilitator.checkins import services
from facilitator.checkins.feelings import LOW_MOOD_MAX, MOOD_LABELS
from facilitator.extensions import db, socketio
from facilitator.realtime.rooms import FACILITATOR_NS, PARTICIPANT_NS
from facilitator.sessions import services as session_services

from ..conftest import drain, emit, emit_ok, facilitator_socket, walk

CHECKOUT = {"kind": "checkout", "title": "Check-out", "prompt": "What will you take with you?"}


@pytest.mark.parametrize(
    ("step", "offered"),
    [
        (
            {"kind": "checkin", "title": "Check-in", "prompt": "How are you arriving today?"},
            {"kind": "checkin", "prompt": "How are you arriving today?"},
        ),
        (CHECKOUT, {"kind": "checkout", "prompt": "What will you take with you?"}),
        (
            {"kind": "custom", "title": "Grounding", "prompt": "What do you notice right now?"},
            {"kind": "custom", "prompt": "What do you notice right now?"},
        ),
        ({"kind": "checkout", "title": "Check-out", "prompt": ""}, {"kind": "checkout", "prompt": ""}),
        # Steps that are not rounds offer a custom round with its default prompt.
        (
            {"kind": "sharing", "title": "Sharing", "prompt": "What would you like to talk through?"},
            {"kind": "custom", "prompt": ""},
        ),
        (
            {"kind": "wins", "title": "Small wins", "prompt": "What went a little better?"},
            {"kind": "custom", "prompt": ""},
        ),
        (None, {"kind": "checkin", "prompt": ""}),
    ],
)
def test_the_round_offered_for_each_kind_of_step(step, offered):
    result = services.round_for_step(step)
    assert {"kind": result["kind"], "prompt": result["prompt"]} == offered
    assert result["placeholder"] == services.DEFAULT_PROMPTS[offered["kind"]]


def offered_on_the_console(client, live_session) -> tuple[str, str]:
    page = client.get(f"/sessions/{live_session.id}").get_data(as_text=True)
    kind = re.search(r'<option value="(\w+)" selected>', page).group(1)
    prompt = re.search(r'<input id="round-prompt" name="prompt" maxlength="200" value="([^"]*)"', page).group(
        1
    )
    return kind, prompt


def test_the_console_form_offers_the_current_steps_round(
    facilitator, facilitator_client, group, live_session
):
    group.agenda = [*group.agenda[:3], CHECKOUT]
    db.session.commit()
    assert offered_on_the_console(facilitator_client, live_session) == (
        "checkin",
        "How are you arriving today?",
    )
    session_services.move_to_step(facilitator, live_session, 1)  # sharing
    db.session.commit()
    assert offered_on_the_console(facilitator_client, live_session) == ("custom", "")
    session_services.move_to_step(facilitator, live_session, 3)  # check-out
    db.session.commit()
    assert offered_on_the_console(facilitator_client, live_session) == (
        "checkout",
        "What will you take with you?",
    )


def test_the_offered_check_out_round_opens_as_a_check_out(
    app, facilitator, facilitator_client, live_session, join
):
    """What the form sends, as offered on a check-out step, opens a check-out round with its prompt."""
    session_services.move_to_step(facilitator, live_session, 3)
    db.session.commit()
    phone = join(live_session)
    console = facilitator_socket(app, facilitator_client, live_session)
    kind, prompt = offered_on_the_console(facilitator_client, live_session)
    emit_ok(console, FACILITATOR_NS, "open_round", {"kind": kind, "prompt": prompt, "anonymous": False})
    (opened,) = phone.events("round_opened")
    assert (opened["round"]["kind"], opened["round"]["prompt"]) == ("checkout", "How are you leaving today?")


def test_very_low_moods_are_the_lowest_two_of_the_scale():
    assert LOW_MOOD_MAX == 2
    assert [MOOD_LABELS[mood] for mood in range(1, LOW_MOOD_MAX + 1)] == ["Really struggling", "Very low"]
    assert [services.is_low_mood(mood) for mood in (None, 1, 2, 3, 10)] == [False, True, True, False, False]


def submit(phone, round_id, client_id, **content):
    ack = emit(
        phone.socket,
        PARTICIPANT_NS,
        "submit_checkin",
        {"round_id": round_id, "client_id": client_id, **content},
    )
    assert ack["ok"], ack
    return ack


@pytest.mark.parametrize("anonymous", [False, True])
def test_very_low_moods_are_marked_for_the_facilitator_and_reach_no_phone_or_screen(
    app, facilitator_client, console, live_session, join, anonymous
):
    live_session.group.min_aggregate_size = 2
    db.session.commit()
    screen = socketio_screen(app, facilitator_client, live_session)
    phones = [join(live_session, name) for name in ("Ana", "Bo", "Cy")]
    round_id = emit_ok(console, FACILITATOR_NS, "open_round", {"kind": "checkin", "anonymous": anonymous})[
        "round_id"
    ]
    for phone, mood, client_id in zip(phones[:2], (1, 7), ("answer-ana-1", "answer-bo-01"), strict=True):
        submit(phone, round_id, client_id, mood=mood, note="rough week" if mood == 1 else None)
    submit(phones[2], round_id, "answer-cy-01", passed=True)
    emit_ok(console, FACILITATOR_NS, "reveal_round", {"round_id": round_id})

    # The console: every answer says whether its mood is very low.
    responses = emit_ok(console, FACILITATOR_NS, "round_responses", {"round_id": round_id})["responses"]
    marks = {(r["mood"], r["low_mood"]) for r in responses}
    assert marks == {(None, False), (1, True), (7, False)}
    console_payloads = [m["args"] for m in drain(console, FACILITATOR_NS)]
    assert any(key == "low_mood" for key in walk(console_payloads))

    # Phones (Ana's own too) and the shared screen get aggregates only: no mark, nobody else's answer.
    for phone in phones:
        phone.events("round_revealed")
        state = emit_ok(phone.socket, PARTICIPANT_NS, "sync")["state"]
        payloads = [message["args"] for message in phone.received] + [state]
        assert "low_mood" not in set(walk(payloads))
        if phone is not phones[0]:
            assert "rough week" not in set(walk(payloads))
    screen_payloads = [m["args"] for m in drain(screen, FACILITATOR_NS)]
    assert screen_payloads, "the screen was told of the round"
    assert "low_mood" not in set(walk(screen_payloads))


def socketio_screen(app, client, live_session):
    screen = socketio.test_client(
        app,
        namespace=FACILITATOR_NS,
        auth={"live_session_id": live_session.id, "screen": True},
        flask_test_client=client,
    )
    assert screen.is_connected(FACILITATOR_NS)
    return screen
