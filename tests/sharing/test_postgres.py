"""On PostgreSQL, two facilitators press "Call next" at the same moment: one person is called.

The second console's call waits on the session's queue row until the first commits, then finds
the row changed (its conditional UPDATE matches nothing) and is refused: nobody is skipped.
"""

from __future__ import annotations

import threading
import time

import pytest
from sqlalchemy import select, text

from facilitator.accounts import services as accounts
from facilitator.accounts.models import Facilitator
from facilitator.errors import Invalid
from facilitator.extensions import db
from facilitator.groups import services as groups
from facilitator.sessions import services as sessions
from facilitator.sessions.models import LiveSession
from facilitator.sharing import services
from facilitator.sharing.models import ShareTurn

from ..conftest import PASSWORD
from .conftest import AGENDA, SHARING_STEP

pytestmark = pytest.mark.postgres


def someone_waits_for_a_lock(deadline_seconds: float = 10.0) -> bool:
    """Whether another connection is waiting on a row lock (asked from a third connection)."""
    deadline = time.monotonic() + deadline_seconds
    engine = db.engine
    while time.monotonic() < deadline:
        with engine.connect() as connection:
            waiting = connection.scalar(
                text("SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock'")
            )
        if waiting:
            return True
        time.sleep(0.02)
    return False


def test_two_consoles_calling_next_at_once_call_one_person(pg_app):
    lead = accounts.create_facilitator("lead@example.org", "Lead", PASSWORD, is_admin=True)
    group = groups.create_group(
        lead, name="Group", description="", crisis_resources="Call 988", agenda=AGENDA, min_aggregate_size=2
    )
    live_session = sessions.create_session(lead, group, title="Week 1", waiting_room=False)
    sessions.move_to_step(lead, live_session, SHARING_STEP)
    people = [sessions.join_session(live_session, name) for name in ("Ana", "Bo", "Cy")]
    for person in people:
        services.raise_hand(person, live_session)
    db.session.commit()
    ids = (lead.id, live_session.id)
    first_called, commit_first = threading.Event(), threading.Event()
    outcomes: dict[str, object] = {}

    def console(name: str, hold: bool) -> None:
        with pg_app.app_context():
            try:
                facilitator = db.session.get(Facilitator, ids[0])
                own_session = db.session.get(LiveSession, ids[1])
                called = services.call_next(facilitator, own_session, None)  # both saw nobody speaking
                outcomes[name] = called.called.participant_id if called.called else None
                if hold:
                    first_called.set()
                    assert commit_first.wait(20)
                db.session.commit()
            except Invalid as refused:
                db.session.rollback()
                outcomes[name] = refused
            finally:
                db.session.remove()

    first = threading.Thread(target=console, args=("first", True))
    first.start()
    assert first_called.wait(20)
    second = threading.Thread(target=console, args=("second", False))
    second.start()
    assert someone_waits_for_a_lock(), "the second call did not wait for the first"
    commit_first.set()
    first.join(20)
    second.join(20)

    assert outcomes["first"] == people[0].id
    assert isinstance(outcomes["second"], Invalid)
    assert "nobody was skipped" in outcomes["second"].message
    db.session.expire_all()
    speaking = db.session.scalars(
        select(ShareTurn.participant_id).where(ShareTurn.status == "speaking")
    ).all()
    waiting = db.session.scalars(
        select(ShareTurn.participant_id).where(ShareTurn.status == "waiting").order_by(ShareTurn.position)
    ).all()
    assert speaking == [people[0].id]
    assert waiting == [people[1].id, people[2].id]
