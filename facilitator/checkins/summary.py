"""Check-ins in the session summary (moods in and out), and their notes in the purge."""

from __future__ import annotations

from sqlalchemy import func, select, update

from ..clock import isoformat
from ..extensions import db
from ..groups.models import Group
from ..sessions.models import LiveSession
from ..summaries.purge import PurgeStep, updated_rows
from ..summaries.services import SummaryPart, direction_of, round_average
from .models import CheckInAnswer, CheckInRound, RoundKind
from .services import counted_answers, is_too_few, tally_round


def _round_summary(live_session: LiveSession, checkin_round: CheckInRound) -> dict:
    """A round's counts and, unless too few answered an anonymous round, its moods and words."""
    tally = tally_round(checkin_round)
    notes = db.session.scalar(
        select(func.count(CheckInAnswer.id)).where(
            *counted_answers(checkin_round), CheckInAnswer.note.is_not(None)
        )
    )
    too_few = is_too_few(live_session, checkin_round, tally.answered)
    return {
        "id": checkin_round.id,
        "kind": checkin_round.kind,
        "prompt": checkin_round.prompt,
        "anonymous": checkin_round.anonymous,
        "opened_at": isoformat(checkin_round.opened_at),
        "answered": tally.answered,
        "passed": tally.passed,
        "notes": notes,
        "too_few": too_few,
        "mood": None if too_few else tally.mood(),
        "feelings": None if too_few else tally.feelings,
    }


def _moods_by_participant(checkin_round: CheckInRound) -> dict[int, int]:
    rows = db.session.execute(
        select(CheckInAnswer.participant_id, CheckInAnswer.mood).where(
            CheckInAnswer.round_id == checkin_round.id,
            CheckInAnswer.participant_id.is_not(None),
            CheckInAnswer.mood.is_not(None),
        )
    ).all()
    # The query already leaves out rows without a participant or a mood; this only narrows the types.
    return {
        participant_id: mood
        for participant_id, mood in rows
        if participant_id is not None and mood is not None
    }


def _people_shift(live_session: LiveSession, first: CheckInRound, last: CheckInRound) -> list[dict]:
    """Each person's mood in and out, in the order they joined (named rounds only)."""
    moods_in, moods_out = _moods_by_participant(first), _moods_by_participant(last)
    people = []
    for participant in live_session.participants:
        mood_in, mood_out = moods_in.get(participant.id), moods_out.get(participant.id)
        if mood_in is None and mood_out is None:
            continue
        change = mood_out - mood_in if mood_in is not None and mood_out is not None else None
        people.append(
            {
                "name": participant.display_name,
                "mood_in": mood_in,
                "mood_out": mood_out,
                "change": change,
                "direction": direction_of(change),
            }
        )
    return people


def _describe_round(label: str, entry: dict | None) -> list[tuple[str, str]]:
    if entry is None:
        return [(label, "no round")]
    rows = [(label, f"{entry['answered']} answered, {entry['passed']} passed")]
    if entry["too_few"]:
        return [*rows, (f"{label} moods", "too few answers to show (anonymous round)")]
    mood = entry["mood"]
    if mood["average"] is not None:
        rows.append((f"{label} mood", f"average {mood['average']}, median {mood['median']}"))
        counts = ", ".join(f"{number}: {count}" for number, count in enumerate(mood["distribution"], 1))
        rows.append((f"{label} moods 1–10", counts))
    if entry["feelings"]:
        rows.append(
            (f"{label} feelings", ", ".join(f"{word} × {count}" for word, count in entry["feelings"]))
        )
    return rows


def _checkins_rows(section: dict) -> list[tuple[str, str]]:
    rows = _describe_round("Check-in", section["check_in"]) + _describe_round(
        "Check-out", section["check_out"]
    )
    if shift := section["shift"]:
        rows.append(("Change in average mood", f"{shift['change']:+} ({shift['direction']})"))
    for person in section["people"] or []:
        change = "" if person["change"] is None else f" ({person['change']:+})"
        rows.append(
            (person["name"], f"{_or_dash(person['mood_in'])} → {_or_dash(person['mood_out'])}{change}")
        )
    for entry in section["other_rounds"]:
        rows.append(
            (f"Other round: {entry['prompt']}", f"{entry['answered']} answered, {entry['passed']} passed")
        )
    return rows


def _or_dash(value: object) -> str:
    return "–" if value is None else str(value)


def checkins_summary(live_session: LiveSession) -> dict:
    """Check-in and check-out side by side, the change between them, and every other round.

    The check-in is the session's first check-in round; the check-out its last check-out round.
    Each person's own change is shown only when both rounds were named (not anonymous).
    """
    rounds = list(
        db.session.scalars(
            select(CheckInRound)
            .where(CheckInRound.live_session_id == live_session.id)
            .order_by(CheckInRound.opened_at, CheckInRound.id)
        )
    )
    first_in = next((r for r in rounds if r.kind == RoundKind.CHECKIN), None)
    last_out = next((r for r in reversed(rounds) if r.kind == RoundKind.CHECKOUT), None)
    summaries = {r.id: _round_summary(live_session, r) for r in rounds}
    check_in = summaries[first_in.id] if first_in else None
    check_out = summaries[last_out.id] if last_out else None
    average_in, average_out = round_average(check_in), round_average(check_out)
    shift: dict[str, object] | None = None
    if average_in is not None and average_out is not None:
        change = round(average_out - average_in, 1)
        shift = {
            "average_in": average_in,
            "average_out": average_out,
            "change": change,
            "direction": direction_of(change),
        }
    people = None
    if first_in and last_out and not first_in.anonymous and not last_out.anonymous:
        people = _people_shift(live_session, first_in, last_out)
    main_ids = {r.id for r in (first_in, last_out) if r is not None}
    return {
        "check_in": check_in,
        "check_out": check_out,
        "shift": shift,
        "people": people,
        "other_rounds": [entry for entry in summaries.values() if entry["id"] not in main_ids],
    }


def purge_checkin_notes(_group: Group, live_session_ids: list[int]) -> int:
    """Notes written in check-in rounds; moods and feeling words stay."""
    rounds = select(CheckInRound.id).where(CheckInRound.live_session_id.in_(live_session_ids))
    return updated_rows(
        update(CheckInAnswer)
        .where(CheckInAnswer.round_id.in_(rounds), CheckInAnswer.note.is_not(None))
        .values(note=None, note_shared=False)
        .execution_options(synchronize_session=False)
    )


SUMMARY_PART = SummaryPart(
    "checkins",
    "Moods in and out",
    checkins_summary,
    rows=_checkins_rows,
    template="summaries/_checkins.html",
    take_home_template=None,
)
PURGE_STEP = PurgeStep("check-in notes", purge_checkin_notes)
