"""Sessions: scheduling, starting and ending them, joining and leaving, and the room's rules."""

from __future__ import annotations

import secrets
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import ColumnElement, select, update

from .. import signals
from ..accounts.models import Facilitator
from ..audit.services import record_action
from ..clock import utcnow
from ..errors import Invalid, NotAllowed, NotFound
from ..extensions import db
from ..groups.models import Group
from ..transactions import after_commit
from .anonymity import keyed_hash
from .models import (
    LiveSession,
    Participant,
    ParticipantStatus,
    SessionState,
    new_join_code,
    normalise_join_code,
    on_live_worker,
)

DISPLAY_NAME_MAX = 40
_NAME_WORDS = [
    "Quiet",
    "Gentle",
    "Steady",
    "Bright",
    "Calm",
    "Brave",
    "Kind",
    "Warm",
    "Patient",
    "Hopeful",
    "Curious",
    "Sunny",
    "Easy",
    "Soft",
    "Bold",
]
_NAME_CREATURES = [
    "Heron",
    "Otter",
    "Sparrow",
    "Willow",
    "Fox",
    "Maple",
    "Robin",
    "Badger",
    "Finch",
    "Cedar",
    "Dolphin",
    "Wren",
    "Fern",
    "Owl",
    "Hare",
]

ENDED_MESSAGE = "This session has ended. Thank you for being part of it."
NOT_STARTED_MESSAGE = (
    "This session hasn't started yet. Please keep this page and try again when the group begins."
)
LOCKED_MESSAGE = (
    "The room is closed to new people right now. If you're meant to be here, please let the facilitator know."
)
REMOVED_MESSAGE = "The facilitator has closed this session to you. If that seems wrong, please speak to them."


def suggest_display_name() -> str:
    """A friendly made-up name, for people who would rather not use their own."""
    return f"{secrets.choice(_NAME_WORDS)} {secrets.choice(_NAME_CREATURES)}"


def sessions_of(group: Group) -> list[LiveSession]:
    """The group's sessions: live first, then upcoming, then past ones, newest first."""
    order: dict[str, int] = {SessionState.LIVE: 0, SessionState.SCHEDULED: 1, SessionState.ENDED: 2}
    sessions = db.session.scalars(
        select(LiveSession).where(LiveSession.group_id == group.id).order_by(LiveSession.created_at.desc())
    )
    return sorted(sessions, key=lambda live_session: order[live_session.state])


def load_session_for(actor: Facilitator, live_session_id: int) -> LiveSession:
    """The session, if the actor runs its group; everyone else is told it doesn't exist."""
    live_session = db.session.get(LiveSession, live_session_id)
    if live_session is None or not live_session.group.is_run_by(actor):
        raise NotFound("We couldn't find that session.")
    return live_session


def _unused_join_code() -> str:
    while True:
        code = new_join_code()
        if db.session.scalar(select(LiveSession.id).where(LiveSession.join_code == code)) is None:
            return code


def create_session(
    actor: Facilitator,
    group: Group,
    *,
    title: str,
    waiting_room: bool,
    scheduled_for: datetime | None = None,
    wins_need_approval: bool = True,
) -> LiveSession:
    """Schedule a session, or start it now when no time is given."""
    if not group.is_run_by(actor):
        raise NotFound("We couldn't find that group.")
    if group.is_archived:
        raise NotAllowed("This group is archived. Restore it to run sessions again.")
    now = utcnow()
    if scheduled_for is not None and scheduled_for <= now:
        raise Invalid("Please choose a time in the future, or start the session now.")
    live_session = LiveSession(
        group=group,
        title=title.strip() or group.name,
        waiting_room=waiting_room,
        wins_need_approval=wins_need_approval,
        scheduled_for=scheduled_for,
        join_code=_unused_join_code(),
        created_by_id=actor.id,
    )
    db.session.add(live_session)
    if scheduled_for is None:
        live_session.start(now)
    db.session.flush()
    record_action(
        actor,
        "session.scheduled" if scheduled_for else "session.started",
        live_session=live_session,
    )
    return live_session


def start_session(actor: Facilitator, live_session: LiveSession) -> None:
    """Open a scheduled session to the room."""
    if live_session.state != SessionState.SCHEDULED:
        raise Invalid("This session has already started." if live_session.is_live else ENDED_MESSAGE)
    live_session.start(utcnow())
    record_action(actor, "session.started", live_session=live_session)
    after_commit(signals.session_started.send, live_session)


def end_session(actor: Facilitator | None, live_session: LiveSession) -> None:
    """End the session for everyone. A None actor means Stepwise ended it itself."""
    if live_session.is_ended:
        raise Invalid("This session has already ended.")
    live_session.end(utcnow())
    # Removals need no remembering once nobody can join: the browsers' stand-ins go with the key.
    db.session.execute(
        update(Participant).where(Participant.live_session_id == live_session.id).values(device_key=None)
    )
    record_action(actor, "session.ended", live_session=live_session)
    # What the end closes and counts happens in this transaction, while everything is there
    # (the summary is counted once); the room is told once it is committed.
    signals.session_ending.send(live_session)
    after_commit(signals.session_ended.send, live_session)


def find_session_by_token(join_token: str) -> LiveSession:
    live_session = db.session.scalar(select(LiveSession).where(LiveSession.join_token == join_token))
    if live_session is None:
        raise NotFound("We couldn't find that session. Please check the link with your facilitator.")
    return live_session


def find_session_by_code(typed_code: str) -> LiveSession:
    """The live or upcoming session with this code; ended sessions no longer have one."""
    code = normalise_join_code(typed_code)
    live_session = (
        db.session.scalar(select(LiveSession).where(LiveSession.join_code == code)) if code else None
    )
    if live_session is None:
        raise NotFound("We couldn't find a session with that code. Please check it and try again.")
    return live_session


def device_key(live_session: LiveSession, device_id: str) -> str:
    """The stand-in for a browser within one live session: the same browser gets a different
    key in every session, and nobody can recompute it once the session's key is destroyed."""
    return keyed_hash(live_session, "device", device_id)


def is_removed_device(live_session: LiveSession, device_id: str | None) -> bool:
    """Whether the facilitator removed someone who joined this session from this browser."""
    if device_id is None or live_session.anonymity_key is None:
        return False
    removed = select(Participant.id).where(
        Participant.live_session_id == live_session.id,
        Participant.status == ParticipantStatus.REMOVED,
        Participant.device_key == device_key(live_session, device_id),
    )
    return db.session.scalar(removed.limit(1)) is not None


def check_joinable(live_session: LiveSession, device_id: str | None = None) -> None:
    """Say kindly why nobody (or nobody from this browser) can join this session now, if so."""
    if live_session.is_ended:
        raise NotAllowed(ENDED_MESSAGE)
    if live_session.state == SessionState.SCHEDULED:
        raise NotAllowed(NOT_STARTED_MESSAGE)
    if is_removed_device(live_session, device_id):
        raise NotAllowed(REMOVED_MESSAGE)
    if live_session.locked:
        raise NotAllowed(LOCKED_MESSAGE)


def clean_display_name(display_name: str) -> str:
    name = " ".join(display_name.split())
    if not name:
        raise Invalid("Please choose a name to be known by. A made-up one is fine.")
    if len(name) > DISPLAY_NAME_MAX:
        raise Invalid(f"Please keep your name to {DISPLAY_NAME_MAX} characters or fewer.")
    return name


def join_session(live_session: LiveSession, display_name: str, device_id: str | None = None) -> Participant:
    """Take a seat in the session under a chosen name (in the waiting room if it has one).

    `device_id` is the joining browser's own random id; only its keyed hash is kept, so that a
    browser whose person was removed cannot come back under another name.
    """
    check_joinable(live_session, device_id)
    participant = Participant(
        live_session=live_session,
        display_name=clean_display_name(display_name),
        status=ParticipantStatus.WAITING if live_session.waiting_room else ParticipantStatus.PRESENT,
        admitted_at=None if live_session.waiting_room else utcnow(),
        device_key=device_key(live_session, device_id) if device_id is not None else None,
    )
    db.session.add(participant)
    db.session.flush()
    return participant


def find_seat(live_session: LiveSession, participant_id: int | None) -> Participant | None:
    """The participant behind a seat cookie, if it belongs to this session."""
    if participant_id is None:
        return None
    participant = db.session.get(Participant, participant_id)
    if participant is None or participant.live_session_id != live_session.id:
        return None
    return participant


def _participant_of(live_session: LiveSession, participant_id: int) -> Participant:
    participant = db.session.get(Participant, participant_id)
    if participant is None or participant.live_session_id != live_session.id:
        raise NotFound("That person isn't in this session.")
    return participant


def admit_participant(actor: Facilitator, live_session: LiveSession, participant_id: int) -> Participant:
    """Let someone in from the waiting room."""
    participant = _participant_of(live_session, participant_id)
    if participant.status != ParticipantStatus.WAITING:
        raise Invalid(f"{participant.display_name} isn't waiting.")
    participant.status = ParticipantStatus.PRESENT
    participant.admitted_at = utcnow()
    record_action(actor, "participant.admitted", live_session=live_session, participant_id=participant.id)
    return participant


def admit_everyone(actor: Facilitator, live_session: LiveSession) -> list[Participant]:
    """Let everyone in the waiting room in."""
    waiting = [p for p in live_session.participants if p.status == ParticipantStatus.WAITING]
    now = utcnow()
    for participant in waiting:
        participant.status = ParticipantStatus.PRESENT
        participant.admitted_at = now
    record_action(actor, "participant.admitted_all", live_session=live_session, count=len(waiting))
    return waiting


def remove_participant(actor: Facilitator, live_session: LiveSession, participant_id: int) -> Participant:
    """Take someone out of the session: their seat cannot be used again, nor can the browser they
    joined from join this session again (another device or a private window still can)."""
    participant = _participant_of(live_session, participant_id)
    if participant.is_removed:
        raise Invalid(f"{participant.display_name} has already been removed.")
    participant.status = ParticipantStatus.REMOVED
    participant.left_at = utcnow()
    record_action(actor, "participant.removed", live_session=live_session, participant_id=participant.id)
    return participant


def set_locked(actor: Facilitator, live_session: LiveSession, locked: bool) -> None:
    """Close the room to new joins, or open it again."""
    live_session.locked = locked
    record_action(actor, "session.locked" if locked else "session.unlocked", live_session=live_session)


def move_to_step(actor: Facilitator, live_session: LiveSession, index: int) -> None:
    """Go to a step of the group's agenda."""
    if not 0 <= index < len(live_session.group.agenda):
        raise Invalid("There's no such step in the agenda.")
    previous = live_session.current_step
    live_session.current_step = index
    record_action(actor, "session.step_changed", live_session=live_session, step=index)
    signals.step_changing.send(live_session, previous=previous)


def leave_session(participant: Participant) -> None:
    """A participant leaves; their answers stay, their seat is given up."""
    if participant.status in (ParticipantStatus.PRESENT, ParticipantStatus.WAITING):
        participant.status = ParticipantStatus.LEFT
        participant.left_at = utcnow()


# --- connections and the server processes holding them ----------------------------------------


def worker_dead_before(now: datetime | None = None) -> datetime:
    """A worker whose last heartbeat is older than this is dead (WORKER_DEAD_AFTER_SECONDS)."""
    return (now or utcnow()) - timedelta(seconds=current_app.config["WORKER_DEAD_AFTER_SECONDS"])


def held_by_live_worker(now: datetime | None = None) -> ColumnElement[bool]:
    """The socket_connection rows that count (presence, the first alert, the idle scan): those
    of live workers. A dead worker's rows count for nothing until a live worker removes them."""
    return on_live_worker(worker_dead_before(now))
