"""Socket.IO handlers for support requests and safety flags, and the scan that escalates requests.

See docs/protocol.md ("Support requests and safety flags") for every event and who receives it.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Literal

from flask import current_app
from pydantic import Field

from ..extensions import db
from ..realtime import FACILITATOR_NS, PARTICIPANT_NS, Caller, ClientId, DbId, Payload, ok, on_event
from ..sessions.models import LiveSession, Participant
from ..sessions.realtime import (
    announce_to_facilitator,
    announce_to_facilitators,
    announce_to_participant,
    state_part,
)
from . import services
from .models import SupportRequest
from .safety import announce_safety_flag, flag_entry


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


class FlagRef(Payload):
    flag_id: DbId


@state_part(while_waiting=True)
def support_state(live_session: LiveSession, viewer: str, participant: Participant | None) -> dict:
    """Consoles: the open requests and every safety flag. Phones: their own requests. Screen: nothing."""
    if viewer == "facilitator":
        return {
            "support_requests": [services.console_entry(r) for r in services.open_requests(live_session)],
            "safety_flags": [flag_entry(flag) for flag in services.session_flags(live_session)],
        }
    if viewer == "participant" and participant is not None:
        return {
            "support_requests": [
                services.own_entry(r) for r in services.own_requests(live_session, participant)
            ]
        }
    return {}


# --- announcements ----------------------------------------------------------------------------


def _announce_to_asker(support_request: SupportRequest) -> None:
    if support_request.participant_id is not None:
        announce_to_participant(
            support_request.participant_id, "support_updated", services.own_entry(support_request)
        )


def announce_support_requested(live_session: LiveSession, support_request: SupportRequest) -> None:
    """Alert the first facilitator (or every console) to a new request; the asker's screens sync."""
    entry = services.console_entry(support_request)
    lead_id = services.first_alerted_facilitator_id(live_session, support_request)
    if lead_id is None:
        announce_to_facilitators(live_session.id, "support_requested", entry)
    else:
        announce_to_facilitator(live_session.id, lead_id, "support_requested", entry)
    _announce_to_asker(support_request)


def announce_support_updated(support_request: SupportRequest) -> None:
    """Tell every console of the session, and the participant who asked, that a request changed."""
    announce_to_facilitators(
        support_request.live_session_id, "support_updated", services.console_entry(support_request)
    )
    _announce_to_asker(support_request)


# --- participant events -----------------------------------------------------------------------


@on_event("request_support", PARTICIPANT_NS, SupportRequestPayload, allow_waiting=True)
def request_support(caller: Caller, payload: SupportRequestPayload) -> dict:
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
    db.session.commit()
    if requested.created:
        if requested.flag is not None:
            announce_safety_flag(requested.flag)
        announce_support_requested(caller.live_session, requested.request)
    return ok(
        client_id=payload.client_id,
        request=services.own_entry(requested.request),
        flagged=requested.request.safety_flag_id is not None,
    )


# --- facilitator events -----------------------------------------------------------------------


@on_event("acknowledge_support", FACILITATOR_NS, RequestRef)
def acknowledge_support(caller: Caller, payload: RequestRef) -> dict:
    """Facilitator has seen a request; consoles and the participant who asked get `support_updated`."""
    support_request = services.acknowledge_request(
        caller.facilitator, caller.live_session, payload.request_id
    )
    db.session.commit()
    announce_support_updated(support_request)
    return ok()


@on_event("reply_support", FACILITATOR_NS, ReplyPayload)
def reply_support(caller: Caller, payload: ReplyPayload) -> dict:
    """Facilitator replies privately; only the participant who asked (and the consoles) see it."""
    support_request = services.reply_to_request(
        caller.facilitator, caller.live_session, payload.request_id, payload.text
    )
    db.session.commit()
    announce_support_updated(support_request)
    return ok()


@on_event("resolve_support", FACILITATOR_NS, ResolvePayload)
def resolve_support(caller: Caller, payload: ResolvePayload) -> dict:
    """Facilitator resolves a request with a private note; the participant sees only that it's resolved."""
    support_request = services.resolve_request(
        caller.facilitator, caller.live_session, payload.request_id, payload.note
    )
    db.session.commit()
    announce_support_updated(support_request)
    return ok()


@on_event("acknowledge_flag", FACILITATOR_NS, FlagRef)
def acknowledge_flag(caller: Caller, payload: FlagRef) -> dict:
    """Facilitator has read a safety flag; every console gets `safety_flag_updated`."""
    flag = services.acknowledge_flag(caller.facilitator, caller.live_session, payload.flag_id)
    db.session.commit()
    announce_to_facilitators(caller.live_session.id, "safety_flag_updated", flag_entry(flag))
    return ok()


# --- escalation -------------------------------------------------------------------------------


def escalate_overdue_requests(now: datetime) -> list[SupportRequest]:
    """Raise again, on every console of its session, each request nobody acknowledged in time."""
    due_before = now - timedelta(seconds=current_app.config["SUPPORT_ESCALATION_SECONDS"])
    escalated = services.claim_overdue_requests(due_before, now)
    db.session.commit()
    for support_request in escalated:
        announce_to_facilitators(
            support_request.live_session_id, "support_escalated", services.console_entry(support_request)
        )
    return escalated
