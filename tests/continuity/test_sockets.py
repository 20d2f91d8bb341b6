"""Returning members and next small steps over real Socket.IO clients, across two sessions."""

from __future__ import annotations

import secrets

import pytest
from sqlalchemy import func, select

from facilitator.continuity import services
from facilitator.continuity.models import ReturningKey, ReturningMember, ReturningSeat
from facilitator.extensions import db
from facilitator.realtime.rooms import FACILITATOR_NS, PARTICIPANT_NS
from facilitator.safety.models import SafetyFlag
from facilitator.sessions import services as session_services

from ..conftest import emit, emit_ok, facilitator_socket, participant_socket, received


def new_key() -> str:
    return secrets.token_hex(32)


def next_session(facilitator, group, title: str = "Week 13"):
    live_session = session_services.create_session(facilitator, group, title=title, waiting_room=False)
    db.session.commit()
    return live_session


def end(facilitator, live_session) -> None:
    session_services.end_session(facilitator, live_session)
    db.session.commit()


def answer_round(console, phone, kind: str, mood: int, *, anonymous: bool = False) -> None:
    opened = emit_ok(console, FACILITATOR_NS, "open_round", {"kind": kind, "anonymous": anonymous})
    round_id = opened["round_id"]
    emit_ok(
        phone.socket,
        PARTICIPANT_NS,
        "submit_checkin",
        {"round_id": round_id, "client_id": secrets.token_hex(8), "mood": mood},
    )
    emit_ok(console, FACILITATOR_NS, "close_round", {"round_id": round_id})


def test_remember_gives_a_phrase_and_stores_only_keyed_hashes(console, live_session, join):
    phone = join(live_session, "Quiet Heron")
    key = new_key()
    ack = emit_ok(phone.socket, PARTICIPANT_NS, "remember_me", {"key": key})
    words = ack["phrase"].split()
    assert len(words) == 8 and set(words) <= set(services.word_list())
    assert ack["continuity"]["returning"] is True
    member = db.session.scalars(select(ReturningMember)).one()
    stored = {member.phrase_hash, *db.session.scalars(select(ReturningKey.key_hash))}
    assert key not in stored and ack["phrase"] not in stored
    assert all(len(value) == 64 for value in stored)
    assert member.group_id == live_session.group_id and member.sessions_attended == 1
    # The console learns this seat is returning, and nothing else about it.
    changed = received(console, FACILITATOR_NS, "continuity_changed")[-1]
    assert changed["returning"] == {str(phone.participant_id): 1}
    # Twice is refused kindly.
    again = emit(phone.socket, PARTICIPANT_NS, "remember_me", {"key": new_key()})
    assert again == {"ok": False, "error": "You're already remembered in this group."}


def test_next_step_flow_across_two_sessions(app, facilitator, facilitator_client, group, live_session, join):
    console = facilitator_socket(app, facilitator_client, live_session)
    phone = join(live_session, "Quiet Heron")
    sharer = join(live_session, "Open Finch")
    key, sharer_key = new_key(), new_key()
    emit_ok(phone.socket, PARTICIPANT_NS, "remember_me", {"key": key})
    emit_ok(sharer.socket, PARTICIPANT_NS, "remember_me", {"key": sharer_key})
    answer_round(console, phone, "checkin", 4)
    answer_round(console, phone, "checkout", 6)
    answer_round(console, phone, "custom", 2, anonymous=True)
    emit_ok(
        phone.socket,
        PARTICIPANT_NS,
        "submit_next_step",
        {"client_id": "step-0001", "text": "Walk around the block twice", "shared": False},
    )
    emit_ok(
        sharer.socket,
        PARTICIPANT_NS,
        "submit_next_step",
        {"client_id": "step-0002", "text": "Call my sister", "shared": True},
    )
    state = received(console, FACILITATOR_NS, "continuity_changed")[-1]
    assert state["steps_written"] == 2
    assert state["shared_steps"] == [{"name": "Open Finch", "text": "Call my sister"}]
    end(facilitator, live_session)

    week_two = next_session(facilitator, group)
    console_two = facilitator_socket(app, facilitator_client, week_two)
    console_two.get_received(FACILITATOR_NS)
    back = join(week_two, "Heron Again")
    other = join(week_two, "Finch Again")
    ack = emit_ok(back.socket, PARTICIPANT_NS, "recognise_me", {"key": key})
    view = ack["continuity"]
    assert view["returning"] and view["sessions_attended"] == 2
    assert view["previous_step"] == {"text": "Walk around the block twice", "shared": False}
    # Their own named moods only: the anonymous round's 2 is not theirs to see (it has no owner).
    assert [(mood["kind"], mood["mood"]) for mood in view["moods"]] == [("checkin", 4), ("checkout", 6)]
    emit_ok(other.socket, PARTICIPANT_NS, "recognise_me", {"key": sharer_key})
    emit_ok(back.socket, PARTICIPANT_NS, "step_follow_up", {"outcome": "partly"})
    emit_ok(other.socket, PARTICIPANT_NS, "step_follow_up", {"outcome": "did_it"})
    state = received(console_two, FACILITATOR_NS, "continuity_changed")[-1]
    assert state["follow_ups"] == {"did_it": 1, "partly": 1, "not_this_time": 0, "skip": 0}
    # Names only of those who shared their step; the private one is a count.
    assert state["shared_follow_ups"] == [{"name": "Finch Again", "outcome": "did_it"}]
    assert state["returning"] == {str(back.participant_id): 2, str(other.participant_id): 2}
    assert "Walk around the block twice" not in str(state)
    # The snapshot rebuilds the same on reconnect, from the database.
    back.socket.disconnect(namespace=PARTICIPANT_NS)
    back.socket = participant_socket(app, back)
    snapshot = received(back.socket, PARTICIPANT_NS, "session_state")[-1]
    assert snapshot["continuity"]["follow_up"] == "partly"
    assert snapshot["continuity"]["previous_step"]["text"] == "Walk around the block twice"


def test_recovery_phrase_on_a_second_phone(app, facilitator, group, live_session, join):
    first = join(live_session, "Quiet Heron")
    phrase = emit_ok(first.socket, PARTICIPANT_NS, "remember_me", {"key": new_key()})["phrase"]
    end(facilitator, live_session)

    week_two = next_session(facilitator, group)
    second = join(week_two, "New Phone")  # another browser: its own cookie jar, no key of the first
    wrong = emit(second.socket, PARTICIPANT_NS, "recognise_me", {"phrase": "oak " * 8})
    assert wrong["ok"] is False and "couldn't find you" in wrong["error"]
    second_key = new_key()
    typed = "  " + phrase.upper().replace(" ", " - ") + " "
    ack = emit_ok(second.socket, PARTICIPANT_NS, "recognise_me", {"phrase": typed, "key": second_key})
    assert ack["continuity"]["sessions_attended"] == 2
    end(facilitator, week_two)

    # Next time the second phone's own key is enough.
    week_three = next_session(facilitator, group, "Week 14")
    third = join(week_three, "New Phone")
    ack = emit_ok(third.socket, PARTICIPANT_NS, "recognise_me", {"key": second_key})
    assert ack["continuity"]["sessions_attended"] == 3
    assert db.session.scalar(select(func.count()).select_from(ReturningKey)) == 2


def test_a_key_is_scoped_to_its_group(app, facilitator, make_group, live_session, join):
    phone = join(live_session, "Quiet Heron")
    key = new_key()
    emit_ok(phone.socket, PARTICIPANT_NS, "remember_me", {"key": key})
    elsewhere = next_session(facilitator, make_group(facilitator, "Thursday Circle"))
    stranger = join(elsewhere, "Quiet Heron")
    refused = emit(stranger.socket, PARTICIPANT_NS, "recognise_me", {"key": key})
    assert refused["ok"] is False
    assert db.session.scalar(select(func.count()).select_from(ReturningSeat)) == 1


def test_forget_me_removes_every_link(app, facilitator, group, live_session, join, console):
    phone = join(live_session, "Quiet Heron")
    key = new_key()
    emit_ok(phone.socket, PARTICIPANT_NS, "remember_me", {"key": key})
    end(facilitator, live_session)
    week_two = next_session(facilitator, group)
    back = join(week_two, "Heron Again")
    emit_ok(back.socket, PARTICIPANT_NS, "recognise_me", {"key": key})
    ack = emit_ok(back.socket, PARTICIPANT_NS, "forget_me")
    assert ack["continuity"]["returning"] is False and ack["continuity"]["previous_step"] is None
    for model in (ReturningMember, ReturningKey, ReturningSeat):
        assert db.session.scalar(select(func.count()).select_from(model)) == 0
    # The same key finds nobody any more.
    assert emit(back.socket, PARTICIPANT_NS, "recognise_me", {"key": key})["ok"] is False
    # Forgetting twice is fine.
    emit_ok(back.socket, PARTICIPANT_NS, "forget_me")


def test_a_step_is_screened_like_every_free_text(live_session, join):
    phone = join(live_session, "Quiet Heron")
    emit_ok(
        phone.socket,
        PARTICIPANT_NS,
        "submit_next_step",
        {"client_id": "step-0001", "text": "I want to kill myself", "shared": False},
    )
    flag = db.session.scalars(select(SafetyFlag)).one()
    assert flag.participant_id == phone.participant_id


def test_an_empty_step_removes_it(live_session, join):
    phone = join(live_session, "Quiet Heron")
    payload = {"client_id": "step-0001", "text": "Sleep before midnight", "shared": True}
    assert emit_ok(phone.socket, PARTICIPANT_NS, "submit_next_step", payload)["continuity"]["next_step"]
    cleared = emit_ok(phone.socket, PARTICIPANT_NS, "submit_next_step", {**payload, "text": "   "})
    assert cleared["continuity"]["next_step"] is None


def test_follow_up_needs_an_earlier_step(live_session, join):
    phone = join(live_session, "Quiet Heron")
    refused = emit(phone.socket, PARTICIPANT_NS, "step_follow_up", {"outcome": "did_it"})
    assert refused == {"ok": False, "error": "There's no earlier step to look back on."}


@pytest.mark.parametrize(
    ("event", "payload"),
    [
        ("remember_me", {}),
        ("remember_me", {"key": "short"}),
        ("remember_me", {"key": "Z" * 64}),
        ("remember_me", {"key": "a" * 64, "extra": 1}),
        ("recognise_me", {}),
        ("recognise_me", {"phrase": "x" * 201}),
        ("recognise_me", {"key": 12}),
        ("submit_next_step", {"client_id": "step-0001", "text": "x" * 501}),
        ("submit_next_step", {"client_id": "bad id!", "text": "walk"}),
        ("submit_next_step", {"client_id": "step-0001", "text": "walk", "shared": "yes"}),
        ("step_follow_up", {"outcome": "failed"}),
        ("step_follow_up", {}),
        ("forget_me", {"everything": True}),
    ],
)
def test_bad_payloads_are_refused_kindly(live_session, join, event, payload):
    phone = join(live_session, "Quiet Heron")
    ack = emit(phone.socket, PARTICIPANT_NS, event, payload)
    assert ack["ok"] is False and "Traceback" not in ack["error"]
    for model in (ReturningMember, ReturningSeat):
        assert db.session.scalar(select(func.count()).select_from(model)) == 0


def test_facilitators_cannot_send_the_phones_events(console):
    for event in ("remember_me", "recognise_me", "forget_me", "submit_next_step", "step_follow_up"):
        ack = emit(console, FACILITATOR_NS, event, {"key": new_key()})
        assert ack is None or ack["ok"] is False
