"""The lean answer path (README, "Measuring a crowd"): the usual answer is recorded in one
statement and anything else goes the full way; the console's counts are recounted once per
ROUND_RECOUNT_SECONDS and round, across workers too, and always read from the database."""

import pytest
from limits.storage import MemoryStorage
from sqlalchemy import event

from facilitator.checkins import services
from facilitator.checkins.models import CheckInAnswer
from facilitator.extensions import db
from facilitator.realtime import announce
from facilitator.realtime.callers import remembered_seat
from facilitator.realtime.rooms import FACILITATOR_NS, PARTICIPANT_NS
from facilitator.sessions import services as session_services
from facilitator.sessions.models import SocketConnection
from facilitator.transactions import Session

from ..conftest import connection_sid, emit, received


def open_round(console, **options) -> int:
    ack = emit(console, FACILITATOR_NS, "open_round", {"kind": "checkin", **options})
    assert ack["ok"], ack
    return ack["round_id"]


def submit(phone, round_id, client_id="answer-0001", **content) -> dict:
    payload = {"round_id": round_id, "client_id": client_id, **content}
    return emit(phone.socket, PARTICIPANT_NS, "submit_checkin", payload)


def quick(live_session, participant, round_id, client_id="answer-0001", sid=None, **content):
    return services.record_named_answer(
        live_session.id,
        live_session.anonymity_key,
        participant.id,
        round_id,
        sid=sid or connection_sid(participant),
        client_id=client_id,
        **content,
    )


class Statements:
    """The SQL statements SQLite runs for the app while it is in use (also those run on the pool's
    driver connection, past SQLAlchemy's execution events), without transaction control."""

    def __init__(self) -> None:
        self.run: list[str] = []
        self._traced: list = []

    def __enter__(self):
        event.listen(db.engine, "checkout", self._trace)
        return self

    def __exit__(self, *_):
        event.remove(db.engine, "checkout", self._trace)
        for dbapi_connection in self._traced:
            dbapi_connection.set_trace_callback(None)

    def _trace(self, dbapi_connection, *_args) -> None:
        self._traced.append(dbapi_connection)
        dbapi_connection.set_trace_callback(self._count)

    def _count(self, statement: str) -> None:
        if statement.split()[0] not in ("BEGIN", "COMMIT", "ROLLBACK"):
            self.run.append(statement)


def answers() -> list[CheckInAnswer]:
    db.session.expire_all()
    return list(db.session.scalars(db.select(CheckInAnswer)))


def test_an_answer_and_its_change_are_one_statement_each(console, live_session, join):
    phone = join(live_session, "Ana")
    participant = db.session.get(session_services.Participant, phone.participant_id)
    round_id = open_round(console)
    db.session.commit()
    sid = connection_sid(participant)
    with Statements() as statements:
        first = quick(live_session, participant, round_id, mood=4, feelings=["Calm"], sid=sid)
    assert len(statements.run) == 1 and statements.run[0].startswith("INSERT")
    with Statements() as statements:
        changed = quick(live_session, participant, round_id, client_id="answer-0002", passed=True, sid=sid)
    assert len(statements.run) == 1
    db.session.commit()
    assert first is not None and changed is not None and changed.id == first.id  # the same answer, changed
    [stored] = answers()
    assert (stored.client_id, stored.passed, stored.mood, stored.feelings) == ("answer-0002", True, None, [])
    assert (stored.participant_id, stored.release_at) == (participant.id, None)


@pytest.mark.parametrize(
    "case",
    ["resend", "closed round", "anonymous round", "another session's round", "no such round", "bad content"],
)
def test_anything_unusual_is_left_to_the_full_way(app, console, live_session, join, facilitator, case):
    phone = join(live_session, "Ana")
    participant = db.session.get(session_services.Participant, phone.participant_id)
    round_id = open_round(console, anonymous=case == "anonymous round")
    assert submit(phone, round_id, mood=5)["ok"]  # the stored answer, client id answer-0001
    content: dict = {"client_id": "answer-0002", "mood": 6}
    if case == "resend":
        content = {"client_id": "answer-0001", "mood": 5}
    elif case == "closed round":
        assert emit(console, FACILITATOR_NS, "close_round", {"round_id": round_id})["ok"]
    elif case == "another session's round":
        other = session_services.create_session(
            facilitator, live_session.group, title="Other", waiting_room=False
        )
        db.session.commit()
        round_id = services.open_round(facilitator, other, "checkin", "", anonymous=False).id
        db.session.commit()
    elif case == "no such round":
        round_id += 1000
    elif case == "bad content":
        content = {"client_id": "answer-0002", "mood": 5, "passed": True}
    before = [(a.id, a.client_id, a.mood) for a in answers()]
    assert quick(live_session, participant, round_id, **content) is None
    db.session.commit()
    assert [(a.id, a.client_id, a.mood) for a in answers()] == before


def test_a_note_the_screen_holds_back_goes_the_full_way(console, live_session, join):
    phone = join(live_session, "Ana")
    participant = db.session.get(session_services.Participant, phone.participant_id)
    round_id = open_round(console)
    note = "I want to kill myself"
    assert quick(live_session, participant, round_id, mood=2, note=note, note_shared=True) is None
    ack = submit(phone, round_id, mood=2, note=note, note_shared=True)
    assert ack == {"ok": True, "client_id": "answer-0001", "held": True}
    [stored] = answers()
    assert stored.note_shared is False
    assert received(console, FACILITATOR_NS, "safety_flagged")


def test_a_plain_note_is_kept_and_shared_as_asked(console, live_session, join):
    phone = join(live_session, "Ana")
    round_id = open_round(console)
    received(console, FACILITATOR_NS, "round_updated")
    ack = submit(phone, round_id, mood=7, note="  A good week.  ", note_shared=True)
    assert ack == {"ok": True, "client_id": "answer-0001", "held": False}
    [shown] = received(console, FACILITATOR_NS, "answer_recorded")
    assert shown["response"] | {"id": None} == {
        "id": None,
        "name": "Ana",
        "passed": False,
        "mood": 7,
        "low_mood": False,
        "feelings": [],
        "note": "A good week.",
        "note_shared": True,
    }
    [stored] = answers()
    assert (stored.id, stored.note, stored.note_shared) == (shown["response"]["id"], "A good week.", True)


def test_the_seat_is_read_at_connect_and_no_answer_reads_it_or_loads_objects(
    app, console, live_session, join
):
    phone = join(live_session, "Ana")
    round_id = open_round(console)
    loaded = []

    def keep(_session, obj) -> None:
        loaded.append(obj)

    event.listen(Session, "loaded_as_persistent", keep)
    try:
        with Statements() as first:
            assert submit(phone, round_id, mood=5)["ok"]
        with Statements() as second:
            assert submit(phone, round_id, client_id="answer-0002", mood=6)["ok"]
    finally:
        event.remove(Session, "loaded_as_persistent", keep)
    # Every answer, the connection's first too: the answer alone, its statement checking the
    # seat as it writes (the recount comes after it).
    for answer in (first, second):
        assert answer.run[0].split()[0] == "INSERT" and "socket_connection" in answer.run[0]
        assert not any(sql.startswith("SELECT") and "socket_connection" in sql for sql in answer.run)
    assert loaded == []
    assert [(a.client_id, a.mood) for a in answers()] == [("answer-0002", 6)]


def test_a_closed_connection_is_forgotten(app, live_session, join):
    phone = join(live_session, "Ana")
    sid = db.session.scalar(db.select(SocketConnection.sid))
    assert remembered_seat(sid) is not None  # from its connect
    phone.socket.disconnect(namespace=PARTICIPANT_NS)
    assert remembered_seat(sid) is None


def test_the_recount_counts_what_the_console_summary_counts(console, live_session, join):
    phones = [join(live_session, name) for name in ("Ana", "Bo", "Cy")]
    round_id = open_round(console)
    contents = [
        {"mood": 2, "feelings": ["tired", "calm"]},
        {"mood": 9, "feelings": ["calm"]},
        {"passed": True},
    ]
    for phone, content in zip(phones, contents, strict=True):
        assert submit(phone, round_id, **content)["ok"]
    checkin_round = services.load_round(live_session, round_id)
    expected = services.console_tally(live_session, checkin_round)
    assert services.recount_console_tally(round_id) == expected
    assert (expected["answered"], expected["passed"], expected["waiting"]) == (2, 1, 0)
    assert expected["feelings"] == [["calm", 2], ["tired", 1]]
    assert services.recount_console_tally(round_id + 1000) is None


@pytest.fixture
def later(monkeypatch):
    """Background work scheduled by announce_soon, kept to be run by the test (no clock)."""
    jobs: list = []
    monkeypatch.setattr(announce, "run_later", lambda delay, job, what: jobs.append((delay, job)))
    announce._due_soon.clear()
    yield jobs
    announce._due_soon.clear()


def run_jobs(app, jobs) -> None:
    while jobs:
        _, job = jobs.pop(0)
        job()
        db.session.commit()


def test_a_burst_of_answers_is_one_recount_read_when_it_runs(app, console, live_session, join, later):
    app.config["ROUND_RECOUNT_SECONDS"] = 1.0
    phones = [join(live_session, name) for name in ("Ana", "Bo", "Cy")]
    round_id = open_round(console)
    received(console, FACILITATOR_NS, "round_updated")
    for number, phone in enumerate(phones):
        assert submit(phone, round_id, client_id=f"answer-000{number}", mood=5 + number)["ok"]
    # Each answer is on the console at once; one recount is due, a second later.
    assert len(received(console, FACILITATOR_NS, "answer_recorded")) == 3
    assert received(console, FACILITATOR_NS, "round_updated") == []
    assert [delay for delay, _ in later] == [1.0]
    run_jobs(app, later)
    [tally] = received(console, FACILITATOR_NS, "round_updated")
    assert tally["answered"] == 3 and tally["mood"]["distribution"][4:7] == [1, 1, 1]
    # The next answer is the start of the next recount.
    assert submit(phones[0], round_id, client_id="answer-0009", mood=1)["ok"]
    assert len(later) == 1


def test_workers_sharing_a_store_recount_a_round_once(app, console, live_session, join, later, monkeypatch):
    """Two workers: the first to claim the round's recount in the shared store (Redis when
    scaling out) makes it; the other, whose answers came meanwhile, leaves it to that one."""
    shared = MemoryStorage()
    monkeypatch.setattr(announce, "_claims", lambda uri: shared)
    app.config["RATELIMIT_STORAGE_URI"] = "redis://shared-by-the-workers"
    app.config["ROUND_RECOUNT_SECONDS"] = 0.5
    phones = [join(live_session, name) for name in ("Ana", "Bo")]
    round_id = open_round(console)
    received(console, FACILITATOR_NS, "round_updated")
    assert submit(phones[0], round_id, client_id="answer-0001", mood=4)["ok"]
    assert [delay for delay, _ in later] == [1 + announce.SHARED_CLAIM_MARGIN]  # whole seconds in Redis
    announce._due_soon.clear()  # what another worker, with its own memory, would see
    assert submit(phones[1], round_id, client_id="answer-0002", mood=6)["ok"]
    assert len(later) == 1
    run_jobs(app, later)
    [tally] = received(console, FACILITATOR_NS, "round_updated")
    assert tally["answered"] == 2
