"""Session summaries: computed from the database when a session ends, kept, and read by every view.

A summary is a JSON-able dict: `session` (title, times, duration) and one entry per registered
summary part. Capabilities add their part with `add_summary_part` in their own init_app; see
docs/summaries.md for what each part holds and for what a part must return.
"""

from __future__ import annotations

import statistics
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from flask import Flask, current_app
from sqlalchemy import func, select

from ..accounts.models import Facilitator
from ..audit.models import AuditEntry
from ..audit.services import record_action
from ..clock import isoformat, utcnow
from ..errors import Invalid, NotAllowed, NotFound
from ..extensions import db
from ..groups.models import Group
from ..sessions.models import LiveSession, ParticipantStatus, SessionState
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
    rows: SummaryRows | None = None  # None: the PDF lists the section's fields as they are
    template: str | None = None  # the section on the facilitators' summary page, given `section`
    # The section on the participants' take-home page, given `section` (None: not shown there).
    take_home_template: str | None = None


def add_summary_part(app: Flask, part: SummaryPart) -> None:
    """Add a capability's section to every summary computed from now on (once per key)."""
    parts = app.extensions.setdefault("stepwise.summary_parts", [])
    if all(existing.key != part.key for existing in parts):
        parts.append(part)


def summary_parts() -> list[SummaryPart]:
    """Every registered part, in the order they were registered."""
    return list(current_app.extensions.get("stepwise.summary_parts", []))


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
    for part in summary_parts():
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


def attendance_rows(section: dict) -> list[tuple[str, str]]:
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


def attendance_summary(live_session: LiveSession) -> dict:
    """Who took a seat, the most in the room at once, and who left before the end.

    Each person counts from joining until they left or were removed, else until the end.
    """
    end = live_session.ended_at
    assert end is not None, "a summary is computed once the session has ended"
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


def round_average(round_summary: dict | None) -> float | None:
    """A stored round section's average mood, if it has one."""
    return round_summary["mood"]["average"] if round_summary and round_summary["mood"] else None


def direction_of(change: float | None) -> str | None:
    """ "up", "down" or "steady" for a change in mood; None when there is nothing to compare."""
    if change is None:
        return None
    return "up" if change > 0 else "down" if change < 0 else "steady"


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


# --- the participants' take-home page ---------------------------------------------------------


class LinkExpired(NotAllowed):
    """A link that worked once and has closed: 410 Gone."""

    status_code = 410


def take_home_url(live_session: LiveSession) -> str | None:
    """The take-home link offered to participants when the session ends (None before)."""
    summary = db.session.get(SessionSummary, live_session.id)
    if summary is None:
        return None
    # Built from the URL map, so that it works without a request too (a session ended by itself).
    urls = current_app.url_map.bind("", script_name=current_app.config["APPLICATION_ROOT"])
    return urls.build("summaries.take_home", {"token": summary.take_home_token})


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
    return round_average(entry)


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
    """One session's figures for the group's trends (wins and the pulse once their parts are
    registered)."""
    data = summary.data
    checkins = data.get("checkins") or {}
    attendance = data.get("attendance") or {}
    return {
        "id": data["session"]["id"],
        "title": data["session"]["title"],
        "date": data["session"]["started_at"] or data["session"]["ended_at"],
        "check_in_average": round_average(checkins.get("check_in")),
        "check_out_average": round_average(checkins.get("check_out")),
        "joined": attendance.get("joined"),
        "most_at_once": attendance.get("most_at_once"),
        "wins": (data.get("wins") or {}).get("count"),
        **pulse_means(data.get("pulse")),
    }


# The group pulse's questions (facilitator/pulse/models.py), as its summary part stores them: each
# question's average, where at least the group's minimum answered it, in `pulse.questions.<key>.mean`.
PULSE_QUESTION_KEYS = ("heard", "mattered", "fit", "overall")
PULSE_SERIES = tuple(f"pulse_{key}" for key in PULSE_QUESTION_KEYS)


def pulse_means(section: dict | None) -> dict[str, float | None]:
    """A stored pulse section's question averages, as trend series (None: not asked, or too few)."""
    questions = (section or {}).get("questions") or {}
    return {f"pulse_{key}": (questions.get(key) or {}).get("mean") for key in PULSE_QUESTION_KEYS}


TREND_SERIES = ("check_in_average", "check_out_average", "joined", "wins", *PULSE_SERIES)


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
