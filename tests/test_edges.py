"""The edges of the server: proxies, ids in URLs, control characters in forms, secrets in the
access log, caching of Socket.IO polling, and the guards on Engine.IO connections."""

from __future__ import annotations

import importlib
import inspect
import json
import logging
import pkgutil
import secrets
import socket
import struct
import time
from collections.abc import Callable, Iterator

import pytest
import requests
import socketio
import wtforms
from flask_wtf import FlaskForm

import facilitator
from config import TestConfig
from facilitator import create_app
from facilitator.access_log import RedactingFilter, redact
from facilitator.accounts import services as account_services
from facilitator.extensions import db
from facilitator.forms import Form, SubForm, strip_control_characters, strip_control_characters_but_lines
from facilitator.groups.models import Group
from facilitator.sessions.models import Participant

from .conftest import PASSWORD, LiveServer, join_live, open_live_room, post_form

# --- trusted proxies --------------------------------------------------------------------------


@pytest.fixture
def make_app(tmp_path) -> Iterator[Callable]:
    """Build an app with some settings changed, on its own SQLite file."""
    apps = []

    def make(**settings):
        config = TestConfig()
        config.INSTANCE_DIR = tmp_path / f"instance{len(apps)}"
        config.SQLALCHEMY_DATABASE_URI = f"sqlite:///{tmp_path / f'edges{len(apps)}.db'}"
        config.WTF_CSRF_ENABLED = False
        for name, value in settings.items():
            setattr(config, name, value)
        app = create_app(config)
        with app.app_context():
            db.create_all()
            # Someone has set Stepwise up, so sign-in is not sent to the first-run page.
            account_services.create_facilitator("dana@example.org", "Dana", PASSWORD, is_admin=True)
            db.session.commit()
        apps.append(app)
        return app

    yield make
    for app in apps:
        with app.app_context():
            db.engine.dispose()


RATE_LIMITED_FORMS = [
    ("/login", "LOGIN_RATE_LIMIT", {"email": "nobody@example.org", "password": "not the password"}),
    ("/j/no-such-session-token", "JOIN_RATE_LIMIT", {"display_name": "Quiet Heron"}),
]


@pytest.mark.parametrize(("path", "setting", "form"), RATE_LIMITED_FORMS)
def test_behind_a_trusted_proxy_each_client_has_its_own_rate_limit(make_app, path, setting, form):
    client = make_app(TRUSTED_PROXIES=1, **{setting: "2 per minute"}).test_client()

    def attempt(address: str) -> int:
        return client.post(path, data=form, headers={"X-Forwarded-For": address}).status_code

    assert 429 not in (attempt("203.0.113.1"), attempt("203.0.113.1"))
    assert attempt("203.0.113.1") == 429
    assert attempt("203.0.113.2") != 429


@pytest.mark.parametrize(("path", "setting", "form"), RATE_LIMITED_FORMS)
def test_without_trusted_proxies_forwarded_addresses_change_nothing(make_app, path, setting, form):
    client = make_app(TRUSTED_PROXIES=0, **{setting: "2 per minute"}).test_client()

    def attempt(address: str) -> int:
        return client.post(path, data=form, headers={"X-Forwarded-For": address}).status_code

    assert 429 not in (attempt("203.0.113.1"), attempt("203.0.113.2"))
    assert attempt("203.0.113.3") == 429


# --- ids in URLs ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "path",
    [
        "/groups/99999999999999999999",
        "/groups/2147483648/edit",
        "/groups/2147483647",  # the largest id the database holds, and no such group
        "/groups/0",
        "/sessions/2147483648",
        "/sessions/0",
        "/sessions/99999999999999999999/summary",
        "/groups/9223372036854775808/trends",
    ],
)
def test_ids_beyond_the_database_range_are_not_found(facilitator_client, path):
    assert facilitator_client.get(path).status_code == 404


# --- control characters in forms --------------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "one_line", "many_lines"),
    [
        ("Quiet Heron", "Quiet Heron", "Quiet Heron"),
        ("Quiet\x00 Heron", "Quiet Heron", "Quiet Heron"),
        ("\x1b[31mred\x1b[0m", "[31mred[0m", "[31mred[0m"),
        ("a\tb\r\nc\nd", "abcd", "a\tb\nc\nd"),  # a browser's CRLF becomes LF
        ("bell\x07 del\x7f c1\x85\x9b", "bell del c1", "bell del c1"),
        ("Zoë 💬 café", "Zoë 💬 café", "Zoë 💬 café"),
    ],
)
def test_control_characters_are_removed_from_text(typed, one_line, many_lines):
    assert strip_control_characters(typed) == one_line
    assert strip_control_characters_but_lines(typed) == many_lines


def test_group_name_is_stored_without_control_characters(facilitator_client):
    form = {
        "name": "Thursday\x00 Anxiety\x1b Group",
        "crisis_resources": "Call 988\x00\nText HOME to 741741\x1b",
        "min_aggregate_size": "3",
        "agenda-0-kind": "checkin",
        "agenda-0-title": "Arr\x00ive",
    }
    response = post_form(facilitator_client, "/groups/new", form)
    assert response.status_code == 302, response.get_data(as_text=True)
    group = db.session.scalars(db.select(Group)).one()
    assert group.name == "Thursday Anxiety Group"
    assert group.crisis_resources == "Call 988\nText HOME to 741741"
    assert group.agenda[0]["title"] == "Arrive"


def test_display_name_is_stored_without_control_characters(join, live_session):
    phone = join(live_session, "Quiet\x00 He\x1bron", connect=False)
    assert db.session.get(Participant, phone.participant_id).display_name == "Quiet Heron"


def _package_forms() -> list[type]:
    forms = []
    for module_info in pkgutil.walk_packages(facilitator.__path__, "facilitator."):
        if module_info.name.endswith(".forms"):
            module = importlib.import_module(module_info.name)
            forms += [
                value
                for value in vars(module).values()
                if inspect.isclass(value)
                and issubclass(value, wtforms.Form)
                and value.__module__ == module.__name__
            ]
    return forms


def test_every_form_cleans_its_text():
    forms = _package_forms()
    assert len(forms) > 5
    for form_class in forms:
        base = Form if issubclass(form_class, FlaskForm) else SubForm
        assert issubclass(form_class, base), f"{form_class.__qualname__} should derive from {base.__name__}"


# --- secrets in the access log ----------------------------------------------------------------

TOKEN = "Xy7_kq2LmN0pQrStUvWxYz-1234567890abcdef"


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        (f'"GET /j/{TOKEN} HTTP/1.1" 200', '"GET /j/Xy7_… HTTP/1.1" 200'),
        (f'"POST /j/{TOKEN}/room HTTP/1.1" 302', '"POST /j/Xy7_…/room HTTP/1.1" 302'),
        (f'"GET /take-home/{TOKEN}?x=1 HTTP/1.1"', '"GET /take-home/Xy7_…?x=1 HTTP/1.1"'),
        (f"GET /invite/{TOKEN} and /reset/{TOKEN}", "GET /invite/Xy7_… and /reset/Xy7_…"),
        (f"GET /login?next=/j/{TOKEN}", "GET /login?next=/j/Xy7_…"),
        ('"GET /sessions/12/summary HTTP/1.1"', '"GET /sessions/12/summary HTTP/1.1"'),
    ],
)
def test_secret_links_are_redacted(line, expected):
    assert redact(line) == expected


def test_werkzeug_request_lines_are_redacted():
    record = logging.LogRecord(
        "werkzeug",
        logging.INFO,
        __file__,
        1,
        '127.0.0.1 - - "%s" %s %s',
        (f"GET /j/{TOKEN} HTTP/1.1", 200, 5),
        None,
    )
    assert RedactingFilter().filter(record)
    assert record.getMessage() == '127.0.0.1 - - "GET /j/Xy7_… HTTP/1.1" 200 5'


@pytest.fixture(scope="module")
def edge_server(start_live_server) -> Iterator[LiveServer]:
    """One real server (eventlet) for the tests below; connections must identify within 1 second."""
    server = start_live_server(UNIDENTIFIED_CONNECTION_SECONDS="1")
    yield server
    server.stop()


@pytest.fixture(scope="module")
def edge_room(edge_server):
    return open_live_room(edge_server)


def _request_secret_links(server: LiveServer, join_token: str, other_token: str) -> None:
    for path in (
        f"/j/{join_token}",
        f"/j/{join_token}/room",
        f"/take-home/{other_token}",
        f"/invite/{other_token}",
        f"/reset/{other_token}",
    ):
        requests.get(server.url + path, timeout=10, allow_redirects=False)


def _assert_log_keeps_secrets(log: str, join_token: str, other_token: str) -> None:
    assert join_token not in log and other_token not in log
    assert f"/j/{join_token[:4]}… " in log and f"/j/{join_token[:4]}…/room" in log
    for prefix in ("take-home", "invite", "reset"):
        assert f"/{prefix}/{other_token[:4]}…" in log


def test_the_access_log_shows_no_whole_token(edge_server, edge_room):
    other_token = secrets.token_urlsafe(32)
    _request_secret_links(edge_server, edge_room.join_token, other_token)
    time.sleep(0.2)
    _assert_log_keeps_secrets(edge_server.log(), edge_room.join_token, other_token)


def test_the_threading_server_log_shows_no_whole_token(start_live_server):
    server = start_live_server(SOCKETIO_ASYNC_MODE="threading")
    try:
        join_token, other_token = secrets.token_urlsafe(32), secrets.token_urlsafe(32)
        _request_secret_links(server, join_token, other_token)
        time.sleep(0.2)
        _assert_log_keeps_secrets(server.log(), join_token, other_token)
    finally:
        server.stop()


@pytest.mark.parametrize("async_mode", ["eventlet", "gevent"])
def test_clients_that_hang_up_leave_no_traceback_and_the_server_serves_on(start_live_server, async_mode):
    """A phone that loses its network resets its connection before the response is written."""
    server = start_live_server(SOCKETIO_ASYNC_MODE=async_mode)
    try:
        host, port = server.url.removeprefix("http://").split(":")
        for _ in range(20):
            with socket.create_connection((host, int(port)), timeout=5) as hung_up:
                hung_up.sendall(b"\x88\x82 not a request\r\n\r\n")
                hung_up.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))  # reset
        assert requests.get(server.url + "/", timeout=10).status_code == 200
        time.sleep(0.2)
        assert "Traceback" not in server.log()
        assert "Connection reset" not in server.log()
    finally:
        server.stop()


# --- Socket.IO polling and the connection guards ----------------------------------------------


def handshake(server: LiveServer, **headers: str) -> requests.Response:
    """Open an Engine.IO connection by long-polling, as a client's first request does."""
    return requests.get(server.url + "/socket.io/?EIO=4&transport=polling", headers=headers, timeout=10)


def connect(server: LiveServer, namespace: str, auth: dict, cookies: str) -> socketio.Client:
    client = socketio.Client(reconnection=False)
    client.connect(server.url, namespaces=[namespace], auth=auth, headers={"Cookie": cookies}, wait_timeout=5)
    return client


def test_socketio_polling_is_never_cached(edge_server):
    response = handshake(edge_server)
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-store"


def test_a_connection_that_never_identifies_itself_is_closed(edge_server):
    sid = _sid(handshake(edge_server).text)
    started = time.monotonic()
    # The long poll waits for what the server sends next: here, the CLOSE packet ("1").
    poll = requests.get(f"{edge_server.url}/socket.io/?EIO=4&transport=polling&sid={sid}", timeout=10)
    assert poll.text == "1"
    assert 0.5 < time.monotonic() - started < 4
    again = requests.get(f"{edge_server.url}/socket.io/?EIO=4&transport=polling&sid={sid}", timeout=10)
    assert again.status_code == 400


def _sid(open_packet: str) -> str:
    assert open_packet.startswith("0"), open_packet
    return json.loads(open_packet[1:])["sid"]


def test_identified_connections_stay_open(edge_server, edge_room):
    phone = join_live(edge_server, edge_room, "Steady Robin")
    phone_socket = connect(
        edge_server, "/participant", {"join_token": edge_room.join_token}, phone.cookie_header()
    )
    try:
        time.sleep(2)
        assert phone_socket.connected
        assert phone_socket.call("sync", {}, namespace="/participant", timeout=5)["ok"]
    finally:
        phone_socket.disconnect()


def test_connections_per_address_are_capped(start_live_server):
    server = start_live_server(
        MAX_CONNECTIONS_PER_ADDRESS="2", TRUSTED_PROXIES="1", UNIDENTIFIED_CONNECTION_SECONDS="0"
    )
    try:
        room = open_live_room(server)
        console = connect(
            server,
            "/facilitator",
            {"live_session_id": room.live_session_id},
            room.facilitator.cookie_header(),
        )
        phone = join_live(server, room, "Steady Robin")
        phone_socket = connect(server, "/participant", {"join_token": room.join_token}, phone.cookie_header())
        assert console.connected and phone_socket.connected

        refused = handshake(server)
        assert refused.status_code == 401
        assert "Too many connections" in refused.text
        assert handshake(server, **{"X-Forwarded-For": "198.51.100.7"}).status_code == 200

        phone_socket.disconnect()
        deadline = time.monotonic() + 5
        while handshake(server).status_code != 200:
            assert time.monotonic() < deadline, "a closed connection still counts"
            time.sleep(0.1)
        console.disconnect()
    finally:
        server.stop()
