"""Times and durations as the summary pages say them (UTC, as everywhere in Stepwise)."""

from __future__ import annotations

from datetime import datetime


def _moment(value: str | datetime) -> datetime:
    return datetime.fromisoformat(value) if isinstance(value, str) else value


def clock_time(value: str | datetime | None) -> str:
    """'18:05'."""
    return _moment(value).strftime("%H:%M") if value else ""


def day_and_time(value: str | datetime | None) -> str:
    """'3 Mar 2026, 18:00 UTC'."""
    if not value:
        return ""
    moment = _moment(value)
    return f"{moment.day} {moment:%b %Y, %H:%M} UTC"


def long_day(value: str | datetime | None) -> str:
    """'Tuesday 3 March 2026'."""
    if not value:
        return ""
    moment = _moment(value)
    return f"{moment:%A} {moment.day} {moment:%B %Y}"


def duration_words(minutes: int | None) -> str:
    """'1 h 30 min', '45 min', 'under a minute'."""
    if minutes is None:
        return "not started"
    if minutes == 0:
        return "under a minute"
    hours, rest = divmod(minutes, 60)
    return f"{hours} h {rest} min" if hours else f"{rest} min"


def wait_words(seconds: int | None) -> str:
    """'1 min 30 s', '45 s'."""
    if seconds is None:
        return ""
    minutes, rest = divmod(seconds, 60)
    return f"{minutes} min {rest} s" if minutes else f"{rest} s"


def signed(change: float | None) -> str:
    """'+1.7', '−2', '0': a change with its sign, as a person reads it."""
    if change is None:
        return ""
    text = str(int(change)) if float(change).is_integer() else f"{change:.1f}"
    return "+" + text if change > 0 else text.replace("-", "−")


FILTERS = (clock_time, day_and_time, long_day, duration_words, wait_words, signed)
