"""Cleaning free text from outside: what every form and socket payload does to its strings.

PostgreSQL refuses a NUL byte in text while SQLite stores it, so the same input would fail on
one and keep garbage on the other; escape sequences (\\x1b) could reach terminals through logs
and exports. So C0 and C1 control characters (DEL too) never get past the door.
"""

from __future__ import annotations

import re

_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")
# Keeps tab and newline; a carriage return goes (a browser sends CRLF, we keep LF).
_CONTROL_BUT_LINES = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def remove_control_characters(text: str, *, multiline: bool = True) -> str:
    """The text without control characters; `multiline` text keeps its tabs and line breaks."""
    return (_CONTROL_BUT_LINES if multiline else _CONTROL).sub("", text)
