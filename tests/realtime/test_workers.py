"""Presence that survives server processes: connections name their worker, live workers take over
a dead one's rows (once), support's first alerts are picked again, and a reconnect replaces the
person's stale rows. The SIGTERM drain is tested on real servers in test_drain.py."""

import threading
from datetime import timedelta

import pytest
from sqlalchemy import delete, select, update

from facilitator.clock import utcnow
from facilitator.extensions import db
from facilitator.groups import services as group_services
from facilitator.realtime import workers
from facilitator.realtime.presence import is_online, online_participant_ids, this_worker
from facilitator.realtime.rooms import FACILITATOR_NS, PARTICIPANT_NS
from facilitator.sessions.models import ServerWorker, SocketConnection
from facilitator.support.models import SupportRequest

from ..conftest import PASSWORD, emit, facilitator_socket, login, participant_socket, received

LONG_AGO = timedelta(hours=2)  # past WORKER_DEAD_AFTER_SECONDS, which the tests set to an hour


def add_worker(worker_id: str, *, dead: bool) -> str:
    beat = utcnow() - (LONG_AGO if dead else timedelta(0))
    db.session.add(ServerWorker(id=worker_id, started_at=beat, heartbeat_at=beat))
    db.session.commit()
    return worker_id


def add_row(
    worker_id, live_session, sid, *, participant_id=None, facilitator_id=None, sign_in_id=None, screen=False
):
    """A connection row as another server process would have written it."""
    db.session.add(
        SocketConnection(
            sid=sid,
            worker_id=worker_id,
            namespace=PARTICIPANT_NS if participant_id else FACILITATOR_NS,
            live_session_id=live_session.id,
            participant_id=participant_id,
            facilitator_id=facilitator_id,
            sign_in_id=sign_in_id,
            is_screen=screen,
        )
    )
    db.session.commit()


def stop_beating(worker_id: str) -> None:
    """Make a worker's last heartbeat long ago, as if it stalled or died."""
    db.session.execute(
        update(ServerWorker).where(ServerWorker.id == worker_id).values(heartbeat_at=utcnow() - LONG_AGO)
    )
    db.session.commit()


def rows() -> dict[str, str | None]:
    db.session.expire_all()
    return {row.sid: row.worker_id for row in db.session.scalars(select(SocketConnection))}


def sids_of(participant_id: int) -> set[str]:
    db.session.expire_all()
    return set(
        db.session.scalars(
            select(SocketConnection.sid).where(SocketConnection.participant_id == participant_id)
        )
    )


def roster_updates(console) -> list[tuple[str, bool]]:
    return [
        (entry["name"], entry["online"]) for entry in received(console, FACILITATOR_NS, "participant_updated")
    ]


# --- connections and their worker ---------------------------------------------------------------


def test_each_connection_names_the_worker_that_holds_it(app, console, live_session, join):
    join(live_session, "Ana")
    worker = this_worker(app)
    assert set(rows().values()) == {worker.id} and len(rows()) == 2
    assert db.session.get(ServerWorker, worker.id) is not None


def test_creating_the_app_and_running_commands_register_no_worker(app, runner):
    result = runner.invoke(
        args=["create-facilitator", "--email", "cli@example.org", "--name", "Cli", "--password-stdin"],
        input=PASSWORD + "\n",
    )
    assert result.exit_code == 0, result.output
    assert db.session.scalars(select(ServerWorker)).all() == []


def test_a_beat_moves_the_heartbeat_on(app, console):
    worker = this_worker(app)
    later = utcnow() + timedelta(seconds=5)
    workers.beat(worker, later)
    db.session.expire_all()
    assert db.session.get(ServerWorker, worker.id).heartbeat_at == later


def test_a_dead_workers_rows_count_for_nothing_even_before_they_are_removed(app, live_session, join):
    ana = join(live_session, "Ana", connect=False)
    add_row(add_worker("gone-1", dead=True), live_session, "gone-sid", participant_id=ana.participant_id)
    assert not is_online(ana.participant_id)
    assert online_participant_ids(live_session) == set()
    add_row(add_worker("alive-1", dead=False), live_session, "alive-sid", participant_id=ana.participant_id)
    assert is_online(ana.participant_id)
    assert online_participant_ids(live_session) == {ana.participant_id}


# --- taking over a dead worker ------------------------------------------------------------------


def test_a_live_worker_removes_a_dead_workers_rows_and_announces_its_people_away(
    app, console, facilitator, live_session, join
):
    here = join(live_session, "Here")  # on this worker
    gone = join(live_session, "Gone", connect=False)
    both = join(live_session, "Both")  # a tab here, and one on the dead worker
    dead = add_worker("dead-host-1-aa", dead=True)
    alive = add_worker("other-host-2-bb", dead=False)
    add_row(dead, live_session, "dead-gone", participant_id=gone.participant_id)
    add_row(dead, live_session, "dead-both", participant_id=both.participant_id)
    add_row(dead, live_session, "dead-console", facilitator_id=facilitator.id)
    add_row(alive, live_session, "alive-gone", participant_id=gone.participant_id)
    add_row(alive, live_session, "alive-console", facilitator_id=facilitator.id)
    received(console, FACILITATOR_NS, "participant_updated")
    before = rows()

    assert workers.reap_dead_workers(utcnow()) == [dead]

    assert rows() == {sid: worker for sid, worker in before.items() if worker != dead}
    assert db.session.get(ServerWorker, dead) is None
    assert db.session.get(ServerWorker, alive) is not None
    # "Gone" still has a tab on the other live worker; "Both" has one here: nobody is away yet.
    assert sorted(roster_updates(console)) == [("Both", True), ("Gone", True)]
    assert here.participant_id in online_participant_ids(live_session)

    db.session.execute(delete(SocketConnection).where(SocketConnection.sid == "alive-gone"))
    stop_beating(alive)
    add_row(alive, live_session, "alive-gone-2", participant_id=gone.participant_id)
    assert workers.reap_dead_workers(utcnow()) == [alive]
    assert roster_updates(console) == [("Gone", False)]
    assert workers.reap_dead_workers(utcnow()) == []
    assert roster_updates(console) == []


def test_a_worker_never_takes_itself_over(app, console):
    worker = this_worker(app)
    stop_beating(worker.id)
    assert workers.reap_dead_workers(utcnow()) == []
    assert set(rows().values()) == {worker.id}


def test_two_workers_scanning_at_once_take_over_a_dead_one_exactly_once(app, console, live_session, join):
    gone = join(live_session, "Gone", connect=False)
    dead = add_worker("dead-host-3-cc", dead=True)
    for n in range(3):
        add_row(dead, live_session, f"dead-{n}", participant_id=gone.participant_id)
    received(console, FACILITATOR_NS, "participant_updated")
    both_ready = threading.Barrier(2)
    results: list[list[str]] = []

    def scan() -> None:
        with app.app_context():
            both_ready.wait()
            results.append(workers.reap_dead_workers(utcnow()))
            db.session.remove()

    scanners = [threading.Thread(target=scan) for _ in range(2)]
    for scanner in scanners:
        scanner.start()
    for scanner in scanners:
        scanner.join(timeout=30)
    assert sorted(results) == [[], [dead]]
    assert roster_updates(console) == [("Gone", False)]
    assert sids_of(gone.participant_id) == set()


def test_a_worker_taken_for_dead_writes_its_row_again_and_has_its_clients_reconnect(
    app, console, monkeypatch
):
    worker = this_worker(app)
    db.session.execute(delete(ServerWorker))  # another worker took it over while it stalled
    db.session.commit()
    started = []
    monkeypatch.setattr(workers.socketio, "start_background_task", lambda task, *args: started.append(task))
    workers.beat(worker, utcnow())
    assert db.session.get(ServerWorker, worker.id) is not None
    assert started == [workers.close_local_connections]
    workers.beat(worker, utcnow())
    assert started == [workers.close_local_connections]  # once back, it just beats


def test_a_draining_worker_neither_beats_nor_takes_over(app, console, live_session, join):
    gone = join(live_session, "Gone", connect=False)
    dead = add_worker("dead-host-4-dd", dead=True)
    add_row(dead, live_session, "dead-sid", participant_id=gone.participant_id)
    worker = this_worker(app)
    worker.draining = True
    workers.keep_workers(utcnow())
    assert db.session.get(ServerWorker, dead) is not None
    worker.draining = False
    workers.keep_workers(utcnow())
    assert db.session.get(ServerWorker, dead) is None


# --- support: the first alert is picked again ---------------------------------------------------


@pytest.fixture
def co_console(app, facilitator, group, live_session, make_facilitator):
    colleague = make_facilitator("Sam Okafor")
    group_services.add_co_facilitator(facilitator, group, colleague.email)
    db.session.commit()
    client = app.test_client()
    login(client, colleague)
    sock = facilitator_socket(app, client, live_session)
    assert sock.is_connected(FACILITATOR_NS)
    sock.get_received(FACILITATOR_NS)
    return sock


def ask(phone, client_id, message="Can we talk after group?"):
    payload = {"client_id": client_id, "urgency": "now", "message": message}
    ack = emit(phone.socket, PARTICIPANT_NS, "request_support", payload)
    assert ack["ok"], ack
    return ack["request"]["id"]


def test_requests_first_alerted_to_a_console_on_a_dead_worker_go_to_every_console(
    app, facilitator, co_console, live_session, join
):
    other = add_worker("other-host-5-ee", dead=False)
    add_row(other, live_session, "lead-console", facilitator_id=facilitator.id)  # the lead's only console
    asker = join(live_session, "Asker")
    waiting = ask(asker, "support-0001")
    seen = ask(asker, "support-0002")
    assert received(co_console, FACILITATOR_NS, "support_requested") == []  # the lead's, first
    emit(co_console, FACILITATOR_NS, "acknowledge_support", {"request_id": seen})
    flagged = ask(asker, "support-0003", message="I want to kill myself")  # every console at once
    assert [e["id"] for e in received(co_console, FACILITATOR_NS, "support_requested")] == [flagged]

    stop_beating(other)
    assert workers.reap_dead_workers(utcnow()) == [other]

    [entry] = received(co_console, FACILITATOR_NS, "support_requested")
    assert (entry["id"], entry["name"], entry["status"]) == (waiting, "Asker", "open")
    assert asker.events("support_requested") == []
    # Not escalated: the escalation still comes, once, if nobody acknowledges it.
    assert db.session.get(SupportRequest, waiting).escalated_at is None


def test_a_lead_with_a_console_left_on_a_live_worker_keeps_the_first_alert(
    app, facilitator, console, co_console, live_session, join
):
    other = add_worker("other-host-6-ff", dead=False)
    add_row(other, live_session, "lead-second-console", facilitator_id=facilitator.id)
    asker = join(live_session, "Asker")
    ask(asker, "support-0001")
    received(console, FACILITATOR_NS, "support_requested")
    stop_beating(other)
    assert workers.reap_dead_workers(utcnow()) == [other]
    assert received(co_console, FACILITATOR_NS, "support_requested") == []


def test_a_new_request_skips_a_leads_console_on_a_dead_worker(
    app, facilitator, co_console, live_session, join
):
    dead = add_worker("dead-host-7-gg", dead=True)
    add_row(dead, live_session, "lead-console", facilitator_id=facilitator.id)  # not removed yet
    request_id = ask(join(live_session, "Asker"), "support-0001")
    assert [e["id"] for e in received(co_console, FACILITATOR_NS, "support_requested")] == [request_id]


def test_two_workers_taking_over_at_once_alert_every_console_once(
    app, facilitator, co_console, live_session, join
):
    other = add_worker("other-host-8-hh", dead=False)
    add_row(other, live_session, "lead-console", facilitator_id=facilitator.id)
    request_id = ask(join(live_session, "Asker"), "support-0001")
    stop_beating(other)
    both_ready = threading.Barrier(2)

    def scan() -> None:
        with app.app_context():
            both_ready.wait()
            workers.reap_dead_workers(utcnow())
            db.session.remove()

    scanners = [threading.Thread(target=scan) for _ in range(2)]
    for scanner in scanners:
        scanner.start()
    for scanner in scanners:
        scanner.join(timeout=30)
    assert [e["id"] for e in received(co_console, FACILITATOR_NS, "support_requested")] == [request_id]


# --- a reconnect replaces stale rows ------------------------------------------------------------


def test_a_reconnect_replaces_the_participants_stale_rows(app, live_session, join):
    ana = join(live_session, "Ana")  # a tab open here, and staying open
    [open_tab] = sids_of(ana.participant_id)
    bo = join(live_session, "Bo", connect=False)
    here = this_worker(app).id
    dead = add_worker("dead-host-9-ii", dead=True)
    elsewhere = add_worker("other-host-10-jj", dead=False)
    add_row(dead, live_session, "ana-on-a-dead-worker", participant_id=ana.participant_id)
    add_row(here, live_session, "ana-closed-here", participant_id=ana.participant_id)  # its socket is gone
    add_row(elsewhere, live_session, "ana-on-another-worker", participant_id=ana.participant_id)
    add_row(dead, live_session, "bo-on-a-dead-worker", participant_id=bo.participant_id)

    participant_socket(app, ana)  # the phone reconnects

    [reconnected] = sids_of(ana.participant_id) - {open_tab, "ana-on-another-worker"}
    assert sids_of(ana.participant_id) == {open_tab, "ana-on-another-worker", reconnected}
    assert rows()[reconnected] == here
    assert "bo-on-a-dead-worker" in rows()  # someone else's: the dead worker's takeover removes it


def test_a_reconnecting_console_replaces_its_sign_ins_stale_rows(
    app, facilitator, facilitator_client, live_session
):
    first = facilitator_socket(app, facilitator_client, live_session)
    [(open_console, sign_in_id)] = db.session.execute(
        select(SocketConnection.sid, SocketConnection.sign_in_id).where(
            SocketConnection.facilitator_id == facilitator.id
        )
    ).all()
    dead = add_worker("dead-host-11-kk", dead=True)
    add_row(dead, live_session, "same-sign-in", facilitator_id=facilitator.id, sign_in_id=sign_in_id)
    add_row(
        dead,
        live_session,
        "same-sign-ins-screen",
        facilitator_id=facilitator.id,
        sign_in_id=sign_in_id,
        screen=True,
    )
    add_row(dead, live_session, "another-sign-in", facilitator_id=facilitator.id)

    facilitator_socket(app, facilitator_client, live_session)

    left = set(rows())
    assert "same-sign-in" not in left
    assert {open_console, "same-sign-ins-screen", "another-sign-in"} <= left
    assert first.is_connected(FACILITATOR_NS)
