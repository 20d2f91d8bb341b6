"""The group pulse: asking the room, answering (live, or with a ticket after the end), counting,
and the drop rule that tells a facilitator when a session fit the group clearly less well.

Nothing here stores or logs who answered. While the session is live a person is recognised by one
keyed hash under the pulse's own key (`keyed_hash_with`, facilitator/sessions/anonymity.py),
emptied when the session ends, when the key is destroyed; after the end, by a single-use ticket
kept only as a hash. See docs/privacy.md ("The group pulse") and
docs/summaries.md ("The group pulse and drop alerts").
"""

from __future__ import annotations

import hashlib
import secrets
import statistics
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import NamedTuple

from flask import current_app
from sqlalchemy import delete, func, select, update
from sqlalchemy.exc import IntegrityError

from ..accounts.models import Facilitator
from ..audit.services import record_action
from ..clock import isoformat, utcnow
from ..errors import Invalid, NotAllowed, NotFound
from ..extensions import db
from ..groups.models import Group
from ..sessions.anonymity import keyed_hash_with
from ..sessions.models import LiveSession, Participant, ParticipantStatus, SessionState
from ..summaries.models import SessionSummary
from ..summaries.services import ended_sessions
from .models import PULSE_MAX, PULSE_MIN, QUESTION_KEYS, QUESTIONS, PulseResponse, PulseTicket, SessionPulse

NOTHING_MESSAGE = "Move any slider you'd like to answer, or choose “Not today”. Skipping is always fine."
RANGE_MESSAGE = f"Please choose a number from {PULSE_MIN} to {PULSE_MAX}."
NOT_LIVE_MESSAGE = "This session isn't live any more."
NOT_ENDED_MESSAGE = "The session is still on: your phone sends your answers there as soon as it's connected."
LATE_CLOSED_MESSAGE = "The time for answering has passed. Thank you all the same: it was kind of you."
TICKET_MESSAGE = (
    "We couldn't take these answers: this phone may have answered already. Thank you all the same."
)

# The drop rule (docs/summaries.md): a session's pulse against the group's own recent sessions.
BASELINE_SESSIONS = 5  # the group's previous sessions with a pulse that make its baseline
MIN_BASELINE = 3  # fewer than this and only the cut-off applies
MIN_DROP = 1.0  # on a steady group (a tiny spread) a drop must still be a whole point
LOW_QUESTION_MEAN = 5.0  # a question whose average is below this is low, whatever the history


def late_hours() -> int:
    """How long after the end a phone that had not answered may still answer (PULSE_LATE_HOURS)."""
    return int(current_app.config["PULSE_LATE_HOURS"])


def late_until(live_session: LiveSession) -> datetime | None:
    """Until when answers are taken after the session ended (None while it hasn't)."""
    if live_session.ended_at is None:
        return None
    return live_session.ended_at + timedelta(hours=late_hours())


def is_late_open(live_session: LiveSession, now: datetime | None = None) -> bool:
    until = late_until(live_session)
    return live_session.is_ended and until is not None and (now or utcnow()) < until


# --- asking -------------------------------------------------------------------------------------


def session_pulse(live_session: LiveSession) -> SessionPulse | None:
    return db.session.get(SessionPulse, live_session.id)


def ensure_pulse(live_session: LiveSession) -> SessionPulse:
    """The live session's pulse row, made with its key the first time it is needed (the first
    screen that connects, or the first answer). Two workers making it at once make one."""
    pulse = session_pulse(live_session)
    if pulse is not None:
        return pulse
    pulse = SessionPulse(live_session_id=live_session.id, pulse_key=secrets.token_bytes(32))
    try:
        with db.session.begin_nested():
            db.session.add(pulse)
    except IntegrityError:
        found = session_pulse(live_session)
        if found is None:
            raise
        return found
    return pulse


def _pulse_key(live_session: LiveSession) -> bytes | None:
    """The pulse's key while the session is live (None once it ended, or before it exists)."""
    pulse = session_pulse(live_session)
    return pulse.pulse_key if pulse is not None else None


def open_pulse(actor: Facilitator, live_session: LiveSession) -> bool:
    """Ask the room for the pulse now (before the check-out step). Returns whether it was news:
    asking again, or a resend, changes nothing."""
    pulse = ensure_pulse(live_session)
    if pulse.opened_at is not None:
        return False
    pulse.opened_at = utcnow()
    record_action(actor, "pulse.opened", live_session=live_session)
    db.session.flush()
    return True


# --- answering ----------------------------------------------------------------------------------


Scores = dict[str, int | None]


def clean_scores(scores: dict[str, object]) -> Scores:
    """The four answers, each a whole number from 0 to 10 or None (skipped); at least one given."""
    if unknown := set(scores) - set(QUESTION_KEYS):
        raise Invalid(f"We don't know the question “{sorted(unknown)[0][:30]}”.")
    cleaned: Scores = {}
    for key in QUESTION_KEYS:
        value = scores.get(key)
        if value is None:
            cleaned[key] = None
        elif isinstance(value, int) and not isinstance(value, bool) and PULSE_MIN <= value <= PULSE_MAX:
            cleaned[key] = value
        else:
            raise Invalid(RANGE_MESSAGE)
    if all(value is None for value in cleaned.values()):
        raise Invalid(NOTHING_MESSAGE)
    return cleaned


def _respondent_key(pulse_key: bytes | None, participant_id: int) -> str:
    return keyed_hash_with(pulse_key, "pulse", participant_id)


def ticket_for(pulse_key: bytes | None, participant_id: int) -> str:
    """The ticket a phone keeps to answer after the end, should it not answer before: only its
    own phone is ever given it; the server keeps its hash from the end on, and nothing else."""
    return keyed_hash_with(pulse_key, "pulse-ticket", participant_id)


def own_ticket(live_session: LiveSession, participant: Participant) -> str | None:
    """The participant's ticket, for their phone's snapshot (None when there is no key)."""
    key = _pulse_key(live_session)
    return ticket_for(key, participant.id) if key is not None and live_session.is_live else None


def ticket_hash(ticket: str) -> str:
    return hashlib.sha256(ticket.encode()).hexdigest()


class RecordedPulse(NamedTuple):
    response: PulseResponse
    new: bool  # a first answer (the count went up)
    changed: bool  # False for a resend of the same answers


def _find_own(live_session: LiveSession, respondent_key: str) -> PulseResponse | None:
    return db.session.scalar(
        select(PulseResponse).where(
            PulseResponse.live_session_id == live_session.id,
            PulseResponse.respondent_key == respondent_key,
        )
    )


def record_pulse(
    participant: Participant, live_session: LiveSession, scores: dict[str, object]
) -> RecordedPulse:
    """Keep a participant's pulse, with no trace of them; a later one (while live) replaces it."""
    cleaned = clean_scores(scores)
    if not live_session.is_live:
        raise NotAllowed(NOT_LIVE_MESSAGE)
    respondent_key = _respondent_key(ensure_pulse(live_session).pulse_key, participant.id)
    existing = _find_own(live_session, respondent_key)
    if existing is None:
        response = PulseResponse(live_session_id=live_session.id, respondent_key=respondent_key, **cleaned)
        try:
            with db.session.begin_nested():
                db.session.add(response)
        except IntegrityError:
            # The same person's other connection answered this very moment: change that one.
            existing = _find_own(live_session, respondent_key)
            if existing is None:
                raise
        else:
            return RecordedPulse(response, new=True, changed=True)
    if existing.scores() == cleaned:
        return RecordedPulse(existing, new=False, changed=False)
    for key, value in cleaned.items():
        setattr(existing, key, value)
    db.session.flush()
    return RecordedPulse(existing, new=False, changed=True)


def own_pulse(live_session: LiveSession, participant: Participant) -> Scores | None:
    """The participant's own answers, for their phone only (None: not answered, or it ended)."""
    key = _pulse_key(live_session)
    if key is None:
        return None
    response = _find_own(live_session, _respondent_key(key, participant.id))
    return response.scores() if response is not None else None


def answered_count(live_session_id: int) -> int:
    """How many answered so far (live answers; late ones count once they are added)."""
    return (
        db.session.scalar(
            select(func.count(PulseResponse.id)).where(
                PulseResponse.live_session_id == live_session_id, PulseResponse.release_at.is_(None)
            )
        )
        or 0
    )


# --- the end: tickets for those who haven't answered, and the keys emptied ----------------------


def close_at_session_end(live_session: LiveSession) -> int:
    """In the transaction that ends the session: a ticket (its hash) for everyone who took part
    and has not answered, in shuffled order with random ids; then the respondent keys emptied and
    the pulse's key destroyed. Returns how many tickets."""
    pulse = session_pulse(live_session)
    if pulse is None or pulse.pulse_key is None:
        return 0
    key = pulse.pulse_key
    answered = set(
        db.session.scalars(
            select(PulseResponse.respondent_key).where(PulseResponse.live_session_id == live_session.id)
        )
    )
    took_part = db.session.scalars(
        select(Participant.id).where(
            Participant.live_session_id == live_session.id,
            Participant.status.in_((ParticipantStatus.PRESENT, ParticipantStatus.LEFT)),
        )
    ).all()
    hashes = [
        ticket_hash(ticket_for(key, participant_id))
        for participant_id in took_part
        if _respondent_key(key, participant_id) not in answered
    ]
    secrets.SystemRandom().shuffle(hashes)
    db.session.add_all(PulseTicket(live_session_id=live_session.id, ticket_hash=h) for h in hashes)
    db.session.execute(
        update(PulseResponse)
        .where(PulseResponse.live_session_id == live_session.id)
        .values(respondent_key=None)
        .execution_options(synchronize_session=False)
    )
    pulse.pulse_key = None
    db.session.flush()
    return len(hashes)


def record_late_pulse(
    live_session: LiveSession, *, ticket: str, client_id: str, scores: dict[str, object], now: datetime
) -> bool:
    """An answer after the end, with the phone's ticket: used once (a resend with the same client
    id is recognised, and changes nothing). It joins the session's figures when the time for late
    answers is over, all of them at once. Returns whether it was stored now."""
    if not live_session.is_ended:
        raise NotAllowed(NOT_ENDED_MESSAGE)
    until = late_until(live_session)
    if until is None or now >= until:
        raise NotAllowed(LATE_CLOSED_MESSAGE)
    cleaned = clean_scores(scores)
    this_ticket = (
        PulseTicket.live_session_id == live_session.id,
        PulseTicket.ticket_hash == ticket_hash(ticket),
    )
    claimed = db.session.scalar(
        update(PulseTicket)
        .where(*this_ticket, PulseTicket.used_by.is_(None))
        .values(used_by=client_id)
        .returning(PulseTicket.id)
    )
    if claimed is None:
        if db.session.scalar(select(PulseTicket.used_by).where(*this_ticket)) == client_id:
            return False  # sent again after a lost answer: already stored
        raise NotFound(TICKET_MESSAGE)
    db.session.add(PulseResponse(live_session_id=live_session.id, release_at=until, **cleaned))
    db.session.flush()
    return True


def release_late_answers(now: datetime) -> list[int]:
    """Count the late answers whose time has come (for every session at once) and drop the tickets
    of sessions whose time for answering is over. Returns the sessions whose figures changed.

    The conditional UPDATE is the claim, so with several workers each answer is counted once."""
    due = (PulseResponse.release_at.is_not(None), PulseResponse.release_at <= now)
    released: list[int] = []
    if db.session.scalar(select(PulseResponse.id).where(*due).limit(1)) is not None:
        released = sorted(
            set(
                db.session.scalars(
                    update(PulseResponse)
                    .where(*due)
                    .values(release_at=None)
                    .returning(PulseResponse.live_session_id)
                ).all()
            )
        )
    closed = select(LiveSession.id).where(
        LiveSession.state == SessionState.ENDED,
        LiveSession.ended_at <= now - timedelta(hours=late_hours()),
    )
    db.session.execute(
        delete(PulseTicket)
        .where(PulseTicket.live_session_id.in_(closed))
        .execution_options(synchronize_session=False)
    )
    db.session.flush()
    return released


# --- counting -------------------------------------------------------------------------------------


def tally(live_session: LiveSession) -> dict:
    """The counted answers: how many, and per question how many answered it and their average
    (one decimal), the average only where at least the group's minimum answered that question."""
    minimum = live_session.group.min_aggregate_size
    counted = (PulseResponse.live_session_id == live_session.id, PulseResponse.release_at.is_(None))
    columns = [getattr(PulseResponse, key) for key in QUESTION_KEYS]
    row = db.session.execute(
        select(
            func.count(PulseResponse.id),
            *(func.count(column) for column in columns),
            *(func.avg(column) for column in columns),
        ).where(*counted)
    ).one()
    answered, counts, averages = row[0], row[1 : 1 + len(columns)], row[1 + len(columns) :]
    questions = {}
    for key, count, average in zip(QUESTION_KEYS, counts, averages, strict=True):
        shown = count >= minimum and average is not None
        questions[key] = {"answered": count, "mean": round(float(average), 1) if shown else None}
    score = session_score(questions)
    return {
        "answered": answered,
        "minimum": minimum,
        "too_few": score is None,
        "questions": questions,
        "score": score,
    }


def session_score(questions: dict[str, dict]) -> float | None:
    """A session's pulse in one number: the average of its questions' averages (those shown)."""
    means = [entry["mean"] for entry in questions.values() if entry.get("mean") is not None]
    return round(statistics.fmean(means), 2) if means else None


# --- the drop rule ------------------------------------------------------------------------------


@dataclass(frozen=True)
class DropCheck:
    """What the drop rule found for one session (docs/summaries.md)."""

    score: float | None
    baseline: float | None  # the mean of the group's previous sessions' scores (None: too few)
    spread: float | None  # their sample standard deviation
    baseline_sessions: int  # how many sessions the baseline is made of
    below_baseline: bool
    low_questions: tuple[str, ...]  # keys of the questions averaging below LOW_QUESTION_MEAN

    @property
    def is_drop(self) -> bool:
        return self.below_baseline or bool(self.low_questions)

    @property
    def usual_low(self) -> float | None:
        """The lowest a session's score may be and still count as usual for this group."""
        if self.baseline is None or self.spread is None:
            return None
        return round(self.baseline - max(self.spread, MIN_DROP), 2)


def check_drop(score: float | None, means: dict[str, float | None], earlier: list[float]) -> DropCheck:
    """The rule, on plain numbers: `score` and `means` are the session's, `earlier` the scores of
    the group's previous sessions with a pulse, oldest first (only the last five are used).

    A drop is either: the score more than one standard deviation (and at least MIN_DROP) below
    the mean of the previous five sessions with a pulse, given at least three; or any question's
    average below LOW_QUESTION_MEAN.
    """
    low = tuple(
        key for key in QUESTION_KEYS if (mean := means.get(key)) is not None and mean < LOW_QUESTION_MEAN
    )
    baseline_scores = earlier[-BASELINE_SESSIONS:]
    if score is None or len(baseline_scores) < MIN_BASELINE:
        return DropCheck(score, None, None, len(baseline_scores), False, low if score is not None else ())
    baseline = statistics.fmean(baseline_scores)
    spread = statistics.stdev(baseline_scores)
    below = score < baseline - max(spread, MIN_DROP)
    return DropCheck(score, round(baseline, 2), round(spread, 2), len(baseline_scores), below, low)


class PulsePoint(NamedTuple):
    """One ended session's pulse, as its stored summary holds it."""

    live_session_id: int
    title: str
    date: str | None
    score: float
    means: dict[str, float | None]
    answered: int


def pulse_history(group: Group) -> list[PulsePoint]:
    """The group's ended sessions whose pulse could be shown, oldest first (their stored figures)."""
    live_sessions = ended_sessions(group)
    stored = {
        summary.live_session_id: summary.data
        for summary in db.session.scalars(
            select(SessionSummary).where(SessionSummary.live_session_id.in_([ls.id for ls in live_sessions]))
        )
    }
    points = []
    for live_session in live_sessions:
        section = (stored.get(live_session.id) or {}).get("pulse")
        if not section or section.get("score") is None:
            continue
        points.append(
            PulsePoint(
                live_session.id,
                live_session.title,
                isoformat(live_session.started_at or live_session.ended_at),
                section["score"],
                {key: entry.get("mean") for key, entry in section["questions"].items()},
                section["answered"],
            )
        )
    return points


@dataclass(frozen=True)
class DropAlert:
    """A session whose pulse dropped, and what the rule found."""

    point: PulsePoint
    check: DropCheck

    @property
    def low_questions(self) -> list[dict]:
        by_key = {question.key: question for question in QUESTIONS}
        return [
            {"key": key, "text": by_key[key].text, "short": by_key[key].short, "mean": self.point.means[key]}
            for key in self.check.low_questions
        ]


def check_point(history: list[PulsePoint], index: int) -> DropCheck:
    point = history[index]
    return check_drop(point.score, point.means, [earlier.score for earlier in history[:index]])


def drop_for_session(live_session: LiveSession) -> DropAlert | None:
    """The drop alert of one ended session, if its pulse dropped."""
    history = pulse_history(live_session.group)
    for index, point in enumerate(history):
        if point.live_session_id == live_session.id:
            check = check_point(history, index)
            return DropAlert(point, check) if check.is_drop else None
    return None


def latest_drop(group: Group, *, before: LiveSession | None = None) -> DropAlert | None:
    """The alert for the group's most recent ended session with a pulse, if that pulse dropped:
    what the group page and the next session's console show. `before`: a session that is not
    ended (its console); sessions that ended are all before it."""
    history = pulse_history(group)
    if before is not None:
        history = [point for point in history if point.live_session_id != before.id]
    if not history:
        return None
    check = check_point(history, len(history) - 1)
    return DropAlert(history[-1], check) if check.is_drop else None
