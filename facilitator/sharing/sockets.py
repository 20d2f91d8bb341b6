"""Socket.IO handlers for the speaking queue. See docs/protocol.md ("The speaking queue").

Every change announces the whole of what each viewer sees, with the state row's `version`, so a
screen keeps the newest and a reconnect needs nothing but the snapshot:
- the consoles get `share_queue_updated` (names, waiting times, the current turn);
- the room (phones, screen) gets `sharing_updated`: how many are waiting, never who, unless the
  group chose "show the order";
- each person whose place changed gets `your_turn_updated` on their own phones.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Literal

from pydantic import Field

from ..clock import utcnow
from ..realtime.announce import announce_to_consoles, announce_to_participant, announce_to_room
from ..realtime.callers import FacilitatorCaller, ParticipantCaller
from ..realtime.events import DbId, Empty, Payload, SocketEvents, ok
from ..realtime.snapshot import Viewer
from ..sessions.models import LiveSession, Participant
from . import services
from .models import ShareState, ShareTurn, TurnStatus

MAX_QUEUE_POSITION = 999
MAX_ROUND_PEOPLE = 1000


class CallNextPayload(Payload):
    # The turn the console shows as last called (null: none), so that two consoles calling at once
    # call one person.
    current_turn_id: DbId | None


class TurnRef(Payload):
    turn_id: DbId


class MovePayload(Payload):
    turn_id: DbId
    position: int = Field(ge=0, le=MAX_QUEUE_POSITION)


class GoRoundPayload(Payload):
    order: Literal["shuffled", "chosen"]
    participant_ids: list[DbId] = Field(default_factory=list, max_length=MAX_ROUND_PEOPLE)


class ScreenTimerPayload(Payload):
    on: bool


events = SocketEvents()


# --- what each viewer sees --------------------------------------------------------------------


def _time() -> str | None:
    return services.precise_time(utcnow())


def _console_turn(turn: ShareTurn, participant: Participant | None) -> dict:
    return {
        "id": turn.id,
        "participant_id": turn.participant_id,
        "name": participant.display_name if participant else None,
        "status": turn.status,
        "queued_at": services.precise_time(turn.queued_at),
        "called_at": services.precise_time(turn.called_at),
        "timer_minutes": turn.timer_minutes,
        "go_round": turn.round_id is not None,
    }


def console_state(live_session: LiveSession, state: ShareState | None = None) -> dict:
    """The consoles' view: the queue with names and times, the current turn, the go-round."""
    state = state if state is not None else services.load_state(live_session)
    step_index = services.sharing_step(live_session)
    entry: dict = {
        "version": state.version if state else 0,
        "server_time": _time(),
        "step_index": step_index,
        "timer_minutes": services.timer_minutes(live_session.step()),
        "screen_timer": bool(state and state.screen_timer),
        "show_order": services.show_order(live_session),
        "current": None,
        "queue": [],
        "round": None,
    }
    if step_index is None:
        return entry
    current = services.current_turn(live_session, state, step_index)
    entry["current"] = _console_turn(*current) if current else None
    entry["queue"] = [
        _console_turn(turn, person) for turn, person in services.queue(live_session, step_index)
    ]
    share_round = services.active_round(live_session, step_index)
    if share_round is not None:
        entry["round"] = {
            "id": share_round.id,
            "order": share_round.order,
            "started_at": services.precise_time(share_round.started_at),
            **services.round_progress(share_round),
        }
    return entry


def public_state(live_session: LiveSession, state: ShareState | None = None) -> dict:
    """What the room and the screen see: how many are waiting and whether someone is sharing;
    the names in order only when the group chose to show them; the timer when the facilitator
    put it on the screen."""
    state = state if state is not None else services.load_state(live_session)
    step_index = services.sharing_step(live_session)
    entry: dict = {
        "version": state.version if state else 0,
        "server_time": _time(),
        "step_index": step_index,
        "waiting": 0,
        "speaking": False,
        "go_round": False,
        "order": None,
        "speaker": None,
        "timer": None,
    }
    if step_index is None:
        return entry
    waiting = services.queue(live_session, step_index)
    current = services.current_turn(live_session, state, step_index)
    speaking = current is not None and current[0].status == TurnStatus.SPEAKING
    entry["waiting"] = len(waiting)
    entry["speaking"] = speaking
    entry["go_round"] = services.active_round(live_session, step_index) is not None
    if services.show_order(live_session):
        entry["order"] = [person.display_name for _, person in waiting]
        entry["speaker"] = current[1].display_name if speaking and current and current[1] else None
    if speaking and current and state and state.screen_timer and current[0].timer_minutes:
        entry["timer"] = {
            "called_at": services.precise_time(current[0].called_at),
            "minutes": current[0].timer_minutes,
        }
    return entry


def own_state(live_session: LiveSession, participant_id: int, state: ShareState | None = None) -> dict:
    """One person's own place: only their phones get it."""
    state = state if state is not None else services.load_state(live_session)
    step_index = services.sharing_step(live_session)
    entry: dict = {
        "version": state.version if state else 0,
        "server_time": _time(),
        "step_index": step_index,
        "turn": None,
    }
    if step_index is None:
        return entry
    turn = services.own_turn(live_session, participant_id, step_index)
    if turn is None:
        return entry
    ahead = None
    if turn.status == TurnStatus.WAITING:
        order = [t.id for t, _ in services.queue(live_session, step_index)]
        ahead = order.index(turn.id) if turn.id in order else None
    entry["turn"] = {
        "id": turn.id,
        "status": turn.status,
        "ahead": ahead,
        "called_at": services.precise_time(turn.called_at),
        "timer_minutes": turn.timer_minutes,
        "go_round": turn.round_id is not None,
    }
    return entry


def sharing_state(live_session: LiveSession, viewer: Viewer, participant: Participant | None) -> dict:
    """The snapshot's part: the consoles' queue, the room's count, a phone's own place."""
    state = services.load_state(live_session)
    if viewer == "facilitator":
        return {"sharing": console_state(live_session, state)}
    entry = public_state(live_session, state)
    if participant is not None:
        entry["yours"] = own_state(live_session, participant.id, state)["turn"]
    return {"sharing": entry}


def announce_sharing(live_session: LiveSession, tell: Iterable[int] = ()) -> None:
    """Tell every screen what the queue is now (sent once committed)."""
    state = services.load_state(live_session)
    announce_to_consoles(live_session.id, "share_queue_updated", console_state(live_session, state))
    announce_to_room(live_session.id, "sharing_updated", public_state(live_session, state))
    for participant_id in sorted(tell):
        announce_to_participant(
            participant_id, "your_turn_updated", own_state(live_session, participant_id, state)
        )


def step_changing(live_session: LiveSession, previous: int) -> None:
    """The agenda moved: every screen gets the new step's queue (empty outside sharing steps),
    and those with a place in the step before or the new one their own."""
    tell = services.people_with_turns(live_session, previous)
    step_index = services.sharing_step(live_session)
    if step_index is not None:
        tell |= services.people_with_turns(live_session, step_index)
    announce_sharing(live_session, tell)


# --- participant events -----------------------------------------------------------------------


def _own_ack(live_session: LiveSession, participant_id: int) -> dict:
    return ok(**own_state(live_session, participant_id))


@events.participant("raise_hand")
def raise_hand(caller: ParticipantCaller, _: Empty) -> dict:
    """ "I'd like to share": a place at the end of the queue (asking again keeps it)."""
    changed = services.raise_hand(caller.participant, caller.live_session)
    if changed.changed:
        announce_sharing(caller.live_session, changed.tell)
    return _own_ack(caller.live_session, caller.participant.id)


@events.participant("pass_turn")
def pass_turn(caller: ParticipantCaller, _: Empty) -> dict:
    """Take "I'd like to share" back, or pass one's place or turn (passing again changes nothing)."""
    changed = services.pass_turn(caller.participant, caller.live_session)
    if changed.changed:
        announce_sharing(caller.live_session, changed.tell)
    return _own_ack(caller.live_session, caller.participant.id)


# --- facilitator events -----------------------------------------------------------------------


@events.facilitator("call_next", CallNextPayload)
def call_next(caller: FacilitatorCaller, payload: CallNextPayload) -> dict:
    """End the current turn and call the next person; their phones say gently it is their turn."""
    called = services.call_next(caller.facilitator, caller.live_session, payload.current_turn_id)
    announce_sharing(caller.live_session, called.tell)
    return ok(called_turn_id=called.called.id if called.called else None)


@events.facilitator("skip_turn", TurnRef)
def skip_turn(caller: FacilitatorCaller, payload: TurnRef) -> dict:
    """Take someone out of the queue without calling them."""
    changed = services.skip_turn(caller.facilitator, caller.live_session, payload.turn_id)
    announce_sharing(caller.live_session, changed.tell)
    return ok()


@events.facilitator("move_turn", MovePayload)
def move_turn(caller: FacilitatorCaller, payload: MovePayload) -> dict:
    """Put someone at another place in the queue."""
    changed = services.move_turn(caller.facilitator, caller.live_session, payload.turn_id, payload.position)
    announce_sharing(caller.live_session, changed.tell)
    return ok()


@events.facilitator("start_go_round", GoRoundPayload)
def start_go_round(caller: FacilitatorCaller, payload: GoRoundPayload) -> dict:
    """Queue everyone in the room, shuffled or in the chosen order; each can pass."""
    share_round = services.start_go_round(
        caller.facilitator, caller.live_session, payload.order, payload.participant_ids
    )
    step_index = share_round.step_index
    announce_sharing(caller.live_session, services.people_with_turns(caller.live_session, step_index))
    return ok(round_id=share_round.id)


@events.facilitator("stop_go_round")
def stop_go_round(caller: FacilitatorCaller, _: Empty) -> dict:
    """End the go-round; those not yet called leave the queue."""
    tell = services.stop_go_round(caller.facilitator, caller.live_session)
    announce_sharing(caller.live_session, tell)
    return ok()


@events.facilitator("set_share_timer_on_screen", ScreenTimerPayload)
def set_share_timer_on_screen(caller: FacilitatorCaller, payload: ScreenTimerPayload) -> dict:
    """Show the speaker's timer on the projected screen, or not."""
    services.set_screen_timer(caller.facilitator, caller.live_session, payload.on)
    announce_sharing(caller.live_session)
    return ok()
