"""Anonymous rounds stay anonymous for real: once the session ends, no column of checkin_answer
ties an anonymous answer to a person or to the order answers came in, and no console payload
names anyone."""

from sqlalchemy import inspect, text

from facilitator.checkins.sockets import release_due_batch
from facilitator.extensions import db
from facilitator.realtime.rooms import FACILITATOR_NS, PARTICIPANT_NS
from facilitator.sessions import services as session_services
from facilitator.sessions.models import SocketConnection

from ..conftest import drain, emit_ok, walk
from .conftest import after_the_slot

ANSWER_COLUMNS = {
    "id",
    "round_id",
    "participant_id",
    "respondent_key",
    "client_id",
    "passed",
    "mood",
    "feelings",
    "note",
    "note_shared",
    "answered_at",
    "release_at",
    "replaced_by_id",
}


def submit(phone, round_id, client_id, **content):
    emit_ok(
        phone.socket,
        PARTICIPANT_NS,
        "submit_checkin",
        {"round_id": round_id, "client_id": client_id, **content},
    )


def slot_ends(live_session, round_id):
    release_due_batch(live_session.id, round_id, after_the_slot())


def run_rounds(console, live_session, phones) -> tuple[int, int, int]:
    """A named round, an anonymous one with changes and passes (closed), and an anonymous one
    still open when the session ends."""
    named = emit_ok(console, FACILITATOR_NS, "open_round", {"kind": "checkin"})["round_id"]
    for number, phone in enumerate(phones):
        submit(phone, named, f"named-{number:04d}", mood=5)
    emit_ok(console, FACILITATOR_NS, "close_round", {"round_id": named})

    closed = emit_ok(console, FACILITATOR_NS, "open_round", {"kind": "custom", "anonymous": True})["round_id"]
    for number, phone in enumerate(phones[:3]):
        submit(phone, closed, f"first-{number:04d}", mood=number + 2, note=f"words {number}")
    slot_ends(live_session, closed)
    submit(phones[0], closed, "changed-0000", mood=9, note="changed words")
    submit(phones[3], closed, "late-0003", passed=True)
    emit_ok(console, FACILITATOR_NS, "reveal_round", {"round_id": closed})

    left_open = emit_ok(console, FACILITATOR_NS, "open_round", {"kind": "checkout", "anonymous": True})[
        "round_id"
    ]
    for number, phone in enumerate(phones):
        submit(phone, left_open, f"out-{number:04d}", mood=7)
    slot_ends(live_session, left_open)
    submit(phones[1], left_open, "out-changed", mood=3)
    return named, closed, left_open


def identifying_values(live_session) -> set[str]:
    sids = set(
        db.session.scalars(
            db.select(SocketConnection.sid).where(SocketConnection.live_session_id == live_session.id)
        )
    )
    return sids | {participant.display_name for participant in live_session.participants}


def test_after_the_session_ends_no_column_ties_an_anonymous_answer_to_anyone_or_to_arrival(
    facilitator, console, live_session, join
):
    phones = [join(live_session, name) for name in ("Alpha Ana", "Beta Bo", "Gamma Cy", "Delta Di")]
    _, closed, left_open = run_rounds(console, live_session, phones)
    identifying = identifying_values(live_session)
    assert len(identifying) > len(phones)
    session_services.end_session(facilitator, live_session)
    db.session.commit()
    slot_ends(live_session, left_open)  # the last batch's timer wakes after the end
    db.session.expire_all()

    rows = [dict(row._mapping) for row in db.session.execute(text("SELECT * FROM checkin_answer"))]
    # Exactly these columns: a new one that could hold a person or a time must be looked at here first.
    assert set(rows[0]) == ANSWER_COLUMNS
    foreign = {fk["referred_table"] for fk in inspect(db.engine).get_foreign_keys("checkin_answer")}
    assert foreign <= {"checkin_round", "participant", "checkin_answer"}
    anonymous = [row for row in rows if row["round_id"] in (closed, left_open)]
    assert len(anonymous) == 8  # each person's latest answer; replaced versions are gone
    for row in anonymous:
        assert row["participant_id"] is None
        assert row["release_at"] is None and row["replaced_by_id"] is None
        assert not str(row["id"]).isdigit()
        for value in row.values():
            assert not any(found in str(value) for found in identifying)
    # One time for all the answers of a round (the minute it opened): nothing orders them by arrival.
    for round_id in (closed, left_open):
        assert len({row["answered_at"] for row in anonymous if row["round_id"] == round_id}) == 1
    keys = [row["respondent_key"] for row in anonymous]
    assert len(set(keys)) == len(keys)
    # The key is gone: nobody can recompute whose hash a respondent key is.
    assert db.session.execute(text("SELECT anonymity_key FROM live_session")).scalar_one() is None


def test_no_console_payload_of_an_anonymous_round_names_anyone(console, live_session, join):
    phones = [join(live_session, name) for name in ("Alpha Ana", "Beta Bo", "Gamma Cy", "Delta Di")]
    drain(console, FACILITATOR_NS)
    named, _, _ = run_rounds(console, live_session, phones)
    messages = drain(console, FACILITATOR_NS)
    # Answers one by one only in the named round.
    assert {m["args"][0]["round_id"] for m in messages if m["name"] == "answer_recorded"} == {named}
    anonymous = [
        m["args"][0]
        for m in messages
        if m["name"] in ("round_updated", "answers_released")
        and named not in (m["args"][0].get("id"), m["args"][0].get("round_id"))
    ]
    assert any("responses" in payload for payload in anonymous)
    names = {participant.display_name for participant in live_session.participants}
    for item in walk(anonymous):
        assert item not in {"participant_id", "respondent_key", "answered_at", "release_at", "replaced_by_id"}
        assert not (isinstance(item, str) and any(name in item for name in names)), item
