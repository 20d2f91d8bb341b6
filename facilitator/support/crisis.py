"""Crisis resources as participants see them: one line each, with phone numbers made tappable."""

from __future__ import annotations

import re
from typing import NamedTuple

from flask import Flask

# A run of digits in groups (one space, dot or dash between them), perhaps with a leading + or
# a bracketed area code, that stands as a word of its own: not part of 24/7, 10:30 or $100.
_PHONE_NUMBER = re.compile(
    r"(?<![^\s(\[\"'“‘])"
    r"(?:\+|\(\d{1,4}\)\s?)?\d+"
    r"(?:(?:[ .\-]|\s?\(\d{1,4}\)\s?)\d+)*"
    r"(?=$|[\s.,;:!?)\]\"'”’])"
)
_TRUNK_PREFIX = re.compile(r"\(0\)")  # +44 (0)20 ...: the 0 is dialled only from inside the country
MIN_DIGITS, MAX_DIGITS = 3, 15  # 000 and 988 are numbers; an international one has at most 15 digits
MIN_DOTTED_DIGITS = 7  # 800.273.8255 is a number; 9.30 and 18.00 are times


class LinePart(NamedTuple):
    """A piece of a crisis resource line: plain text, or a phone number with what to dial."""

    text: str
    tel: str | None = None


def crisis_lines(text: str) -> list[list[LinePart]]:
    """Each non-empty line of a group's crisis resources, split into text and phone numbers."""
    return [_line_parts(line.strip()) for line in text.splitlines() if line.strip()]


def _line_parts(line: str) -> list[LinePart]:
    parts: list[LinePart] = []
    position = 0
    for match in _PHONE_NUMBER.finditer(line):
        number = match[0]
        international = number.startswith("+")
        digits = re.sub(r"\D", "", _TRUNK_PREFIX.sub("", number) if international else number)
        if not MIN_DIGITS <= len(digits) <= MAX_DIGITS or ("." in number and len(digits) < MIN_DOTTED_DIGITS):
            continue
        if match.start() > position:
            parts.append(LinePart(line[position : match.start()]))
        parts.append(LinePart(number, ("+" if international else "") + digits))
        position = match.end()
    if position < len(line):
        parts.append(LinePart(line[position:]))
    return parts


def init_app(app: Flask) -> None:
    app.add_template_filter(crisis_lines)
