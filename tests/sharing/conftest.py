"""A live session at its sharing step, with people in the room."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from facilitator.extensions import db
from facilitator.groups.models import DEFAULT_AGENDA
from facilitator.sessions import services as session_services
from facilitator.sessions.models import Participant

SHARING_STEP = 1  # DEFAULT_AGENDA: check-in, sharing, small wins, check-out
AGENDA = [{**step, "timer_minutes": 3} if step["kind"] == "sharing" else step for step in DEFAULT_AGENDA]


@pytest.fixture
def group(make_group, facilitator):
    return make_group(facilitator, agenda=AGENDA)


@pytest.fixture
def at_sharing(live_session, facilitator):
    """The session moved to its sharing step."""
    session_services.move_to_step(facilitator, live_session, SHARING_STEP)
    db.session.commit()
    return live_session


@pytest.fixture
def seat(at_sharing) -> Callable[[str], Participant]:
    """Someone in the room (joined through the service, no phone)."""

    def make(name: str) -> Participant:
        participant = session_services.join_session(at_sharing, name)
        db.session.commit()
        return participant

    return make
