"""Socket.IO handlers for support requests, and the scan that escalates requests.

See docs/protocol.md ("Support requests and safety flags") for every event and who receives it.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Literal

from flask import current_app
from pydantic import Field

from ..extensions import db
from ..realtime.announce import announce_to_consoles
from ..realtime.callers import FacilitatorCaller, ParticipantCaller
from ..realtime.events import ClientId, DbId, Payload, SocketEvents, ok
from ..realtime.snapshot import Viewer
from ..sessions.models import LiveSession, Participant
from . import services
from .alerts import announce_new_request, announce_support_updated
from .models import SupportRequest

events = SocketEvents()


class SupportRequestPayload(Payload):
    client_id: ClientId
    urgency: Literal["later", "now"]
    message: str | None = Field(default=None, max_length=services.MESSAGE_MAX_LENGTH)


class RequestRef(Payload):
    request_id: DbId


class ReplyPayload(Payload):
    request_id: DbId
    text: str = Field(min_length=1, max_length=services.REPLY_MAX_LENGTH)


class ResolvePayload(Payload):
    request_id: DbId
    note: str | None = Field(default=None, max_length=services.NOTE_MAX_LENGTH)


def support_state(live_session: LiveSession, viewer: Viewer, participant: Participant | None) -> dict:
    """Consoles: the open requests. Phones: their own requests (in the waiting room too). Screen: nothing."""
    if viewer == "facilitator":
        return {"support_requests": [services.console_entry(r) for r in services.open_requests(live_session)]}
    if viewer == "participant" and participant is not None:
        return {
            "support_requests": [
                services.own_entry(r) for r in services.own_requests(live_session, participant)
            ]
        }
    return {}


# --- participant events -----------------------------------------------------------------------


@events.participant("request_support", SupportRequestPayload, allow_waiting=True)
def request_support(caller: ParticipantCaller, payload: SupportRequestPayload) -> dict:
    """Participant asks for support privately, also from the waiting room.

    Only facilitators hear of it: `support_requested` (and `safety_flagged` for a flagged
    message); the participant's own screens get `support_updated`. A resend announces nothing.
    """
    requested = services.request_support(
        caller.participant,
        caller.live_session,
        client_id=payload.client_id,
        urgency=payload.urgency,
        message=payload.message,
    )
    announce_new_request(caller.live_session, requested)
    return ok(**services.receipt(requested))


# --- facilitator events -----------------------------------------------------------------------


@events.facilitator("acknowledge_support", RequestRef)
def acknowledge_support(caller: FacilitatorCaller, payload: RequestRef) -> dict:
    """Facilitator has seen a request; consoles and the participant who asked get `support_updated`."""
    support_request = services.acknowledge_request(
        caller.facilitator, caller.live_session, payload.request_id
    )
    announce_support_updated(support_request)
    return ok()


@events.facilitator("reply_support", ReplyPayload)
def reply_support(caller: FacilitatorCaller, payload: ReplyPayload) -> dict:
    """Facilitator replies privately; only the participant who asked (and the consoles) see it."""
    support_request = services.reply_to_request(
        caller.facilitator, caller.live_session, payload.request_id, payload.text
    )
    announce_support_updated(support_request)
    return ok()


@events.facilitator("resolve_support", ResolvePayload)
def resolve_support(caller: FacilitatorCaller, payload: ResolvePayload) -> dict:
    """Facilitator resolves a request with a private note; the participant sees only that it's resolved."""
    support_request = services.resolve_request(
        caller.facilitator, caller.live_session, payload.request_id, payload.note
    )
    announce_support_updated(support_request)
    return ok()


# --- escalation -------------------------------------------------------------------------------


def escalate_overdue_requests(now: datetime) -> list[SupportRequest]:
    """Raise again, on every console of its session, each request nobody acknowledged in time."""
    due_before = now - timedelta(seconds=current_app.config["SUPPORT_ESCALATION_SECONDS"])
    escalated = services.claim_overdue_requests(due_before, now)
    for support_request in escalated:
        announce_to_consoles(
            support_request.live_session_id, "support_escalated", services.console_entry(support_request)
        )
    db.session.commit()
    return escalated
