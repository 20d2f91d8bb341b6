"""Settings read from the environment, with safe defaults for a single-machine install."""

from __future__ import annotations

import os
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent
INSTANCE_DIR = Path(os.environ.get("STEPWISE_INSTANCE_DIR", BASE_DIR / "instance"))


def _flag(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def _optional_float(name: str) -> float | None:
    """A number from the environment, or None when it is unset or empty (a bad one stops the start)."""
    value = os.environ.get(name, "").strip()
    return float(value) if value else None


def _database_url() -> str:
    url = os.environ.get("DATABASE_URL", "").strip()
    if not url:
        return f"sqlite:///{INSTANCE_DIR / 'stepwise.db'}"
    # Hosting platforms still hand out the old scheme name; SQLAlchemy wants the driver spelled out.
    if url.startswith("postgres://"):
        url = "postgresql+psycopg://" + url.removeprefix("postgres://")
    elif url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url.removeprefix("postgresql://")
    return url


DEFAULT_CRISIS_RESOURCES = "\n".join(
    [
        "If you are in danger or might act on thoughts of harming yourself, call your emergency number.",
        "United States: call or text 988 (Suicide & Crisis Lifeline), or 911 in an emergency.",
        "Canada: call or text 9-8-8, or 911 in an emergency.",
        "UK and Ireland: Samaritans, call 116 123 (free, any time); 999 or 112 in an emergency.",
        "Australia: Lifeline, call 13 11 14; 000 in an emergency.",
    ]
)


class Config:
    """Production-leaning defaults; every value can be overridden by an environment variable."""

    INSTANCE_DIR = INSTANCE_DIR
    # Empty means: generate one and keep it in instance/secret_key (see facilitator.create_app).
    SECRET_KEY = os.environ.get("SECRET_KEY", "")
    SQLALCHEMY_DATABASE_URI = _database_url()
    # A server's connections can drop, so each is pinged when taken from the pool; a SQLite file
    # cannot, and the ping would cost every socket event a query.
    SQLALCHEMY_ENGINE_OPTIONS = {"pool_pre_ping": not SQLALCHEMY_DATABASE_URI.startswith("sqlite")}  # noqa: RUF012 - read once by Flask-SQLAlchemy
    SOCKETIO_MESSAGE_QUEUE = os.environ.get("SOCKETIO_MESSAGE_QUEUE") or None
    SOCKETIO_ASYNC_MODE = os.environ.get("SOCKETIO_ASYNC_MODE", "eventlet")
    # What the live channel may travel on: "websocket,polling", or "polling" where a proxy in
    # front cannot carry WebSockets (browsers try a WebSocket first, then poll).
    SOCKETIO_TRANSPORTS = tuple(
        os.environ.get("SOCKETIO_TRANSPORTS", "websocket,polling").replace(" ", "").split(",")
    )
    BASE_URL = os.environ.get("BASE_URL", "").rstrip("/")
    ALLOW_SIGNUP = _flag("ALLOW_SIGNUP")
    HOST = os.environ.get("HOST", "127.0.0.1")
    # Connections one eventlet process holds at once (each phone is one); mind `ulimit -n` too.
    MAX_CONNECTIONS = int(os.environ.get("MAX_CONNECTIONS", "10000"))
    # Open connections one client address may hold in a process (a room behind one NAT shares one); 0: no cap.
    MAX_CONNECTIONS_PER_ADDRESS = int(os.environ.get("MAX_CONNECTIONS_PER_ADDRESS", "1000"))
    # A connection that has not opened /facilitator or /participant after this long is closed; 0: never.
    UNIDENTIFIED_CONNECTION_SECONDS = float(os.environ.get("UNIDENTIFIED_CONNECTION_SECONDS", "5"))
    # Reverse proxies in front whose X-Forwarded-For/-Proto/-Host are believed; 0: those headers are ignored.
    TRUSTED_PROXIES = int(os.environ.get("TRUSTED_PROXIES", "0"))
    PORT = int(os.environ.get("PORT", "5000"))

    # Where rate-limit counters live; use the Redis of SOCKETIO_MESSAGE_QUEUE when scaling out.
    RATELIMIT_STORAGE_URI = os.environ.get("RATELIMIT_STORAGE_URI", "memory://")
    RATELIMIT_HEADERS_ENABLED = True
    LOGIN_RATE_LIMIT = os.environ.get("LOGIN_RATE_LIMIT", "5 per minute;20 per hour")
    # Failed sign-in attempts per account (counted under a keyed hash of the e-mail), from any address.
    LOGIN_ACCOUNT_RATE_LIMIT = os.environ.get("LOGIN_ACCOUNT_RATE_LIMIT", "10 per hour")
    JOIN_RATE_LIMIT = os.environ.get("JOIN_RATE_LIMIT", "20 per minute")
    # Socket events a single connection may send (see docs/protocol.md).
    SOCKET_EVENT_RATE_LIMIT = os.environ.get("SOCKET_EVENT_RATE_LIMIT", "30 per 10 seconds")
    # Small wins each participant may share, and reactions they may give (across their connections).
    WIN_SHARE_RATE_LIMIT = os.environ.get("WIN_SHARE_RATE_LIMIT", "5 per minute;30 per hour")
    WIN_REACTION_RATE_LIMIT = os.environ.get("WIN_REACTION_RATE_LIMIT", "60 per minute")
    # Support requests each participant may make (across their connections), beside the open-request cap.
    SUPPORT_REQUEST_RATE_LIMIT = os.environ.get("SUPPORT_REQUEST_RATE_LIMIT", "3 per minute;10 per hour")
    # A text the risk screen flags goes past those limits, at most once per this many seconds per
    # participant (docs/safety.md).
    RISK_BYPASS_INTERVAL_SECONDS = int(os.environ.get("RISK_BYPASS_INTERVAL_SECONDS", "60"))
    # "Show at once": wins shared within the same slot of this many seconds appear together, shuffled.
    WIN_BATCH_SECONDS = int(os.environ.get("WIN_BATCH_SECONDS", "15"))
    # Anonymous rounds: answers given within the same slot of this many seconds reach the consoles
    # together, at the slot's end (docs/privacy.md).
    ANONYMOUS_BATCH_SECONDS = int(os.environ.get("ANONYMOUS_BATCH_SECONDS", "15"))
    # Seconds over which a burst of changes (wins' reactions, pulse answers) is gathered into one
    # recount for the screens.
    LIVE_UPDATE_INTERVAL = float(os.environ.get("LIVE_UPDATE_INTERVAL", "0.02"))
    # A named round's counts on the console are recounted at most once per this many seconds, by
    # one worker, however many answers came (each answer itself shows at once).
    ROUND_RECOUNT_SECONDS = float(os.environ.get("ROUND_RECOUNT_SECONDS", "1"))
    # Each server process beats this often in the server_worker table; one silent for longer than
    # WORKER_DEAD_AFTER_SECONDS is dead: a live one removes its connections (docs/protocol.md).
    WORKER_HEARTBEAT_SECONDS = float(os.environ.get("WORKER_HEARTBEAT_SECONDS", "5"))
    WORKER_DEAD_AFTER_SECONDS = float(os.environ.get("WORKER_DEAD_AFTER_SECONDS", "15"))

    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    SESSION_COOKIE_SECURE = BASE_URL.startswith("https://")
    REMEMBER_COOKIE_HTTPONLY = True
    REMEMBER_COOKIE_SAMESITE = "Lax"
    REMEMBER_COOKIE_SECURE = SESSION_COOKIE_SECURE
    # Participants' seat cookie: how long a phone keeps its place in a session.
    SEAT_COOKIE_MAX_AGE = int(os.environ.get("SEAT_COOKIE_MAX_AGE", str(12 * 3600)))
    # The risk-language phrase list (docs/safety.md); empty means the one shipped with Stepwise.
    RISK_PHRASES_FILE = os.environ.get("RISK_PHRASES_FILE", "")
    # The statistical second opinion beside the list (docs/safety.md): "off" to screen with the
    # list alone, empty for the model shipped with Stepwise, or the path of one you trained.
    RISK_MODEL_FILE = os.environ.get("RISK_MODEL_FILE", "")
    # The probability of risk at which it flags a text; unset for the one chosen at training.
    RISK_MODEL_THRESHOLD = _optional_float("RISK_MODEL_THRESHOLD")
    # The same, for a text whose risk words the phrase list read in a harmless context.
    RISK_MODEL_CONTEXT_THRESHOLD = _optional_float("RISK_MODEL_CONTEXT_THRESHOLD")
    # Shown to participants; each group starts with these and may edit them.
    DEFAULT_CRISIS_RESOURCES = os.environ.get("DEFAULT_CRISIS_RESOURCES", DEFAULT_CRISIS_RESOURCES)
    # A support request nobody has acknowledged after this long is raised again, to every facilitator.
    SUPPORT_ESCALATION_SECONDS = int(os.environ.get("SUPPORT_ESCALATION_SECONDS", "60"))
    # How often each server process looks for such requests (docs/protocol.md).
    SUPPORT_ESCALATION_SCAN_SECONDS = float(os.environ.get("SUPPORT_ESCALATION_SCAN_SECONDS", "5"))
    INVITE_VALID_DAYS = int(os.environ.get("INVITE_VALID_DAYS", "7"))
    # How long an admin's link for setting a new password works (once).
    PASSWORD_RESET_VALID_HOURS = int(os.environ.get("PASSWORD_RESET_VALID_HOURS", "24"))
    # A facilitator's sign-in unused for this long ends; they sign in again.
    SIGN_IN_IDLE_MINUTES = int(os.environ.get("SIGN_IN_IDLE_MINUTES", "120"))
    # A live session with nobody connected and no facilitator action for this long ends by itself.
    IDLE_SESSION_MINUTES = int(os.environ.get("IDLE_SESSION_MINUTES", "120"))
    # How often each server process looks for such sessions (docs/summaries.md).
    IDLE_SESSION_SCAN_SECONDS = float(os.environ.get("IDLE_SESSION_SCAN_SECONDS", "60"))
    # How long the participants' take-home link works after a session ends.
    TAKE_HOME_DAYS = int(os.environ.get("TAKE_HOME_DAYS", "7"))
    # The group pulse (docs/summaries.md): a phone that had not answered when the session ended may
    # still answer for this many hours; those answers join the session's figures together then.
    PULSE_LATE_HOURS = int(os.environ.get("PULSE_LATE_HOURS", "24"))
    # How often each server process counts late answers whose time has come.
    PULSE_SCAN_SECONDS = float(os.environ.get("PULSE_SCAN_SECONDS", "300"))
    # Late answers per address (the take-home page's form).
    PULSE_LATE_RATE_LIMIT = os.environ.get("PULSE_LATE_RATE_LIMIT", "20 per minute")
    # Attendance receipts (docs/receipts.md): the Ed25519 key that signs them, as a PEM private key
    # or the base64 of its 32 raw bytes; empty means a key file in RECEIPT_KEY_DIR, made on first use.
    RECEIPT_SIGNING_KEY = os.environ.get("RECEIPT_SIGNING_KEY", "")
    # Where that key file lives, with retired/ holding the public keys of earlier keys.
    RECEIPT_KEY_DIR = os.environ.get("RECEIPT_KEY_DIR", "")
    # Receipts made, and receipts checked on the public /verify page, per address.
    RECEIPT_RATE_LIMIT = os.environ.get("RECEIPT_RATE_LIMIT", "20 per minute")
    # Fonts for PDF summaries (DejaVuSans.ttf and DejaVuSans-Bold.ttf); without them, Helvetica.
    PDF_FONT_DIR = os.environ.get("PDF_FONT_DIR", "/usr/share/fonts/truetype/dejavu")
    # Argon2id parameters for facilitators' passwords: a profile of argon2-cffi (argon2.profiles).
    PASSWORD_HASH_PROFILE = os.environ.get("PASSWORD_HASH_PROFILE", "RFC_9106_LOW_MEMORY")
    WTF_CSRF_TIME_LIMIT = None  # tied to the login session instead of a clock
    # Flask-Compress: pages and JSON in Brotli, or gzip for a browser without it. Static files are
    # compressed once, at their best, by facilitator/assets.py; Socket.IO's traffic is not touched.
    COMPRESS_ALGORITHM = ("br", "gzip")
    COMPRESS_ALGORITHM_STREAMING = ("br",)
    COMPRESS_MIMETYPES = (
        "text/html",
        "text/css",
        "text/javascript",
        "application/javascript",
        "image/svg+xml",
        "application/json",
    )
    MAX_CONTENT_LENGTH = 64 * 1024


class TestConfig(Config):
    """Used by the test suite: a throwaway SQLite file and the threading server."""

    TESTING = True
    PASSWORD_HASH_PROFILE = "CHEAPEST"  # the real parameters cost about 80 s across the suite
    SECRET_KEY = "test-secret-key-not-for-production"
    SOCKETIO_ASYNC_MODE = "threading"
    SOCKETIO_MESSAGE_QUEUE = None
    LIVE_UPDATE_INTERVAL = 0.0  # announce at once, so tests read what a change announced
    ROUND_RECOUNT_SECONDS = 0.0
    # No heartbeat runs under TESTING (no periodic job does): the test's own worker stays alive for
    # the whole test, and tests make a worker dead by setting its heartbeat in the past.
    WORKER_DEAD_AFTER_SECONDS = 3600.0
    RATELIMIT_STORAGE_URI = "memory://"
    ALLOW_SIGNUP = False
    BASE_URL = ""
    SESSION_COOKIE_SECURE = False
    REMEMBER_COOKIE_SECURE = False
