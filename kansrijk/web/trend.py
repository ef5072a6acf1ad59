"""The five conditions over a collaboration's assessments: the geometry of the line chart on the
collaboration page (an inline SVG drawn by _collaborations_trend.html.j2).

A point is a condition's mean as its report shows it: a mean the report withholds (too few
answers, kansrijk/disclosure.py) or an unscored condition is a gap, and the line breaks there.
"""

from __future__ import annotations

from dataclasses import dataclass

from kansrijk.advice import Report
from kansrijk.report_html import STYLES, SCALE, coord

WIDTH, HEIGHT = 720, 340
LEFT, RIGHT, TOP, BOTTOM = 72.0, 56.0, 20.0, 64.0  # room for the axes' labels and the last date


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
    series: list[Series]


def trend_chart(labels: list[str], reports: list[Report]) -> Chart:
    """The chart of one report per assessment, in their order; labels name the assessments."""
    right, bottom = WIDTH - RIGHT, HEIGHT - BOTTOM
    count = len(reports)

    def x(index: int) -> float:
        return (LEFT + right) / 2 if count == 1 else LEFT + index * (right - LEFT) / (count - 1)

    def y(value: float) -> float:
        return bottom - (value - SCALE[0]) * (bottom - TOP) / (SCALE[-1] - SCALE[0])

    series = []
    conditions = reports[0].conditions if reports else []
    for number, condition in enumerate(conditions):
        style = STYLES[number % len(STYLES)]
        points, lines, run = [], [], []
        for index, report in enumerate(reports):
            value = next(c.score for c in report.conditions if c.id == condition.id)
            if value is None:
                if len(run) > 1:
                    lines.append(" ".join(run))
                run = []
                continue
            point = Point(coord(x(index)), coord(y(value)), value, labels[index])
            points.append(point)
            run.append(f"{point.x},{point.y}")
        if len(run) > 1:
            lines.append(" ".join(run))
        series.append(Series(condition.id, condition.name, style["colour"], style["dash"], style["width"], points, lines))
    return Chart(
        WIDTH, HEIGHT, LEFT, right, TOP, bottom,
        y_ticks=[Tick(coord(y(v)), str(v)) for v in SCALE],
        x_ticks=[Tick(coord(x(i)), label) for i, label in enumerate(labels)],
        series=series,
    )
