"""Charts drawn on the server: the geometry of a bar-and-point chart, rendered as SVG by a template.

Everything is computed here in plain numbers, so it can be tested; templates/summaries/_chart.html
turns it into SVG with presentation attributes only (no <style>, no script), a <title> and a
<desc> for screen readers, and a <title> on every bar and point. The SVG prints as it shows.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import datetime
from typing import Literal, NamedTuple, TypedDict

WIDTH, HEIGHT = 640, 280
PHONE_WIDTH, PHONE_HEIGHT = 360, 240  # for a page read on a phone: the labels stay legible
LEFT, RIGHT, TOP, BOTTOM = 44, 16, 48, 40  # the plot's margins: axis labels left and below, legend above
MAX_X_LABELS = 10
CHAR_WIDTH = 7  # about one character of the 12px labels, to lay the legend out
NICE_STEPS = (1, 2, 5)


@dataclass(frozen=True)
class Series:
    """Values per category, drawn as bars or points, with an optional smoothed line over them."""

    name: str
    values: list[float | None]
    colour: str
    style: Literal["bars", "points"] = "points"
    smoothed: list[float | None] | None = None
    marker: Literal["circle", "square"] = "circle"
    dash: str | None = None  # the smoothed line's dash pattern, so lines differ by more than colour
    line_colour: str | None = None  # the smoothed line's, when it must stand out from bars (else `colour`)

    @property
    def smoothed_colour(self) -> str:
        return self.line_colour or self.colour


@dataclass(frozen=True)
class Tick:
    position: float
    label: str


@dataclass(frozen=True)
class Bar:
    x: float
    y: float
    width: float
    height: float
    colour: str
    label: str


@dataclass(frozen=True)
class Point:
    x: float
    y: float
    colour: str
    marker: str
    label: str


@dataclass(frozen=True)
class Line:
    points: str  # "x,y x,y ..." for a <polyline>
    colour: str
    dash: str | None


@dataclass(frozen=True)
class LegendEntry:
    x: float
    name: str
    colour: str
    style: str
    marker: str
    smoothed: bool  # the entry shows a sample of the series' smoothed line
    dash: str | None
    line_colour: str


@dataclass(frozen=True)
class Chart:
    """Everything the SVG template draws, in pixels of a WIDTH × HEIGHT view box."""

    title: str
    description: str
    y_label: str
    width: int = WIDTH
    height: int = HEIGHT
    plot_left: int = LEFT
    plot_right: int = WIDTH - RIGHT
    plot_top: int = TOP
    plot_bottom: int = HEIGHT - BOTTOM
    y_ticks: list[Tick] = field(default_factory=list)
    x_labels: list[Tick] = field(default_factory=list)
    bars: list[Bar] = field(default_factory=list)
    points: list[Point] = field(default_factory=list)
    lines: list[Line] = field(default_factory=list)
    legend: list[LegendEntry] = field(default_factory=list)
    empty: bool = False


class _Frame(TypedDict):
    """The size of a chart and where its plot ends (Chart's fields of the same names)."""

    width: int
    height: int
    plot_right: int
    plot_bottom: int


def nice_top(highest: float) -> tuple[int, int]:
    """A round top for a count axis and the step between its (at most five) ticks."""
    magnitude = 1
    while True:
        for step in NICE_STEPS:
            step *= magnitude
            if highest <= step * 5:
                return max(math.ceil(highest / step), 1) * step, step
        magnitude *= 10


def format_number(value: float) -> str:
    """Whole numbers without decimals, others with one: 4, 4.3."""
    return str(int(value)) if float(value).is_integer() else f"{value:.1f}"


def _polylines(xs: list[float], ys: list[float | None]) -> list[str]:
    """Polyline point strings, broken where a value is missing."""
    runs: list[list[str]] = [[]]
    for x, y in zip(xs, ys, strict=True):
        if y is None:
            runs.append([])
        else:
            runs[-1].append(f"{x:.1f},{y:.1f}")
    return [" ".join(run) for run in runs if len(run) > 1]


def build_chart(
    *,
    title: str,
    description: str,
    labels: list[str],
    series: list[Series],
    y_label: str,
    y_range: tuple[float, float] | None = None,
    y_step: float | None = None,
    category_name: str = "",
    width: int = WIDTH,
    height: int = HEIGHT,
) -> Chart:
    """Lay out a chart of `series` over the categories `labels`.

    Without `y_range` the axis runs from 0 to a round number above the highest value. Bars of 0
    are not drawn. `category_name` words each bar's and point's title: "Check-in, mood 3: 1".
    """
    values = [v for s in series for v in [*s.values, *(s.smoothed or [])] if v is not None]
    frame: _Frame = {
        "width": width,
        "height": height,
        "plot_right": width - RIGHT,
        "plot_bottom": height - BOTTOM,
    }
    if not labels or not values:
        return Chart(title=title, description=description, y_label=y_label, empty=True, **frame)
    if y_range is None:
        top, step = nice_top(max(values))
        y_range, y_step = (0, top), step
    y_low, y_high = y_range
    chart = Chart(title=title, description=description, y_label=y_label, **frame)
    plot_height = chart.plot_bottom - chart.plot_top
    band = (chart.plot_right - chart.plot_left) / len(labels)

    def y_of(value: float) -> float:
        return chart.plot_top + plot_height * (1 - (value - y_low) / (y_high - y_low))

    xs = [chart.plot_left + band * (index + 0.5) for index in range(len(labels))]
    tick = y_low
    while tick <= y_high + 1e-9:
        chart.y_ticks.append(Tick(round(y_of(tick), 1), format_number(tick)))
        tick += y_step or (y_high - y_low)
    every = math.ceil(len(labels) / MAX_X_LABELS)
    chart.x_labels.extend(Tick(round(xs[i], 1), labels[i]) for i in range(0, len(labels), every))

    bar_slots = {id(s): slot for slot, s in enumerate(s for s in series if s.style == "bars")}
    bar_width = band * 0.7 / max(len(bar_slots), 1)
    for s in series:
        for index, value in enumerate(s.values):
            if value is None or (value == 0 and s.style == "bars"):
                continue
            label = f"{s.name}, {category_name} {labels[index]}: {format_number(value)}".replace("  ", " ")
            if s.style == "bars":
                x = xs[index] - band * 0.35 + bar_slots[id(s)] * bar_width
                y = y_of(value)
                bar_height = chart.plot_bottom - y
                chart.bars.append(
                    Bar(round(x, 1), round(y, 1), round(bar_width, 1), round(bar_height, 1), s.colour, label)
                )
            else:
                chart.points.append(
                    Point(round(xs[index], 1), round(y_of(value), 1), s.colour, s.marker, label)
                )
        if s.smoothed:
            ys = [None if v is None else y_of(v) for v in s.smoothed]
            chart.lines.extend(Line(points, s.smoothed_colour, s.dash) for points in _polylines(xs, ys))

    x = float(chart.plot_left)
    for s in series:
        chart.legend.append(
            LegendEntry(x, s.name, s.colour, s.style, s.marker, bool(s.smoothed), s.dash, s.smoothed_colour)
        )
        x += (40 if s.smoothed else 22) + CHAR_WIDTH * len(s.name)
    return chart


# --- the charts Stepwise shows ---------------------------------------------------------------

CHECK_IN_COLOUR = "#b4532a"  # warm, as people arrive
CHECK_OUT_COLOUR = "#2f6f62"  # the app's green, as they leave
# Bars and the smoothed line over them: each at least 3:1 against the white and against each other.
COUNT_COLOURS = ("#4f9182", "#163b33")
WINS_COLOURS = ("#a67c1a", "#4a3005")
MOOD_RANGE = (0, 10)
MOOD_STEP = 2


def short_date(iso_moment: str) -> str:
    """'2026-03-03T18:00:00Z' as '3 Mar'."""
    moment = datetime.fromisoformat(iso_moment)
    return f"{moment.day} {moment:%b}"


def _line_direction(name: str, smoothed: list[float | None]) -> str:
    """A sentence on where a smoothed line went, first session to last."""
    known = [value for value in smoothed if value is not None]
    if len(known) < 2:
        return ""
    first, last = known[0], known[-1]
    way = "rose" if last > first else "fell" if last < first else "stayed level"
    start, end = format_number(round(first, 1)), format_number(round(last, 1))
    return f" The smoothed {name} line {way} from {start} to {end}."


def _span(trend: dict) -> str:
    sessions = trend["sessions"]
    count = f"{len(sessions)} session{'s' if len(sessions) != 1 else ''}"
    if not sessions:
        return count
    return f"{count}, {short_date(sessions[0]['date'])} to {short_date(sessions[-1]['date'])}"


def mood_trend_chart(trend: dict) -> Chart:
    """Average check-in and check-out mood per session, each with its smoothed line."""
    smoothed = trend["smoothed"]
    return build_chart(
        title="Average mood, arriving and leaving",
        description=(
            f"Average check-in and check-out mood on a scale of 1 to 10 for {_span(trend)}."
            + _line_direction("check-in", smoothed["check_in_average"])
            + _line_direction("check-out", smoothed["check_out_average"])
        ),
        labels=[short_date(point["date"]) for point in trend["sessions"]],
        series=[
            Series(
                "Check-in",
                [point["check_in_average"] for point in trend["sessions"]],
                CHECK_IN_COLOUR,
                smoothed=smoothed["check_in_average"],
                marker="square",
                dash="6 4",
            ),
            Series(
                "Check-out",
                [point["check_out_average"] for point in trend["sessions"]],
                CHECK_OUT_COLOUR,
                smoothed=smoothed["check_out_average"],
            ),
        ],
        y_label="Mood",
        y_range=MOOD_RANGE,
        y_step=MOOD_STEP,
    )


def count_trend_chart(trend: dict, key: str, *, title: str, name: str, colours: tuple[str, str]) -> Chart:
    """A count per session (people who joined, wins) as bars, with its smoothed line."""
    return build_chart(
        title=title,
        description=f"{title} for {_span(trend)}." + _line_direction(name.lower(), trend["smoothed"][key]),
        labels=[short_date(point["date"]) for point in trend["sessions"]],
        series=[
            Series(
                name,
                [point[key] for point in trend["sessions"]],
                colours[0],
                style="bars",
                smoothed=trend["smoothed"][key],
                line_colour=colours[1],
            )
        ],
        y_label="Count",
    )


# The group pulse's questions, in their order (facilitator/pulse/models.py): the short name, the
# colour (each at least 3:1 against the white), the point's marker and the smoothed line's dash.
class PulseLine(NamedTuple):
    key: str
    name: str
    colour: str
    marker: Literal["circle", "square"]
    dash: str | None


PULSE_LINES = (
    PulseLine("pulse_heard", "Listened to", "#2f6f62", "circle", None),
    PulseLine("pulse_mattered", "What matters", "#b4532a", "square", "6 4"),
    PulseLine("pulse_fit", "How we worked", "#5b4a9e", "circle", "2 3"),
    PulseLine("pulse_overall", "Overall", "#1d2b36", "square", "10 3 2 3"),
)
PULSE_RANGE = (0, 10)


def pulse_trend_chart(trend: dict) -> Chart:
    """The group pulse per session: each question's average (0 to 10), each with its smoothed line.
    A session where fewer than the group's minimum answered has no point."""
    smoothed = trend["smoothed"]
    return build_chart(
        title="How the sessions fit the group",
        description=(
            f"The group pulse's averages on a scale of 0 to 10 for {_span(trend)}."
            + "".join(_line_direction(f"“{line.name}”", smoothed.get(line.key) or []) for line in PULSE_LINES)
        ),
        labels=[short_date(point["date"]) for point in trend["sessions"]],
        series=[
            Series(
                line.name,
                [point.get(line.key) for point in trend["sessions"]],
                line.colour,
                smoothed=smoothed.get(line.key),
                marker=line.marker,
                dash=line.dash,
            )
            for line in PULSE_LINES
        ],
        y_label="Average",
        y_range=PULSE_RANGE,
        y_step=MOOD_STEP,
    )


def trend_charts(trend: dict) -> list[Chart]:
    """The charts of the group's trends page, in order."""
    return [
        mood_trend_chart(trend),
        count_trend_chart(trend, "joined", title="People who came", name="Joined", colours=COUNT_COLOURS),
        count_trend_chart(trend, "wins", title="Small wins shared", name="Wins", colours=WINS_COLOURS),
        pulse_trend_chart(trend),
    ]


def mood_distribution_chart(check_in: dict | None, check_out: dict | None) -> Chart:
    """How many chose each mood, 1 to 10, at check-in and at check-out, side by side."""
    series = [
        Series(name, entry["mood"]["distribution"], colour, style="bars")
        for name, entry, colour in (
            ("Check-in", check_in, CHECK_IN_COLOUR),
            ("Check-out", check_out, CHECK_OUT_COLOUR),
        )
        if entry and entry["mood"]
    ]
    counts = "; ".join(
        f"{s.name}: " + ", ".join(f"{mood}: {count}" for mood, count in enumerate(s.values, 1) if count)
        for s in series
    )
    return build_chart(
        title="Moods chosen, 1 to 10",
        description=f"How many people chose each mood. {counts}." if series else "No moods were given.",
        labels=[str(mood) for mood in range(1, 11)],
        series=series,
        y_label="People",
        category_name="mood",
    )


def mood_shift_chart(shift: dict) -> Chart:
    """The group's average mood arriving and leaving, for the take-home page."""
    values = [shift["average_in"], shift["average_out"]]
    known = [
        f"{when} {format_number(value)}"
        for when, value in zip(("arriving", "leaving"), values, strict=True)
        if value is not None
    ]
    return build_chart(
        title="The group's average mood",
        description="The group's average mood on a scale of 1 to 10: " + ", ".join(known) + ".",
        labels=["Arriving", "Leaving"],
        series=[Series("Group average", values, CHECK_OUT_COLOUR, style="bars")],
        y_label="Mood",
        y_range=MOOD_RANGE,
        y_step=MOOD_STEP,
        width=PHONE_WIDTH,
        height=PHONE_HEIGHT,
    )
