"""A group that offers receipts, and a phone that attended one of its sessions for a known time."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

import pytest
from sqlalchemy import select

from facilitator.clock import utcnow
from facilitator.extensions import db
from facilitator.receipts import services
from facilitator.sessions import services as session_services
from facilitator.sessions.models import LiveSession, Participant
from facilitator.summaries.models import SessionSummary

# Yesterday at 18:00 UTC: take-home pages stay open for a week after a session.
START = (utcnow() - timedelta(days=1)).replace(hour=18, minute=0, second=0, microsecond=0)
# Yesterday at 02:00 UTC, which is the evening before in Los Angeles.
EARLY_START = START.replace(hour=2)


@dataclass
class Attended:
    """A phone's seat in an ended session, and the session's take-home link."""

    phone: object
    participant: Participant
    live_session: LiveSession
    token: str

    @property
    def receipt_url(self) -> str:
        return f"/take-home/{self.token}/receipt"

    @property
    def take_home_url(self) -> str:
        return f"/take-home/{self.token}"


@pytest.fixture
def receipts_group(make_group, facilitator):
    return make_group(facilitator, "Tuesday Recovery Circle", attendance_receipts=True)


def end_with_times(
    facilitator,
    live_session: LiveSession,
    times: dict[int, tuple[float | None, float | None]],
    *,
    minutes: float = 90,
    start: datetime = START,
) -> None:
    """End the session, then set its start and end and each participant's times (in minutes after
    the start: let in, and left or removed; None for never let in, or stayed to the end)."""
    session_services.end_session(facilitator, live_session)
    live_session.started_at = start
    live_session.ended_at = start + timedelta(minutes=minutes)
    for participant_id, (admitted, left) in times.items():
        participant = db.session.get(Participant, participant_id)
        participant.joined_at = start
        participant.admitted_at = None if admitted is None else start + timedelta(minutes=admitted)
        participant.left_at = None if left is None else start + timedelta(minutes=left)
    db.session.commit()


def take_home_token(live_session: LiveSession) -> str:
    return db.session.scalar(
        select(SessionSummary.take_home_token).where(SessionSummary.live_session_id == live_session.id)
    )


@pytest.fixture
def attend(app, facilitator, join) -> Callable[..., Attended]:
    """Join a session of `group` on a phone, then end it with the phone let in for `admitted`
    until `left` (minutes after the start; None: never let in, or stayed to the end)."""

    def make(
        group,
        *,
        admitted: float | None = 0,
        left: float | None = None,
        minutes: float = 90,
        waiting_room: bool = False,
        start: datetime = START,
        name: str = "Quiet Heron",
    ) -> Attended:
        live_session = session_services.create_session(
            facilitator, group, title="Week 12", waiting_room=waiting_room
        )
        db.session.commit()
        phone = join(live_session, name, connect=False)
        end_with_times(
            facilitator, live_session, {phone.participant_id: (admitted, left)}, minutes=minutes, start=start
        )
        return Attended(
            phone,
            db.session.get(Participant, phone.participant_id),
            live_session,
            take_home_token(live_session),
        )

    return make


@pytest.fixture
def attended(attend, receipts_group) -> Attended:
    """Let in at the start, left after 92 minutes of a 120-minute session: 90 minutes, rounded."""
    return attend(receipts_group, admitted=0, left=92, minutes=120)


def code_in(pdf: bytes) -> str:
    code = services.find_code(pdf)
    assert code, "the PDF carries no receipt code"
    return code
