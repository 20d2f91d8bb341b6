"""The grounding exercises' part of a session summary and of the take-home page.

Only what the facilitators did: which exercises, how long each ran, whether it was stopped
early. Nothing about who followed along or closed it on their phone exists to be counted.
There is no purge step: nothing here holds words a participant wrote.
"""

from __future__ import annotations

from ..clock import isoformat
from ..sessions.models import LiveSession
from ..summaries.formatting import wait_words
from ..summaries.services import SummaryPart
from .models import EXERCISE_KIND_LABELS, ExerciseKind, GroundingExercise, Motion
from .services import session_exercises


def breathing_pattern(exercise: GroundingExercise) -> str | None:
    """Box breathing's counts in words, to try again at home: "in 4, hold 4, out 4, rest 4"."""
    if exercise.kind != ExerciseKind.BOX:
        return None
    words = {Motion.IN: "in", Motion.FULL: "hold", Motion.OUT: "out", Motion.EMPTY: "rest"}
    return ", ".join(f"{words[Motion(step['motion'])]} {step['seconds']}" for step in exercise.steps)


def grounding_summary(live_session: LiveSession) -> dict:
    """Each exercise run, in order: its kind and title, planned and actual length, and whether a
    facilitator stopped it early."""
    items = []
    for exercise in session_exercises(live_session):
        planned = exercise.cycle_seconds * exercise.rounds
        ran = round(exercise.ran_for(live_session.ended_at).total_seconds())
        items.append(
            {
                "kind": exercise.kind,
                "kind_label": EXERCISE_KIND_LABELS.get(exercise.kind, exercise.kind),
                "title": exercise.title,
                "started_at": isoformat(exercise.starts_at),
                "rounds": exercise.rounds,
                "pattern": breathing_pattern(exercise),
                "planned_seconds": planned,
                "ran_seconds": min(ran, planned),
                "stopped_early": exercise.stopped_at is not None and ran < planned,
            }
        )
    return {"count": len(items), "items": items}


def ran_words(item: dict) -> str:
    """How an exercise went, in words, for the summary page and the PDF."""
    ran, planned = wait_words(item["ran_seconds"]), wait_words(item["planned_seconds"])
    if item["stopped_early"]:
        return f"stopped after {ran} of {planned}"
    if item["ran_seconds"] < item["planned_seconds"]:
        return f"{ran} of {planned}, until the session ended"
    return planned


def _rows(section: dict) -> list[tuple[str, str]]:
    rows = [("Grounding exercises", str(section["count"]))]
    rows += [(f"Exercise: {item['title']}", ran_words(item)) for item in section["items"]]
    return rows


SUMMARY_PART = SummaryPart(
    "grounding",
    "Grounding exercises",
    grounding_summary,
    rows=_rows,
    template="grounding/_summary.html",
    take_home_template="grounding/_take_home.html",
)
