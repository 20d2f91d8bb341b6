"""Socket.IO handlers for the group pulse. See docs/protocol.md ("The group pulse") and
docs/privacy.md ("The group pulse")."""

from __future__ import annotations

from pydantic import Field

from ..realtime.announce import announce_soon, announce_to_consoles, announce_to_room
from ..realtime.callers import FacilitatorCaller, ParticipantCaller
from ..realtime.events import ClientId, Empty, Payload, SocketEvents, ok
from ..realtime.snapshot import Viewer
from ..sessions.models import LiveSession, Participant
from . import services
from .models import PULSE_MAX, PULSE_MIN

Score = int | None


class PulsePayload(Payload):
    """A phone's pulse: each question 0 to 10, or null (skipped); at least one answered."""

    client_id: ClientId
    heard: Score = Field(default=None, ge=PULSE_MIN, le=PULSE_MAX)
    mattered: Score = Field(default=None, ge=PULSE_MIN, le=PULSE_MAX)
    fit: Score = Field(default=None, ge=PULSE_MIN, le=PULSE_MAX)
    overall: Score = Field(default=None, ge=PULSE_MIN, le=PULSE_MAX)


events = SocketEvents()


def pulse_state(live_session: LiveSession, viewer: Viewer, participant: Participant | None) -> dict:
    """Facilitators: whether it was asked for and how many answered (never an answer). A phone:
    whether it was asked for, its own answers, and its ticket for answering after the end."""
    if viewer == "screen":
        return {}
    pulse = services.session_pulse(live_session)
    asked = pulse is not None and pulse.opened_at is not None
    if viewer == "facilitator":
        return {
            "pulse": {
                "asked": asked,
                "answered": services.answered_count(live_session.id),
                "minimum": live_session.group.min_aggregate_size,
            }
        }
    if participant is None:
        return {}
    return {
        "pulse": {
            "asked": asked,
            "yours": services.own_pulse(live_session, participant),
            "ticket": services.own_ticket(live_session, participant),
        }
    }


def make_ready(live_session: LiveSession) -> None:
    """Before a snapshot of a live session: its pulse's key exists (so each phone gets a ticket)."""
    services.ensure_pulse(live_session)


def announce_count(live_session: LiveSession) -> None:
    """Tell the consoles how many answered; a burst of answers costs one count and one broadcast."""
    live_session_id = live_session.id

    def recount() -> None:
        announce_to_consoles(
            live_session_id, "pulse_count", {"answered": services.answered_count(live_session_id)}
        )

    announce_soon(f"pulse-count-{live_session_id}", recount)


@events.facilitator("open_pulse", Empty)
def open_pulse(caller: FacilitatorCaller, _payload: Empty) -> dict:
    """Facilitator asks the room for the pulse now; every screen gets `pulse_asked` (once)."""
    if services.open_pulse(caller.facilitator, caller.live_session):
        announce_to_room(caller.live_session.id, "pulse_asked", {})
    return ok()


@events.participant("submit_pulse", PulsePayload)
def submit_pulse(caller: ParticipantCaller, payload: PulsePayload) -> dict:
    """Participant answers (or changes their answers), anonymously; consoles get `pulse_count`."""
    scores = payload.model_dump(exclude={"client_id"})
    recorded = services.record_pulse(caller.participant, caller.live_session, scores)
    if recorded.new:
        announce_count(caller.live_session)
    return ok(client_id=payload.client_id, pulse=recorded.response.scores())
