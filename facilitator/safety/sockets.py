"""Safety flags on the live channel: consoles are told of each flag and acknowledge it."""

from __future__ import annotations

from ..realtime.announce import announce_to_consoles
from ..realtime.callers import FacilitatorCaller
from ..realtime.events import DbId, Payload, SocketEvents, ok
from ..realtime.snapshot import Viewer
from ..sessions.models import LiveSession, Participant
from . import services
from .models import SafetyFlag

events = SocketEvents()


class FlagRef(Payload):
    flag_id: DbId


def safety_state(live_session: LiveSession, viewer: Viewer, _participant: Participant | None) -> dict:
    """Consoles: every safety flag of the session. Nobody else sees any."""
    if viewer != "facilitator":
        return {}
    return {"safety_flags": [services.flag_entry(flag) for flag in services.session_flags(live_session)]}


def announce_safety_flag(flag: SafetyFlag) -> None:
    """Tell the session's facilitators, and nobody else, about a flag (once committed)."""
    announce_to_consoles(flag.live_session_id, "safety_flagged", services.flag_entry(flag))


def announce_safety_flag_updated(flag: SafetyFlag) -> None:
    """Tell the consoles a flag changed (it was acknowledged)."""
    announce_to_consoles(flag.live_session_id, "safety_flag_updated", services.flag_entry(flag))


@events.facilitator("acknowledge_flag", FlagRef)
def acknowledge_flag(caller: FacilitatorCaller, payload: FlagRef) -> dict:
    """Facilitator has read a safety flag; every console gets `safety_flag_updated`."""
    flag = services.acknowledge_flag(caller.facilitator, caller.live_session, payload.flag_id)
    announce_safety_flag_updated(flag)
    return ok()
