"""Server-drawn charts: geometry worked out by hand, and SVG that passes the strict CSP."""

import re

import pytest

from facilitator.summaries import charts
from facilitator.summaries.charts import Series, build_chart

# The plot runs from x 44 to 624 and from y 48 (top) to 240 (bottom): 580 × 192 pixels.


def test_points_and_a_smoothed_line_are_placed_on_the_scale():
    chart = build_chart(
        title="Mood",
        description="Two sessions",
        labels=["1 Mar", "8 Mar"],
        series=[Series("Check-in", [0, 10], "#000", smoothed=[5, 5])],
        y_label="Mood",
        y_range=(0, 10),
        y_step=5,
    )
    assert [(t.position, t.label) for t in chart.y_ticks] == [(240, "0"), (144, "5"), (48, "10")]
    assert [(t.position, t.label) for t in chart.x_labels] == [(189, "1 Mar"), (479, "8 Mar")]
    assert [(p.x, p.y, p.label) for p in chart.points] == [
        (189, 240, "Check-in, 1 Mar: 0"),
        (479, 48, "Check-in, 8 Mar: 10"),
    ]
    assert [line.points for line in chart.lines] == ["189.0,144.0 479.0,144.0"]


def test_bars_stand_on_the_axis_and_share_their_band():
    chart = build_chart(
        title="Moods",
        description="",
        labels=["3"],
        series=[Series("In", [4], "#111", style="bars"), Series("Out", [2], "#222", style="bars")],
        y_label="People",
        category_name="mood",
    )
    # Highest value 4: the axis goes 0 to 4 in steps of 1; the band (580 wide) holds two bars of 203.
    assert [t.label for t in chart.y_ticks] == ["0", "1", "2", "3", "4"]
    assert [(b.x, b.y, b.width, b.height, b.label) for b in chart.bars] == [
        (131, 48, 203, 192, "In, mood 3: 4"),
        (334, 144, 203, 96, "Out, mood 3: 2"),
    ]


def test_bars_of_nothing_are_not_drawn_and_missing_values_break_the_line():
    chart = build_chart(
        title="Wins",
        description="",
        labels=["a", "b", "c", "d"],
        series=[Series("Wins", [0, None, 2, 3], "#000", style="bars", smoothed=[1, None, 2, 3])],
        y_label="Count",
    )
    assert [b.label for b in chart.bars] == ["Wins, c: 2", "Wins, d: 3"]
    assert len(chart.lines) == 1  # the lone first value makes no line of its own
    assert chart.lines[0].points.count(",") == 2


def test_the_take_home_chart_is_drawn_for_a_phone():
    chart = charts.mood_shift_chart({"average_in": 4.3, "average_out": None})
    assert (chart.width, chart.height, chart.plot_right, chart.plot_bottom) == (360, 240, 344, 200)
    assert [b.label for b in chart.bars] == ["Group average, Arriving: 4.3"]
    assert chart.description == "The group's average mood on a scale of 1 to 10: arriving 4.3."


def test_a_chart_with_nothing_to_show_says_so():
    chart = build_chart(
        title="Wins", description="", labels=["a"], series=[Series("Wins", [None], "#000")], y_label="Count"
    )
    assert chart.empty and not chart.points and not chart.bars


@pytest.mark.parametrize(
    ("highest", "expected"),
    [(0, (1, 1)), (0.5, (1, 1)), (4, (4, 1)), (7, (8, 2)), (12, (15, 5)), (60, (60, 20)), (240, (250, 50))],
)
def test_count_axes_end_on_a_round_number(highest, expected):
    assert charts.nice_top(highest) == expected


def test_many_sessions_show_every_few_labels():
    labels = [str(n) for n in range(25)]
    chart = build_chart(
        title="t", description="", labels=labels, series=[Series("s", [1] * 25, "#000")], y_label="y"
    )
    assert [t.label for t in chart.x_labels] == ["0", "3", "6", "9", "12", "15", "18", "21", "24"]


def test_the_svg_has_a_title_and_description_and_no_style_or_script(app):
    chart = build_chart(
        title="Mood <over time>",
        description="Rising & steady",
        labels=["1 Mar", "8 Mar"],
        series=[Series("Check-in <in>", [3, 4], "#b4532a", smoothed=[3, 4], dash="6 4")],
        y_label="Mood",
        y_range=(0, 10),
        y_step=2,
    )
    macro = app.jinja_env.get_template("summaries/_chart.html").module.chart
    svg = str(macro(chart, "test-chart"))
    assert 'role="img"' in svg and 'aria-labelledby="test-chart-title test-chart-desc"' in svg
    assert '<title id="test-chart-title">Mood &lt;over time&gt;</title>' in svg
    assert '<desc id="test-chart-desc">Rising &amp; steady</desc>' in svg
    assert "Check-in &lt;in&gt;" in svg and "<in>" not in svg
    assert 'stroke-dasharray="6 4"' in svg
    assert not re.search(r"<style|<script|\sstyle=|\son\w+=", svg)


def test_trend_descriptions_say_where_the_smoothed_line_went():
    trend = {
        "sessions": [
            {
                "date": "2026-01-06T18:00:00Z",
                "check_in_average": 4.0,
                "check_out_average": 5.0,
                "joined": 3,
                "wins": None,
            },
            {
                "date": "2026-01-13T18:00:00Z",
                "check_in_average": 6.0,
                "check_out_average": 5.0,
                "joined": 2,
                "wins": None,
            },
        ],
        "smoothed": {
            "check_in_average": [5.0, 5.0],
            "check_out_average": [5.0, 5.0],
            "joined": [2.5, 2.5],
            "wins": [None, None],
        },
    }
    mood, joined, wins, pulse = charts.trend_charts(trend)
    assert mood.description == (
        "Average check-in and check-out mood on a scale of 1 to 10 for 2 sessions, 6 Jan to 13 Jan."
        " The smoothed check-in line stayed level from 5 to 5."
        " The smoothed check-out line stayed level from 5 to 5."
    )
    assert [t.label for t in mood.x_labels] == ["6 Jan", "13 Jan"]
    assert joined.title == "People who came" and not joined.empty
    assert wins.empty
    assert pulse.title == "How the sessions fit the group" and pulse.empty  # no pulse in these weeks
