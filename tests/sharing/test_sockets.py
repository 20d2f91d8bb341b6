"""The speaking queue over Socket.IO: who hears what (names only on the consoles), acks, resends,
two consoles at once, bad payloads, a moved agenda, and a reconnect rebuilt from the database."""

from __future__ import annotations

import pytest

from facilitator.extensions import db, socketio
from facilitator.realtime.rooms import FACILITATOR_NS, PARTICIPANT_NS
from facilitator.sessions import services as session_services
from facilitator.sharing.models import ShareTurn

from ..conftest import emit, emit_ok, facilitator_socket, participant_socket, received, walk
from .conftest import SHARING_STEP

NAMES = ("Ana", "Bo", "Cy")


@pytest.fixture
def screen(app, facilitator_client, at_sharing):
    sock = socketio.test_client(
        app,
        namespace=FACILITATOR_NS,
        auth={"live_session_id": at_sharing.id, "screen": True},
        flask_test_client=facilitator_client,
    )
    sock.get_received(FACILITATOR_NS)
    return sock


@pytest.fixture
def phones(at_sharing, join):
    return [join(at_sharing, name) for name in NAMES]


def latest(sock, name, namespace=FACILITATOR_NS):
    events = received(sock, namespace, name)
    assert events, f"no {name}"
    return events[-1]


def phone_latest(phone, name):
    events = phone.events(name)
    assert events, f"no {name}"
    return events[-1]


def raise_hand(phone):
    return emit_ok(phone.socket, PARTICIPANT_NS, "raise_hand")


def call_next(console, current_turn_id=None):
    return emit(console, FACILITATOR_NS, "call_next", {"current_turn_id": current_turn_id})


def test_asking_to_share_reaches_the_console_with_names_and_the_room_as_a_count(console, screen, phones):
    ana, bo, cy = phones
    ack = raise_hand(bo)
    turn = ack["turn"]
    assert (turn["status"], turn["ahead"], turn["go_round"]) == ("waiting", 0, False)
    assert ack["version"] >= 1 and ack["server_time"].endswith("Z")
    raise_hand(ana)

    queue = latest(console, "share_queue_updated")
    assert [entry["name"] for entry in queue["queue"]] == ["Bo", "Ana"]
    assert queue["queue"][0]["queued_at"].endswith("Z") and queue["current"] is None
    assert (queue["step_index"], queue["timer_minutes"], queue["show_order"]) == (SHARING_STEP, 3, False)

    for room in (phone_latest(cy, "sharing_updated"), latest(screen, "sharing_updated")):
        assert (room["waiting"], room["speaking"], room["order"], room["speaker"]) == (2, False, None, None)
    # Nobody's name, id or place reaches another phone or the screen.
    everything_cy_heard = [m["args"] for m in cy.received]
    for name in ("Ana", "Bo"):
        assert name not in set(walk(everything_cy_heard))
    assert "Bo" not in set(walk(received(screen, FACILITATOR_NS, "sharing_updated")))
    assert cy.events("your_turn_updated") == []
    # Ana hears her own place; she is second.
    assert phone_latest(ana, "your_turn_updated")["turn"]["ahead"] == 1


def test_the_console_calls_people_in_order_and_the_called_phone_is_told(console, screen, phones):
    ana, bo, cy = phones
    raise_hand(ana)
    raise_hand(bo)
    received(console, FACILITATOR_NS, "share_queue_updated")

    ack = call_next(console)
    assert ack["ok"] and isinstance(ack["called_turn_id"], int)
    queue = latest(console, "share_queue_updated")
    assert (queue["current"]["name"], queue["current"]["status"]) == ("Ana", "speaking")
    assert queue["current"]["timer_minutes"] == 3 and queue["current"]["called_at"].endswith("Z")
    assert [entry["name"] for entry in queue["queue"]] == ["Bo"]
    mine = phone_latest(ana, "your_turn_updated")["turn"]
    assert (mine["status"], mine["timer_minutes"]) == ("speaking", 3)
    assert mine["called_at"] == queue["current"]["called_at"]
    assert phone_latest(bo, "your_turn_updated")["turn"]["ahead"] == 0  # Bo is next now
    room = phone_latest(cy, "sharing_updated")
    assert (room["waiting"], room["speaking"], room["timer"]) == (1, True, None)

    # Ana passes once called; the console still shows her as the one last called.
    assert emit_ok(ana.socket, PARTICIPANT_NS, "pass_turn")["turn"]["status"] == "passed"
    queue = latest(console, "share_queue_updated")
    assert (queue["current"]["name"], queue["current"]["status"]) == ("Ana", "passed")
    assert call_next(console, queue["current"]["id"])["ok"]
    assert phone_latest(bo, "your_turn_updated")["turn"]["status"] == "speaking"


def test_a_second_console_calling_from_an_old_view_is_refused(
    app, console, facilitator_client, phones, at_sharing
):
    other_console = facilitator_socket(app, facilitator_client, at_sharing)
    other_console.get_received(FACILITATOR_NS)
    for phone in phones[:2]:
        raise_hand(phone)
    assert call_next(console)["ok"]
    refused = call_next(other_console)  # it had not seen Ana called
    assert refused["ok"] is False and "nobody was skipped" in refused["error"]
    speaking = db.session.query(ShareTurn).filter(ShareTurn.status == "speaking").all()
    assert [turn.participant_id for turn in speaking] == [phones[0].participant_id]
    # With what it is sent, the second console calls the next person as expected.
    current = latest(other_console, "share_queue_updated")["current"]
    assert call_next(other_console, current["id"])["ok"]
    assert latest(console, "share_queue_updated")["current"]["name"] == "Bo"


def test_resends_change_nothing_and_announce_nothing(console, phones):
    ana = phones[0]
    first = raise_hand(ana)
    received(console, FACILITATOR_NS, "share_queue_updated")
    again = raise_hand(ana)
    assert again["turn"]["id"] == first["turn"]["id"]
    assert received(console, FACILITATOR_NS, "share_queue_updated") == []
    emit_ok(ana.socket, PARTICIPANT_NS, "pass_turn")
    received(console, FACILITATOR_NS, "share_queue_updated")
    assert emit_ok(ana.socket, PARTICIPANT_NS, "pass_turn")["turn"]["status"] == "withdrawn"
    assert received(console, FACILITATOR_NS, "share_queue_updated") == []


def test_skip_reorder_and_a_go_round_with_a_pass(console, phones):
    ana, bo, cy = phones
    turns = [raise_hand(phone)["turn"]["id"] for phone in phones]
    emit_ok(console, FACILITATOR_NS, "move_turn", {"turn_id": turns[2], "position": 0})
    assert [e["name"] for e in latest(console, "share_queue_updated")["queue"]] == ["Cy", "Ana", "Bo"]
    assert phone_latest(ana, "your_turn_updated")["turn"]["ahead"] == 1
    emit_ok(console, FACILITATOR_NS, "skip_turn", {"turn_id": turns[1]})
    assert phone_latest(bo, "your_turn_updated")["turn"]["status"] == "skipped"
    assert [e["name"] for e in latest(console, "share_queue_updated")["queue"]] == ["Cy", "Ana"]

    ids = [phone.participant_id for phone in (bo, ana, cy)]
    ack = emit_ok(console, FACILITATOR_NS, "start_go_round", {"order": "chosen", "participant_ids": ids})
    queue = latest(console, "share_queue_updated")
    assert [e["name"] for e in queue["queue"]] == ["Bo", "Ana", "Cy"]
    assert queue["round"]["id"] == ack["round_id"] and queue["round"]["left"] == 3
    assert all(e["go_round"] for e in queue["queue"])
    room = phone_latest(cy, "sharing_updated")
    assert (room["waiting"], room["go_round"]) == (3, True)
    assert phone_latest(bo, "your_turn_updated")["turn"]["go_round"] is True

    assert emit_ok(ana.socket, PARTICIPANT_NS, "pass_turn")["turn"]["status"] == "passed"
    assert call_next(console)["ok"]
    current = latest(console, "share_queue_updated")["current"]
    assert current["name"] == "Bo"
    assert call_next(console, current["id"])["ok"]
    queue = latest(console, "share_queue_updated")
    assert queue["current"]["name"] == "Cy" and queue["round"] is None  # everyone was called
    assert call_next(console, queue["current"]["id"]) == {"ok": True, "called_turn_id": None}


def test_show_the_order_lets_everyone_see_names(console, screen, phones, group, facilitator):
    group.show_share_order = True
    db.session.commit()
    ana, bo, cy = phones
    raise_hand(bo)
    raise_hand(ana)
    call_next(console)
    for room in (phone_latest(cy, "sharing_updated"), latest(screen, "sharing_updated")):
        assert (room["order"], room["speaker"]) == (["Ana"], "Bo")


def test_the_screen_shows_the_timer_only_when_the_facilitator_chooses(console, screen, phones):
    raise_hand(phones[0])
    call_next(console)
    assert latest(screen, "sharing_updated")["timer"] is None
    emit_ok(console, FACILITATOR_NS, "set_share_timer_on_screen", {"on": True})
    timer = latest(screen, "sharing_updated")["timer"]
    queue = latest(console, "share_queue_updated")
    assert timer["minutes"] == 3 and timer["called_at"] == queue["current"]["called_at"]
    assert queue["screen_timer"] is True
    emit_ok(console, FACILITATOR_NS, "set_share_timer_on_screen", {"on": False})
    assert latest(screen, "sharing_updated")["timer"] is None


def test_moving_the_agenda_tells_every_screen_what_the_step_holds(console, phones, at_sharing):
    ana, bo, _cy = phones
    raise_hand(ana)
    emit_ok(console, FACILITATOR_NS, "move_step", {"index": SHARING_STEP + 1})
    assert phone_latest(bo, "sharing_updated")["step_index"] is None
    assert latest(console, "share_queue_updated")["queue"] == []
    assert phone_latest(ana, "your_turn_updated")["turn"] is None
    refused = emit(ana.socket, PARTICIPANT_NS, "raise_hand")
    assert refused == {"ok": False, "error": "The queue opens during a sharing step."}
    emit_ok(console, FACILITATOR_NS, "move_step", {"index": SHARING_STEP})
    assert phone_latest(bo, "sharing_updated")["waiting"] == 1
    assert phone_latest(ana, "your_turn_updated")["turn"]["status"] == "waiting"


def test_a_reconnect_rebuilds_the_queue_from_the_database(
    app, facilitator_client, console, phones, at_sharing
):
    ana, bo, cy = phones
    raise_hand(ana)
    raise_hand(bo)
    call_next(console)
    for phone in (ana, bo):
        phone.socket.disconnect(namespace=PARTICIPANT_NS)
    console.disconnect(namespace=FACILITATOR_NS)

    again = facilitator_socket(app, facilitator_client, at_sharing)
    [state] = received(again, FACILITATOR_NS, "session_state")
    sharing = state["sharing"]
    assert (sharing["current"]["name"], [e["name"] for e in sharing["queue"]]) == ("Ana", ["Bo"])
    for phone, status, ahead in ((ana, "speaking", None), (bo, "waiting", 0)):
        phone.socket = participant_socket(app, phone)
        phone.received.clear()
        [state] = phone.events("session_state")
        assert (state["sharing"]["yours"]["status"], state["sharing"]["yours"]["ahead"]) == (status, ahead)
        assert state["sharing"]["waiting"] == 1 and state["sharing"]["speaking"] is True
    cy.received.clear()
    cy.socket = participant_socket(app, cy)
    [state] = cy.events("session_state")
    assert state["sharing"]["yours"] is None
    assert "Ana" not in set(walk(state["sharing"]))


@pytest.mark.parametrize(
    ("event", "payload"),
    [
        ("call_next", {}),
        ("call_next", {"current_turn_id": "1"}),
        ("call_next", {"current_turn_id": 0}),
        ("call_next", {"current_turn_id": None, "extra": 1}),
        ("skip_turn", {"turn_id": 2**31}),
        ("move_turn", {"turn_id": 1, "position": -1}),
        ("move_turn", {"turn_id": 1, "position": 1000}),
        ("move_turn", {"turn_id": 1}),
        ("start_go_round", {"order": "alphabetical"}),
        ("start_go_round", {"order": "chosen", "participant_ids": "1,2"}),
        ("start_go_round", {"order": "chosen", "participant_ids": [True]}),
        ("set_share_timer_on_screen", {"on": "yes"}),
    ],
)
def test_bad_console_payloads_are_refused_kindly(console, phones, event, payload):
    raise_hand(phones[0])
    received(console, FACILITATOR_NS, "share_queue_updated")
    ack = emit(console, FACILITATOR_NS, event, payload)
    assert ack["ok"] is False and ack["error"].startswith("That didn't go through")
    assert received(console, FACILITATOR_NS, "share_queue_updated") == []


@pytest.mark.parametrize("event", ["raise_hand", "pass_turn"])
def test_bad_phone_payloads_are_refused(phones, event):
    ack = emit(phones[0].socket, PARTICIPANT_NS, event, {"turn_id": 1})
    assert ack["ok"] is False and "expected" in ack["error"]


def test_ids_of_another_session_are_not_found(console, phones, make_group, make_facilitator, join):
    raise_hand(phones[0])
    other_lead = make_facilitator("Other")
    elsewhere = session_services.create_session(
        other_lead, make_group(other_lead, name="Elsewhere"), title="Other", waiting_room=False
    )
    session_services.move_to_step(other_lead, elsewhere, SHARING_STEP)
    db.session.commit()
    stranger = join(elsewhere, "Stranger")
    their_turn = raise_hand(stranger)["turn"]["id"]
    for event, payload in (
        ("skip_turn", {"turn_id": their_turn}),
        ("move_turn", {"turn_id": their_turn, "position": 0}),
        ("start_go_round", {"order": "chosen", "participant_ids": [stranger.participant_id]}),
    ):
        ack = emit(console, FACILITATOR_NS, event, payload)
        assert ack["ok"] is False, (event, ack)
    db.session.expire_all()
    assert db.session.get(ShareTurn, their_turn).status == "waiting"
