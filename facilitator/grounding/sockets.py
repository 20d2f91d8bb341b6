"""Socket.IO handlers for grounding exercises and the clock every screen keeps in step by.
See docs/protocol.md ("Grounding exercises")."""

from __future__ import annotations

import time
from typing import Literal

from pydantic import Field

from ..clock import utcnow
from ..errors import Invalid
from ..realtime.announce import announce_to_room
from ..realtime.callers import FacilitatorCaller, ParticipantCaller
from ..realtime.events import DbId, Empty, Payload, SocketEvents, ok
from ..realtime.snapshot import Viewer
from ..sessions.models import LiveSession, Participant
from . import services
from .models import EXERCISE_KIND_LABELS, ExerciseKind


class StartPayload(Payload):
    kind: Literal["box", "senses", "script"]
    # Box breathing (defaults: 4-4-4-4, 4 rounds).
    inhale: int | None = Field(default=None, ge=services.BREATH_SECONDS[0], le=services.BREATH_SECONDS[1])
    hold: int | None = Field(default=None, ge=services.HOLD_SECONDS[0], le=services.HOLD_SECONDS[1])
    exhale: int | None = Field(default=None, ge=services.BREATH_SECONDS[0], le=services.BREATH_SECONDS[1])
    rest: int | None = Field(default=None, ge=services.HOLD_SECONDS[0], le=services.HOLD_SECONDS[1])
    rounds: int | None = Field(default=None, ge=services.ROUNDS[0], le=services.ROUNDS[1])
    # 5-4-3-2-1: seconds for each sense (default 20).
    seconds: int | None = Field(default=None, ge=services.SENSE_SECONDS[0], le=services.SENSE_SECONDS[1])
    # A script of the group's (required for that kind).
    script_id: DbId | None = None


# The fields each kind takes; any other one is refused rather than quietly ignored.
KIND_FIELDS = {
    ExerciseKind.BOX: {"inhale", "hold", "exhale", "rest", "rounds"},
    ExerciseKind.SENSES: {"seconds"},
    ExerciseKind.SCRIPT: {"script_id"},
}


class ExerciseRef(Payload):
    exercise_id: DbId


events = SocketEvents()


def grounding_state(live_session: LiveSession, _viewer: Viewer, _participant: Participant | None) -> dict:
    """The exercise under way (or null), for every screen alike, and the server's time (a first
    guess at the clock's offset, until the screen has measured it)."""
    now = utcnow()
    exercise = services.running_exercise(live_session, now)
    return {
        "grounding": {
            "exercise": services.exercise_entry(exercise) if exercise else None,
            "now": services.iso_ms(now),
        }
    }


def plan_of(caller: FacilitatorCaller, payload: StartPayload) -> services.Plan:
    """The plan the console asked for, from the payload's fields for its kind."""
    kind = ExerciseKind(payload.kind)
    unexpected = sorted(payload.model_fields_set - KIND_FIELDS[kind] - {"kind"})
    if unexpected:
        field = unexpected[0].replace("_", " ")
        raise Invalid(f"That didn't go through: {field} isn't part of {EXERCISE_KIND_LABELS[kind]}.")
    if kind == ExerciseKind.BOX:
        settings = {
            name: value if (value := getattr(payload, name)) is not None else default
            for name, default in services.BOX_DEFAULTS.items()
        }
        return services.box_plan(**settings)
    if kind == ExerciseKind.SENSES:
        return services.senses_plan(seconds=payload.seconds or services.SENSE_DEFAULT_SECONDS)
    if payload.script_id is None:
        raise Invalid("Please choose one of the group's scripts.")
    return services.script_plan(caller.live_session.group, payload.script_id)


@events.facilitator("start_grounding", StartPayload)
def start_grounding(caller: FacilitatorCaller, payload: StartPayload) -> dict:
    """Facilitator starts an exercise for the room; every screen gets `grounding_started`."""
    exercise = services.start_exercise(caller.facilitator, caller.live_session, plan_of(caller, payload))
    entry = services.exercise_entry(exercise)
    announce_to_room(caller.live_session.id, "grounding_started", {"exercise": entry})
    return ok(exercise=entry)


@events.facilitator("stop_grounding", ExerciseRef)
def stop_grounding(caller: FacilitatorCaller, payload: ExerciseRef) -> dict:
    """Facilitator stops the exercise early; every screen gets `grounding_stopped`."""
    if services.stop_exercise(caller.facilitator, caller.live_session, payload.exercise_id):
        announce_to_room(caller.live_session.id, "grounding_stopped", {"exercise_id": payload.exercise_id})
    return ok()


def server_time_ms() -> int:
    """The server's clock, in milliseconds since 1970 (UTC), as the exercises' start times are."""
    return round(time.time() * 1000)


@events.facilitator("clock", Empty, needs_live=False, allow_screen=True)
def console_clock(_caller: FacilitatorCaller, _payload: Empty) -> dict:
    """The server's time, for a console or the shared screen measuring its clock's offset."""
    return ok(now=server_time_ms())


@events.participant("clock", Empty, needs_live=False, allow_waiting=True)
def phone_clock(_caller: ParticipantCaller, _payload: Empty) -> dict:
    """The server's time, for a phone measuring its clock's offset."""
    return ok(now=server_time_ms())
