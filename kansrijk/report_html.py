"""The advice report as one self-contained HTML page: inline CSS and an inline SVG radar chart,
no scripts and nothing fetched from the network, ready to print.

Everything the page shows is read off a `Report`; the same report gives byte-identical HTML.
All text from the case and the knowledge base is escaped by Jinja2's autoescaping.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import cache
from typing import Any

from jinja2 import Environment, StrictUndefined, select_autoescape

from kansrijk.advice import Report
from kansrijk.render import environment, labels

TEMPLATE = "report.html.j2"

# The radar's geometry, in SVG user units.
CENTRE_X, CENTRE_Y = 300.0, 205.0
RADIUS = 140.0
SCALE = (1, 2, 3, 4, 5)  # the 1..5 answer scale of Table 1; 0 (the centre) marks a missing score
LABEL_GAP = 22.0
LABEL_WIDTH = 17  # characters per line of an axis label

# One style per line, so that lines are told apart in black and white too: dash pattern and marker.
STYLES = (
    {"colour": "#1f4e79", "dash": "", "marker": "circle", "width": 3.0},
    {"colour": "#b34700", "dash": "8 4", "marker": "square", "width": 2.0},
    {"colour": "#2e7d32", "dash": "2 3", "marker": "triangle", "width": 2.0},
    {"colour": "#6a1b9a", "dash": "10 3 2 3", "marker": "diamond", "width": 2.0},
    {"colour": "#00838f", "dash": "4 2", "marker": "cross", "width": 2.0},
    {"colour": "#5d4037", "dash": "1 3", "marker": "circle", "width": 2.0},
)


@cache
def html_environment() -> Environment:
    """The templates' environment for HTML: the same loader as the text reports, StrictUndefined,
    and autoescaping of everything (select_autoescape, defaulting to on)."""
    return Environment(
        loader=environment().loader, undefined=StrictUndefined, keep_trailing_newline=True,
        autoescape=select_autoescape(enabled_extensions=("html", "html.j2", "svg", "xml"),
                                     default_for_string=True, default=True),
    )


def num(value: float) -> str:
    """A coordinate with one decimal, never '-0.0'."""
    text = f"{value:.1f}"
    return "0.0" if text == "-0.0" else text


@dataclass(frozen=True)
class Point:
    x: float
    y: float

    def __str__(self) -> str:
        return f"{num(self.x)},{num(self.y)}"


def polar(axis: int, axes: int, value: float) -> Point:
    """The point at `value` (0..5) on axis `axis`; the first axis points up, the rest go clockwise."""
    angle = -math.pi / 2 + 2 * math.pi * axis / axes
    r = RADIUS * value / SCALE[-1]
    return Point(CENTRE_X + r * math.cos(angle), CENTRE_Y + r * math.sin(angle))


def wrap(text: str, width: int = LABEL_WIDTH) -> list[str]:
    lines: list[str] = []
    for word in text.split():
        if lines and len(lines[-1]) + 1 + len(word) <= width:
            lines[-1] += " " + word
        else:
            lines.append(word)
    return lines or [""]


def marker_path(shape: str, p: Point, size: float = 4.5) -> str:
    """An SVG path for a data point's marker (paths, so that the chart's only polygons are its lines)."""
    x, y, s = p.x, p.y, size
    if shape == "square":
        return f"M{num(x - s)},{num(y - s)}H{num(x + s)}V{num(y + s)}H{num(x - s)}Z"
    if shape == "triangle":
        corners = [(x, y - s * 1.2), (x + s * 1.1, y + s * 0.8), (x - s * 1.1, y + s * 0.8)]
        return "M" + "L".join(f"{num(a)},{num(b)}" for a, b in corners) + "Z"
    if shape == "diamond":
        corners = [(x, y - s * 1.3), (x + s * 1.3, y), (x, y + s * 1.3), (x - s * 1.3, y)]
        return "M" + "L".join(f"{num(a)},{num(b)}" for a, b in corners) + "Z"
    if shape == "cross":
        return (f"M{num(x - s)},{num(y - s)}L{num(x + s)},{num(y + s)}"
                f"M{num(x - s)},{num(y + s)}L{num(x + s)},{num(y - s)}")
    return (f"M{num(x - s)},{num(y)}A{num(s)},{num(s)} 0 1,0 {num(x + s)},{num(y)}"
            f"A{num(s)},{num(s)} 0 1,0 {num(x - s)},{num(y)}Z")


def radar(report: Report, whole_case: str) -> dict[str, Any]:
    """The radar chart's geometry: five axes (one per condition), rings at 1..5, and one line for
    the whole case and one per organisation whose scores may be shown."""
    conditions = report.conditions
    n = len(conditions)
    axes = []
    for i, c in enumerate(conditions):
        end = polar(i, n, SCALE[-1])
        angle = -math.pi / 2 + 2 * math.pi * i / n
        reach = RADIUS + LABEL_GAP
        label = Point(CENTRE_X + reach * math.cos(angle), CENTRE_Y + reach * math.sin(angle))
        cos = math.cos(angle)
        anchor = "middle" if abs(cos) < 0.2 else ("start" if cos > 0 else "end")
        lines = wrap(c.name)
        # labels above the chart grow upwards, the others downwards
        top = label.y - 14 * (len(lines) - 1) if math.sin(angle) < -0.5 else label.y + (4 if abs(cos) >= 0.2 else 12)
        start = polar(i, n, 0)
        axes.append({"id": c.id, "name": c.name, "x1": num(start.x), "y1": num(start.y), "x2": num(end.x),
                     "y2": num(end.y), "anchor": anchor,
                     "x": num(label.x), "lines": [(num(top + 14 * k), line) for k, line in enumerate(lines)]})
    rings = []
    for level in SCALE:
        corners = [polar(i, n, level) for i in range(n)]
        tick = polar(0, n, level)
        rings.append({"level": level, "path": "M" + "L".join(str(p) for p in corners) + "Z",
                      "x": num(tick.x + 5), "y": num(tick.y + 4)})

    wanted = [(whole_case, None, {c.id: c.score for c in conditions})]
    for org in getattr(report, "organisations", []) or []:
        if org.shown and any(v is not None for v in org.conditions.values()):
            wanted.append((org.label, org.respondents, dict(org.conditions)))
    series = []
    for label, respondents, scores in wanted:
        values = [scores.get(c.id) for c in conditions]
        if all(v is None for v in values):
            continue  # nothing to draw for the whole case without scores
        style = STYLES[len(series) % len(STYLES)]
        points = [polar(i, n, 0.0 if v is None else v) for i, v in enumerate(values)]
        series.append({
            "index": len(series), "label": label, "respondents": respondents, **style,
            "points": " ".join(str(p) for p in points),
            "markers": [{"path": marker_path(style["marker"], p), "value": v, "condition": c.name}
                        for p, v, c in zip(points, values, conditions) if v is not None],
            "scores": [(c.name, v) for c, v in zip(conditions, values)],
            "missing": sum(1 for v in values if v is None),
            "sample": marker_path(style["marker"], Point(17, 8), 4.0),
        })
    return {"width": 600, "height": 410, "axes": axes, "rings": rings, "series": series,
            "missing": any(s["missing"] for s in series)}


def render_html(report: Report) -> str:
    """The HTML page for one report, in the report's language."""
    lang = report.language
    t = labels().resolve(lang)
    names = {c.id: c.name for c in report.conditions}
    return html_environment().get_template(TEMPLATE).render(
        t=t, lang=lang, report=report, names=names, chart=radar(report, t["report"]["whole_case"]),
        organisations=list(getattr(report, "organisations", []) or []),
        divergences=list(getattr(report, "divergences", []) or []),
    )
