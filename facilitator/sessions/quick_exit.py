"""Quick exit: the ordinary page a participant's "Quick exit" leads to, and the phone's note that
it was used (README "Quick exit"; static/js/quick-exit.js does the rest in the browser).

The neutral page is not a Stepwise page: a plain weather forecast with its own small stylesheet,
no name, no session, nothing about the person, the same for everyone. Its forecast is made up
from the date alone, so that it changes from day to day like a real one.

The note is a cookie the phone's script sets for one session's link (path `/j/<token>`) when quick
exit leaves the room. While it is there, the join link does not take the phone straight back into
the room (so Back, which lands on the join link, shows no live session); it offers "Go back in",
and opening the room clears it.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import date, timedelta

AWAY_COOKIE = "stepwise_away"

# A mild climate's daytime highs by month (°C), January first.
_MONTHLY_HIGHS = (7, 8, 11, 14, 17, 20, 22, 22, 19, 15, 10, 8)
_SKIES = (
    "Sunny",
    "Sunny intervals",
    "Partly cloudy",
    "Light cloud",
    "Thick cloud",
    "Light rain showers",
    "Drizzle",
    "Sunny intervals",
)
FORECAST_DAYS = 5


@dataclass(frozen=True)
class DayForecast:
    name: str
    sky: str
    high: int
    low: int
    rain_chance: int  # percent


def _numbers(day: date) -> bytes:
    """Eight stable pseudo-random bytes for a date (the same all day, for everyone)."""
    return hashlib.sha256(f"forecast:{day.isoformat()}".encode()).digest()[:8]


def forecast(today: date, days: int = FORECAST_DAYS) -> list[DayForecast]:
    """An ordinary-looking forecast for `days` days from `today`, made from the dates alone."""
    result = []
    for offset in range(days):
        day = today + timedelta(days=offset)
        numbers = _numbers(day)
        sky = _SKIES[numbers[0] % len(_SKIES)]
        high = _MONTHLY_HIGHS[day.month - 1] + numbers[1] % 7 - 3
        low = high - 4 - numbers[2] % 5
        wet = sky in ("Light rain showers", "Drizzle")
        rain_chance = (50 + numbers[3] % 40) if wet else (numbers[3] % 25)
        name = "Today" if offset == 0 else "Tomorrow" if offset == 1 else day.strftime("%A")
        result.append(DayForecast(name, sky, high, low, rain_chance - rain_chance % 5))
    return result
