"""The five conditions over a collaboration's assessments: the geometry of the line chart on the
collaboration page (an inline SVG drawn by _collaborations_trend.html.j2).

A point is a condition's mean as its report shows it: a mean the report withholds (too few
answers, kansrijk/disclosure.py) or an unscored condition is a gap, and the line breaks there.
Conditions with the same mean at an assessment are drawn a few pixels apart, so that no line hides
another; each point's title keeps its true value.
"""

from __future__ import annotations

from dataclasses import dataclass

from kansrijk.advice import Report
from kansrijk.report_html import STYLES, SCALE, coord

WIDTH = 720
LEFT, RIGHT, TOP = 72.0, 56.0, 20.0  # room for the y axis' labels and half the last date
PLOT_HEIGHT = 256.0
BOTTOM, SLANTED_BOTTOM = 64.0, 112.0  # room below the plot for the dates (level or slanted) and the x axis' label
PAD = 40.0  # between the y axis (and the right edge) and the first (last) assessment
LEVEL_SPACING = 120.0  # below this many pixels between assessments their dates are slanted, not to overlap
SPREAD = 5.0  # pixels between conditions that have the same mean at an assessment


@dataclass(frozen=True)
class Point:
    x: str
    y: str
    value: float
    label: str  # the assessment's date (or its place when undated)


@dataclass(frozen=True)
class Series:
    condition: str
    name: str
    colour: str
    dash: str
    width: float
    points: list[Point]
    lines: list[str]  # polylines' points attributes: one per run of consecutive values


@dataclass(frozen=True)
class Tick:
    at: str
    label: str


@dataclass(frozen=True)
class Chart:
    width: int
    height: int
    left: float
    right: float  # the x of the plot's right edge
    top: float
    bottom: float  # the y of the plot's bottom edge
    y_ticks: list[Tick]
    x_ticks: list[Tick]
    slanted: bool  # the dates at an angle, as they would overlap level
    series: list[Series]


def trend_chart(labels: list[str], reports: list[Report]) -> Chart:
    """The chart of one report per assessment, in their order; labels name the assessments."""
    right, count = WIDTH - RIGHT, len(reports)
    first, last = LEFT + PAD, right - PAD
    slanted = count > 1 and (last - first) / (count - 1) < LEVEL_SPACING
    bottom = TOP + PLOT_HEIGHT
    height = int(bottom + (SLANTED_BOTTOM if slanted else BOTTOM))

    def x(index: int) -> float:
        return (first + last) / 2 if count == 1 else first + index * (last - first) / (count - 1)

    def y(value: float) -> float:
        return bottom - (value - SCALE[0]) * (bottom - TOP) / (SCALE[-1] - SCALE[0])

    conditions = reports[0].conditions if reports else []
    values = [{c.id: c.score for c in report.conditions} for report in reports]
    series = []
    for number, condition in enumerate(conditions):
        style = STYLES[number % len(STYLES)]
        points, lines, run = [], [], []
        for index, value in enumerate(v[condition.id] for v in values):
            if value is None:
                if len(run) > 1:
                    lines.append(" ".join(run))
                run = []
                continue
            # the same mean as other conditions here: this one's place among them, centred on the value
            same = [c.id for c in conditions if values[index][c.id] == value]
            shift = (same.index(condition.id) - (len(same) - 1) / 2) * SPREAD
            point = Point(coord(x(index)), coord(y(value) + shift), value, labels[index])
            points.append(point)
            run.append(f"{point.x},{point.y}")
        if len(run) > 1:
            lines.append(" ".join(run))
        series.append(Series(condition.id, condition.name, style["colour"], style["dash"], style["width"], points, lines))
    return Chart(
        WIDTH, height, LEFT, right, TOP, bottom,
        y_ticks=[Tick(coord(y(v)), str(v)) for v in SCALE],
        x_ticks=[Tick(coord(x(i)), label) for i, label in enumerate(labels)],
        slanted=slanted, series=series,
    )
