"""Shared fixtures: an app on a throwaway SQLite file, signed-in clients, socket clients,
a real server in a subprocess, PostgreSQL, and headless Chromium.

Tests get their tier's marker from the fixtures they use (`pytest_collection_modifyitems` below):
`browser`, `live` (a real server in a subprocess), `postgres` and `scaleout` (two workers, Redis and
haproxy: tests/scaleout/). `make test-fast` leaves those out; `make test` runs everything.
"""

from __future__ import annotations

import gc
import inspect
import os
import re
import shutil
import socket
import sqlite3
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import closing
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
import redis
import requests
from flask import current_app, g
from flask.ctx import RequestContext
from flask_socketio.test_client import SocketIOTestClient
from jinja2 import BytecodeCache
from sqlalchemy import create_engine, text

from config import TestConfig
from facilitator import create_app
from facilitator.accounts import services as account_services
from facilitator.extensions import db, socketio
from facilitator.groups import services as group_services
from facilitator.groups.models import DEFAULT_AGENDA
from facilitator.realtime.rooms import FACILITATOR_NS, PARTICIPANT_NS
from facilitator.sessions import services as session_services
from facilitator.sessions.models import SocketConnection

ROOT = Path(__file__).resolve().parent.parent
PASSWORD = "a long enough password"
IN_CI = os.environ.get("CI", "").lower() == "true"
# Hypothesis keeps its cache in the working directory unless told otherwise.
os.environ.setdefault("HYPOTHESIS_STORAGE_DIRECTORY", str(ROOT / ".hypothesis"))


# --- tiers ------------------------------------------------------------------------------------

# A test that uses one of these fixtures, directly or through another fixture, gets the marker.
TIER_FIXTURES = {
    "browser": {"browser", "new_context"},
    "live": {"live_server", "start_live_server", "scaleout"},
    "postgres": {"postgres_url"},
    # Two real workers on PostgreSQL and Redis, and haproxy (tests/scaleout/).
    "scaleout": {"scaleout"},
}


def pytest_collection_modifyitems(config, items) -> None:
    for item in items:
        used = set(getattr(item, "fixturenames", ()))
        for marker, fixtures in TIER_FIXTURES.items():
            if used & fixtures:
                item.add_marker(marker)
        # A real browser against a real server: one more try when a timing race, not the app,
        # made it fail (seen once in a CI run: a shared win missing from "Your wins"; under study).
        if used & TIER_FIXTURES["browser"]:
            item.add_marker(pytest.mark.flaky(reruns=1))
        # A test that builds a LiveServer itself (or through a helper of the suite) is live too; one
        # that does it in a fixture of its own is stopped by LiveServer.__post_init__.
        function = getattr(item, "function", None)
        if function is not None and _names(function, LiveServer):
            item.add_marker("live")


def _names(function, target, seen: set | None = None) -> bool:
    """Whether `function`'s code, or that of a function of the suite it calls, names `target`."""
    seen = set() if seen is None else seen
    code = getattr(function, "__code__", None)
    if code is None or code in seen:
        return False
    seen.add(code)
    names, codes = set(), [code]
    while codes:
        current = codes.pop()
        names.update(current.co_names)
        codes.extend(const for const in current.co_consts if inspect.iscode(const))
    for name in names:
        value = function.__globals__.get(name)
        if value is target:
            return True
        in_the_suite = inspect.isfunction(value) and value.__module__.startswith("tests")
        if in_the_suite and _names(value, target, seen):
            return True
    return False


_current_test: list[pytest.Item] = []


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_setup(item) -> None:
    _current_test[:] = [item]


def pytest_collection_finish(session) -> None:
    # What is loaded by now lives for the whole run: keep it out of the garbage collector's scans,
    # and scan less often (each test builds and drops a whole app, many objects in cycles).
    gc.collect()
    gc.freeze()
    gc.set_threshold(10_000, 10, 10)


# --- the app and its database -----------------------------------------------------------------


class IsolatedRequestContext(RequestContext):
    """A request with its own `g`, as in production.

    Tests keep one app context open so they can use the database directly; Flask reuses it for
    requests made meanwhile, and without this every client would share `g` (and with it
    Flask-Login's cached user, Flask-WTF's CSRF token and the current sign-in). So what the
    test's `g` holds is set aside while the request runs, and put back after.
    """

    def push(self) -> None:
        super().push()
        self._g = g._get_current_object()
        self._set_aside = {name: self._g.pop(name) for name in list(self._g)}

    def pop(self, *args) -> None:
        super().pop(*args)
        for name in list(self._g):
            self._g.pop(name)
        for name, value in self._set_aside.items():
            setattr(self._g, name, value)


class SharedBytecodeCache(BytecodeCache):
    """Templates compiled once for the whole run, not once for each test's app."""

    def __init__(self) -> None:
        self.compiled: dict[str, bytes] = {}

    def load_bytecode(self, bucket) -> None:
        if bucket.key in self.compiled:
            bucket.bytecode_from_string(self.compiled[bucket.key])

    def dump_bytecode(self, bucket) -> None:
        self.compiled[bucket.key] = bucket.bytecode_to_string()


TEMPLATES = SharedBytecodeCache()


@pytest.fixture(scope="session")
def empty_database(tmp_path_factory) -> Path:
    """A SQLite file with the schema and no rows, copied for each test rather than built again."""
    path = tmp_path_factory.mktemp("schema") / "stepwise.db"
    config = TestConfig()
    config.INSTANCE_DIR = path.parent / "instance"
    config.SQLALCHEMY_DATABASE_URI = f"sqlite:///{path}"
    app = create_app(config)
    with app.app_context():
        db.create_all()
        db.engine.dispose()
    return path


@pytest.fixture
def app(tmp_path, empty_database):
    config = TestConfig()
    config.INSTANCE_DIR = tmp_path / "instance"
    config.SQLALCHEMY_DATABASE_URI = f"sqlite:///{tmp_path / 'stepwise.db'}"
    shutil.copyfile(empty_database, tmp_path / "stepwise.db")
    app = create_app(config)
    app.request_context = lambda environ: IsolatedRequestContext(app, environ)
    app.jinja_env.bytecode_cache = TEMPLATES
    with app.app_context():
        yield app
        db.session.remove()
        db.engine.dispose()
    # Flask-SocketIO's test client keeps every client it made (and with it the app) for good.
    for eio_sid, socket_client in list(SocketIOTestClient.clients.items()):
        if socket_client.app is app:
            del SocketIOTestClient.clients[eio_sid]


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


def csrf_token(html: str) -> str:
    match = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', html)
    assert match, "the page has no CSRF token"
    return match.group(1)


def post_form(client, url: str, data: dict, *, form_url: str | None = None, **kwargs):
    """Submit a form the way a browser does: fetch the page for its CSRF token, then post."""
    page = client.get(form_url or url)
    return client.post(url, data={"csrf_token": csrf_token(page.get_data(as_text=True)), **data}, **kwargs)


# --- people and things ------------------------------------------------------------------------


@pytest.fixture
def make_facilitator(app) -> Callable:
    counter = iter(range(1, 1000))

    def make(name: str = "", *, is_admin: bool = False, email: str = ""):
        number = next(counter)
        facilitator = account_services.create_facilitator(
            email or f"facilitator{number}@example.org",
            name or f"Facilitator {number}",
            PASSWORD,
            is_admin=is_admin,
        )
        db.session.commit()
        return facilitator

    return make


@pytest.fixture
def facilitator(make_facilitator):
    return make_facilitator("Dana Rivers", is_admin=True, email="dana@example.org")


def login(client, facilitator) -> None:
    response = post_form(client, "/login", {"email": facilitator.email, "password": PASSWORD})
    assert response.status_code == 302, response.get_data(as_text=True)


@pytest.fixture
def facilitator_client(app, facilitator):
    client = app.test_client()
    login(client, facilitator)
    return client


def new_group(lead, name: str = "Tuesday Recovery Circle", **overrides):
    """A group led by `lead`, committed, in the current app (SQLite or PostgreSQL)."""
    details = {
        "name": name,
        "description": "",
        "crisis_resources": current_app.config["DEFAULT_CRISIS_RESOURCES"],
        "agenda": DEFAULT_AGENDA,
        "min_aggregate_size": 3,
        **overrides,
    }
    group = group_services.create_group(lead, **details)
    db.session.commit()
    return group


def lead_and_group(**overrides) -> tuple:
    """An admin facilitator and the group they lead, for tests on an app of their own (pg_app)."""
    lead = account_services.create_facilitator("lead@example.org", "Lead", PASSWORD, is_admin=True)
    return lead, new_group(lead, "Group", **overrides)


@pytest.fixture
def make_group(app) -> Callable:
    return new_group


@pytest.fixture
def group(make_group, facilitator):
    return make_group(facilitator)


@pytest.fixture
def live_session(group, facilitator):
    live_session = session_services.create_session(facilitator, group, title="Week 12", waiting_room=False)
    db.session.commit()
    return live_session


@dataclass
class Phone:
    """A participant's phone: its own cookie jar, and a socket once connected."""

    client: object
    participant_id: int
    join_token: str
    socket: object = None
    received: list = field(default_factory=list)

    def events(self, name: str) -> list:
        """Every `name` event received so far, even the last ones before a disconnect."""
        self.received.extend(drain(self.socket, PARTICIPANT_NS))
        return [message["args"][0] for message in self.received if message["name"] == name]


@pytest.fixture
def join(app) -> Callable:
    """Join a session through the join page, as a phone would, and optionally connect its socket."""

    def do_join(live_session, name: str = "Quiet Heron", *, connect: bool = True) -> Phone:
        client = app.test_client()
        url = f"/j/{live_session.join_token}"
        response = post_form(client, url, {"display_name": name})
        assert response.status_code == 302, response.get_data(as_text=True)
        participant = db.session.scalars(
            db.select(session_services.Participant).order_by(session_services.Participant.id.desc())
        ).first()
        phone = Phone(client, participant.id, live_session.join_token)
        if connect:
            phone.socket = participant_socket(app, phone)
        return phone

    return do_join


def connection_sid(participant) -> str | None:
    """The sid of the participant's open connection, as the database has it."""
    return db.session.scalar(
        db.select(SocketConnection.sid).where(SocketConnection.participant_id == participant.id)
    )


def emit(sock, namespace: str, event: str, payload: dict | None = None) -> dict:
    """Send a socket event and return its acknowledgement."""
    return sock.emit(event, payload or {}, namespace=namespace, callback=True)


def emit_ok(sock, namespace: str, event: str, payload: dict | None = None) -> dict:
    """Send a socket event that must be accepted, and return its acknowledgement."""
    ack = emit(sock, namespace, event, payload)
    assert ack["ok"], ack
    return ack


def walk(value):
    """Every key and value inside a payload, to search it for what must not be there."""
    if isinstance(value, dict):
        for key, inner in value.items():
            yield key
            yield from walk(inner)
    elif isinstance(value, list):
        for inner in value:
            yield from walk(inner)
    else:
        yield value


def participant_socket(app, phone: Phone):
    return socketio.test_client(
        app, namespace=PARTICIPANT_NS, auth={"join_token": phone.join_token}, flask_test_client=phone.client
    )


def facilitator_socket(app, client, live_session):
    return socketio.test_client(
        app, namespace=FACILITATOR_NS, auth={"live_session_id": live_session.id}, flask_test_client=client
    )


def drain(socket_client, namespace: str) -> list[dict]:
    """Messages received on a namespace since the last call, also after the server disconnected us
    (the test client's get_received refuses then, so its queue is read directly)."""
    if socket_client.is_connected(namespace):
        return socket_client.get_received(namespace)
    messages = [m for m in socket_client.queue if m["namespace"] == namespace]
    socket_client.queue = [m for m in socket_client.queue if m["namespace"] != namespace]
    return messages


def received(socket_client, namespace: str, name: str) -> list:
    return [m["args"][0] for m in drain(socket_client, namespace) if m["name"] == name]


@pytest.fixture
def console(app, facilitator_client, live_session):
    """The facilitator's console socket, with the initial state already read."""
    sock = facilitator_socket(app, facilitator_client, live_session)
    assert sock.is_connected(FACILITATOR_NS)
    sock.get_received(FACILITATOR_NS)
    return sock


# --- a real server ----------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass
class LiveServer:
    """Stepwise served by `python wsgi.py` (eventlet) in a subprocess, on its own database."""

    instance_dir: Path
    database_url: str
    port: int = field(default_factory=free_port)
    process: subprocess.Popen | None = None
    extra_env: dict = field(default_factory=dict)

    def __post_init__(self) -> None:
        test = _current_test[0] if _current_test else None
        if test is not None and test.get_closest_marker("live") is None:
            pytest.fail(
                f"{test.nodeid} starts a real server without the `live` marker, so `make test-fast` "
                "would run it: build it with the live_server or start_live_server fixture.",
                pytrace=False,
            )

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def env(self) -> dict:
        return {
            **os.environ,
            "STEPWISE_INSTANCE_DIR": str(self.instance_dir),
            "DATABASE_URL": self.database_url,
            "HOST": "127.0.0.1",
            "PORT": str(self.port),
            "SECRET_KEY": "live-test-secret",
            "PYTHONWARNINGS": "ignore",
            **self.extra_env,
        }

    def flask(self, *args: str, stdin: str | None = None) -> subprocess.CompletedProcess:
        return subprocess.run(
            [sys.executable, "-m", "flask", "--app", "wsgi", *args],
            cwd=ROOT,
            env=self.env(),
            input=stdin,
            capture_output=True,
            text=True,
            check=True,
        )

    def start(self) -> None:
        log = open(self.instance_dir / "server.log", "a")  # noqa: SIM115 - closed with the process
        self.process = subprocess.Popen(
            [sys.executable, "wsgi.py"], cwd=ROOT, env=self.env(), stdout=log, stderr=subprocess.STDOUT
        )
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                if requests.get(self.url + "/healthz", timeout=1).ok:
                    return
            except requests.ConnectionError:
                time.sleep(0.1)
        raise RuntimeError("the server did not start:\n" + self.log())

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=10)

    def log(self) -> str:
        return (self.instance_dir / "server.log").read_text()


@pytest.fixture(scope="session")
def start_live_server(tmp_path_factory) -> Iterator[Callable[..., LiveServer]]:
    """Start a real server on a new database, with settings given as environment variables; each
    is stopped at the end of the run if the test has not stopped it."""
    servers: list[LiveServer] = []
    # Migrated once (`flask db upgrade`, as a deployment does), then copied for each server.
    template = tmp_path_factory.mktemp("live-template")
    LiveServer(template, f"sqlite:///{template / 'stepwise.db'}").flask("db", "upgrade")

    def start(**env: str) -> LiveServer:
        instance = tmp_path_factory.mktemp("live-instance")
        with (
            closing(sqlite3.connect(template / "stepwise.db")) as source,
            closing(sqlite3.connect(instance / "stepwise.db")) as copy,
        ):
            source.backup(copy)  # the whole database, its write-ahead log included
        server = LiveServer(instance, f"sqlite:///{instance / 'stepwise.db'}", extra_env=env)
        servers.append(server)
        server.start()
        return server

    yield start
    for server in servers:
        server.stop()


@pytest.fixture
def live_server(start_live_server) -> Iterator[LiveServer]:
    server = start_live_server()
    yield server
    server.stop()


# --- PostgreSQL -------------------------------------------------------------------------------


def _initdb() -> Path | None:
    found = sorted(Path("/usr/lib/postgresql").glob("*/bin/initdb"))
    return found[-1] if found else None


@pytest.fixture(scope="session")
def postgres_url() -> Iterator[str]:
    """A throwaway PostgreSQL server on a free port (run as the postgres user when we are root)."""
    initdb = _initdb()
    if initdb is None:
        if IN_CI:
            pytest.fail("PostgreSQL is not installed; `make test` installs it.")
        pytest.skip("PostgreSQL is not installed")
    # Outside pytest's private temp folders, which the postgres user may not enter.
    base = Path(tempfile.mkdtemp(prefix="stepwise-pg-"))
    data_dir = base / "data"
    run_as: list[str] = []
    if os.geteuid() == 0:
        run_as = ["runuser", "-u", "postgres", "--"]
        shutil.chown(base, "postgres")
    port = free_port()
    pg_ctl = initdb.parent / "pg_ctl"
    options = f"-p {port} -k {base} -c listen_addresses=127.0.0.1 -c fsync=off"

    def run(*command: str) -> None:
        done = subprocess.run([*run_as, *command], capture_output=True, text=True)
        if done.returncode:
            raise RuntimeError(f"{command[0]} failed:\n{done.stdout}\n{done.stderr}")

    run(str(initdb), "-D", str(data_dir), "-A", "trust", "-U", "postgres")
    run(str(pg_ctl), "-D", str(data_dir), "-o", options, "-l", str(base / "log"), "-w", "start")
    try:
        yield f"postgresql://postgres@127.0.0.1:{port}/postgres"
    finally:
        subprocess.run(
            [*run_as, str(pg_ctl), "-D", str(data_dir), "-m", "immediate", "stop"], capture_output=True
        )
        shutil.rmtree(base, ignore_errors=True)


# --- headless Chromium ------------------------------------------------------------------------

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
]
PHONE = {
    "viewport": {"width": 390, "height": 844},
    "device_scale_factor": 2,
    "is_mobile": True,
    "has_touch": True,
}
LAPTOP = {"viewport": {"width": 1440, "height": 900}}
SCREENSHOTS = ROOT / "docs" / "screenshots"


def fresh_postgres_database(postgres_url: str, name: str) -> str:
    """Drop and create the database `name` on the test server; its SQLAlchemy URL (psycopg 3)."""
    admin = create_engine(postgres_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
        connection.execute(text(f"CREATE DATABASE {name}"))
    admin.dispose()
    return postgres_url.rsplit("/", 1)[0].replace("postgresql://", "postgresql+psycopg://") + f"/{name}"


@pytest.fixture
def pg_app(tmp_path, postgres_url):
    """The app on an empty PostgreSQL database of its own (the tables made from the models)."""
    config = TestConfig()
    config.INSTANCE_DIR = tmp_path / "instance"
    config.SQLALCHEMY_DATABASE_URI = fresh_postgres_database(postgres_url, "stepwise_app")
    app = create_app(config)
    with app.app_context():
        db.create_all()
        yield app
        db.session.remove()
        db.engine.dispose()


@pytest.fixture(scope="session")
def browser():
    if not Path(CHROMIUM).exists():
        if IN_CI:
            pytest.fail("Chromium is missing; `make test` installs Debian's chromium.")
        pytest.skip("Chromium is not installed")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def new_context(browser):
    """Open browser contexts (separate cookie jars) that are closed after the test."""
    contexts = []

    def make(device: dict | None = None):
        context = browser.new_context(**(device or LAPTOP))
        context.set_default_timeout(10_000)
        contexts.append(context)
        return context

    yield make
    for context in contexts:
        context.close()


def screenshot(page, name: str) -> None:
    """The whole page, taken in a window as tall as the page, so that sticky bars (the console's
    waiting-room bar, the phone's Send bar) sit where they belong rather than over other content."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    window = page.viewport_size
    height = page.evaluate("document.documentElement.scrollHeight")
    if height > window["height"]:
        page.set_viewport_size({"width": window["width"], "height": height})
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)
    page.set_viewport_size(window)


# --- driving a live server over HTTP ----------------------------------------------------------


class WebClient:
    """A requests session that fills in CSRF tokens, like a browser submitting forms."""

    def __init__(self, server: LiveServer) -> None:
        self.server = server
        self.http = requests.Session()

    def get(self, path: str) -> requests.Response:
        return self.http.get(self.server.url + path, timeout=10)

    def submit(self, path: str, data: dict, *, form_path: str | None = None) -> requests.Response:
        token = csrf_token(self.get(form_path or path).text)
        return self.http.post(self.server.url + path, data={"csrf_token": token, **data}, timeout=10)

    def cookie_header(self) -> str:
        return "; ".join(f"{name}={value}" for name, value in self.http.cookies.items())


@dataclass
class LiveRoom:
    """A live session on a live server, and the signed-in facilitator who runs it."""

    facilitator: WebClient
    live_session_id: int
    join_token: str
    join_code: str


# A check-in and a check-out: the agenda of a group made by `open_live_room` unless a test gives one.
CHECK_IN_AND_OUT = {
    "agenda-0-kind": "checkin",
    "agenda-0-title": "Check-in",
    "agenda-1-kind": "checkout",
    "agenda-1-title": "Check-out",
}


def open_live_room(server: LiveServer, agenda: dict[str, str] = CHECK_IN_AND_OUT) -> LiveRoom:
    """Set up a facilitator, a group with this agenda (form fields) and a live session on a
    running server."""
    server.flask(
        "create-facilitator",
        "--email",
        "lead@example.org",
        "--name",
        "Lee",
        "--password-stdin",
        stdin=PASSWORD,
    )
    facilitator = WebClient(server)
    facilitator.submit("/login", {"email": "lead@example.org", "password": PASSWORD})
    form = {
        "name": "Evening Group",
        "crisis_resources": "Call 988",
        "min_aggregate_size": "3",
        **agenda,
    }
    group_page = facilitator.submit("/groups/new", form)
    group_path = urlsplit(group_page.url).path
    console = facilitator.submit(f"{group_path}/sessions", {"title": "Week 3"}, form_path=group_path)
    live_session_id = int(console.url.rstrip("/").rsplit("/", 1)[1])
    join_token = re.search(r"/j/([A-Za-z0-9_-]{20,})", console.text).group(1)
    join_code = re.search(r'class="join-code">Code <strong>([A-Z0-9-]+)<', console.text).group(1)
    return LiveRoom(facilitator, live_session_id, join_token, join_code)


def join_live(server: LiveServer, room: LiveRoom, name: str) -> WebClient:
    phone = WebClient(server)
    phone.submit(f"/j/{room.join_token}", {"display_name": name})
    return phone


# --- Tools from Debian, and Redis -------------------------------------------------------------


def required_tool(name: str, *places: str) -> str:
    """The path of a program the tests need, or a skip (a failure in CI) when it is missing."""
    found = shutil.which(name) or next((place for place in places if Path(place).exists()), None)
    if found is None:
        if IN_CI:
            pytest.fail(f"{name} is not installed; `make test` installs it (scripts/ensure-test-tools.sh).")
        pytest.skip(f"{name} is not installed (scripts/ensure-test-tools.sh installs it)")
    return found


def wait_until(condition: Callable[[], Any], what: str, timeout: float = 10.0, every: float = 0.05) -> Any:
    """Poll `condition` until it returns something true, and return that; fail after `timeout`."""
    deadline = time.monotonic() + timeout
    while True:
        value = condition()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout} s waiting for {what}")
        time.sleep(every)


@dataclass
class Redis:
    """`redis-server` on a free port, keeping nothing on disk."""

    folder: Path
    port: int = field(default_factory=free_port)
    process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        command = [
            required_tool("redis-server", "/usr/bin/redis-server"),
            "--port", str(self.port),
            "--bind", "127.0.0.1",
            "--save", "",
            "--appendonly", "no",
            "--dir", str(self.folder),
        ]  # fmt: skip
        log = open(self.folder / "redis.log", "w")  # noqa: SIM115 - closed with the process
        self.process = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT)
        client = redis.Redis(port=self.port, socket_connect_timeout=0.5)

        def answers() -> bool:
            try:
                return bool(client.ping())
            except redis.ConnectionError:
                assert self.process is not None and self.process.poll() is None, (
                    self.folder / "redis.log"
                ).read_text()
                return False

        wait_until(answers, "redis-server to answer")
        client.close()

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=10)


@pytest.fixture(scope="module")
def redis_url(tmp_path_factory) -> Iterator[str]:
    """A throwaway Redis (Debian's redis-server) for a module's workers: message queue and limits."""
    server = Redis(tmp_path_factory.mktemp("redis"))
    server.start()
    yield server.url
    server.stop()
