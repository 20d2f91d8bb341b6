"""Keep links that work as passwords out of the server's access log.

A join link (`/j/<token>`), take-home page, invitation or password reset lets whoever holds its
token in, so a log line may show only the token's first characters: enough to tell requests
apart, not enough to use. `python wsgi.py` logs every request (`log_output=True`) through the
async server's own access log; `redact_server_logs` makes each of them redact:

- eventlet: its `log` argument, a stream that redacts each line before writing it to stderr;
- gevent: Flask-SocketIO passes gevent's `log` itself and gevent then writes to `sys.stderr`,
  so `sys.stderr` is replaced by the same redacting stream;
- threading: Werkzeug logs each request to the "werkzeug" logger, which gets a redacting filter.

A phone that loses its network, or a socket closed while a worker drains, hangs up before its
response is written. gevent prints a traceback for that unless told it is not an error
(`quiet_hung_up_clients`); eventlet and Werkzeug already keep quiet.
"""

from __future__ import annotations

import logging
import re
import sys
from typing import TextIO

# The path segment after one of these prefixes is a secret (it ends at a slash, query, space or
# quote); its first 4 characters are kept.
_TOKEN_IN_PATH = re.compile(r"(/(?:j|take-home|invite|reset)/)([^/?#\s\"']{4})[^/?#\s\"']+")


def redact(text: str) -> str:
    """`text` with every token in a secret link cut to its first characters and an ellipsis."""
    return _TOKEN_IN_PATH.sub(r"\1\2…", text)


class RedactingStream:
    """A text stream that redacts what is written to it before passing it on."""

    def __init__(self, stream: TextIO) -> None:
        self._stream = stream

    def write(self, text: str) -> int:
        return self._stream.write(redact(text))

    def flush(self) -> None:
        self._stream.flush()

    def __getattr__(self, name: str):
        return getattr(self._stream, name)


class RedactingFilter(logging.Filter):
    """A logging filter that redacts the formatted message of each record."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        redacted = redact(message)
        if redacted != message:
            record.msg, record.args = redacted, None
        return True


def redact_server_logs(async_mode: str) -> dict:
    """Make the access log of `async_mode`'s server redact tokens; returns options for socketio.run."""
    if async_mode == "eventlet":
        return {"log": RedactingStream(sys.stderr)}
    if async_mode == "gevent":
        sys.stderr = RedactingStream(sys.stderr)
        return {}
    werkzeug_logger = logging.getLogger("werkzeug")
    if not any(isinstance(existing, RedactingFilter) for existing in werkzeug_logger.filters):
        werkzeug_logger.addFilter(RedactingFilter())
    return {}


def quiet_hung_up_clients(async_mode: str) -> None:
    """Under gevent, keep a client that hung up (reset, broken pipe) from printing a traceback."""
    if async_mode == "gevent":
        import gevent

        hub = gevent.get_hub()
        hub.NOT_ERROR = (*hub.NOT_ERROR, ConnectionResetError, BrokenPipeError)
