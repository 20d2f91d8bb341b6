"""The pulse stays anonymous for real: after the end no column, log line or payload ties an answer to
a person, and nothing ties a late answer to the ticket that let it in (a DB-level test, as for wins)."""

import hashlib
import logging
from datetime import timedelta

import pytest
from sqlalchemy import inspect, text

from facilitator.errors import NotAllowed
from facilitator.extensions import db, socketio
from facilitator.pulse import services
from facilitator.pulse.models import QUESTION_KEYS
from facilitator.pulse.summary import count_late_answers
from facilitator.realtime.rooms import FACILITATOR_NS, PARTICIPANT_NS
from facilitator.sessions import services as session_services
from facilitator.sessions.anonymity import keyed_hash_with
from facilitator.sessions.models import SocketConnection
from facilitator.summaries.models import SessionSummary

from ..conftest import drain, emit_ok, walk

RESPONSE_COLUMNS = {"id", "live_session_id", "respondent_key", *QUESTION_KEYS, "release_at"}
TICKET_COLUMNS = {"id", "live_session_id", "ticket_hash", "used_by"}
SESSION_PULSE_COLUMNS = {"live_session_id", "pulse_key", "opened_at"}
PERSON_FIELDS = {"participant_id", "participant", "respondent_key", "name", "sid", "ticket_hash"}
ANSWERS = {
    "Alpha Heron": {"heard": 9, "mattered": 8, "fit": 7, "overall": 9},
    "Beta Otter": {"heard": 4, "mattered": None, "fit": 5, "overall": 6},
    "Gamma Wren": {"heard": 7, "mattered": 7, "fit": 7, "overall": None},
}


def all_rows(table: str) -> list[dict]:
    return [dict(row._mapping) for row in db.session.execute(text(f"SELECT * FROM {table}"))]


def run_a_session(console, live_session, join):
    """Three answer live (one twice), one doesn't; the facilitator asks. Returns the phones."""
    phones = {name: join(live_session, name) for name in [*ANSWERS, "Delta Finch"]}
    emit_ok(console, FACILITATOR_NS, "open_pulse")
    for number, (name, scores) in enumerate(ANSWERS.items()):
        emit_ok(
            phones[name].socket,
            PARTICIPANT_NS,
            "submit_pulse",
            {"client_id": f"pulse-{number:04d}", **scores},
        )
    emit_ok(
        phones["Alpha Heron"].socket, PARTICIPANT_NS, "submit_pulse", {"client_id": "pulse-0009", "heard": 10}
    )
    return phones


def identifying_values(live_session) -> set[str]:
    sids = set(
        db.session.scalars(
            db.select(SocketConnection.sid).where(SocketConnection.live_session_id == live_session.id)
        )
    )
    return sids | {participant.display_name for participant in live_session.participants}


def test_after_the_end_no_row_ties_an_answer_or_a_ticket_to_anyone(facilitator, console, live_session, join):
    phones = run_a_session(console, live_session, join)
    identifying = identifying_values(live_session)
    pulse_key = services.session_pulse(live_session).pulse_key
    delta_ticket = phones["Delta Finch"].events("session_state")[0]["pulse"]["ticket"]
    session_services.end_session(facilitator, live_session)
    db.session.commit()
    # Delta answers from the take-home page, with the ticket their phone kept.
    assert services.record_late_pulse(
        live_session,
        ticket=delta_ticket,
        client_id="late-0001",
        scores={"overall": 3},
        now=live_session.ended_at,
    )
    db.session.commit()
    db.session.expire_all()

    responses, tickets, pulses = (
        all_rows("pulse_response"),
        all_rows("pulse_ticket"),
        all_rows("session_pulse"),
    )
    assert (len(responses), len(tickets), len(pulses)) == (4, 1, 1)
    # Exactly these columns: a new one that could hold a person must be looked at here first.
    assert set(responses[0]) == RESPONSE_COLUMNS
    assert set(tickets[0]) == TICKET_COLUMNS and set(pulses[0]) == SESSION_PULSE_COLUMNS
    inspector = inspect(db.engine)
    for table in ("pulse_response", "pulse_ticket", "session_pulse"):
        assert {fk["referred_table"] for fk in inspector.get_foreign_keys(table)} == {"live_session"}
    for row in responses + tickets + pulses:
        for value in row.values():
            assert not any(found in str(value) for found in identifying)
    # No keys left, no time at all on an answer once counted, random ids.
    assert [row["respondent_key"] for row in responses] == [None] * 4
    assert pulses[0]["pulse_key"] is None
    assert all(not str(row["id"]).isdigit() for row in responses + tickets)
    late = [row for row in responses if row["release_at"] is not None]
    assert len(late) == 1  # Delta's, until the time for late answers is over
    count_late_answers(live_session.ended_at + timedelta(hours=24))
    db.session.expire_all()
    assert [row["release_at"] for row in all_rows("pulse_response")] == [None] * 4
    assert all_rows("pulse_ticket") == []

    # The keys are gone: nobody, this code included, can recompute whose answer or ticket it was.
    assert services.session_pulse(live_session).pulse_key is None
    with pytest.raises(NotAllowed):
        keyed_hash_with(None, "pulse", phones["Alpha Heron"].participant_id)
    # While they existed, the keys and tickets were the pulse's own: nothing stored under the
    # session's anonymity key, nor the ticket itself, only its hash.
    assert pulse_key != live_session.anonymity_key
    assert hashlib.sha256(delta_ticket.encode()).hexdigest() == tickets[0]["ticket_hash"]
    # The summary: averages and counts only.
    section = db.session.get(SessionSummary, live_session.id).data["pulse"]
    for item in walk(section):
        assert item not in PERSON_FIELDS
        assert not (isinstance(item, str) and any(found in item for found in identifying))


def test_no_log_line_mentions_who_answered(caplog, facilitator, console, live_session, join):
    caplog.set_level(logging.DEBUG)
    phones = run_a_session(console, live_session, join)
    identifying = identifying_values(live_session)
    participant_ids = {f"participant_id={phone.participant_id}" for phone in phones.values()}
    session_services.end_session(facilitator, live_session)
    db.session.commit()
    for record in caplog.records:
        line = record.getMessage() + (record.exc_text or "")
        assert not any(found in line for found in identifying | participant_ids), line


def pulse_payloads(messages) -> list:
    found = []
    for message in messages:
        payload = message["args"][0] if message["args"] else None
        if message["name"] == "session_state":
            found.append(payload.get("pulse"))
        elif message["name"].startswith("pulse"):
            found.append(payload)
    return found


def test_no_payload_tells_the_facilitator_or_others_who_answered_or_what(
    app, facilitator_client, console, live_session, join
):
    phones = run_a_session(console, live_session, join)
    identifying = identifying_values(live_session)
    fresh_console = socketio.test_client(
        app,
        namespace=FACILITATOR_NS,
        auth={"live_session_id": live_session.id},
        flask_test_client=facilitator_client,
    )
    messages = drain(console, FACILITATOR_NS) + drain(fresh_console, FACILITATOR_NS)
    payloads = pulse_payloads(messages)
    assert payloads
    for item in walk(payloads):
        assert item not in PERSON_FIELDS | set(QUESTION_KEYS) | {"yours", "ticket"}, item
        assert not (isinstance(item, str) and any(found in item for found in identifying)), item
    # Another phone hears nothing of anyone's answer.
    delta = drain(phones["Delta Finch"].socket, PARTICIPANT_NS)
    assert [m["name"] for m in delta if m["name"].startswith("pulse")] == ["pulse_asked"]
