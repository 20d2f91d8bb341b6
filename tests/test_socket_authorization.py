"""Who may send which socket event: one table for every event, checked for every kind of caller
(issue 9, "How it is checked").

The table below is the documentation of who may send what. Each row gives the payload an allowed
caller would send in a small world (a live session with a waiting room, people, an open round, a
support request with a safety flag, a pending and a shown win) and the callers who may send it.
Every other caller gets `{"ok": false, "error": <a sentence>}` and writes nothing. A new event
without a row fails `test_every_registered_event_has_a_row`.

Callers on /facilitator:
  lead        the group's lead, with the session's console open
  co          a co-facilitator of the group
  removed_co  a co-facilitator taken out of the group after connecting
  disabled    the lead, whose account was disabled after connecting
  screen      the projected shared screen (may send nothing but `clock`)
  seat        the lead, holding on the same connection a participant seat in another group's
              session, sending that other session's ids: no rights there. Events that carry no id
              act on the console's own session and leave the other session as it was.
  ended       the lead, after the session ended (only events registered with needs_live=False)
A facilitator of another group cannot even connect (test_a_facilitator_of_another_group_cannot_connect).

Callers on /participant:
  present     an admitted participant
  waiting     a participant in the waiting room (only events registered with allow_waiting=True)
  left        a participant who left, their connection not yet closed
  removed     a participant who was removed, their connection not yet closed
  other       a participant of another session, sending this session's ids: nothing found. Events
              that carry no id act on their own session and leave this one as it was.
  ended       an admitted participant, after the session ended: its connection is closed
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import pytest
from flask import Response
from sqlalchemy import delete, func, or_, select
from werkzeug.http import parse_cookie

from facilitator.accounts import services as account_services
from facilitator.checkins import services as checkin_services
from facilitator.checkins.models import CheckInRound
from facilitator.clock import utcnow
from facilitator.continuity import services as continuity_services
from facilitator.extensions import db, socketio
from facilitator.grounding import services as grounding_services
from facilitator.groups import services as group_services
from facilitator.groups.models import GroupFacilitator
from facilitator.realtime.rooms import FACILITATOR_NS, PARTICIPANT_NS
from facilitator.sessions import seats
from facilitator.sessions import services as session_services
from facilitator.sessions.models import Participant
from facilitator.sharing import services as sharing_services
from facilitator.support import services as support_services
from facilitator.wins import services as win_services

from .conftest import PASSWORD, Phone, facilitator_socket, login, participant_socket, post_form

RISKY_MESSAGE = "Honestly I want to kill myself tonight"
EXCLUDED_TABLES = {"socket_connection"}  # presence comes and goes with connections, refused or not


# --- the world --------------------------------------------------------------------------------


@dataclass
class World:
    """One live session (with a waiting room) and a little of everything in it."""

    app: object
    lead: object
    group: object
    live_session: object
    present: Phone  # admitted; author of the pending win
    waiting: Phone  # in the waiting room
    bystander: Phone  # admitted; answered the round, asked for support, has a win on the wall
    round_id: int
    request_id: int
    flag_id: int
    pending_win_id: str
    shown_win_id: str
    lead_client: object = None

    @property
    def session_id(self) -> int:
        return self.live_session.id

    def signed_in_lead(self):
        if self.lead_client is None:
            self.lead_client = self.app.test_client()
            login(self.lead_client, self.lead)
        return self.lead_client

    def participant(self, phone: Phone) -> Participant:
        return db.session.get(Participant, phone.participant_id)

    def close_round(self) -> None:
        """Close the world's round, unless the end of the session already did."""
        if db.session.get(CheckInRound, self.round_id).is_open:
            checkin_services.close_round(self.lead, self.live_session, self.round_id)
            db.session.commit()

    def end(self) -> None:
        session_services.end_session(self.lead, self.live_session)
        db.session.commit()

    # The speaking queue opens in a sharing step (the second of the default agenda).
    def at_sharing_step(self) -> None:
        if self.live_session.current_step != 1:
            session_services.move_to_step(self.lead, self.live_session, 1)
            db.session.commit()

    def queued_turn(self) -> int:
        """The bystander's place in the sharing step's queue."""
        self.at_sharing_step()
        turn = sharing_services.raise_hand(self.participant(self.bystander), self.live_session).turn
        db.session.commit()
        return turn.id

    def present_asked_to_share(self) -> None:
        self.at_sharing_step()
        sharing_services.raise_hand(self.participant(self.present), self.live_session)
        db.session.commit()

    def remembered_earlier(self) -> Participant:
        """Someone remembered in this group (phone key "c" * 64) who wrote a step in an earlier session."""
        earlier = session_services.create_session(self.lead, self.group, title="Earlier", waiting_room=False)
        seat = session_services.join_session(earlier, "Earlier Heron")
        continuity_services.write_step(seat, earlier, "Walk to the park", False)
        continuity_services.remember(seat, earlier, "c" * 64)
        session_services.end_session(self.lead, earlier)
        db.session.commit()
        return seat

    def present_returning_with_a_step(self) -> None:
        self.remembered_earlier()
        continuity_services.recognise(self.participant(self.present), self.live_session, "c" * 64, None)
        db.session.commit()

    def go_round_started(self) -> None:
        self.at_sharing_step()
        sharing_services.start_go_round(self.lead, self.live_session, "shuffled")
        db.session.commit()

    def running_exercise(self) -> int:
        """A grounding exercise under way in this session (box breathing, started by the lead)."""
        plan = grounding_services.box_plan(**grounding_services.BOX_DEFAULTS)
        exercise = grounding_services.start_exercise(self.lead, self.live_session, plan)
        db.session.commit()
        return exercise.id


def seated_phone(app, participant: Participant) -> Phone:
    """A phone holding the participant's seat cookie, as the join page would have left it (the join
    page itself is tested in tests/sessions; two requests per phone would double this file's time)."""
    response = Response()
    seats.give_seat(response, participant)
    name = seats.cookie_name(participant.live_session_id)
    client = app.test_client()
    client.set_cookie(name, parse_cookie(response.headers["Set-Cookie"])[name])
    return Phone(client, participant.id, participant.live_session.join_token)


def build_world(app, make_facilitator, make_group, name: str) -> World:
    lead = make_facilitator(f"{name} Lead")
    return populate(app, lead, make_group(lead, name=f"{name} Circle"), name)


def populate(app, lead, group, title: str) -> World:
    """A live session of the group, built through the services, with seated phones for its people."""
    live_session = session_services.create_session(lead, group, title=title, waiting_room=True)
    present, waiting, bystander = (
        seated_phone(app, session_services.join_session(live_session, who))
        for who in ("Present", "Wait", "By")
    )
    for phone in (present, bystander):
        session_services.admit_participant(lead, live_session, phone.participant_id)
    checkin_round = checkin_services.open_round(lead, live_session, "checkin", "", anonymous=False)
    by = db.session.get(Participant, bystander.participant_id)
    checkin_services.record_answer(by, live_session, checkin_round.id, client_id="answer-0001", mood=5)
    requested = support_services.request_support(
        by, live_session, client_id="support-0001", urgency="now", message=RISKY_MESSAGE
    )
    assert requested.flag is not None, "the risk screen no longer flags the test message"
    pending = win_services.share_win(
        db.session.get(Participant, present.participant_id),
        live_session,
        client_id="win-00000001",
        text="Went for a walk",
        kind=None,
    )
    shown = win_services.share_win(
        by, live_session, client_id="win-00000002", text="Called a friend", kind=None
    )
    win_services.approve_win(lead, live_session, shown.win.id)
    db.session.commit()
    return World(
        app,
        lead,
        group,
        live_session,
        present,
        waiting,
        bystander,
        round_id=checkin_round.id,
        request_id=requested.request.id,
        flag_id=requested.flag.id,
        pending_win_id=pending.win.id,
        shown_win_id=shown.win.id,
    )


@pytest.fixture
def new_world(app, make_facilitator, make_group) -> Callable[[str], World]:
    return lambda name: build_world(app, make_facilitator, make_group, name)


# --- "nothing was written" ----------------------------------------------------------------------


def fingerprint() -> dict[str, list[str]]:
    """Every row of every table (but socket_connection), as sorted text."""
    db.session.expire_all()
    return {
        table.name: sorted(repr(tuple(row)) for row in db.session.execute(select(table)))
        for table in db.metadata.sorted_tables
        if table.name not in EXCLUDED_TABLES
    }


def session_fingerprint(live_session_id: int) -> dict[str, list[str]]:
    """The rows of one session: its own row and every row that refers to it, directly or through
    another of its rows (participants, rounds, answers, requests, replies, flags, wins...)."""
    db.session.expire_all()
    owned: dict[str, set] = {"live_session": {live_session_id}}
    rows: dict[str, list[str]] = {}
    for table in db.metadata.sorted_tables:
        if table.name in EXCLUDED_TABLES:
            continue
        links = [
            (column, fk.column.table.name)
            for column in table.columns
            for fk in column.foreign_keys
            if fk.column.table.name in owned and fk.column.table.name != table.name
        ]
        if table.name == "live_session":
            condition = table.c.id == live_session_id
        elif links:
            condition = or_(*(column.in_(owned[target]) for column, target in links))
        else:
            continue
        found = list(db.session.execute(select(table).where(condition)))
        if "id" in table.c:
            owned.setdefault(table.name, set()).update(row.id for row in found)
        rows[table.name] = sorted(repr(tuple(row)) for row in found)
    return rows


def assert_refused(ack) -> None:
    assert isinstance(ack, dict) and ack.keys() == {"ok", "error"}, ack
    assert ack["ok"] is False
    assert isinstance(ack["error"], str) and ack["error"].strip()


# --- the table ----------------------------------------------------------------------------------

FACILITATORS = ("lead", "co", "removed_co", "disabled", "screen", "seat", "ended")
PARTICIPANTS = ("present", "waiting", "left", "removed", "other", "ended")

RUNS_GROUP = frozenset({"lead", "co"})  # whoever runs the session's group, while it is live
NO_IDS = frozenset({"seat"})  # the event carries no id: it acts on the console's own session
AFTER_END = frozenset({"ended"})  # registered with needs_live=False
IN_ROOM = frozenset({"present", "other"})  # "other": no id, so it acts on their own session
WAITING_TOO = frozenset({"waiting"})  # registered with allow_waiting=True


@dataclass(frozen=True)
class Row:
    payload: Callable[[World], object]  # a valid payload, from the world whose objects it names
    allowed: frozenset[str]
    # Makes the payload valid in the session the event acts on (e.g. no round open yet).
    prepare: Callable[[World], None] | None = None


TABLE: dict[tuple[str, str], Row] = {
    # --- /facilitator: the room --------------------------------------------------------------
    # Let one person in from the waiting room.
    (FACILITATOR_NS, "admit"): Row(lambda w: {"participant_id": w.waiting.participant_id}, RUNS_GROUP),
    # Let everyone waiting in.
    (FACILITATOR_NS, "admit_all"): Row(lambda _: {}, RUNS_GROUP | NO_IDS),
    # Remove someone (they cannot rejoin); also after the end.
    (FACILITATOR_NS, "remove_participant"): Row(
        lambda w: {"participant_id": w.bystander.participant_id}, RUNS_GROUP | AFTER_END
    ),
    # Lock the room against new joins.
    (FACILITATOR_NS, "set_locked"): Row(lambda _: {"locked": True}, RUNS_GROUP | NO_IDS),
    # Move the agenda.
    (FACILITATOR_NS, "move_step"): Row(lambda _: {"index": 1}, RUNS_GROUP | NO_IDS),
    # End the session for everyone.
    (FACILITATOR_NS, "end_session"): Row(lambda _: {}, RUNS_GROUP | NO_IDS),
    # --- /facilitator: check-in rounds -----------------------------------------------------
    # Open a round (once the open one is closed).
    (FACILITATOR_NS, "open_round"): Row(
        lambda _: {"kind": "checkout", "prompt": "How are you leaving?", "anonymous": True},
        RUNS_GROUP | NO_IDS,
        prepare=World.close_round,
    ),
    # Close the open round.
    (FACILITATOR_NS, "close_round"): Row(lambda w: {"round_id": w.round_id}, RUNS_GROUP),
    # Show the round's aggregate.
    (FACILITATOR_NS, "reveal_round"): Row(lambda w: {"round_id": w.round_id}, RUNS_GROUP),
    # Read a round's answers; also after the end.
    (FACILITATOR_NS, "round_responses"): Row(lambda w: {"round_id": w.round_id}, RUNS_GROUP | AFTER_END),
    # --- /facilitator: support and safety --------------------------------------------------
    (FACILITATOR_NS, "acknowledge_support"): Row(lambda w: {"request_id": w.request_id}, RUNS_GROUP),
    (FACILITATOR_NS, "reply_support"): Row(
        lambda w: {"request_id": w.request_id, "text": "I'm here, let's talk at the break."}, RUNS_GROUP
    ),
    (FACILITATOR_NS, "resolve_support"): Row(
        lambda w: {"request_id": w.request_id, "note": "Talked after."}, RUNS_GROUP
    ),
    (FACILITATOR_NS, "acknowledge_flag"): Row(lambda w: {"flag_id": w.flag_id}, RUNS_GROUP),
    # --- /facilitator: small wins ----------------------------------------------------------
    (FACILITATOR_NS, "approve_win"): Row(lambda w: {"win_id": w.pending_win_id}, RUNS_GROUP),
    (FACILITATOR_NS, "hide_win"): Row(lambda w: {"win_id": w.shown_win_id}, RUNS_GROUP),
    (FACILITATOR_NS, "spotlight_win"): Row(lambda w: {"win_id": w.shown_win_id}, RUNS_GROUP),
    (FACILITATOR_NS, "set_wins_approval"): Row(lambda _: {"need_approval": False}, RUNS_GROUP | NO_IDS),
    # --- /facilitator: the group pulse -----------------------------------------------------
    # Ask the room for the pulse now (before the check-out step).
    (FACILITATOR_NS, "open_pulse"): Row(lambda _: {}, RUNS_GROUP | NO_IDS),
    # --- /participant ----------------------------------------------------------------------
    # Catch up on the whole state: also from the waiting room.
    (PARTICIPANT_NS, "sync"): Row(lambda _: {}, IN_ROOM | WAITING_TOO),
    # Leave: also from the waiting room. (After the end no phone is connected any more.)
    (PARTICIPANT_NS, "leave"): Row(lambda _: {}, IN_ROOM | WAITING_TOO),
    # Answer the open round (admitted people only).
    (PARTICIPANT_NS, "submit_checkin"): Row(
        lambda w: {"round_id": w.round_id, "client_id": "answer-0009", "mood": 6, "feelings": ["calm"]},
        IN_ROOM - {"other"},
    ),
    # Ask for support privately: also from the waiting room.
    (PARTICIPANT_NS, "request_support"): Row(
        lambda _: {"client_id": "support-0009", "urgency": "later", "message": "After, please"},
        IN_ROOM | WAITING_TOO,
    ),
    # Share a win (admitted people only).
    (PARTICIPANT_NS, "share_win"): Row(
        lambda _: {"client_id": "win-00000009", "text": "Slept well", "kind": "kept_a_routine"}, IN_ROOM
    ),
    # Take back one's own win.
    (PARTICIPANT_NS, "take_back_win"): Row(lambda w: {"win_id": w.pending_win_id}, IN_ROOM - {"other"}),
    # React to a win on the wall.
    (PARTICIPANT_NS, "react_to_win"): Row(
        lambda w: {"win_id": w.shown_win_id, "reaction": "heart"}, IN_ROOM - {"other"}
    ),
    # Answer the group pulse, anonymously (admitted people; "other" answers in their own session).
    (PARTICIPANT_NS, "submit_pulse"): Row(lambda _: {"client_id": "pulse-00000009", "heard": 7}, IN_ROOM),
    # --- returning members and next steps (facilitator/continuity) ---------------------------
    # "Remember me in this group", "forget me", and one's small step for the coming week.
    (PARTICIPANT_NS, "remember_me"): Row(lambda _: {"key": "b" * 64}, IN_ROOM),
    (PARTICIPANT_NS, "forget_me"): Row(lambda _: {}, IN_ROOM),
    (PARTICIPANT_NS, "submit_next_step"): Row(
        lambda _: {"client_id": "step-00000009", "text": "Walk", "shared": False}, IN_ROOM
    ),
    # A returning phone's key, remembered in this group ("other" is recognised in their own session).
    (PARTICIPANT_NS, "recognise_me"): Row(
        lambda _: {"key": "c" * 64}, IN_ROOM, prepare=World.remembered_earlier
    ),
    # How the last step went (the present phone: a returning member with an earlier step).
    (PARTICIPANT_NS, "step_follow_up"): Row(
        lambda _: {"outcome": "partly"}, IN_ROOM, prepare=World.present_returning_with_a_step
    ),
    # --- the speaking queue (in a sharing step) ---------------------------------------------
    # "I'd like to share" (admitted people only).
    (PARTICIPANT_NS, "raise_hand"): Row(lambda _: {}, IN_ROOM, prepare=World.at_sharing_step),
    # Take it back, or pass one's place or turn.
    (PARTICIPANT_NS, "pass_turn"): Row(lambda _: {}, IN_ROOM, prepare=World.present_asked_to_share),
    # Call the next person (from what the console shows as last called: nobody yet).
    (FACILITATOR_NS, "call_next"): Row(
        lambda _: {"current_turn_id": None}, RUNS_GROUP | NO_IDS, prepare=World.at_sharing_step
    ),
    # Take someone out of the queue, or move them in it (the payload's world has them waiting).
    (FACILITATOR_NS, "skip_turn"): Row(
        lambda w: {"turn_id": w.queued_turn()}, RUNS_GROUP, prepare=World.at_sharing_step
    ),
    (FACILITATOR_NS, "move_turn"): Row(
        lambda w: {"turn_id": w.queued_turn(), "position": 0}, RUNS_GROUP, prepare=World.at_sharing_step
    ),
    # Queue everyone in the room; end the go-round.
    (FACILITATOR_NS, "start_go_round"): Row(
        lambda _: {"order": "shuffled"}, RUNS_GROUP | NO_IDS, prepare=World.at_sharing_step
    ),
    (FACILITATOR_NS, "stop_go_round"): Row(lambda _: {}, RUNS_GROUP | NO_IDS, prepare=World.go_round_started),
    # Show the speaker's timer on the projected screen.
    (FACILITATOR_NS, "set_share_timer_on_screen"): Row(lambda _: {"on": True}, RUNS_GROUP | NO_IDS),
    # --- grounding exercises --------------------------------------------------------------
    # Start one on every screen of the room.
    (FACILITATOR_NS, "start_grounding"): Row(lambda _: {"kind": "senses"}, RUNS_GROUP | NO_IDS),
    # Stop the one under way early.
    (FACILITATOR_NS, "stop_grounding"): Row(lambda w: {"exercise_id": w.running_exercise()}, RUNS_GROUP),
    # The server's time, for measuring a screen's clock offset: consoles and the shared screen
    # (the one event a screen may send: it reads and writes nothing), also after the end.
    (FACILITATOR_NS, "clock"): Row(lambda _: {}, RUNS_GROUP | NO_IDS | AFTER_END | {"screen"}),
    # ... and phones, also in the waiting room.
    (PARTICIPANT_NS, "clock"): Row(lambda _: {}, IN_ROOM | WAITING_TOO),
}

CASES = [
    pytest.param(namespace, event, actor, id=f"{event}-{actor}")
    for namespace, event in TABLE
    for actor in (FACILITATORS if namespace == FACILITATOR_NS else PARTICIPANTS)
]


def registered_events() -> set[tuple[str, str]]:
    return {
        (namespace, event)
        for namespace in (FACILITATOR_NS, PARTICIPANT_NS)
        for event in socketio.server.handlers.get(namespace, {})
        if event not in ("connect", "disconnect")
    }


# --- callers ------------------------------------------------------------------------------------


@dataclass
class Sender:
    sock: object
    acts_on: World  # the session the event reaches through the caller's connection
    names: World  # the session whose ids the payload carries


def connected(sock, namespace: str):
    assert sock.is_connected(namespace), f"could not connect to {namespace}"
    sock.get_received(namespace)
    return sock


def facilitator_sender(actor: str, new_world) -> Sender:
    world = new_world("Home")
    if actor in ("co", "removed_co"):
        colleague = account_services.create_facilitator("co@example.org", "Co Facilitator", PASSWORD)
        group_services.add_co_facilitator(world.lead, world.group, colleague.email)
        db.session.commit()
        client = world.app.test_client()
        login(client, colleague)
        sock = connected(facilitator_socket(world.app, client, world.live_session), FACILITATOR_NS)
        if actor == "removed_co":
            db.session.execute(
                delete(GroupFacilitator).where(GroupFacilitator.facilitator_id == colleague.id)
            )
            db.session.commit()
        return Sender(sock, world, world)
    client = world.signed_in_lead()
    if actor == "screen":
        auth = {"live_session_id": world.session_id, "screen": True}
        sock = socketio.test_client(world.app, namespace=FACILITATOR_NS, auth=auth, flask_test_client=client)
        return Sender(connected(sock, FACILITATOR_NS), world, world)
    sock = connected(facilitator_socket(world.app, client, world.live_session), FACILITATOR_NS)
    if actor == "disabled":
        world.lead.disabled_at = utcnow()
        db.session.commit()
    elif actor == "ended":
        world.end()
    elif actor == "seat":
        elsewhere = new_world("Elsewhere")
        post_form(client, f"/j/{elsewhere.live_session.join_token}", {"display_name": "Curious"})
        sock.connect(namespace=PARTICIPANT_NS, auth={"join_token": elsewhere.live_session.join_token})
        connected(sock, PARTICIPANT_NS)
        return Sender(sock, world, elsewhere)
    return Sender(sock, world, world)


def participant_sender(actor: str, new_world) -> Sender:
    world = new_world("Home")
    if actor == "other":
        elsewhere = new_world("Elsewhere")
        sock = connected(participant_socket(world.app, elsewhere.present), PARTICIPANT_NS)
        return Sender(sock, elsewhere, world)
    phone = world.waiting if actor == "waiting" else world.present
    sock = connected(participant_socket(world.app, phone), PARTICIPANT_NS)
    if actor == "left":
        session_services.leave_session(world.participant(phone))
        db.session.commit()
    elif actor == "removed":
        session_services.remove_participant(world.lead, world.live_session, phone.participant_id)
        db.session.commit()
    elif actor == "ended":
        world.end()  # the end closes the phone's connection (asserted in the test)
    return Sender(sock, world, world)


# --- the tests ----------------------------------------------------------------------------------


def test_every_registered_event_has_a_row(app):
    assert set(TABLE) == registered_events()


@pytest.mark.parametrize(("namespace", "event", "actor"), CASES)
def test_who_may_send_what(namespace, event, actor, new_world):
    """An allowed caller gets `ok: true`; anyone else a sentence, and nothing is written."""
    row = TABLE[namespace, event]
    make_sender = facilitator_sender if namespace == FACILITATOR_NS else participant_sender
    sender = make_sender(actor, new_world)
    if row.prepare is not None:
        row.prepare(sender.acts_on)
    payload = row.payload(sender.names)
    everything = fingerprint()
    named = session_fingerprint(sender.names.session_id)
    if actor == "ended" and namespace == PARTICIPANT_NS:
        # The end closed every phone's connection: nothing more can be sent at all.
        assert not sender.sock.is_connected(namespace)
        assert actor not in row.allowed
        return

    ack = sender.sock.emit(event, payload, namespace=namespace, callback=True)

    if actor in row.allowed:
        assert isinstance(ack, dict) and ack.get("ok") is True, ack
        if sender.names is not sender.acts_on:
            assert session_fingerprint(sender.names.session_id) == named, "it changed the other session"
    else:
        assert_refused(ack)
        assert fingerprint() == everything, f"refused {event} from {actor} wrote to the database"


def test_a_facilitator_of_another_group_cannot_connect(app, new_world, make_facilitator):
    """Neither as a console nor as a shared screen, and the attempt leaves no trace."""
    world = new_world("Home")
    outsider = make_facilitator("Outsider")
    client = app.test_client()
    login(client, outsider)
    everything = fingerprint()
    for auth in (
        {"live_session_id": world.session_id},
        {"live_session_id": world.session_id, "screen": True},
    ):
        sock = socketio.test_client(app, namespace=FACILITATOR_NS, auth=auth, flask_test_client=client)
        assert not sock.is_connected(FACILITATOR_NS)
    assert fingerprint() == everything
    assert db.session.scalar(select(func.count()).select_from(db.metadata.tables["socket_connection"])) == 0
