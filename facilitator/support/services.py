"""Support requests: asking for help, seeing to it, escalating, and what each side sees."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import NamedTuple

from sqlalchemy import func, select

from ..accounts.models import Facilitator
from ..audit.services import record_action
from ..clock import isoformat, utcnow
from ..errors import Invalid, NotFound
from ..extensions import db
from ..groups.models import Group
from ..jobs import claim
from ..safety.models import SafetyFlag
from ..safety.services import find_risk, flag_text
from ..sessions.limits import check_limits
from ..sessions.models import LiveSession, Participant, SessionState, SocketConnection
from ..sessions.services import held_by_live_worker
from .models import SupportRequest, SupportUrgency

MESSAGE_MAX_LENGTH = 500
REPLY_MAX_LENGTH = 500
NOTE_MAX_LENGTH = 1000
# Enough for "now" and "later" and a change of heart; more at once would only bury the facilitator.
MAX_OPEN_REQUESTS = 3
_IN_DANGER = (
    "If you might be in danger, please don't wait: the numbers under “Need urgent help?” at the top "
    "of your screen are there for you, any time."
)
OPEN_CAP_MESSAGE = (
    "The facilitator already has your requests and will come to you as soon as they can. " + _IN_DANGER
)
RATE_MESSAGE = (
    "Thank you. The facilitator has your request and will come to you as soon as they can. "
    "Please give it a little while before asking again. " + _IN_DANGER
)
# Words of risk past the limits, again within RISK_BYPASS_INTERVAL_SECONDS.
RISK_MESSAGE = (
    "Thank you for telling us. The facilitator already has your messages and will come to you as "
    "soon as they can. " + _IN_DANGER
)


class RequestedSupport(NamedTuple):
    request: SupportRequest
    created: bool  # False for a resend of a request already stored
    flag: SafetyFlag | None  # set when the message matched the risk-language screen


def request_support(
    participant: Participant,
    live_session: LiveSession,
    *,
    client_id: str,
    urgency: str,
    message: str | None,
) -> RequestedSupport:
    """Ask the session's facilitators, privately, for support.

    A resend carrying the client id of a stored request changes nothing, so a phone that lost
    its acknowledgement can safely send again. Each participant has a few open requests at
    most, and SUPPORT_REQUEST_RATE_LIMIT across their connections. A message with risk language
    raises a safety flag, makes the request urgent whatever the participant chose, and goes past
    both limits once per RISK_BYPASS_INTERVAL_SECONDS (facilitator/sessions/limits.py).
    """
    existing = db.session.scalar(
        select(SupportRequest).where(
            SupportRequest.participant_id == participant.id, SupportRequest.client_id == client_id
        )
    )
    if existing is not None:
        return RequestedSupport(existing, created=False, flag=None)
    if urgency not in set(SupportUrgency):
        raise Invalid("Please choose whether you'd like support now or after the session.")
    message = (message or "").strip() or None
    if message is not None and len(message) > MESSAGE_MAX_LENGTH:
        raise Invalid(f"Please keep your message to {MESSAGE_MAX_LENGTH} characters.")
    risk = find_risk(message)
    capped = count_open_requests(participant) >= MAX_OPEN_REQUESTS
    check_limits(
        live_session,
        participant,
        "support-request",
        "SUPPORT_REQUEST_RATE_LIMIT",
        RATE_MESSAGE,
        flagged=risk is not None,
        risk_message=RISK_MESSAGE,
        over_cap=OPEN_CAP_MESSAGE if capped else None,
    )
    # A risk is only ever found in a message.
    flag = (
        flag_text(live_session, message, risk, "support_message", participant) if risk and message else None
    )
    support_request = SupportRequest(
        live_session_id=live_session.id,
        participant_id=participant.id,
        client_id=client_id,
        urgency=urgency,
        message=message,
        safety_flag_id=flag.id if flag else None,
    )
    db.session.add(support_request)
    db.session.flush()
    return RequestedSupport(support_request, created=True, flag=flag)


def receipt(requested: RequestedSupport) -> dict:
    """What the phone that asked is told, over its live connection or over HTTP alike."""
    support_request = requested.request
    return {
        "client_id": support_request.client_id,
        "request": own_entry(support_request),
        "flagged": support_request.safety_flag_id is not None,
    }


def first_alerted_facilitator_id(live_session: LiveSession, support_request: SupportRequest) -> int | None:
    """Who hears of a new request first; None means every facilitator with the session open.

    The facilitator who started the session, while one of their consoles (not a shared screen) is
    connected to it and they still run the group. A flagged message goes to everyone at once,
    like its safety flag.
    """
    lead_id = live_session.created_by_id
    if lead_id is None or support_request.safety_flag_id is not None:
        return None
    if lead_id not in live_session.group.facilitator_ids():
        return None
    connected = db.session.scalar(
        select(SocketConnection.sid)
        .where(
            SocketConnection.live_session_id == live_session.id,
            SocketConnection.facilitator_id == lead_id,
            SocketConnection.is_screen.is_(False),
            held_by_live_worker(),  # a console on a dead server process reads nothing
        )
        .limit(1)
    )
    return lead_id if connected is not None else None


def awaiting_first_alert(live_session: LiveSession) -> list[SupportRequest]:
    """The session's requests that only their first alert has told of so far: nobody
    acknowledged them, they are not escalated, and their message was not flagged (a flagged one
    went to every console at once). Oldest first."""
    return list(
        db.session.scalars(
            select(SupportRequest)
            .where(
                SupportRequest.live_session_id == live_session.id,
                SupportRequest.acknowledged_at.is_(None),
                SupportRequest.resolved_at.is_(None),
                SupportRequest.escalated_at.is_(None),
                SupportRequest.safety_flag_id.is_(None),
            )
            .order_by(SupportRequest.created_at)
        )
    )


def count_open_requests(participant: Participant) -> int:
    return db.session.execute(
        select(func.count(SupportRequest.id)).where(
            SupportRequest.participant_id == participant.id, SupportRequest.resolved_at.is_(None)
        )
    ).scalar_one()


def load_request(live_session: LiveSession, request_id: int) -> SupportRequest:
    support_request = db.session.get(SupportRequest, request_id)
    if support_request is None or support_request.live_session_id != live_session.id:
        raise NotFound("We couldn't find that request.")
    return support_request


def _load_open_request(live_session: LiveSession, request_id: int) -> SupportRequest:
    support_request = load_request(live_session, request_id)
    if support_request.resolved_at is not None:
        raise Invalid("This request has already been resolved.")
    return support_request


def acknowledge_request(actor: Facilitator, live_session: LiveSession, request_id: int) -> SupportRequest:
    """Tell the participant their request was seen; acknowledging twice changes nothing."""
    support_request = load_request(live_session, request_id)
    if support_request.acknowledged_at is None:
        support_request.acknowledge(actor.id, utcnow())
        record_action(actor, "support.acknowledged", live_session=live_session, request_id=request_id)
    return support_request


def reply_to_request(
    actor: Facilitator, live_session: LiveSession, request_id: int, text: str
) -> SupportRequest:
    """Send the participant who asked a private reply (which also acknowledges the request)."""
    support_request = _load_open_request(live_session, request_id)
    text = text.strip()
    if not text:
        raise Invalid("Please write a reply first.")
    if len(text) > REPLY_MAX_LENGTH:
        raise Invalid(f"Please keep your reply to {REPLY_MAX_LENGTH} characters.")
    support_request.add_reply(actor.id, text, utcnow())
    db.session.flush()
    record_action(actor, "support.replied", live_session=live_session, request_id=request_id)
    return support_request


def resolve_request(
    actor: Facilitator, live_session: LiveSession, request_id: int, note: str | None
) -> SupportRequest:
    """Close a request, with a private note for the facilitators."""
    support_request = _load_open_request(live_session, request_id)
    note = (note or "").strip() or None
    if note is not None and len(note) > NOTE_MAX_LENGTH:
        raise Invalid(f"Please keep the note to {NOTE_MAX_LENGTH} characters.")
    support_request.resolve(actor.id, note, utcnow())
    record_action(actor, "support.resolved", live_session=live_session, request_id=request_id)
    return support_request


# --- after the session: the follow-up list ------------------------------------------------------


class FollowUp(NamedTuple):
    """A request still unresolved after its session ended, with that session."""

    request: SupportRequest
    live_session: LiveSession


def _retention_cutoff(group: Group, now: datetime) -> datetime | None:
    """Sessions that ended before this are past the group's retention (None: the group keeps words)."""
    return None if group.retention_days is None else now - timedelta(days=group.retention_days)


def within_retention(live_session: LiveSession, now: datetime | None = None) -> bool:
    """Whether an ended session's words are still kept (the purge removes them after retention)."""
    cutoff = _retention_cutoff(live_session.group, now or utcnow())
    return cutoff is None or live_session.ended_at is None or live_session.ended_at > cutoff


def follow_ups(group: Group, now: datetime | None = None) -> list[FollowUp]:
    """The group's requests still unresolved after their session ended, oldest first.

    "After the session is fine" must not mean "never": each stays here until a facilitator of the
    group marks it resolved. Follow-up keeps nothing longer than the group's retention period: a
    request of a session past it leaves the list (and the purge removes its words).
    """
    query = (
        select(SupportRequest, LiveSession)
        .join(LiveSession, SupportRequest.live_session_id == LiveSession.id)
        .where(
            LiveSession.group_id == group.id,
            LiveSession.state == SessionState.ENDED,
            SupportRequest.resolved_at.is_(None),
        )
        .order_by(SupportRequest.created_at, SupportRequest.id)
    )
    cutoff = _retention_cutoff(group, now or utcnow())
    if cutoff is not None:
        query = query.where(LiveSession.ended_at > cutoff)
    return [FollowUp(request, live_session) for request, live_session in db.session.execute(query)]


def session_follow_ups(live_session: LiveSession, now: datetime | None = None) -> list[SupportRequest]:
    """An ended session's requests that were left for after it (unresolved when it ended), whether
    resolved since or not, oldest first; none once the session is past the group's retention."""
    if not live_session.is_ended or not within_retention(live_session, now):
        return []
    return list(
        db.session.scalars(
            select(SupportRequest)
            .where(
                SupportRequest.live_session_id == live_session.id,
                SupportRequest.resolved_at.is_(None) | (SupportRequest.resolved_at > live_session.ended_at),
            )
            .order_by(SupportRequest.created_at, SupportRequest.id)
        )
    )


def resolve_follow_up(
    actor: Facilitator, live_session: LiveSession, request_id: int, note: str | None
) -> SupportRequest:
    """Mark a request of an ended session resolved, from the follow-up list (with a private note).

    The caller has checked that the actor runs the session's group (sessions.load_session_for).
    While the session is live its requests are seen to on the console, which tells every screen.
    """
    if not live_session.is_ended:
        raise Invalid("This session is still running: please resolve the request on its console.")
    load_request(live_session, request_id)
    if not within_retention(live_session):
        raise Invalid(
            "This request is past the group's retention period, so it is no longer kept for follow-up."
        )
    return resolve_request(actor, live_session, request_id, note)


def claim_overdue_requests(due_before: datetime, now: datetime) -> list[SupportRequest]:
    """Mark as escalated, and return, the live sessions' requests nobody acknowledged in time.

    One conditional UPDATE claims them, so when several server processes scan at once each
    request is claimed (and announced) by exactly one of them.
    """
    live_sessions = select(LiveSession.id).where(LiveSession.state == SessionState.LIVE)
    return claim(
        SupportRequest,
        SupportRequest.live_session_id.in_(live_sessions),
        SupportRequest.created_at <= due_before,
        SupportRequest.acknowledged_at.is_(None),
        SupportRequest.resolved_at.is_(None),
        SupportRequest.escalated_at.is_(None),
        values={"escalated_at": now},
        order_by=SupportRequest.created_at,
    )


# --- what each side sees ----------------------------------------------------------------------


def open_requests(live_session: LiveSession) -> list[SupportRequest]:
    """The session's requests not yet resolved, oldest first."""
    return list(
        db.session.scalars(
            select(SupportRequest)
            .where(SupportRequest.live_session_id == live_session.id, SupportRequest.resolved_at.is_(None))
            .order_by(SupportRequest.created_at)
        )
    )


def own_requests(live_session: LiveSession, participant: Participant) -> list[SupportRequest]:
    """A participant's own requests in this session, oldest first, resolved ones too."""
    return list(
        db.session.scalars(
            select(SupportRequest)
            .where(
                SupportRequest.live_session_id == live_session.id,
                SupportRequest.participant_id == participant.id,
            )
            .order_by(SupportRequest.created_at)
        )
    )


def facilitator_name(facilitator_id: int | None) -> str | None:
    """Who acknowledged or resolved a request, by the name they go by (None: nobody, or gone)."""
    facilitator = db.session.get(Facilitator, facilitator_id) if facilitator_id else None
    return facilitator.display_name if facilitator else None


def _replies(support_request: SupportRequest) -> list[dict]:
    return [{"text": reply.text, "sent_at": isoformat(reply.sent_at)} for reply in support_request.replies]


def console_entry(support_request: SupportRequest) -> dict:
    """A request as the facilitators' console shows it, with the private note."""
    participant = support_request.participant
    return {
        "id": support_request.id,
        "participant_id": support_request.participant_id,
        "name": participant.display_name if participant else None,
        # The safety flag its own message raised: acknowledging the request acknowledges it too.
        "flag_id": support_request.safety_flag_id,
        "urgency": support_request.urgency,
        "urgent": support_request.is_urgent,
        "flagged": support_request.safety_flag_id is not None,
        "message": support_request.message,
        "status": support_request.status,
        "created_at": isoformat(support_request.created_at),
        "acknowledged_at": isoformat(support_request.acknowledged_at),
        "acknowledged_by": facilitator_name(support_request.acknowledged_by_id),
        "escalated_at": isoformat(support_request.escalated_at),
        "resolved_at": isoformat(support_request.resolved_at),
        "replies": _replies(support_request),
        "note": support_request.resolution_note,
    }


def own_entry(support_request: SupportRequest) -> dict:
    """A request as the participant who made it sees it: its status and the replies, no note."""
    return {
        "id": support_request.id,
        "client_id": support_request.client_id,
        "urgency": support_request.urgency,
        "message": support_request.message,
        "status": support_request.status,
        "created_at": isoformat(support_request.created_at),
        "replies": _replies(support_request),
    }
