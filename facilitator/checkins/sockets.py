"""Socket.IO handlers for check-in rounds. See docs/protocol.md ("Check-in rounds") and, for
the batches of anonymous answers, docs/privacy.md."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

from flask import current_app
from pydantic import Field, StringConstraints

from ..clock import utcnow
from ..extensions import db
from ..jobs import run_later
from ..realtime.announce import announce_soon, announce_to_consoles, announce_to_room, announce_to_screen
from ..realtime.callers import FacilitatorCaller, ParticipantCaller, Seat
from ..realtime.events import ClientId, DbId, Payload, SocketEvents, error, ok
from ..realtime.snapshot import Viewer
from ..safety.sockets import announce_safety_flag
from ..sessions.models import LiveSession, Participant
from . import services
from .feelings import MAX_FEELINGS, MOOD_MAX, MOOD_MIN, NOTE_MAX_LENGTH
from .models import CheckInAnswer, CheckInRound


class OpenRoundPayload(Payload):
    kind: Literal["checkin", "checkout", "custom"]
    prompt: str = Field(default="", max_length=200)
    anonymous: bool = False


class RoundRef(Payload):
    round_id: DbId


class AnswerPayload(Payload):
    round_id: DbId
    client_id: ClientId
    passed: bool = False
    mood: int | None = Field(default=None, ge=MOOD_MIN, le=MOOD_MAX)
    feelings: list[Annotated[str, StringConstraints(max_length=30)]] = Field(
        default_factory=list, max_length=MAX_FEELINGS
    )
    note: str | None = Field(default=None, max_length=NOTE_MAX_LENGTH)
    note_shared: bool = False


events = SocketEvents()


def checkin_state(live_session: LiveSession, viewer: Viewer, participant: Participant | None) -> dict:
    """The latest round: the console's live summary, or the participant's own answer and any reveal."""
    checkin_round = services.latest_round(live_session)
    if checkin_round is None:
        return {"round": None}
    if viewer == "facilitator":
        return {"round": services.console_summary(live_session, checkin_round)}
    if viewer == "screen":
        return {"round": services.screen_round(live_session, checkin_round)}
    entry = services.round_entry(checkin_round)
    if participant is not None:
        entry["your_answer"] = services.own_answer(live_session, checkin_round, participant)
    if checkin_round.revealed_at is not None:
        entry["reveal"] = services.group_aggregate(live_session, checkin_round)
    return {"round": entry}


def release_due(live_session: LiveSession) -> None:
    """Before a snapshot: anonymous answers a lost timer left waiting are released, so nothing
    waits past its slot."""
    checkin_round = services.latest_round(live_session)
    if checkin_round is not None and checkin_round.anonymous:
        release_and_announce(live_session, checkin_round)


def announce_round_tally(live_session: LiveSession, checkin_round: CheckInRound) -> dict:
    """Send the consoles a round's counts and aggregates (never its individual answers), and the
    shared screen how many have responded (`round_count`), at the same moments."""
    tally = services.console_tally(live_session, checkin_round)
    announce_tally(live_session.id, tally)
    return tally


def announce_tally(live_session_id: int, tally: dict) -> None:
    announce_to_consoles(live_session_id, "round_updated", tally)
    responded = tally["answered"] + tally["passed"]
    announce_to_screen(live_session_id, "round_count", {"round_id": tally["id"], "responded": responded})


def announce_round_view(live_session: LiveSession, checkin_round: CheckInRound) -> None:
    """Send the consoles a round's tally and, for an anonymous round with enough answers, every
    answer they may see, in the order of their random ids (`answers_released`)."""
    tally = announce_round_tally(live_session, checkin_round)
    if checkin_round.anonymous and not tally["too_few"]:
        responses = services.round_responses(checkin_round)
        announce_to_consoles(
            live_session.id, "answers_released", {"round_id": checkin_round.id, "responses": responses}
        )


def release_and_announce(
    live_session: LiveSession, checkin_round: CheckInRound, now: datetime | None = None
) -> None:
    """Release the anonymous answers whose slot has ended, and show them to the consoles (once
    committed) while the session is live.

    The release is a claim, so one worker announces each batch. Should two announce (a release
    racing a close, say), the second sends the same full view, read from the database: harmless.
    """
    if services.release_due_answers(checkin_round, now) and live_session.is_live:
        announce_round_view(live_session, checkin_round)


# This process's timers, one per round and slot however many answers it received in that slot;
# only a saving: a lost timer is made up for by the next answer, snapshot or close.
_timers: set[tuple[int, datetime]] = set()


def schedule_release(live_session_id: int, round_id: int, release_at: datetime) -> None:
    """Wake up in this process when a batch of anonymous answers is due."""
    if current_app.config["TESTING"] or (round_id, release_at) in _timers:
        return  # tests call release_due_batch themselves
    _timers.add((round_id, release_at))

    def release() -> None:
        _timers.discard((round_id, release_at))
        release_due_batch(live_session_id, round_id, max(utcnow(), release_at))

    delay = max((release_at - utcnow()).total_seconds(), 0)
    run_later(delay, release, "releasing a batch of anonymous answers")


def release_due_batch(live_session_id: int, round_id: int, now: datetime | None = None) -> None:
    """What the timer does when it wakes: release the round's answers due by `now` (or now).

    Also after the session ended, so that no answer is left stored with its slot.
    """
    live_session = db.session.get(LiveSession, live_session_id)
    checkin_round = db.session.get(CheckInRound, round_id)
    if live_session is not None and checkin_round is not None:
        release_and_announce(live_session, checkin_round, now)
        db.session.commit()


def announce_answer(
    live_session: LiveSession, checkin_round: CheckInRound, answer: CheckInAnswer, participant: Participant
) -> None:
    """Named rounds: send the consoles a new or changed answer now, and the round's recount a
    moment later. Anonymous rounds: nothing now (not even a count); the answer waits for its batch."""
    if checkin_round.anonymous:
        if answer.release_at is not None:  # always, for a changed anonymous answer
            schedule_release(live_session.id, checkin_round.id, answer.release_at)
        return
    announce_named_answer(
        live_session.id, checkin_round.id, services.response_entry(answer, participant.display_name)
    )


def announce_named_answer(live_session_id: int, round_id: int, response: dict) -> None:
    """A named round's new or changed answer: the consoles get it now (`answer_recorded`) and the
    round's recount (`round_updated`) within ROUND_RECOUNT_SECONDS, one for however many answers
    arrive meanwhile on any worker."""
    announce_to_consoles(live_session_id, "answer_recorded", {"round_id": round_id, "response": response})

    def recount() -> None:
        tally = services.recount_console_tally(round_id)
        if tally is not None:
            announce_tally(live_session_id, tally)

    # One recount per round and ROUND_RECOUNT_SECONDS, across all workers.
    announce_soon(f"round-{round_id}", recount, interval_setting="ROUND_RECOUNT_SECONDS", across_workers=True)


@events.facilitator("open_round", OpenRoundPayload)
def open_round(caller: FacilitatorCaller, payload: OpenRoundPayload) -> dict:
    """Facilitator opens a round; every screen gets `round_opened`."""
    checkin_round = services.open_round(
        caller.facilitator, caller.live_session, payload.kind, payload.prompt, payload.anonymous
    )
    announce_to_room(caller.live_session.id, "round_opened", {"round": services.round_entry(checkin_round)})
    announce_round_tally(caller.live_session, checkin_round)
    return ok(round_id=checkin_round.id)


@events.facilitator("close_round", RoundRef)
def close_round(caller: FacilitatorCaller, payload: RoundRef) -> dict:
    """Facilitator closes a round; every screen gets `round_closed`, and the consoles the tally
    (and an anonymous round's answers, all released now)."""
    checkin_round = services.close_round(caller.facilitator, caller.live_session, payload.round_id)
    announce_to_room(caller.live_session.id, "round_closed", {"round": services.round_entry(checkin_round)})
    announce_round_view(caller.live_session, checkin_round)
    return ok()


@events.facilitator("reveal_round", RoundRef)
def reveal_round(caller: FacilitatorCaller, payload: RoundRef) -> dict:
    """Facilitator shows the group's aggregate; every screen gets `round_revealed`, and the
    consoles the tally (and an anonymous round's answers, all released now)."""
    checkin_round = services.reveal_round(caller.facilitator, caller.live_session, payload.round_id)
    announce_to_room(
        caller.live_session.id,
        "round_revealed",
        {
            "round": services.round_entry(checkin_round),
            "reveal": services.group_aggregate(caller.live_session, checkin_round),
        },
    )
    announce_round_view(caller.live_session, checkin_round)
    return ok()


@events.facilitator("round_responses", RoundRef, needs_live=False)
def round_responses(caller: FacilitatorCaller, payload: RoundRef) -> dict:
    """Facilitator asks for the answers of a round the consoles may see (in an anonymous round,
    those released so far, and only once there are enough)."""
    checkin_round = services.load_round(caller.live_session, payload.round_id)
    if services.is_too_few(caller.live_session, checkin_round, services.answered_count(checkin_round)):
        return error("Too few answers yet to show them in this anonymous round.")
    return ok(responses=services.round_responses(checkin_round))


def submit_checkin_quickly(seat: Seat, payload: AnswerPayload) -> dict | None:
    """The way nearly every answer takes: one statement, which checks the seat again as it
    records (services.record_named_answer); then the consoles get `answer_recorded`, and a
    moment later `round_updated`. None when it recorded nothing: the full way decides."""
    if seat.sid is None:  # an HTTP request: no connection to check
        return None
    quick = services.record_named_answer(
        seat.live_session_id,
        seat.anonymity_key,
        seat.participant_id,
        payload.round_id,
        sid=seat.sid,
        client_id=payload.client_id,
        passed=payload.passed,
        mood=payload.mood,
        feelings=payload.feelings,
        note=payload.note,
        note_shared=payload.note_shared,
    )
    if quick is None:
        return None
    response = services.response_entry(quick, seat.display_name)
    announce_named_answer(seat.live_session_id, payload.round_id, response)
    return ok(client_id=payload.client_id, held=False)


@events.participant("submit_checkin", AnswerPayload, quick=submit_checkin_quickly)
def submit_checkin(caller: ParticipantCaller, payload: AnswerPayload) -> dict:
    """Participant answers or passes; committed before the ack. In a named round the consoles then
    get `answer_recorded` and, a moment later, `round_updated`; in an anonymous round they get
    nothing until the answer's batch is released (`round_updated` and `answers_released`).

    Nearly every answer takes the quick way (`submit_checkin_quickly`), from the seat remembered
    since the connection's last full check or, at its first event, the one just read. Anything
    else goes the full way, which loads the objects."""
    quick = submit_checkin_quickly(caller.seat, payload)
    if quick is not None:
        return quick
    recorded = services.record_answer(
        caller.participant,
        caller.live_session,
        payload.round_id,
        client_id=payload.client_id,
        passed=payload.passed,
        mood=payload.mood,
        feelings=payload.feelings,
        note=payload.note,
        note_shared=payload.note_shared,
    )
    if recorded.flag is not None:
        announce_safety_flag(recorded.flag)
    if recorded.changed:
        announce_answer(caller.live_session, recorded.round, recorded.answer, caller.participant)
    if recorded.round.anonymous:
        release_and_announce(caller.live_session, recorded.round)  # earlier batches a timer missed
    return ok(client_id=recorded.answer.client_id, held=recorded.flag is not None)
