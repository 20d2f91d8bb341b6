"""Socket.IO handlers for check-in rounds. See docs/protocol.md."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field, StringConstraints

from ..extensions import db
from ..realtime import (
    FACILITATOR_NS,
    PARTICIPANT_NS,
    Caller,
    ClientId,
    Payload,
    announce_soon,
    error,
    ok,
    on_event,
)
from ..sessions.models import LiveSession, Participant
from ..sessions.realtime import announce_to_facilitators, announce_to_room, state_part
from ..support.safety import announce_safety_flag
from . import services
from .feelings import MAX_FEELINGS, MOOD_MAX, MOOD_MIN, NOTE_MAX_LENGTH
from .models import CheckInRound


class OpenRoundPayload(Payload):
    kind: Literal["checkin", "checkout", "custom"]
    prompt: str = Field(default="", max_length=200)
    anonymous: bool = False


class RoundRef(Payload):
    round_id: int = Field(ge=1)


class AnswerPayload(Payload):
    round_id: int = Field(ge=1)
    client_id: ClientId
    passed: bool = False
    mood: int | None = Field(default=None, ge=MOOD_MIN, le=MOOD_MAX)
    feelings: list[Annotated[str, StringConstraints(max_length=30)]] = Field(
        default_factory=list, max_length=MAX_FEELINGS
    )
    note: str | None = Field(default=None, max_length=NOTE_MAX_LENGTH)
    note_shared: bool = False


@state_part
def checkin_state(live_session: LiveSession, viewer: str, participant: Participant | None) -> dict:
    """The latest round: the console's live summary, or the participant's own answer and any reveal."""
    checkin_round = services.latest_round(live_session)
    if checkin_round is None:
        return {"round": None}
    if viewer == "facilitator":
        return {"round": services.console_summary(live_session, checkin_round)}
    entry = services.round_entry(checkin_round)
    if participant is not None:
        entry["your_answer"] = services.own_answer(live_session, checkin_round, participant)
    if checkin_round.revealed_at is not None:
        entry["reveal"] = services.group_aggregate(live_session, checkin_round)
    return {"round": entry}


def announce_round_tally(live_session: LiveSession, checkin_round: CheckInRound) -> None:
    """Send the consoles a round's counts and aggregates (never its individual answers)."""
    announce_to_facilitators(
        live_session.id, "round_updated", services.console_tally(live_session, checkin_round)
    )


def announce_answer(
    live_session: LiveSession, checkin_round: CheckInRound, answer, participant: Participant
) -> None:
    """Send the consoles a new or changed answer now, and the round's recount a moment later.

    An anonymous round's answers are withheld while too few have answered.
    """
    if checkin_round.anonymous:
        answered = services.answered_count(checkin_round)
        name = None
    else:
        answered, name = None, participant.display_name
    if answered is None or not services.is_too_few(live_session, checkin_round, answered):
        response = services.response_entry(answer, name)
        announce_to_facilitators(
            live_session.id, "answer_recorded", {"round_id": checkin_round.id, "response": response}
        )
    live_session_id, round_id = live_session.id, checkin_round.id

    def recount() -> None:
        fresh_session = db.session.get(LiveSession, live_session_id)
        announce_round_tally(fresh_session, db.session.get(CheckInRound, round_id))

    announce_soon(f"round-{round_id}", recount)


@on_event("open_round", FACILITATOR_NS, OpenRoundPayload)
def open_round(caller: Caller, payload: OpenRoundPayload) -> dict:
    """Facilitator opens a round; every screen gets `round_opened`."""
    checkin_round = services.open_round(
        caller.facilitator, caller.live_session, payload.kind, payload.prompt, payload.anonymous
    )
    db.session.commit()
    announce_to_room(caller.live_session.id, "round_opened", {"round": services.round_entry(checkin_round)})
    announce_round_tally(caller.live_session, checkin_round)
    return ok(round_id=checkin_round.id)


@on_event("close_round", FACILITATOR_NS, RoundRef)
def close_round(caller: Caller, payload: RoundRef) -> dict:
    """Facilitator closes a round; every screen gets `round_closed`."""
    checkin_round = services.close_round(caller.facilitator, caller.live_session, payload.round_id)
    db.session.commit()
    announce_to_room(caller.live_session.id, "round_closed", {"round": services.round_entry(checkin_round)})
    announce_round_tally(caller.live_session, checkin_round)
    return ok()


@on_event("reveal_round", FACILITATOR_NS, RoundRef)
def reveal_round(caller: Caller, payload: RoundRef) -> dict:
    """Facilitator shows the group's aggregate; every screen gets `round_revealed`."""
    checkin_round = services.reveal_round(caller.facilitator, caller.live_session, payload.round_id)
    db.session.commit()
    announce_to_room(
        caller.live_session.id,
        "round_revealed",
        {
            "round": services.round_entry(checkin_round),
            "reveal": services.group_aggregate(caller.live_session, checkin_round),
        },
    )
    announce_round_tally(caller.live_session, checkin_round)
    return ok()


@on_event("round_responses", FACILITATOR_NS, RoundRef, needs_live=False)
def round_responses(caller: Caller, payload: RoundRef) -> dict:
    """Facilitator asks for every answer of a round (the console does once an anonymous round has enough)."""
    checkin_round = services.load_round(caller.live_session, payload.round_id)
    if services.is_too_few(caller.live_session, checkin_round, services.answered_count(checkin_round)):
        return error("Too few answers yet to show them in this anonymous round.")
    return ok(responses=services.round_responses(checkin_round))


@on_event("submit_checkin", PARTICIPANT_NS, AnswerPayload)
def submit_checkin(caller: Caller, payload: AnswerPayload) -> dict:
    """Participant answers or passes; committed before the ack, then consoles get `answer_recorded`
    and, a moment later, `round_updated`."""
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
    db.session.commit()
    if recorded.flag is not None:
        announce_safety_flag(recorded.flag)
    if recorded.changed:
        announce_answer(caller.live_session, recorded.round, recorded.answer, caller.participant)
    return ok(client_id=recorded.answer.client_id, held=recorded.flag is not None)
