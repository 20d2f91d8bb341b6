"""Real servers (`python wsgi.py`, eventlet) stopped with SIGTERM or killed, with python-socketio
clients: a worker leaves no connection rows behind, and its people are announced away.

One process on its own shows the order of a drain (the phones' departures reach the console
before the console is closed); two processes sharing the database and a Redis message queue show
it across workers, and show a live worker taking over one that was killed."""

import signal
import sqlite3
import time

import pytest
import socketio

from ..conftest import LiveServer, join_live, open_live_room

WAIT_SECONDS = 30


def connect(server, namespace, auth, cookies, timeline, label):
    """A python-socketio client that notes what it hears, in order, in `timeline`."""
    client = socketio.Client(reconnection=False)
    if namespace == "/facilitator":
        client.on(
            "participant_updated",
            lambda entry: timeline.append((label, "participant_updated", (entry["name"], entry["online"]))),
            namespace=namespace,
        )
    client.on("disconnect", lambda *_: timeline.append((label, "closed", None)), namespace=namespace)
    client.connect(
        server.url, namespaces=[namespace], auth=auth, headers={"Cookie": cookies}, wait_timeout=10
    )
    return client


def wait_for(timeline, entry, *, after=-1, seconds=WAIT_SECONDS):
    """Wait until `entry` is heard (after position `after`); returns its position."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        for position in range(after + 1, len(timeline)):
            if timeline[position] == entry:
                return position
        time.sleep(0.05)
    raise AssertionError(f"{entry} never came; heard: {timeline}")


def query(server, sql):
    connection = sqlite3.connect(server.instance_dir / "stepwise.db")
    try:
        return connection.execute(sql).fetchall()
    finally:
        connection.close()


@pytest.mark.parametrize("async_mode", ["eventlet", "gevent"])
def test_a_worker_stopped_with_sigterm_drains_before_it_exits(start_live_server, async_mode):
    live_server = start_live_server(SOCKETIO_ASYNC_MODE=async_mode)
    room = open_live_room(live_server)
    timeline: list = []
    console = connect(
        live_server,
        "/facilitator",
        {"live_session_id": room.live_session_id},
        room.facilitator.cookie_header(),
        timeline,
        "console",
    )
    phone_web = join_live(live_server, room, "Steady Robin")
    connect(
        live_server,
        "/participant",
        {"join_token": room.join_token},
        phone_web.cookie_header(),
        timeline,
        "phone",
    )
    wait_for(timeline, ("console", "participant_updated", ("Steady Robin", True)))
    [(worker_id,)] = query(live_server, "SELECT id FROM server_worker")
    assert query(live_server, "SELECT worker_id FROM socket_connection") == [(worker_id,), (worker_id,)]

    live_server.process.send_signal(signal.SIGTERM)
    assert live_server.process.wait(timeout=WAIT_SECONDS) == 0

    assert query(live_server, "SELECT * FROM socket_connection") == []
    assert query(live_server, "SELECT * FROM server_worker") == []
    away = wait_for(timeline, ("console", "participant_updated", ("Steady Robin", False)))
    assert away < wait_for(timeline, ("console", "closed", None))  # told before it was closed
    wait_for(timeline, ("phone", "closed", None))
    assert "Traceback" not in live_server.log()
    console.disconnect()


# --- two workers --------------------------------------------------------------------------------


def start_two_workers(tmp_path_factory, redis_url, **settings):
    """Two servers on one SQLite file and one message queue, as behind a balancer."""
    instance = tmp_path_factory.mktemp("two-workers")
    database_url = f"sqlite:///{instance / 'stepwise.db'}"
    env = {"SOCKETIO_MESSAGE_QUEUE": redis_url, "RATELIMIT_STORAGE_URI": redis_url, **settings}
    first = LiveServer(instance, database_url, extra_env=env)
    second = LiveServer(instance, database_url, extra_env=env)
    first.flask("db", "upgrade")
    first.start()
    second.start()
    return first, second


def console_on_one_phone_on_the_other(phones_server, consoles_server, timeline):
    room = open_live_room(phones_server)
    console = connect(
        consoles_server,
        "/facilitator",
        {"live_session_id": room.live_session_id},
        room.facilitator.cookie_header(),
        timeline,
        "console",
    )
    phone_web = join_live(phones_server, room, "Steady Robin")
    phone_auth = {"join_token": room.join_token}
    connect(phones_server, "/participant", phone_auth, phone_web.cookie_header(), timeline, "phone")
    wait_for(timeline, ("console", "participant_updated", ("Steady Robin", True)))
    return console, phone_web, phone_auth


def worker_of_the_console(server):
    [(worker_id,)] = query(server, "SELECT worker_id FROM socket_connection WHERE namespace = '/facilitator'")
    return worker_id


def test_a_draining_worker_tells_consoles_on_another_worker_its_people_are_away(tmp_path_factory, redis_url):
    phones, consoles = start_two_workers(tmp_path_factory, redis_url)
    try:
        timeline: list = []
        console, _, _ = console_on_one_phone_on_the_other(phones, consoles, timeline)
        remaining = worker_of_the_console(consoles)
        assert len(query(phones, "SELECT id FROM server_worker")) == 2

        phones.process.send_signal(signal.SIGTERM)
        assert phones.process.wait(timeout=WAIT_SECONDS) == 0

        wait_for(timeline, ("console", "participant_updated", ("Steady Robin", False)))
        wait_for(timeline, ("phone", "closed", None))
        assert query(phones, "SELECT worker_id FROM socket_connection") == [(remaining,)]
        assert query(phones, "SELECT id FROM server_worker") == [(remaining,)]
        assert console.connected
        console.disconnect()
    finally:
        phones.stop()
        consoles.stop()


def test_a_killed_worker_is_taken_over_and_its_people_come_back_through_another(tmp_path_factory, redis_url):
    phones, consoles = start_two_workers(
        tmp_path_factory, redis_url, WORKER_HEARTBEAT_SECONDS="0.5", WORKER_DEAD_AFTER_SECONDS="2"
    )
    try:
        timeline: list = []
        console, phone_web, phone_auth = console_on_one_phone_on_the_other(phones, consoles, timeline)
        remaining = worker_of_the_console(consoles)

        phones.process.send_signal(signal.SIGKILL)
        phones.process.wait(timeout=WAIT_SECONDS)

        away = wait_for(timeline, ("console", "participant_updated", ("Steady Robin", False)))
        assert query(consoles, "SELECT worker_id FROM socket_connection") == [(remaining,)]
        assert query(consoles, "SELECT id FROM server_worker") == [(remaining,)]
        # The phone reconnects, through the balancer, to the worker that is left.
        phone = connect(
            consoles, "/participant", phone_auth, phone_web.cookie_header(), timeline, "phone again"
        )
        wait_for(timeline, ("console", "participant_updated", ("Steady Robin", True)), after=away)
        assert {worker for (worker,) in query(consoles, "SELECT worker_id FROM socket_connection")} == {
            remaining
        }
        phone.disconnect()
        console.disconnect()
    finally:
        phones.stop()
        consoles.stop()
