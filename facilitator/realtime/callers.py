"""Who sent an event: loaded from the connection's own row and checked again at every event.

Identity belongs to the connection (its row in socket_connection), never to the Flask session,
which Flask-SocketIO shares between the namespaces of one Engine.IO connection. One query per
event loads the row with what the checks need; a row deleted when rights ended (sign-out,
removal, leaving, the end) means the event is refused even before the connection closes.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import and_, select

from ..accounts.models import Facilitator, SignIn
from ..accounts.services import touch_sign_in
from ..clock import utcnow
from ..errors import NotAllowed
from ..extensions import db
from ..groups.models import GroupFacilitator
from ..sessions.models import LiveSession, Participant, ParticipantStatus, SocketConnection
from .rooms import FACILITATOR_NS, PARTICIPANT_NS

NOT_RECOGNISED_MESSAGE = "We couldn't tell who you are any more. Please reload the page."
NO_LONGER_RUNS_MESSAGE = "You don't run this group's sessions any more, so this didn't go through."
SCREEN_MESSAGE = "The shared screen only shows the room; please use the console."
NOT_IN_SESSION_MESSAGE = "You're no longer in this session. You can join again with the link."


@dataclass(frozen=True)
class FacilitatorCaller:
    """A facilitator's console that still runs the session's group, with an active account."""

    live_session: LiveSession
    facilitator: Facilitator


@dataclass(frozen=True)
class ParticipantCaller:
    """A participant's phone whose seat has not left or been removed."""

    live_session: LiveSession
    participant: Participant


def load_facilitator_caller(sid: str) -> FacilitatorCaller:
    """This console's facilitator, if they still run the session's group with an active account.

    One query: the connection row, its session, its sign-in and the membership.
    """
    row = db.session.execute(
        select(SocketConnection.is_screen, LiveSession, Facilitator, SignIn)
        .select_from(SocketConnection)
        .join(LiveSession, LiveSession.id == SocketConnection.live_session_id)
        .join(Facilitator, Facilitator.id == SocketConnection.facilitator_id)
        .outerjoin(SignIn, SignIn.id == SocketConnection.sign_in_id)
        .outerjoin(
            GroupFacilitator,
            and_(
                GroupFacilitator.group_id == LiveSession.group_id,
                GroupFacilitator.facilitator_id == SocketConnection.facilitator_id,
            ),
        )
        .add_columns(GroupFacilitator.facilitator_id.is_not(None))
        .where(SocketConnection.sid == sid, SocketConnection.namespace == FACILITATOR_NS)
    ).one_or_none()
    if row is None:
        raise NotAllowed(NOT_RECOGNISED_MESSAGE)
    is_screen, live_session, facilitator, sign_in, runs_group = row
    if not runs_group or not facilitator.is_active:
        raise NotAllowed(NO_LONGER_RUNS_MESSAGE)
    if is_screen:
        raise NotAllowed(SCREEN_MESSAGE)
    # Working on the console is using the sign-in: it must not expire as idle meanwhile.
    if sign_in is not None:
        touch_sign_in(sign_in, utcnow())
    return FacilitatorCaller(live_session, facilitator)


def load_participant_caller(sid: str) -> ParticipantCaller:
    """This phone's participant, loaded with its session in one query."""
    row = db.session.execute(
        select(LiveSession, Participant)
        .select_from(SocketConnection)
        .join(LiveSession, LiveSession.id == SocketConnection.live_session_id)
        .join(Participant, Participant.id == SocketConnection.participant_id)
        .where(SocketConnection.sid == sid, SocketConnection.namespace == PARTICIPANT_NS)
    ).one_or_none()
    if row is None:
        raise NotAllowed(NOT_RECOGNISED_MESSAGE)
    live_session, participant = row
    if participant.status in (ParticipantStatus.LEFT, ParticipantStatus.REMOVED):
        raise NotAllowed(NOT_IN_SESSION_MESSAGE)
    return ParticipantCaller(live_session, participant)
