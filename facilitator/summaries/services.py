"""Session summaries: computed from the database when a session ends, kept, and read by every view.

A summary is a JSON-able dict: `session` (title, times, duration) and one entry per registered
summary part. Capabilities add their part with `summary_part`; see docs/summaries.md for what
each part holds and for what a part must return.
"""

from __future__ import annotations

import statistics
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from flask import url_for
from sqlalchemy import func, select

from ..accounts.models import Facilitator
from ..audit.models import AuditEntry
from ..audit.services import record_action
from ..checkins.models import CheckInAnswer, CheckInRound, RoundKind
from ..checkins.services import counted_answers, is_too_few, tally_round
from ..clock import isoformat, utcnow
from ..errors import Invalid, NotAllowed, NotFound
from ..extensions import db
from ..groups.models import Group
from ..sessions.models import LiveSession, ParticipantStatus, SessionState
from ..support.services import session_flags
from .formatting import duration_words
from .models import SessionSummary

NOTES_MAX_LENGTH = 5000
SUMMARY_VERSION = 1

# A part's builder: the ended session in, a JSON-able dict out (stored under the part's key).
SummaryBuilder = Callable[[LiveSession], dict]
# A part's plain rows for the PDF: (label, value) pairs from its stored section.
SummaryRows = Callable[[dict], list[tuple[str, str]]]


@dataclass(frozen=True)
class SummaryPart:
    """One section of the summary, contributed by a capability."""

    key: str
    title: str
    build: SummaryBuilder
    rows: SummaryRows | None  # None: the PDF lists the section's fields as they are
    template: str | None  # the section on the facilitators' summary page, given `section`
    take_home_template: str | None  # the section on the participants' take-home page, given `section`


_summary_parts: list[SummaryPart] = []


def summary_part(
    key: str,
    title: str,
    *,
    rows: SummaryRows | None = None,
    template: str | None = None,
    take_home_template: str | None = None,
) -> Callable[[SummaryBuilder], SummaryBuilder]:
    """Register a capability's section of the session summary, stored under `key`."""

    def register(build: SummaryBuilder) -> SummaryBuilder:
        _summary_parts.append(SummaryPart(key, title, build, rows, template, take_home_template))
        return build

    return register


def summary_parts() -> list[SummaryPart]:
    """Every registered part, in the order they were registered."""
    return list(_summary_parts)


# --- computing and keeping the summary --------------------------------------------------------


def _minutes_between(start: datetime | None, end: datetime | None) -> int | None:
    return round((end - start).total_seconds() / 60) if start and end else None


def _ended_by_itself(live_session: LiveSession) -> bool:
    """Whether Stepwise ended the session after it sat idle (its end has no facilitator)."""
    return (
        db.session.scalar(
            select(AuditEntry.id).where(
                AuditEntry.live_session_id == live_session.id,
                AuditEntry.action == "session.ended",
                AuditEntry.facilitator_id.is_(None),
            )
        )
        is not None
    )


def compute_summary(live_session: LiveSession) -> dict:
    """Count everything the summary shows, from the database, for an ended session."""
    data = {
        "version": SUMMARY_VERSION,
        "session": {
            "id": live_session.id,
            "title": live_session.title,
            "group_id": live_session.group_id,
            "group_name": live_session.group.name,
            "started_at": isoformat(live_session.started_at),
            "ended_at": isoformat(live_session.ended_at),
            "duration_minutes": _minutes_between(live_session.started_at, live_session.ended_at),
            "ended_by_itself": _ended_by_itself(live_session),
        },
    }
    for part in _summary_parts:
        data[part.key] = part.build(live_session)
    return data


def ensure_summary(live_session: LiveSession) -> SessionSummary:
    """The ended session's stored summary, computed now if it has none yet (sessions ended before
    summaries existed). Once stored it is never recomputed: the purge may since have removed the
    words it counted."""
    summary = db.session.get(SessionSummary, live_session.id)
    if summary is None:
        summary = SessionSummary(live_session=live_session, data=compute_summary(live_session))
        db.session.add(summary)
        db.session.flush()
    return summary


def ended_summary(live_session: LiveSession) -> SessionSummary:
    """The summary of a session (loaded with load_session_for), once it has ended."""
    if not live_session.is_ended:
        raise Invalid("The summary will be ready as soon as the session ends.")
    return ensure_summary(live_session)


def save_notes(actor: Facilitator, summary: SessionSummary, notes: str) -> None:
    """Keep the facilitators' private notes on a session (empty clears them)."""
    notes = notes.strip()
    if len(notes) > NOTES_MAX_LENGTH:
        raise Invalid(f"Please keep your notes to {NOTES_MAX_LENGTH:,} characters.")
    summary.notes = notes or None
    summary.notes_updated_at = utcnow()
    record_action(actor, "summary.notes_saved", live_session=summary.live_session)


def record_export(actor: Facilitator, kind: str, *, group: Group, live_session: LiveSession | None = None):
    """Write an export to the audit log: who took which records out, and when."""
    record_action(actor, f"export.{kind}", group=group, live_session=live_session)


# --- the parts Stepwise itself contributes -----------------------------------------------------


def most_at_once(intervals: list[tuple[datetime, datetime]]) -> int:
    """The largest number of intervals that overlap at one moment (touching ends don't overlap)."""
    # At the same moment a departure comes before an arrival: (t, -1) sorts before (t, +1).
    moments = sorted([(start, 1) for start, _ in intervals] + [(end, -1) for _, end in intervals])
    highest = present = 0
    for _, change in moments:
        present += change
        highest = max(highest, present)
    return highest


def _attendance_rows(section: dict) -> list[tuple[str, str]]:
    rows = [
        ("Joined", str(section["joined"])),
        ("Most at once", str(section["most_at_once"])),
        ("Left early", str(section["left_early"])),
        ("Removed", str(section["removed"])),
        ("Stayed to the end", str(section["stayed"])),
    ]
    for person in section["people"]:
        rows.append(
            (person["name"], f"{duration_words(person['minutes'])}, {STATUS_WORDS[person['status']]}")
        )
    return rows


STATUS_WORDS = {
    ParticipantStatus.PRESENT: "stayed to the end",
    ParticipantStatus.WAITING: "still in the waiting room at the end",
    ParticipantStatus.LEFT: "left early",
    ParticipantStatus.REMOVED: "removed",
}


@summary_part("attendance", "Who came", rows=_attendance_rows, template="summaries/_attendance.html")
def attendance_summary(live_session: LiveSession) -> dict:
    """Who took a seat, the most in the room at once, and who left before the end.

    Each person counts from joining until they left or were removed, else until the end.
    """
    end = live_session.ended_at
    people = []
    intervals = []
    for participant in live_session.participants:
        until = min(participant.left_at or end, end)
        intervals.append((participant.joined_at, until))
        people.append(
            {
                "name": participant.display_name,
                "status": participant.status,
                "joined_at": isoformat(participant.joined_at),
                "left_at": isoformat(participant.left_at),
                "minutes": _minutes_between(participant.joined_at, until),
            }
        )
    statuses = [participant.status for participant in live_session.participants]
    return {
        "joined": len(people),
        "most_at_once": most_at_once(intervals),
        "left_early": statuses.count(ParticipantStatus.LEFT),
        "removed": statuses.count(ParticipantStatus.REMOVED),
        "stayed": statuses.count(ParticipantStatus.PRESENT),
        "people": people,
    }


def direction_of(change: float | None) -> str | None:
    """ "up", "down" or "steady" for a change in mood; None when there is nothing to compare."""
    if change is None:
        return None
    return "up" if change > 0 else "down" if change < 0 else "steady"


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
    return dict(
        db.session.execute(
            select(CheckInAnswer.participant_id, CheckInAnswer.mood).where(
                CheckInAnswer.round_id == checkin_round.id,
                CheckInAnswer.participant_id.is_not(None),
                CheckInAnswer.mood.is_not(None),
            )
        ).all()
    )


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


def _average(round_summary: dict | None) -> float | None:
    return round_summary["mood"]["average"] if round_summary and round_summary["mood"] else None


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


@summary_part("checkins", "Moods in and out", rows=_checkins_rows, template="summaries/_checkins.html")
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
    average_in, average_out = _average(check_in), _average(check_out)
    shift = None
    if average_in is not None and average_out is not None:
        change = round(average_out - average_in, 1)
        shift = {"average_in": average_in, "average_out": average_out, "change": change}
        shift["direction"] = direction_of(change)
    named = first_in and last_out and not first_in.anonymous and not last_out.anonymous
    main_ids = {r.id for r in (first_in, last_out) if r is not None}
    return {
        "check_in": check_in,
        "check_out": check_out,
        "shift": shift,
        "people": _people_shift(live_session, first_in, last_out) if named else None,
        "other_rounds": [entry for entry in summaries.values() if entry["id"] not in main_ids],
    }


def seconds_between(start: datetime | None, end: datetime | None) -> int | None:
    return round((end - start).total_seconds()) if start and end else None


def acknowledgement_times(waits: list[int]) -> dict:
    """How soon facilitators acknowledged (flags, support requests): how many, median and longest."""
    return {
        "acknowledged": len(waits),
        "median_seconds_to_acknowledge": round(statistics.median(waits)) if waits else None,
        "longest_seconds_to_acknowledge": max(waits) if waits else None,
    }


def acknowledgement_rows(section: dict) -> list[tuple[str, str]]:
    """The PDF rows of `acknowledgement_times`."""
    rows = [("Acknowledged", str(section["acknowledged"]))]
    if section["median_seconds_to_acknowledge"] is not None:
        rows.append(("Median time to acknowledge", f"{section['median_seconds_to_acknowledge']} s"))
        rows.append(("Longest time to acknowledge", f"{section['longest_seconds_to_acknowledge']} s"))
    return rows


def _flags_rows(section: dict) -> list[tuple[str, str]]:
    return [("Safety flags", str(section["count"])), *acknowledgement_rows(section)]


@summary_part("safety_flags", "Safety flags", rows=_flags_rows, template="summaries/_safety_flags.html")
def safety_flags_summary(live_session: LiveSession) -> dict:
    """How many texts the risk-language screen flagged, and how soon a facilitator saw each.

    Only where and when: the flagged words themselves stay with the flag (and go with the purge).
    """
    flags = [
        {
            "source": flag.source,
            "categories": flag.categories,
            "created_at": isoformat(flag.created_at),
            "acknowledged_at": isoformat(flag.acknowledged_at),
            "seconds_to_acknowledge": seconds_between(flag.created_at, flag.acknowledged_at),
        }
        for flag in session_flags(live_session)
    ]
    waits = [flag["seconds_to_acknowledge"] for flag in flags if flag["seconds_to_acknowledge"] is not None]
    return {"count": len(flags), **acknowledgement_times(waits), "flags": flags}


# --- the participants' take-home page ---------------------------------------------------------


class LinkExpired(NotAllowed):
    """A link that worked once and has closed: 410 Gone."""

    status_code = 410


def take_home_url(live_session: LiveSession) -> str | None:
    """The take-home link offered to participants when the session ends (None before)."""
    summary = db.session.get(SessionSummary, live_session.id)
    return url_for("summaries.take_home", token=summary.take_home_token) if summary else None


def find_take_home(token: str) -> SessionSummary:
    """The summary behind a take-home link; unknown links are told kindly."""
    summary = db.session.scalar(select(SessionSummary).where(SessionSummary.take_home_token == token))
    if summary is None:
        raise NotFound("We couldn't find this page. Please check the link with your facilitator.")
    return summary


def check_take_home_open(summary: SessionSummary, valid_days: int, now: datetime) -> None:
    """A take-home page stays open `valid_days` after its session ended."""
    if now >= summary.take_home_expires_at(valid_days):
        raise LinkExpired(
            f"This page was open for {valid_days} days after the session, and that time has passed."
        )


def _group_mood(entry: dict | None, minimum: int) -> float | None:
    """A round's average for everyone to see, or None when fewer than the minimum answered."""
    if entry is None or entry["answered"] < minimum:
        return None
    return _average(entry)


def group_mood_shift(summary: SessionSummary) -> dict:
    """The group's average mood in and out, as participants may see it (never per person)."""
    checkins = summary.data.get("checkins") or {}
    minimum = summary.live_session.group.min_aggregate_size
    average_in = _group_mood(checkins.get("check_in"), minimum)
    average_out = _group_mood(checkins.get("check_out"), minimum)
    change = (
        round(average_out - average_in, 1) if average_in is not None and average_out is not None else None
    )
    return {
        "average_in": average_in,
        "average_out": average_out,
        "change": change,
        "direction": direction_of(change),
        "asked": checkins.get("check_in") is not None or checkins.get("check_out") is not None,
    }


# --- trends across a group's sessions ---------------------------------------------------------


def ended_sessions(group: Group) -> list[LiveSession]:
    """The group's ended sessions, oldest first."""
    return list(
        db.session.scalars(
            select(LiveSession)
            .where(LiveSession.group_id == group.id, LiveSession.state == SessionState.ENDED)
            .order_by(func.coalesce(LiveSession.started_at, LiveSession.ended_at), LiveSession.id)
        )
    )


def trend_point(summary: SessionSummary) -> dict:
    """One session's figures for the group's trends (wins once a wins part is registered)."""
    data = summary.data
    checkins = data.get("checkins") or {}
    attendance = data.get("attendance") or {}
    return {
        "id": data["session"]["id"],
        "title": data["session"]["title"],
        "date": data["session"]["started_at"] or data["session"]["ended_at"],
        "check_in_average": _average(checkins.get("check_in")),
        "check_out_average": _average(checkins.get("check_out")),
        "joined": attendance.get("joined"),
        "most_at_once": attendance.get("most_at_once"),
        "wins": (data.get("wins") or {}).get("count"),
    }


TREND_SERIES = ("check_in_average", "check_out_average", "joined", "wins")


def smooth(values: list[float | None], half_width: int = 1) -> list[float | None]:
    """A centred moving average: each value with its neighbours `half_width` either side.

    Sessions without a value are left out of every average and stay empty; near the ends the
    window is what there is. Rounded to two decimals.
    """
    smoothed: list[float | None] = []
    for index, value in enumerate(values):
        window = [v for v in values[max(index - half_width, 0) : index + half_width + 1] if v is not None]
        smoothed.append(None if value is None else round(sum(window) / len(window), 2))
    return smoothed


def group_trend(group: Group) -> dict:
    """Every ended session's figures, oldest first, and the smoothed line of each series."""
    live_sessions = ended_sessions(group)
    stored = {
        summary.live_session_id: summary
        for summary in db.session.scalars(
            select(SessionSummary).where(SessionSummary.live_session_id.in_([ls.id for ls in live_sessions]))
        )
    }
    points = [trend_point(stored.get(ls.id) or ensure_summary(ls)) for ls in live_sessions]
    return {
        "sessions": points,
        "smoothed": {key: smooth([point[key] for point in points]) for key in TREND_SERIES},
    }
