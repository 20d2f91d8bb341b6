"""The app on PostgreSQL: the same rules and queries as on SQLite (DATABASE_URL chooses)."""

from datetime import timedelta

import pytest

from facilitator.checkins import services as checkins
from facilitator.clock import utcnow
from facilitator.extensions import db
from facilitator.realtime.rooms import PARTICIPANT_NS
from facilitator.sessions import services as sessions
from facilitator.sessions.models import SocketConnection

from .conftest import lead_and_group

pytestmark = pytest.mark.postgres


def test_a_session_with_a_round_on_postgresql(pg_app):
    lead, group = lead_and_group(min_aggregate_size=2)
    live_session = sessions.create_session(lead, group, title="Week 1", waiting_room=False)
    people = [sessions.join_session(live_session, name) for name in ("Ana", "Bo", "Cy")]
    db.session.commit()
    assert sessions.find_session_by_code(live_session.join_code) == live_session
    checkin_round = checkins.open_round(lead, live_session, "checkin", "", anonymous=True)
    feelings = (["tired", "calm"], ["calm"], [])
    for person, mood, words in zip(people, (3, 8, 8), feelings, strict=True):
        checkins.record_answer(
            person, live_session, checkin_round.id, client_id=f"pg-{person.id:05d}", mood=mood, feelings=words
        )
    db.session.commit()
    # An anonymous round's answers reach the console when their batch is released (a claim).
    assert checkins.release_due_answers(checkin_round, now=utcnow() + timedelta(seconds=16))
    db.session.commit()
    tally = checkins.console_tally(live_session, checkin_round)
    assert (tally["answered"], tally["mood"]["median"], tally["mood"]["average"]) == (3, 8, 6.3)
    assert tally["feelings"] == [["calm", 2], ["tired", 1]]  # counted by PostgreSQL itself
    assert [r["name"] for r in checkins.round_responses(checkin_round)] == [None, None, None]
    sessions.end_session(lead, live_session)
    db.session.commit()
    assert live_session.anonymity_key is None


def test_the_quick_answer_and_the_recount_on_postgresql(pg_app):
    """The one-statement answer (INSERT ... SELECT ... ON CONFLICT ... RETURNING) and the console's
    recount, as PostgreSQL runs them (facilitator/checkins/services.py)."""
    lead, group = lead_and_group(min_aggregate_size=2)
    live_session = sessions.create_session(lead, group, title="Week 1", waiting_room=False)
    ana, bo = (sessions.join_session(live_session, name) for name in ("Ana", "Bo"))
    checkin_round = checkins.open_round(lead, live_session, "checkin", "", anonymous=False)
    db.session.commit()

    for person in (ana, bo):  # each on a phone whose connection is open
        db.session.add(
            SocketConnection(
                sid=f"phone-{person.id}",
                namespace=PARTICIPANT_NS,
                live_session_id=live_session.id,
                participant_id=person.id,
            )
        )
    db.session.commit()

    def quick(person, client_id, **content):
        return checkins.record_named_answer(
            live_session.id,
            live_session.anonymity_key,
            person.id,
            checkin_round.id,
            sid=f"phone-{person.id}",
            client_id=client_id,
            **content,
        )

    first = quick(ana, "pg-answer-1", mood=3, feelings=["tired"])
    assert quick(bo, "pg-answer-2", mood=8, feelings=["calm", "tired"], note="Fine", note_shared=True)
    changed = quick(ana, "pg-answer-3", mood=4, feelings=["tired"])
    assert first is not None and changed is not None and changed.id == first.id
    assert quick(ana, "pg-answer-3", mood=4) is None  # a resend: the full way decides
    db.session.commit()
    tally = checkins.recount_console_tally(checkin_round.id)
    assert tally == checkins.console_tally(live_session, checkin_round)
    assert (tally["answered"], tally["mood"]["distribution"][3], tally["mood"]["distribution"][7]) == (
        2,
        1,
        1,
    )
    assert tally["feelings"] == [["tired", 2], ["calm", 1]]
    checkins.close_round(lead, live_session, checkin_round.id)
    db.session.commit()
    assert quick(bo, "pg-answer-4", mood=1) is None
