"""Grounding exercises: planning one, starting and stopping it for the room, and groups' scripts.

An exercise starts LEAD_IN_SECONDS after the facilitator presses Start ("Get ready"), so the
start reaches every screen before its first step; from then on each screen works out the step
from the stored start time and its own clock offset (static/js/grounding-time.js).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func, select

from ..accounts.models import Facilitator
from ..audit.services import record_action
from ..clock import utcnow
from ..errors import Invalid, NotFound
from ..extensions import db
from ..groups.models import Group
from ..groups.services import require_manager
from ..sessions.models import LiveSession
from .models import (
    EXERCISE_KIND_LABELS,
    TITLE_MAX_LENGTH,
    ExerciseKind,
    GroundingExercise,
    GroundingScript,
    Motion,
)

# Between Start and the first step: long enough for the start to reach a slow phone.
LEAD_IN_SECONDS = 3
# However it is made, an exercise lasts at most this long.
MAX_EXERCISE_SECONDS = 600

# Box breathing: seconds of each part (the holds may be left out), and rounds.
BREATH_SECONDS = (2, 10)
HOLD_SECONDS = (0, 10)
ROUNDS = (1, 20)
BOX_DEFAULTS = {"inhale": 4, "hold": 4, "exhale": 4, "rest": 4, "rounds": 4}
# 5-4-3-2-1: seconds for each sense.
SENSE_SECONDS = (10, 60)
SENSE_DEFAULT_SECONDS = 20

# A group's scripts: lines, their length and seconds, and how many scripts a group keeps. The
# longest script (10 lines of a minute) is as long as an exercise may be.
SCRIPT_LINES = (1, 10)
LINE_MAX_LENGTH = 120
LINE_SECONDS = (3, 60)
LINE_DEFAULT_SECONDS = 10
MAX_SCRIPTS = 20

ALREADY_RUNNING_MESSAGE = "An exercise is under way already. Stop it first to start another."
NO_SCRIPT_MESSAGE = "We couldn't find that script. It may have been deleted: reload the page to see the list."

SENSES = (
    "Look around. Notice five things you can see.",
    "Notice four things you can feel: your feet on the floor, your hands, what you're sitting on.",
    "Listen. Notice three things you can hear.",
    "Notice two things you can smell, or two smells you like.",
    "Notice one thing you can taste, or one kind thing to say to yourself.",
)


@dataclass(frozen=True)
class Plan:
    """What an exercise shows: a title, the steps of one round, and how many rounds."""

    kind: ExerciseKind
    title: str
    steps: list[dict]
    rounds: int = 1

    @property
    def seconds(self) -> int:
        return sum(step["seconds"] for step in self.steps) * self.rounds


def _within(value: int, bounds: tuple[int, int], what: str) -> int:
    low, high = bounds
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise Invalid(f"Please give {what} from {low} to {high}.")
    return value


def _checked_length(plan: Plan) -> Plan:
    if plan.seconds > MAX_EXERCISE_SECONDS:
        raise Invalid(f"Please keep an exercise to {MAX_EXERCISE_SECONDS // 60} minutes or less.")
    return plan


def box_plan(*, inhale: int, hold: int, exhale: int, rest: int, rounds: int) -> Plan:
    """Box breathing: breathe in, hold, breathe out, rest; a hold of 0 seconds is left out."""
    parts = [
        ("Breathe in slowly", _within(inhale, BREATH_SECONDS, "the seconds to breathe in"), Motion.IN),
        ("Hold gently", _within(hold, HOLD_SECONDS, "the seconds to hold"), Motion.FULL),
        ("Breathe out slowly", _within(exhale, BREATH_SECONDS, "the seconds to breathe out"), Motion.OUT),
        ("Rest", _within(rest, HOLD_SECONDS, "the seconds to rest"), Motion.EMPTY),
    ]
    steps = [
        {"text": text, "seconds": seconds, "motion": str(motion)}
        for text, seconds, motion in parts
        if seconds
    ]
    rounds = _within(rounds, ROUNDS, "a number of rounds")
    return _checked_length(Plan(ExerciseKind.BOX, EXERCISE_KIND_LABELS[ExerciseKind.BOX], steps, rounds))


def senses_plan(*, seconds: int) -> Plan:
    """5-4-3-2-1: one sense at a time, `seconds` each."""
    seconds = _within(seconds, SENSE_SECONDS, "the seconds for each sense")
    steps = [{"text": text, "seconds": seconds, "motion": str(Motion.STILL)} for text in SENSES]
    return Plan(ExerciseKind.SENSES, EXERCISE_KIND_LABELS[ExerciseKind.SENSES], steps)


def script_plan(group: Group, script_id: int) -> Plan:
    """One of the group's scripts, its lines as they are now."""
    script = db.session.get(GroundingScript, script_id)
    if script is None or script.group_id != group.id:
        raise NotFound(NO_SCRIPT_MESSAGE)
    steps = [
        {"text": line["text"], "seconds": line["seconds"], "motion": str(Motion.STILL)}
        for line in script.lines
    ]
    return _checked_length(Plan(ExerciseKind.SCRIPT, script.title, steps))


# --- running one ---------------------------------------------------------------------------------


def latest_exercise(live_session: LiveSession) -> GroundingExercise | None:
    return db.session.scalar(
        select(GroundingExercise)
        .where(GroundingExercise.live_session_id == live_session.id)
        .order_by(GroundingExercise.starts_at.desc(), GroundingExercise.id.desc())
        .limit(1)
    )


def running_exercise(live_session: LiveSession, now: datetime | None = None) -> GroundingExercise | None:
    """The exercise the room is doing (or is about to begin), if any."""
    exercise = latest_exercise(live_session)
    return exercise if exercise is not None and exercise.is_running(now or utcnow()) else None


def start_exercise(actor: Facilitator, live_session: LiveSession, plan: Plan) -> GroundingExercise:
    """Start an exercise for the whole room, LEAD_IN_SECONDS from now. One at a time."""
    now = utcnow()
    if running_exercise(live_session, now) is not None:
        raise Invalid(ALREADY_RUNNING_MESSAGE)
    starts_at = now + timedelta(seconds=LEAD_IN_SECONDS)
    exercise = GroundingExercise(
        live_session_id=live_session.id,
        kind=str(plan.kind),
        title=plan.title,
        steps=plan.steps,
        rounds=plan.rounds,
        starts_at=starts_at,
        ends_at=starts_at + timedelta(seconds=plan.seconds),
    )
    db.session.add(exercise)
    db.session.flush()
    record_action(
        actor, "grounding.started", live_session=live_session, exercise_id=exercise.id, kind=exercise.kind
    )
    return exercise


def stop_exercise(actor: Facilitator, live_session: LiveSession, exercise_id: int) -> bool:
    """Stop the exercise early on every screen. One that has finished or was stopped stays as it
    is (a resend changes nothing): returns whether this stopped it."""
    exercise = db.session.get(GroundingExercise, exercise_id)
    if exercise is None or exercise.live_session_id != live_session.id:
        raise NotFound("We couldn't find that exercise.")
    now = utcnow()
    if not exercise.is_running(now):
        return False
    exercise.stopped_at = now
    record_action(actor, "grounding.stopped", live_session=live_session, exercise_id=exercise.id)
    return True


def session_exercises(live_session: LiveSession) -> list[GroundingExercise]:
    return list(
        db.session.scalars(
            select(GroundingExercise)
            .where(GroundingExercise.live_session_id == live_session.id)
            .order_by(GroundingExercise.starts_at, GroundingExercise.id)
        )
    )


def iso_ms(moment: datetime) -> str:
    """A time to the millisecond (ISO 8601, UTC, with Z): screens keep in step by it."""
    return moment.isoformat(timespec="milliseconds") + "Z"


def exercise_entry(exercise: GroundingExercise) -> dict:
    """What every screen gets of an exercise (docs/protocol.md)."""
    return {
        "id": exercise.id,
        "kind": exercise.kind,
        "title": exercise.title,
        "steps": exercise.steps,
        "rounds": exercise.rounds,
        "starts_at": iso_ms(exercise.starts_at),
        "ends_at": iso_ms(exercise.ends_at),
    }


# --- a group's scripts -----------------------------------------------------------------------------


def scripts_of(group: Group) -> list[GroundingScript]:
    return list(
        db.session.scalars(
            select(GroundingScript)
            .where(GroundingScript.group_id == group.id)
            .order_by(GroundingScript.title, GroundingScript.id)
        )
    )


def clean_script(title: str, lines: list[dict]) -> tuple[str, list[dict]]:
    """A script's title and lines as stored: rows without words are dropped; each line needs its
    seconds in range, and the whole fits in one exercise."""
    title = " ".join((title or "").split())
    if not title:
        raise Invalid("Please give the script a title.")
    if len(title) > TITLE_MAX_LENGTH:
        raise Invalid(f"Please keep the title to {TITLE_MAX_LENGTH} characters.")
    kept = []
    for line in lines:
        text = " ".join((line.get("text") or "").split())
        if not text:
            continue
        if len(text) > LINE_MAX_LENGTH:
            raise Invalid(f"Please keep each line to {LINE_MAX_LENGTH} characters.")
        seconds = line.get("seconds")
        seconds = LINE_DEFAULT_SECONDS if seconds is None else seconds
        kept.append({"text": text, "seconds": _within(seconds, LINE_SECONDS, "each line's seconds")})
    high = SCRIPT_LINES[1]
    if not kept:
        raise Invalid("Please write at least one line.")
    if len(kept) > high:
        raise Invalid(f"A script can have up to {high} lines.")
    return title, kept


def add_script(actor: Facilitator, group: Group, *, title: str, lines: list[dict]) -> GroundingScript:
    """Add a script to the group (its lead, or an admin who helps run it)."""
    require_manager(actor, group)
    title, cleaned = clean_script(title, lines)
    count = db.session.scalar(
        select(func.count()).select_from(GroundingScript).where(GroundingScript.group_id == group.id)
    )
    if (count or 0) >= MAX_SCRIPTS:
        raise Invalid(f"A group can keep up to {MAX_SCRIPTS} scripts. Delete one to add another.")
    script = GroundingScript(group_id=group.id, title=title, lines=cleaned)
    db.session.add(script)
    db.session.flush()
    # The words stay out of the log, as other free text does: only which script.
    record_action(actor, "grounding.script_added", group=group, script_id=script.id)
    return script


def delete_script(actor: Facilitator, group: Group, script_id: int) -> None:
    """Delete one of the group's scripts; exercises already run with it keep their copy."""
    require_manager(actor, group)
    script = db.session.get(GroundingScript, script_id)
    if script is None or script.group_id != group.id:
        raise NotFound(NO_SCRIPT_MESSAGE)
    db.session.delete(script)
    record_action(actor, "grounding.script_deleted", group=group, script_id=script_id)
