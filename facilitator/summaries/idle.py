"""Sessions left open end by themselves, so that every session gets its summary.

A live session is idle when nobody is connected to it (no console, screen or phone held by a
live server process: facilitator/realtime/workers.py), nobody joined and no facilitator acted
for IDLE_SESSION_MINUTES. Each server process scans for such sessions every
IDLE_SESSION_SCAN_SECONDS; a conditional UPDATE lets exactly one process claim each session,
however many run. See docs/summaries.md.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import exists, func

from ..extensions import db
from ..jobs import claim
from ..sessions import services as session_services
from ..sessions.models import LiveSession, Participant, SessionState, SocketConnection


def claim_idle_sessions(idle_since: datetime, now: datetime) -> list[LiveSession]:
    """Claim, and return, the live sessions with nobody connected and no activity since `idle_since`.

    The claim sets `ended_at` where it is still empty, so a session is claimed once in all.
    """
    last_activity = func.coalesce(LiveSession.last_activity_at, LiveSession.started_at)
    joined_since = exists().where(
        Participant.live_session_id == LiveSession.id, Participant.joined_at > idle_since
    )
    # A dead worker's connections are gone, whether or not a live worker removed their rows yet.
    connected = exists().where(
        SocketConnection.live_session_id == LiveSession.id, session_services.held_by_live_worker(now)
    )
    return claim(
        LiveSession,
        LiveSession.state == SessionState.LIVE,
        LiveSession.ended_at.is_(None),
        last_activity <= idle_since,
        ~joined_since,
        ~connected,
        values={"ended_at": now},
        order_by=LiveSession.id,
    )


def end_idle_sessions(now: datetime) -> list[LiveSession]:
    """End every idle session as a facilitator would (summary included) and commit.

    Nobody is connected to an idle session, so there is nobody to announce the end to.
    """
    idle_since = now - timedelta(minutes=current_app.config["IDLE_SESSION_MINUTES"])
    ended = claim_idle_sessions(idle_since, now)
    for live_session in ended:
        session_services.end_session(None, live_session)
    db.session.commit()
    return ended
