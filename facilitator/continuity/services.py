"""Returning members and next small steps: remembering, recognising, forgetting, and the steps.

The phone keeps a random 256-bit key per group (localStorage) and the person may write down a
recovery phrase; the server keeps only HMAC-SHA256 hashes of both, under a key derived from the
app's SECRET_KEY and scoped to the group. See docs/privacy.md ("Returning members and next steps").
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
from collections import Counter
from functools import cache
from pathlib import Path

from flask import current_app
from sqlalchemy import delete, desc, select

from ..checkins.models import CheckInAnswer, CheckInRound
from ..clock import isoformat, utcnow
from ..errors import Invalid, NotFound
from ..extensions import db
from ..safety.services import screen_participant_text
from ..sessions.models import LiveSession, Participant
from .models import (
    PHRASE_WORDS,
    STEP_MAX_LENGTH,
    FollowUp,
    NextStep,
    ReturningKey,
    ReturningMember,
    ReturningSeat,
    StepFollowUp,
)

MOOD_HISTORY_LIMIT = 12
_WORDS_FILE = Path(__file__).with_name("words.txt")


@cache
def word_list() -> tuple[str, ...]:
    """The fixed list the recovery phrases are drawn from (256 words: 8 bits a word)."""
    return tuple(_WORDS_FILE.read_text().split())


def new_phrase() -> str:
    return " ".join(secrets.choice(word_list()) for _ in range(PHRASE_WORDS))


def normalise_phrase(typed: str) -> str:
    """What a person typed, as hashed: lower case words, any spaces, dashes or commas between."""
    return " ".join(re.findall(r"[a-z]+", typed.lower()))


def _hash(purpose: str, group_id: int, secret: str) -> str:
    secret_key = str(current_app.config["SECRET_KEY"]).encode()
    key = hmac.new(secret_key, b"stepwise.continuity", hashlib.sha256).digest()
    return hmac.new(key, f"{purpose}:{group_id}:{secret}".encode(), hashlib.sha256).hexdigest()


def member_of(participant: Participant) -> ReturningMember | None:
    return db.session.scalar(
        select(ReturningMember)
        .join(ReturningSeat, ReturningSeat.returning_member_id == ReturningMember.id)
        .where(ReturningSeat.participant_id == participant.id)
    )


def _link(member: ReturningMember, participant: Participant) -> None:
    """This seat is the member's: one more session attended."""
    db.session.add(ReturningSeat(participant_id=participant.id, returning_member_id=member.id))
    member.sessions_attended += 1
    member.last_seen = utcnow()


def remember(participant: Participant, live_session: LiveSession, key: str) -> str:
    """ "Remember me in this group": a new member with this phone's key; returns the recovery phrase
    (shown once, never stored)."""
    if member_of(participant) is not None:
        raise Invalid("You're already remembered in this group.")
    group_id = live_session.group_id
    key_hash = _hash("key", group_id, key)
    if db.session.get(ReturningKey, key_hash) is not None:
        raise Invalid("This phone is already remembered in this group.")
    phrase = new_phrase()
    member = ReturningMember(group_id=group_id, phrase_hash=_hash("phrase", group_id, phrase))
    db.session.add(member)
    db.session.flush()
    db.session.add(ReturningKey(key_hash=key_hash, returning_member_id=member.id))
    db.session.add(ReturningSeat(participant_id=participant.id, returning_member_id=member.id))
    db.session.flush()
    return phrase


def recognise(
    participant: Participant, live_session: LiveSession, key: str | None, phrase: str | None
) -> ReturningMember:
    """Link this seat to the member this phone's key (or the typed phrase) belongs to, in this
    group only. With the phrase, the phone's own key is added, so it is recognised next time."""
    current = member_of(participant)
    if current is not None:
        return current
    group_id = live_session.group_id
    member = None
    if phrase:
        member = db.session.scalar(
            select(ReturningMember).where(
                ReturningMember.group_id == group_id,
                ReturningMember.phrase_hash == _hash("phrase", group_id, normalise_phrase(phrase)),
            )
        )
    elif key:
        member = db.session.scalar(
            select(ReturningMember)
            .join(ReturningKey, ReturningKey.returning_member_id == ReturningMember.id)
            .where(ReturningMember.group_id == group_id, ReturningKey.key_hash == _hash("key", group_id, key))
        )
    if member is None:
        raise NotFound("We couldn't find you in this group. Please check the words and try again.")
    if phrase and key and db.session.get(ReturningKey, _hash("key", group_id, key)) is None:
        db.session.add(ReturningKey(key_hash=_hash("key", group_id, key), returning_member_id=member.id))
    _link(member, participant)
    db.session.flush()
    return member


def forget(participant: Participant) -> bool:
    """ "Forget me": the member, its keys and every link between its seats are deleted for good."""
    member = member_of(participant)
    if member is None:
        return False
    db.session.execute(delete(ReturningSeat).where(ReturningSeat.returning_member_id == member.id))
    db.session.execute(delete(ReturningKey).where(ReturningKey.returning_member_id == member.id))
    db.session.execute(delete(ReturningMember).where(ReturningMember.id == member.id))
    db.session.expire_all()
    return True


def _earlier_seats(participant: Participant, member: ReturningMember) -> list[int]:
    return list(
        db.session.scalars(
            select(ReturningSeat.participant_id).where(
                ReturningSeat.returning_member_id == member.id,
                ReturningSeat.participant_id != participant.id,
            )
        )
    )


def previous_step(participant: Participant) -> NextStep | None:
    """A returning member's latest step from an earlier session of this group."""
    member = member_of(participant)
    if member is None:
        return None
    return db.session.scalar(
        select(NextStep)
        .where(NextStep.participant_id.in_(_earlier_seats(participant, member)), NextStep.text.is_not(None))
        .order_by(desc(NextStep.written_at))
        .limit(1)
    )


def mood_history(participant: Participant) -> list[dict]:
    """A returning member's own moods in this group's named rounds (an anonymous answer has no
    participant, so it can never appear here), oldest first."""
    member = member_of(participant)
    if member is None:
        return []
    seats = [participant.id, *_earlier_seats(participant, member)]
    rows = db.session.execute(
        select(CheckInRound.kind, CheckInAnswer.mood, CheckInAnswer.answered_at)
        .join(CheckInRound, CheckInRound.id == CheckInAnswer.round_id)
        .where(
            CheckInAnswer.participant_id.in_(seats),
            CheckInRound.anonymous.is_(False),
            CheckInAnswer.mood.is_not(None),
            CheckInAnswer.replaced_by_id.is_(None),
        )
        .order_by(desc(CheckInAnswer.answered_at))
        .limit(MOOD_HISTORY_LIMIT)
    ).all()
    return [{"kind": kind, "mood": mood, "at": isoformat(at)} for kind, mood, at in reversed(rows)]


def own_step(participant_id: int | None) -> NextStep | None:
    return db.session.get(NextStep, participant_id) if participant_id else None


def write_step(
    participant: Participant, live_session: LiveSession, text: str, shared: bool
) -> NextStep | None:
    """Write (or change, or with an empty text remove) one's small step for the coming week. The
    text passes the risk screen like every other free text."""
    text = text.strip()
    if len(text) > STEP_MAX_LENGTH:
        raise Invalid(f"Please keep your step to {STEP_MAX_LENGTH} characters.")
    step = own_step(participant.id)
    if not text:
        if step is not None:
            db.session.delete(step)
            db.session.flush()
        return None
    if step is None or step.text != text:
        screen_participant_text(live_session, text, "next_step", participant)
    if step is None:
        step = NextStep(participant_id=participant.id, live_session_id=live_session.id)
        db.session.add(step)
    step.text, step.shared, step.written_at = text, shared, utcnow()
    db.session.flush()
    return step


def follow_up(participant: Participant, live_session: LiveSession, outcome: str) -> StepFollowUp:
    """How the last step went. Shared with the facilitator only if the step itself was shared."""
    step = previous_step(participant)
    if step is None:
        raise Invalid("There's no earlier step to look back on.")
    answer = db.session.get(StepFollowUp, participant.id)
    if answer is None:
        answer = StepFollowUp(participant_id=participant.id, live_session_id=live_session.id)
        db.session.add(answer)
    answer.outcome, answer.shared = FollowUp(outcome).value, step.shared
    db.session.flush()
    return answer


# --- what each screen sees ----------------------------------------------------------------------


def phone_view(participant: Participant) -> dict:
    """Everything remembered about this person, for their own phone only."""
    member = member_of(participant)
    step = own_step(participant.id)
    earlier = previous_step(participant)
    answer = db.session.get(StepFollowUp, participant.id)
    return {
        "returning": member is not None,
        "sessions_attended": member.sessions_attended if member else None,
        "remembered_since": isoformat(member.created_at) if member else None,
        "previous_step": {"text": earlier.text, "shared": earlier.shared} if earlier else None,
        "follow_up": answer.outcome if answer else None,
        "moods": mood_history(participant),
        "next_step": {"text": step.text, "shared": step.shared} if step else None,
    }


def returning_counts(live_session: LiveSession) -> dict[int, int]:
    """Each returning seat in the session and how many sessions of the group it has attended."""
    rows = db.session.execute(
        select(ReturningSeat.participant_id, ReturningMember.sessions_attended)
        .join(ReturningMember, ReturningMember.id == ReturningSeat.returning_member_id)
        .join(Participant, Participant.id == ReturningSeat.participant_id)
        .where(Participant.live_session_id == live_session.id)
    ).all()
    return {participant_id: attended for participant_id, attended in rows}


def console_view(live_session: LiveSession) -> dict:
    """For facilitators: who is returning (and their count), steps and follow-ups as counts, and
    names only of those who shared."""
    steps = db.session.execute(
        select(NextStep.shared, NextStep.text, Participant.display_name)
        .join(Participant, Participant.id == NextStep.participant_id)
        .where(NextStep.live_session_id == live_session.id, NextStep.text.is_not(None))
        .order_by(Participant.display_name)
    ).all()
    answers = db.session.execute(
        select(StepFollowUp.outcome, StepFollowUp.shared, Participant.display_name)
        .join(Participant, Participant.id == StepFollowUp.participant_id)
        .where(StepFollowUp.live_session_id == live_session.id)
        .order_by(Participant.display_name)
    ).all()
    counts = Counter(outcome for outcome, _shared, _name in answers)
    return {
        "returning": {str(key): value for key, value in returning_counts(live_session).items()},
        "steps_written": len(steps),
        "shared_steps": [{"name": name, "text": text} for shared, text, name in steps if shared],
        "follow_ups": {outcome.value: counts.get(outcome.value, 0) for outcome in FollowUp},
        "shared_follow_ups": [
            {"name": name, "outcome": outcome} for outcome, shared, name in answers if shared
        ],
    }
