"""Check-in rounds: opening, answering, passing, closing, revealing, and what each screen sees.

Anonymous rounds reach the consoles in batches, as "show at once" small wins do: each answer
waits until the end of its slot of ANONYMOUS_BATCH_SECONDS, so that a count or an answer that
appears just after someone taps cannot point at them. See docs/privacy.md.
"""

from __future__ import annotations

import math
import statistics
from collections import Counter
from datetime import datetime, timedelta
from typing import NamedTuple, cast

from flask import current_app
from sqlalchemy import Insert, Row, Select, Table, bindparam, delete, false, func, select, true, update
from sqlalchemy.dialects import postgresql, sqlite

from ..accounts.models import Facilitator
from ..audit.services import record_action
from ..clock import isoformat, utcnow
from ..errors import Invalid, NotFound
from ..extensions import db
from ..groups.models import Group
from ..safety.models import SafetyFlag
from ..safety.services import find_risk, screen_participant_text
from ..sessions.anonymity import keyed_hash, keyed_hash_with, to_minute
from ..sessions.models import LiveSession, Participant, ParticipantStatus, still_seated
from ..statements import DirectStatement
from .feelings import FEELING_WORDS, LOW_MOOD_MAX, MAX_FEELINGS, MOOD_MAX, MOOD_MIN, NOTE_MAX_LENGTH
from .models import CheckInAnswer, CheckInRound, RoundKind, new_answer_id

DEFAULT_PROMPTS = {
    RoundKind.CHECKIN: "How are you arriving today?",
    RoundKind.CHECKOUT: "How are you leaving today?",
    RoundKind.CUSTOM: "How are you doing right now?",
}
# The agenda steps whose kind is a kind of round; any other step offers a custom round.
_ROUND_STEPS = {RoundKind.CHECKIN, RoundKind.CHECKOUT, RoundKind.CUSTOM}
_SLOT_EPOCH = datetime(2000, 1, 1)


def round_for_step(step: dict | None) -> dict:
    """What the console's round form offers on an agenda step: `{"kind", "prompt", "placeholder"}`.

    A check-in or check-out step (or an "other" step) offers a round of its own kind with its
    prompt; a sharing or wins step a custom round with the default prompt (left empty; the
    placeholder shows it); no agenda at all, a check-in. static/js/console-checkins.js follows the
    same rule when the step changes.
    """
    kind = (step or {}).get("kind")
    if kind in _ROUND_STEPS:
        offered = {"kind": str(kind), "prompt": (step or {}).get("prompt") or ""}
    else:
        offered = {"kind": RoundKind.CUSTOM.value if step else RoundKind.CHECKIN.value, "prompt": ""}
    return {**offered, "placeholder": DEFAULT_PROMPTS[RoundKind(offered["kind"])]}


def latest_round(live_session: LiveSession) -> CheckInRound | None:
    return db.session.scalar(
        select(CheckInRound)
        .where(CheckInRound.live_session_id == live_session.id)
        .order_by(CheckInRound.id.desc())
        .limit(1)
    )


def load_round(live_session: LiveSession, round_id: int) -> CheckInRound:
    checkin_round = db.session.get(CheckInRound, round_id)
    if checkin_round is None or checkin_round.live_session_id != live_session.id:
        raise NotFound("We couldn't find that round.")
    return checkin_round


def open_round(
    actor: Facilitator, live_session: LiveSession, kind: str, prompt: str, anonymous: bool
) -> CheckInRound:
    """Start a round for the room. Only one round is open at a time."""
    current = latest_round(live_session)
    if current is not None and current.is_open:
        raise Invalid("A round is already open. Please close it before opening another.")
    checkin_round = CheckInRound(
        live_session_id=live_session.id,
        kind=kind,
        prompt=prompt.strip() or DEFAULT_PROMPTS[RoundKind(kind)],
        anonymous=anonymous,
    )
    db.session.add(checkin_round)
    db.session.flush()
    record_action(actor, "round.opened", live_session=live_session, round_id=checkin_round.id, kind=kind)
    return checkin_round


def close_round(actor: Facilitator, live_session: LiveSession, round_id: int) -> CheckInRound:
    """Stop taking answers for a round; the consoles now see every answer."""
    checkin_round = load_round(live_session, round_id)
    if not checkin_round.is_open:
        raise Invalid("This round is already closed.")
    checkin_round.closed_at = utcnow()
    release_all_answers(checkin_round)
    record_action(actor, "round.closed", live_session=live_session, round_id=round_id)
    return checkin_round


def close_at_session_end(live_session: LiveSession) -> None:
    """The session ends: a round still open closes, and its waiting answers are shown at once, so
    none keeps its batch slot once the session is over."""
    current = latest_round(live_session)
    if current is not None and current.is_open:
        current.closed_at = utcnow()
        release_all_answers(current)


def reveal_round(actor: Facilitator, live_session: LiveSession, round_id: int) -> CheckInRound:
    """Show the group's aggregate on every screen (closing the round first if it is open)."""
    checkin_round = load_round(live_session, round_id)
    now = utcnow()
    if checkin_round.is_open:
        checkin_round.closed_at = now
        release_all_answers(checkin_round)
    checkin_round.revealed_at = now
    record_action(actor, "round.revealed", live_session=live_session, round_id=round_id)
    return checkin_round


# --- batches of anonymous answers ---------------------------------------------------------------


def batch_slot_end(now: datetime, batch_seconds: int) -> datetime:
    """The end of the slot of `batch_seconds` that `now` falls in: when an answer given now is shown.

    Every answer given within the same slot reaches the consoles at the same moment.
    """
    batch_seconds = max(batch_seconds, 1)
    elapsed = (now - _SLOT_EPOCH).total_seconds()
    return _SLOT_EPOCH + timedelta(seconds=(math.floor(elapsed / batch_seconds) + 1) * batch_seconds)


def _release(checkin_round: CheckInRound, *conditions) -> bool:
    """Claim the round's waiting answers that match `conditions` (they are shown from now on) and
    drop the earlier versions they replace. Returns whether this call claimed any.

    The conditional UPDATE is the claim: when several workers try at once, each answer is
    released by exactly one of them. A plain read first keeps the usual case (nothing due) from
    taking a write lock.
    """
    waiting = (
        CheckInAnswer.round_id == checkin_round.id,
        CheckInAnswer.release_at.is_not(None),
        *conditions,
    )
    if db.session.scalar(select(CheckInAnswer.id).where(*waiting).limit(1)) is None:
        return False
    claimed = db.session.scalars(
        update(CheckInAnswer).where(*waiting).values(release_at=None).returning(CheckInAnswer.id)
    ).all()
    if not claimed:
        return False
    db.session.execute(
        delete(CheckInAnswer).where(
            CheckInAnswer.round_id == checkin_round.id, CheckInAnswer.replaced_by_id.in_(claimed)
        )
    )
    db.session.flush()
    return True


def release_due_answers(checkin_round: CheckInRound, now: datetime | None = None) -> bool:
    """Show the consoles every anonymous answer whose slot has ended. Returns whether any was."""
    return _release(checkin_round, CheckInAnswer.release_at <= (now or utcnow()))


def release_all_answers(checkin_round: CheckInRound) -> bool:
    """Show the consoles every answer of the round at once (it is closing)."""
    return _release(checkin_round)


def _respondent_key(live_session: LiveSession, checkin_round: CheckInRound, participant: Participant) -> str:
    return keyed_hash(live_session, "checkin", checkin_round.id, participant.id)


def _clean_answer(
    passed: bool, mood: int | None, feelings: list[str], note: str | None
) -> tuple[int | None, list[str], str | None]:
    """Check an answer's content; a pass carries nothing else."""
    note = (note or "").strip() or None
    if passed:
        if mood is not None or feelings or note:
            raise Invalid("A pass doesn't need anything else. Please send just the pass.")
        return None, [], None
    if mood is not None and not MOOD_MIN <= mood <= MOOD_MAX:
        raise Invalid(f"Please choose a mood from {MOOD_MIN} to {MOOD_MAX}.")
    words = list(dict.fromkeys(word.strip().lower() for word in feelings))
    if len(words) > MAX_FEELINGS:
        raise Invalid(f"Please choose up to {MAX_FEELINGS} feeling words.")
    if unknown := [word for word in words if word not in FEELING_WORDS]:
        raise Invalid(f"We don't know the feeling word “{unknown[0][:30]}”. Please pick from the list.")
    if note is not None and len(note) > NOTE_MAX_LENGTH:
        raise Invalid(f"Please keep your note to {NOTE_MAX_LENGTH} characters.")
    if mood is None and not words and note is None:
        raise Invalid("Choose a mood, a feeling or a note, or press Pass. Passing is always fine.")
    return mood, words, note


class RecordedAnswer(NamedTuple):
    round: CheckInRound
    answer: CheckInAnswer
    changed: bool  # False for a resend of the answer already stored
    flag: SafetyFlag | None  # set when the note matched the risk phrase list and was held back


def record_answer(
    participant: Participant,
    live_session: LiveSession,
    round_id: int,
    *,
    client_id: str,
    passed: bool = False,
    mood: int | None = None,
    feelings: list[str] | None = None,
    note: str | None = None,
    note_shared: bool = False,
) -> RecordedAnswer:
    """Record (or change) a participant's answer.

    A resend carrying the client id of the stored answer changes nothing, so a phone that lost
    its acknowledgement can safely send again. A note with risk language is never shared with
    the group, and raises a safety flag for the facilitators.
    """
    checkin_round = load_round(live_session, round_id)
    key = _respondent_key(live_session, checkin_round, participant)
    # Locked (on PostgreSQL) so that a release cannot claim this answer while it changes.
    answer = db.session.scalar(
        select(CheckInAnswer)
        .where(CheckInAnswer.round_id == round_id, CheckInAnswer.respondent_key == key)
        .with_for_update()
    )
    if answer is not None and answer.client_id == client_id:
        return RecordedAnswer(checkin_round, answer, changed=False, flag=None)
    if not checkin_round.is_open:
        raise Invalid("This round has closed, so answers can't change now. Thank you for taking part.")
    mood, words, note = _clean_answer(passed, mood, feelings or [], note)
    flag = None
    if note is not None and (answer is None or answer.note != note):
        author = None if checkin_round.anonymous else participant
        flag = screen_participant_text(live_session, note, "checkin_note", author)
    # An anonymous answer the consoles have seen stays as it is, shown and counted, until its
    # replacement (a new row, with a new id) is released: a change must not move the console's
    # counts the moment its author taps. One they have not seen yet is simply rewritten.
    earlier = None
    if answer is not None and checkin_round.anonymous and answer.release_at is None:
        earlier, answer = answer, None
        earlier.respondent_key = None
        db.session.flush()  # frees the person's key for the new version
    if answer is None:
        answer = CheckInAnswer(id=new_answer_id(), round_id=round_id, respondent_key=key)
        db.session.add(answer)
    if checkin_round.anonymous:
        answer.answered_at = to_minute(checkin_round.opened_at)  # the same for every answer
        answer.release_at = batch_slot_end(utcnow(), current_app.config["ANONYMOUS_BATCH_SECONDS"])
    else:
        answer.participant_id = participant.id
        answer.answered_at = utcnow()
    answer.client_id = client_id
    answer.passed = passed
    answer.mood = mood
    answer.feelings = words
    answer.note = note
    answer.note_shared = bool(note and note_shared and flag is None)
    db.session.flush()
    if earlier is not None:
        earlier.replaced_by_id = answer.id  # once the new row exists, for the foreign key
        db.session.flush()
    return RecordedAnswer(checkin_round, answer, changed=True, flag=flag)


class QuickAnswer(NamedTuple):
    """A named round's answer as `record_named_answer` stored it: what the console lists."""

    id: str
    passed: bool
    mood: int | None
    feelings: list[str]
    note: str | None
    note_shared: bool


def record_named_answer(
    live_session_id: int,
    anonymity_key: bytes | None,
    participant_id: int,
    round_id: int,
    *,
    sid: str,
    client_id: str,
    passed: bool = False,
    mood: int | None = None,
    feelings: list[str] | None = None,
    note: str | None = None,
    note_shared: bool = False,
) -> QuickAnswer | None:
    """The usual answer, recorded in one statement: a new or changed answer to an open named
    round of the participant's own session, whose note (if any) the risk screen lets through.

    The statement itself checks the seat (the phone's connection `sid` still open, the participant
    in the room, the session live: `still_seated`, so what was read at an earlier event will do) and
    the round (this session's, open, named), and inserts the answer or, for a person who answered
    before, changes it unless it carries the same client id (a resend). Whenever it records
    nothing, or the content or note needs more care, this returns None and `record_answer`
    decides, exactly as it always did: a resend, a closed, anonymous or unknown round, content it
    refuses, a note to hold back, a seat no longer in the room.

    The statement runs in a transaction of its own, committed when this returns, past the ORM's
    session (facilitator/statements.py): call it before the event's session writes anything.
    """
    try:
        mood, words, note = _clean_answer(passed, mood, feelings or [], note)
    except Invalid:
        return None
    if note is not None and find_risk(note) is not None:
        return None
    if db.engine.dialect.name not in _UPSERT_DIALECTS:
        return None
    answer_id = _named_answer_upsert.first_value(
        {
            "id": new_answer_id(),
            "sid": sid,
            "round_id": round_id,
            "live_session_id": live_session_id,
            "participant_id": participant_id,
            "respondent_key": keyed_hash_with(anonymity_key, "checkin", round_id, participant_id),
            "client_id": client_id,
            "passed": passed,
            "mood": mood,
            "feelings": words,
            "note": note,
            "note_shared": bool(note and note_shared),
            "answered_at": utcnow(),
        },
    )
    if answer_id is None:
        return None
    return QuickAnswer(answer_id, passed, mood, words, note, bool(note and note_shared))


_UPSERT_DIALECTS = ("sqlite", "postgresql")  # the databases with INSERT ... ON CONFLICT here


def _build_named_answer_upsert(dialect: str) -> Insert:
    """INSERT ... SELECT FROM the round (if open, named and the session's, and the seat still
    holds) ... ON CONFLICT of the person's key DO UPDATE unless the client id is the same ...
    RETURNING the answer's id."""
    answers, rounds = CheckInAnswer.__table__.c, CheckInRound.__table__.c
    written = [
        "id",
        "participant_id",
        "respondent_key",
        "client_id",
        "passed",
        "mood",
        "feelings",
        "note",
        "note_shared",
        "answered_at",
    ]
    values = [bindparam(name, type_=answers[name].type) for name in written]
    source = select(rounds.id, *values).where(
        rounds.id == bindparam("round_id"),
        rounds.live_session_id == bindparam("live_session_id"),
        rounds.closed_at.is_(None),
        rounds.anonymous == false(),
        still_seated(),
    )
    upsert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    insert = upsert(cast(Table, CheckInAnswer.__table__)).from_select(
        [answers.round_id, *(answers[name] for name in written)], source
    )
    return insert.on_conflict_do_update(
        index_elements=[answers.round_id, answers.respondent_key],
        set_={name: insert.excluded[name] for name in written if name not in ("id", "respondent_key")},
        where=answers.client_id != insert.excluded.client_id,
    ).returning(answers.id)


# Run past the ORM's session, in a transaction of its own: one answer a phone, many a second.
_named_answer_upsert = DirectStatement(_build_named_answer_upsert)


# --- what screens see -------------------------------------------------------------------------


def mood_statistics(distribution: list[int]) -> dict:
    """Average and median from the counts of each mood on the scale (index 0 is mood 1)."""
    total = sum(distribution)
    if not total:
        return {"distribution": distribution, "average": None, "median": None}
    moods = [
        mood
        for mood, count in zip(range(MOOD_MIN, MOOD_MAX + 1), distribution, strict=True)
        for _ in range(count)
    ]
    return {
        "distribution": distribution,
        "average": round(sum(moods) / total, 1),
        "median": statistics.median(moods),
    }


def round_entry(checkin_round: CheckInRound | Row) -> dict:
    """A round as every screen lists it (from the object, or a row of its table's columns)."""
    return {
        "id": checkin_round.id,
        "kind": checkin_round.kind,
        "prompt": checkin_round.prompt,
        "anonymous": checkin_round.anonymous,
        "open": checkin_round.closed_at is None,
        "revealed": checkin_round.revealed_at is not None,
        "opened_at": isoformat(checkin_round.opened_at),
    }


def counted_answers(checkin_round: CheckInRound, *, shown: bool = False) -> tuple:
    """Conditions for a round's answers: each person's latest one, or (`shown`) what the consoles
    may see now, which in an anonymous round is what the batches released so far."""
    if shown:
        return (CheckInAnswer.round_id == checkin_round.id, CheckInAnswer.release_at.is_(None))
    return (CheckInAnswer.round_id == checkin_round.id, CheckInAnswer.replaced_by_id.is_(None))


# Each database's function that turns a JSON array into rows, so words are counted in SQL.
_JSON_ARRAY_ROWS = {"sqlite": func.json_each, "postgresql": func.json_array_elements_text}


class _TallyQueries(NamedTuple):
    by_passed_and_mood: Select
    feeling_words: Select | None  # None: a database that cannot count words itself
    feeling_lists: Select


_tally_queries: dict[tuple[str, bool], _TallyQueries] = {}


def _tally_queries_for(dialect: str, shown: bool) -> _TallyQueries:
    """The tally's statements, built once per database kind (the round is a parameter): a console
    recount runs them every ROUND_RECOUNT_SECONDS in every live round."""
    if (dialect, shown) not in _tally_queries:
        answers = CheckInAnswer.__table__.c
        in_round = (
            answers.round_id == bindparam("round_id"),
            answers.release_at.is_(None) if shown else answers.replaced_by_id.is_(None),
        )
        answered = (*in_round, answers.passed == false())
        to_rows = _JSON_ARRAY_ROWS.get(dialect)
        feeling_words = None
        if to_rows is not None:
            words = to_rows(answers.feelings).table_valued("value")
            feeling_words = (
                select(words.c.value, func.count())
                .select_from(CheckInAnswer.__table__)
                .join(words, true())  # each answer with its own words (a lateral join)
                .where(*answered)
                .group_by(words.c.value)
            )
        _tally_queries[(dialect, shown)] = _TallyQueries(
            select(answers.passed, answers.mood, func.count())
            .where(*in_round)
            .group_by(answers.passed, answers.mood),
            feeling_words,
            select(answers.feelings).where(*answered),
        )
    return _tally_queries[(dialect, shown)]


class Tally(NamedTuple):
    """A round counted in the database, without loading its answers."""

    answered: int
    passed: int
    distribution: list[int]
    feelings: list[list]  # [word, count], most frequent first

    def mood(self) -> dict:
        return mood_statistics(self.distribution)


def tally_round(checkin_round: CheckInRound, *, shown: bool = False) -> Tally:
    """Count answers, passes, moods and feeling words of a round (two small queries): everyone's
    latest answers, or (`shown`) only those the consoles may see now."""
    return _tally(checkin_round.id, shown=shown)


def _tally(checkin_round_id: int, *, shown: bool) -> Tally:
    connection = db.session.connection()
    queries = _tally_queries_for(connection.dialect.name, shown)
    round_id = {"round_id": checkin_round_id}
    by_passed: Counter = Counter()
    by_mood: Counter = Counter()
    for passed, mood, count in connection.execute(queries.by_passed_and_mood, round_id):
        by_passed[passed] += count
        if mood is not None:
            by_mood[mood] += count
    if queries.feeling_words is not None:
        words = Counter(dict(connection.execute(queries.feeling_words, round_id).all()))
    else:  # count here instead
        chosen = connection.execute(queries.feeling_lists, round_id).scalars()
        words = Counter(word for feelings in chosen for word in feelings)
    return Tally(
        answered=by_passed[False],
        passed=by_passed[True],
        distribution=[by_mood[mood] for mood in range(MOOD_MIN, MOOD_MAX + 1)],
        feelings=[
            [word, count] for word, count in sorted(words.items(), key=lambda item: (-item[1], item[0]))
        ],
    )


def answered_count(checkin_round: CheckInRound) -> int:
    """How many answers of a round the consoles may see (passes not counted), in one query."""
    return db.session.execute(
        select(func.count(CheckInAnswer.id)).where(
            *counted_answers(checkin_round, shown=True), CheckInAnswer.passed.is_(False)
        )
    ).scalar_one()


def responded_count(checkin_round: CheckInRound) -> int:
    """How many have answered or passed, counting what the consoles may see now (in an anonymous
    round, the batches released so far), in one query. Passes count too: a count that moved for
    answers only would tell the room who passed."""
    return db.session.execute(
        select(func.count(CheckInAnswer.id)).where(*counted_answers(checkin_round, shown=True))
    ).scalar_one()


_PRESENT_COUNT = select(func.count()).where(
    Participant.__table__.c.live_session_id == bindparam("live_session_id"),
    Participant.__table__.c.status == ParticipantStatus.PRESENT.value,
)


def is_too_few(live_session: LiveSession, checkin_round: CheckInRound, answered: int) -> bool:
    """Whether an anonymous round has too few answers for the console to show any detail.

    On the console `answered` counts only the answers released so far.
    """
    return _too_few(checkin_round.anonymous, answered, live_session.group.min_aggregate_size)


def _too_few(anonymous: bool, answered: int, minimum: int) -> bool:
    return anonymous and answered < minimum


def is_low_mood(mood: int | None) -> bool:
    """A very low mood ("Really struggling", "Very low"): the console highlights it for the facilitator."""
    return mood is not None and mood <= LOW_MOOD_MAX


def response_entry(answer: CheckInAnswer | QuickAnswer, name: str | None) -> dict:
    """One answer as the console lists it; `name` is None in anonymous rounds.

    `low_mood` marks a very low mood for the facilitator; it is in no participant's or screen's
    payload (they get aggregates only).
    """
    return {
        "id": answer.id,
        "name": name,
        "passed": answer.passed,
        "mood": answer.mood,
        "low_mood": is_low_mood(answer.mood),
        "feelings": answer.feelings,
        "note": answer.note,
        "note_shared": answer.note_shared,
    }


def console_tally(live_session: LiveSession, checkin_round: CheckInRound) -> dict:
    """The facilitator's live counts and aggregates of a round, without the individual answers.

    Only answers the consoles may see count (in an anonymous round, the batches released so far,
    "waiting" included). An anonymous round with fewer answers than the group's minimum shows
    counts only, as a revealed round would.
    """
    return _console_tally(checkin_round, live_session.id, live_session.group.min_aggregate_size)


_rounds, _groups = CheckInRound.__table__.c, Group.__table__.c
_ROUND_FOR_TALLY = (
    select(
        _rounds.id,
        _rounds.kind,
        _rounds.prompt,
        _rounds.anonymous,
        _rounds.closed_at,
        _rounds.revealed_at,
        _rounds.opened_at,
        _rounds.live_session_id,
        _groups.min_aggregate_size,
    )
    .join(LiveSession.__table__, LiveSession.__table__.c.id == _rounds.live_session_id)
    .join(Group.__table__, _groups.id == LiveSession.__table__.c.group_id)
    .where(_rounds.id == bindparam("round_id"))
)


def recount_console_tally(round_id: int) -> dict | None:
    """`console_tally` from the round's id alone, in three small queries and no objects: what a
    console recount runs every ROUND_RECOUNT_SECONDS in every live named round."""
    row = db.session.connection().execute(_ROUND_FOR_TALLY, {"round_id": round_id}).one_or_none()
    if row is None:
        return None
    return _console_tally(row, row.live_session_id, row.min_aggregate_size)


def _console_tally(checkin_round: CheckInRound | Row, live_session_id: int, minimum: int) -> dict:
    tally = _tally(checkin_round.id, shown=True)
    connection = db.session.connection()
    present = connection.execute(_PRESENT_COUNT, {"live_session_id": live_session_id}).scalar_one()
    summary = {
        **round_entry(checkin_round),
        "answered": tally.answered,
        "passed": tally.passed,
        "waiting": max(present - tally.answered - tally.passed, 0),
        "minimum": minimum,
        "too_few": _too_few(checkin_round.anonymous, tally.answered, minimum),
    }
    if summary["too_few"]:
        return summary
    return {**summary, "mood": tally.mood(), "feelings": tally.feelings}


def round_responses(checkin_round: CheckInRound) -> list[dict]:
    """The answers of a round the consoles may see: named ones oldest first, with names;
    anonymous ones in the order of their random ids, which says nothing about arrival."""
    order = (CheckInAnswer.id,) if checkin_round.anonymous else (CheckInAnswer.answered_at, CheckInAnswer.id)
    rows = db.session.execute(
        select(CheckInAnswer, Participant.display_name)
        .outerjoin(Participant, Participant.id == CheckInAnswer.participant_id)
        .where(*counted_answers(checkin_round, shown=True))
        .order_by(*order)
    )
    return [response_entry(answer, name) for answer, name in rows]


def console_summary(live_session: LiveSession, checkin_round: CheckInRound) -> dict:
    """The console's whole view of a round: counts, aggregates and, unless too few, every answer."""
    summary = console_tally(live_session, checkin_round)
    if summary["too_few"]:
        return summary
    return {**summary, "responses": round_responses(checkin_round)}


def group_aggregate(live_session: LiveSession, checkin_round: CheckInRound) -> dict:
    """What a revealed round shows every screen: never who said what, and nothing if too few answered."""
    tally = tally_round(checkin_round)
    base = {"round_id": checkin_round.id, "answered": tally.answered}
    if tally.answered < live_session.group.min_aggregate_size:
        return {**base, "too_few": True}
    shared_notes = db.session.scalars(
        select(CheckInAnswer.note)
        .where(*counted_answers(checkin_round), CheckInAnswer.note_shared.is_(True))
        .order_by(CheckInAnswer.note)
    ).all()
    return {
        **base,
        "too_few": False,
        "mood": tally.mood(),
        "feelings": tally.feelings,
        "shared_notes": shared_notes,
    }


def screen_round(live_session: LiveSession, checkin_round: CheckInRound) -> dict:
    """The latest round as the projected screen shows it: the round entry, how many have responded
    (never who), and once revealed the group's aggregate (nothing if too few answered)."""
    entry = {**round_entry(checkin_round), "responded": responded_count(checkin_round)}
    if checkin_round.revealed_at is not None:
        entry["reveal"] = group_aggregate(live_session, checkin_round)
    return entry


def own_answer(
    live_session: LiveSession, checkin_round: CheckInRound, participant: Participant
) -> dict | None:
    """The participant's own answer to a round, so a reload shows what they sent."""
    if live_session.anonymity_key is None:
        return None
    answer = db.session.scalar(
        select(CheckInAnswer).where(
            CheckInAnswer.round_id == checkin_round.id,
            CheckInAnswer.respondent_key == _respondent_key(live_session, checkin_round, participant),
        )
    )
    if answer is None:
        return None
    return {
        "client_id": answer.client_id,
        "passed": answer.passed,
        "mood": answer.mood,
        "feelings": answer.feelings,
        "note": answer.note,
        "note_shared": answer.note_shared,
    }
