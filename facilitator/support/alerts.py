"""Telling the consoles, and the participant who asked, about support requests.

The socket handlers (sockets.py) and the HTTP fallback for asking (routes.py) both announce
through here, so a request is alerted the same way however it arrived. Every announcement waits
for the commit (facilitator/realtime/announce.py).
"""

from __future__ import annotations

from ..extensions import db
from ..realtime.announce import announce_to_consoles, announce_to_facilitator, announce_to_participant
from ..realtime.workers import GoneConnection
from ..safety.sockets import announce_safety_flag, announce_safety_flag_updated
from ..sessions.models import LiveSession
from . import services
from .models import SupportRequest


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
        announce_to_consoles(live_session.id, "support_requested", entry)
    else:
        announce_to_facilitator(live_session.id, lead_id, "support_requested", entry)
    _announce_to_asker(support_request)


def announce_new_request(live_session: LiveSession, requested: services.RequestedSupport) -> None:
    """What a participant's request makes known: its safety flag, if any, and the request itself.
    A resend of a stored request announces nothing."""
    if not requested.created:
        return
    if requested.flag is not None:
        announce_safety_flag(requested.flag)
    announce_support_requested(live_session, requested.request)


def announce_support_updated(support_request: SupportRequest) -> None:
    """Tell every console of the session, and the participant who asked, that a request changed."""
    announce_to_consoles(
        support_request.live_session_id, "support_updated", services.console_entry(support_request)
    )
    if support_request.safety_flag is not None:  # acknowledged with it
        announce_safety_flag_updated(support_request.safety_flag)
    _announce_to_asker(support_request)


def realert_after_lost_consoles(gone: list[GoneConnection]) -> None:
    """A server process died or drained, taking consoles with it (a departure handler,
    facilitator/realtime/workers.py). Where the facilitator a session's requests first alert
    lost their consoles there and has none left, every request that only its first alert told
    of goes to every console of the session now, as the first alert would now, rather than at
    escalation."""
    lost = {
        (connection.live_session_id, connection.facilitator_id)
        for connection in gone
        if connection.facilitator_id is not None and not connection.is_screen
    }
    for live_session_id, facilitator_id in sorted(lost):
        live_session = db.session.get(LiveSession, live_session_id)
        if live_session is None or not live_session.is_live or live_session.created_by_id != facilitator_id:
            continue
        for support_request in services.awaiting_first_alert(live_session):
            if services.first_alerted_facilitator_id(live_session, support_request) is None:
                announce_to_consoles(
                    live_session_id, "support_requested", services.console_entry(support_request)
                )
