"""The speaking queue: asking to share and passing, calling the next person, skipping and
reordering, go-rounds, and the share timer's settings.

Every change first updates the session's `share_state` row (`_lock`): on PostgreSQL that row's
lock makes changes of one session take turns, and its `version` tells every screen which update
is the newest. "Call next" is also conditional on the turn the console saw last called, so two
facilitators calling at once call one person, never two (the second is told and shown the queue).
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, cast

from sqlalchemy import CursorResult, Update, func, select, update
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from ..accounts.models import Facilitator
from ..audit.services import record_action
from ..clock import utcnow
from ..errors import Invalid, NotFound
from ..extensions import db
from ..groups.models import SHARE_TIMER_MAX_MINUTES, StepKind
from ..sessions.models import LiveSession, Participant, ParticipantStatus
from .models import (
    ACTIVE_STATUSES,
    RoundOrder,
    ShareRound,
    ShareState,
    ShareTurn,
    TurnStatus,
)

NOT_SHARING_MESSAGE = "The queue opens during a sharing step."
STALE_CALL_MESSAGE = (
    "Someone else has just called the next person, so nobody was skipped. The queue shows who is sharing now."
)
NOT_IN_QUEUE_MESSAGE = "That person isn't waiting in the queue any more."
NOTHING_TO_PASS_MESSAGE = "You aren't in the queue right now, so there's nothing to pass."
NO_ROUND_MESSAGE = "There's no go-round going on."
NOBODY_HERE_MESSAGE = "Nobody is in the room yet, so there's no one to go round."
UNKNOWN_PERSON_MESSAGE = "That person isn't in this session."


def precise_time(moment: datetime | None) -> str | None:
    """A time to the millisecond, for the timer's start (the protocol's ISO form, with a Z)."""
    return moment.isoformat(timespec="milliseconds") + "Z" if moment else None


def _rowcount(statement: Update) -> int:
    # The ORM answers an UPDATE without RETURNING with a CursorResult; execute is typed for any statement.
    result = cast(CursorResult[Any], db.session.execute(statement))
    return result.rowcount


# --- reading ----------------------------------------------------------------------------------


def sharing_step(live_session: LiveSession) -> int | None:
    """The current step's index, if it is a sharing step; the queue works only then."""
    step = live_session.step()
    return live_session.current_step if step and step.get("kind") == StepKind.SHARING else None


def timer_minutes(step: dict | None) -> int:
    """The step's share timer, 0 for none (agendas saved before timers existed have none)."""
    value = (step or {}).get("timer_minutes", 0)
    return value if isinstance(value, int) and 0 <= value <= SHARE_TIMER_MAX_MINUTES else 0


def show_order(live_session: LiveSession) -> bool:
    """Whether the group lets everyone see the queue's names in order (a group setting)."""
    return live_session.group.show_share_order


def load_state(live_session: LiveSession) -> ShareState | None:
    return db.session.scalar(
        select(ShareState)
        .where(ShareState.live_session_id == live_session.id)
        .execution_options(populate_existing=True)
    )


def _state(live_session: LiveSession) -> ShareState:
    """The session's state row, made the first time it is needed (once, however many ask: an
    INSERT that leaves a row made meanwhile alone)."""
    state = load_state(live_session)
    if state is None:
        values = {"live_session_id": live_session.id, "version": 0, "screen_timer": False}
        if db.session.get_bind().dialect.name == "postgresql":
            db.session.execute(postgresql_insert(ShareState).values(values).on_conflict_do_nothing())
        else:
            db.session.execute(sqlite_insert(ShareState).values(values).on_conflict_do_nothing())
        state = load_state(live_session)
        assert state is not None
    return state


def _lock(live_session: LiveSession) -> ShareState:
    """Take the session's turn to change the queue: bump its version (on PostgreSQL, this holds
    the row until the commit), then read the state as it is now."""
    _state(live_session)
    _rowcount(
        update(ShareState)
        .where(ShareState.live_session_id == live_session.id)
        .values(version=ShareState.version + 1)
        .execution_options(synchronize_session=False)
    )
    state = load_state(live_session)
    assert state is not None
    return state


def queue(live_session: LiveSession, step_index: int) -> list[tuple[ShareTurn, Participant]]:
    """The waiting turns of a step, in order, of people still in the room."""
    rows = db.session.execute(
        select(ShareTurn, Participant)
        .join(Participant, Participant.id == ShareTurn.participant_id)
        .where(
            ShareTurn.live_session_id == live_session.id,
            ShareTurn.step_index == step_index,
            ShareTurn.status == TurnStatus.WAITING,
            Participant.status == ParticipantStatus.PRESENT,
        )
        .order_by(ShareTurn.position, ShareTurn.id)
        .execution_options(populate_existing=True)
    )
    return [(turn, participant) for turn, participant in rows]


def current_turn(
    live_session: LiveSession, state: ShareState | None, step_index: int
) -> tuple[ShareTurn, Participant | None] | None:
    """The turn the facilitator last called in this step (speaking, or finished since)."""
    if state is None or state.current_turn_id is None:
        return None
    turn = db.session.get(ShareTurn, state.current_turn_id, populate_existing=True)
    if turn is None or turn.live_session_id != live_session.id or turn.step_index != step_index:
        return None
    participant = db.session.get(Participant, turn.participant_id) if turn.participant_id else None
    return turn, participant


def own_turn(live_session: LiveSession, participant_id: int, step_index: int) -> ShareTurn | None:
    """A person's latest turn in the step: the one their phone shows."""
    return db.session.scalar(
        select(ShareTurn)
        .where(
            ShareTurn.live_session_id == live_session.id,
            ShareTurn.step_index == step_index,
            ShareTurn.participant_id == participant_id,
        )
        .order_by(ShareTurn.id.desc())
        .limit(1)
        .execution_options(populate_existing=True)
    )


def _active_turn(live_session: LiveSession, participant_id: int, step_index: int) -> ShareTurn | None:
    turn = own_turn(live_session, participant_id, step_index)
    return turn if turn is not None and turn.is_active else None


def active_round(live_session: LiveSession, step_index: int) -> ShareRound | None:
    return db.session.scalar(
        select(ShareRound)
        .where(
            ShareRound.live_session_id == live_session.id,
            ShareRound.step_index == step_index,
            ShareRound.ended_at.is_(None),
        )
        .order_by(ShareRound.id.desc())
        .limit(1)
        .execution_options(populate_existing=True)
    )


def round_progress(share_round: ShareRound) -> dict:
    """How far a go-round has come: its people, and how many are still to be called."""
    rows = db.session.execute(
        select(ShareTurn.status, func.count())
        .where(ShareTurn.round_id == share_round.id)
        .group_by(ShareTurn.status)
    )
    counts: dict[str, int] = {status: count for status, count in rows}
    return {"total": sum(counts.values()), "left": counts.get(TurnStatus.WAITING, 0)}


def people_with_turns(live_session: LiveSession, step_index: int) -> set[int]:
    """Everyone who has a waiting or speaking turn in the step (whose phones show a place)."""
    return set(
        db.session.scalars(
            select(ShareTurn.participant_id).where(
                ShareTurn.live_session_id == live_session.id,
                ShareTurn.step_index == step_index,
                ShareTurn.status.in_(ACTIVE_STATUSES),
                ShareTurn.participant_id.is_not(None),
            )
        )
    )


def _require_sharing_step(live_session: LiveSession) -> int:
    step_index = sharing_step(live_session)
    if step_index is None:
        raise Invalid(NOT_SHARING_MESSAGE)
    return step_index


def _next_position(live_session: LiveSession, step_index: int) -> int:
    highest = db.session.scalar(
        select(func.max(ShareTurn.position)).where(
            ShareTurn.live_session_id == live_session.id,
            ShareTurn.step_index == step_index,
            ShareTurn.status == TurnStatus.WAITING,
        )
    )
    return (highest or 0) + 1


# --- participants -----------------------------------------------------------------------------


@dataclass
class Changed:
    """What a change did: the turns it touched, and whose phones should hear of it."""

    turn: ShareTurn | None = None
    changed: bool = True
    tell: set[int] = field(default_factory=set)


def raise_hand(participant: Participant, live_session: LiveSession) -> Changed:
    """ "I'd like to share": a place at the end of the step's queue. Asking again (a resend, a
    second phone) keeps the place they have."""
    step_index = _require_sharing_step(live_session)
    _lock(live_session)
    existing = _active_turn(live_session, participant.id, step_index)
    if existing is not None:
        return Changed(existing, changed=False, tell={participant.id})
    turn = ShareTurn(
        live_session_id=live_session.id,
        step_index=step_index,
        participant_id=participant.id,
        status=TurnStatus.WAITING,
        position=_next_position(live_session, step_index),
        queued_at=utcnow(),
        timer_minutes=0,
    )
    db.session.add(turn)
    db.session.flush()
    return Changed(turn, tell={participant.id})


def pass_turn(participant: Participant, live_session: LiveSession) -> Changed:
    """Take back "I'd like to share", or pass: a place in a go-round, or a turn once called.
    Passing again (a resend) changes nothing."""
    step_index = _require_sharing_step(live_session)
    _lock(live_session)
    turn = own_turn(live_session, participant.id, step_index)
    if turn is None:
        raise Invalid(NOTHING_TO_PASS_MESSAGE)
    if not turn.is_active:
        return Changed(turn, changed=False, tell={participant.id})
    given = turn.round_id is not None or turn.status == TurnStatus.SPEAKING
    status = TurnStatus.PASSED if given else TurnStatus.WITHDRAWN
    now = utcnow()
    claimed = _rowcount(
        update(ShareTurn)
        .where(ShareTurn.id == turn.id, ShareTurn.status.in_(ACTIVE_STATUSES))
        .values(status=status, finished_at=now)
        .execution_options(synchronize_session=False)
    )
    db.session.refresh(turn)
    if not claimed:  # called and finished in between: nothing left to pass
        return Changed(turn, changed=False, tell={participant.id})
    return Changed(turn, tell=people_with_turns(live_session, step_index) | {participant.id})


# --- facilitators -----------------------------------------------------------------------------


@dataclass
class Called:
    finished: list[int]  # participants whose turn the call ended
    called: ShareTurn | None
    tell: set[int]


def call_next(actor: Facilitator, live_session: LiveSession, expected_turn_id: int | None) -> Called:
    """End the current turn and call the first person waiting (or nobody, at the end).

    `expected_turn_id` is the turn the console shows as last called (None for none). If another
    console called someone since, the state row no longer holds it: refused, and nobody is
    called twice or skipped.
    """
    step_index = _require_sharing_step(live_session)
    state = _state(live_session)
    shown = current_turn(live_session, state, step_index)
    if (shown[0].id if shown else None) != expected_turn_id:
        raise Invalid(STALE_CALL_MESSAGE)
    stored = state.current_turn_id
    still = ShareState.current_turn_id.is_(None) if stored is None else ShareState.current_turn_id == stored
    if not _rowcount(
        update(ShareState)
        .where(ShareState.live_session_id == live_session.id, still)
        .values(version=ShareState.version + 1)
        .execution_options(synchronize_session=False)
    ):
        raise Invalid(STALE_CALL_MESSAGE)
    now = utcnow()
    finished = list(
        db.session.scalars(
            update(ShareTurn)
            .where(ShareTurn.live_session_id == live_session.id, ShareTurn.status == TurnStatus.SPEAKING)
            .values(status=TurnStatus.DONE, finished_at=now)
            .returning(ShareTurn.participant_id)
            .execution_options(synchronize_session=False)
        )
    )
    minutes = timer_minutes(live_session.step())
    called: ShareTurn | None = None
    for turn, _participant in queue(live_session, step_index):
        if _rowcount(
            update(ShareTurn)
            .where(ShareTurn.id == turn.id, ShareTurn.status == TurnStatus.WAITING)
            .values(status=TurnStatus.SPEAKING, called_at=now, timer_minutes=minutes)
            .execution_options(synchronize_session=False)
        ):
            called = turn
            break
    _rowcount(
        update(ShareState)
        .where(ShareState.live_session_id == live_session.id)
        .values(current_turn_id=called.id if called else None)
        .execution_options(synchronize_session=False)
    )
    if called is not None:
        db.session.refresh(called)
    share_round = active_round(live_session, step_index)
    if share_round is not None and round_progress(share_round)["left"] == 0:
        share_round.ended_at = now
    record_action(actor, "sharing.next_called", live_session=live_session)
    tell = people_with_turns(live_session, step_index) | {p for p in finished if p is not None}
    return Called([p for p in finished if p is not None], called, tell)


def _waiting_turn(live_session: LiveSession, step_index: int, turn_id: int) -> ShareTurn:
    turn = db.session.get(ShareTurn, turn_id, populate_existing=True)
    if (
        turn is None
        or turn.live_session_id != live_session.id
        or turn.step_index != step_index
        or turn.status != TurnStatus.WAITING
    ):
        raise NotFound(NOT_IN_QUEUE_MESSAGE)
    return turn


def skip_turn(actor: Facilitator, live_session: LiveSession, turn_id: int) -> Changed:
    """Take someone out of the queue without calling them (they may ask again)."""
    step_index = _require_sharing_step(live_session)
    _lock(live_session)
    turn = _waiting_turn(live_session, step_index, turn_id)
    if not _rowcount(
        update(ShareTurn)
        .where(ShareTurn.id == turn.id, ShareTurn.status == TurnStatus.WAITING)
        .values(status=TurnStatus.SKIPPED, finished_at=utcnow())
        .execution_options(synchronize_session=False)
    ):
        raise NotFound(NOT_IN_QUEUE_MESSAGE)
    db.session.refresh(turn)
    record_action(actor, "sharing.turn_skipped", live_session=live_session)
    tell = people_with_turns(live_session, step_index)
    if turn.participant_id is not None:
        tell.add(turn.participant_id)
    return Changed(turn, tell=tell)


def move_turn(actor: Facilitator, live_session: LiveSession, turn_id: int, position: int) -> Changed:
    """Put a waiting turn at `position` in the queue (0 is first; past the end is last)."""
    step_index = _require_sharing_step(live_session)
    _lock(live_session)
    moving = _waiting_turn(live_session, step_index, turn_id)
    turns = [turn for turn, _ in queue(live_session, step_index) if turn.id != moving.id]
    turns.insert(max(0, min(position, len(turns))), moving)
    for number, turn in enumerate(turns, start=1):
        turn.position = number
    record_action(actor, "sharing.queue_reordered", live_session=live_session)
    return Changed(moving, tell=people_with_turns(live_session, step_index))


def start_go_round(
    actor: Facilitator, live_session: LiveSession, order: str, participant_ids: list[int] | None = None
) -> ShareRound:
    """Queue everyone in the room, shuffled or in the order given (anyone the order leaves out,
    such as someone who joined meanwhile, goes at the end in the order they joined).

    The current speaker's turn ends; places already in the queue become places in the round."""
    step_index = _require_sharing_step(live_session)
    if order not in set(RoundOrder):
        raise Invalid("Please choose a shuffled order or your own.")
    _lock(live_session)
    present = [p for p in live_session.participants if p.status == ParticipantStatus.PRESENT]
    if not present:
        raise Invalid(NOBODY_HERE_MESSAGE)
    by_id = {p.id: p for p in present}
    if order == RoundOrder.SHUFFLED:
        people = list(present)
        random.SystemRandom().shuffle(people)
    else:
        chosen = participant_ids or []
        known = set(
            db.session.scalars(select(Participant.id).where(Participant.live_session_id == live_session.id))
        )
        if any(pid not in known for pid in chosen):
            raise NotFound(UNKNOWN_PERSON_MESSAGE)
        first = list(dict.fromkeys(pid for pid in chosen if pid in by_id))
        people = [by_id[pid] for pid in first] + [p for p in present if p.id not in set(first)]
    now = utcnow()
    for earlier in db.session.scalars(
        select(ShareRound).where(ShareRound.live_session_id == live_session.id, ShareRound.ended_at.is_(None))
    ):
        earlier.ended_at = now
    db.session.execute(
        update(ShareTurn)
        .where(ShareTurn.live_session_id == live_session.id, ShareTurn.status == TurnStatus.SPEAKING)
        .values(status=TurnStatus.DONE, finished_at=now)
        .execution_options(synchronize_session=False)
    )
    share_round = ShareRound(
        live_session_id=live_session.id, step_index=step_index, order=order, started_at=now
    )
    db.session.add(share_round)
    db.session.flush()
    waiting = {
        turn.participant_id: turn
        for turn in db.session.scalars(
            select(ShareTurn)
            .where(
                ShareTurn.live_session_id == live_session.id,
                ShareTurn.step_index == step_index,
                ShareTurn.status == TurnStatus.WAITING,
            )
            .execution_options(populate_existing=True)
        )
    }
    for number, person in enumerate(people, start=1):
        turn = waiting.get(person.id)
        if turn is None:
            turn = ShareTurn(
                live_session_id=live_session.id,
                step_index=step_index,
                participant_id=person.id,
                status=TurnStatus.WAITING,
                queued_at=now,
                timer_minutes=0,
            )
            db.session.add(turn)
        turn.round_id = share_round.id
        turn.position = number
    db.session.flush()
    record_action(
        actor, "sharing.go_round_started", live_session=live_session, order=order, people=len(people)
    )
    return share_round


def stop_go_round(actor: Facilitator, live_session: LiveSession) -> set[int]:
    """End the go-round: those not yet called leave the queue (the current speaker finishes).
    Returns whose phones should hear of it."""
    step_index = _require_sharing_step(live_session)
    _lock(live_session)
    share_round = active_round(live_session, step_index)
    if share_round is None:
        raise Invalid(NO_ROUND_MESSAGE)
    tell = people_with_turns(live_session, step_index)
    now = utcnow()
    db.session.execute(
        update(ShareTurn)
        .where(ShareTurn.round_id == share_round.id, ShareTurn.status == TurnStatus.WAITING)
        .values(status=TurnStatus.SKIPPED, finished_at=now)
        .execution_options(synchronize_session=False)
    )
    share_round.ended_at = now
    record_action(actor, "sharing.go_round_stopped", live_session=live_session)
    return tell


def set_screen_timer(actor: Facilitator, live_session: LiveSession, on: bool) -> None:
    """Whether the projected screen shows the speaker's timer."""
    _lock(live_session)
    _rowcount(
        update(ShareState)
        .where(ShareState.live_session_id == live_session.id)
        .values(screen_timer=on)
        .execution_options(synchronize_session=False)
    )
    record_action(actor, "sharing.screen_timer_" + ("shown" if on else "hidden"), live_session=live_session)


# --- the end of a session ---------------------------------------------------------------------


def unlink_turns(live_session: LiveSession) -> None:
    """At the end: turns keep their times for the summary, but no longer say whose they were."""
    db.session.execute(
        update(ShareTurn)
        .where(ShareTurn.live_session_id == live_session.id, ShareTurn.participant_id.is_not(None))
        .values(participant_id=None)
        .execution_options(synchronize_session=False)
    )


def session_turns(live_session_ids: list[int]) -> list[ShareTurn]:
    return list(
        db.session.scalars(
            select(ShareTurn).where(ShareTurn.live_session_id.in_(live_session_ids)).order_by(ShareTurn.id)
        )
    )
