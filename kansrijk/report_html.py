"""The advice report as one self-contained HTML page: inline CSS and an inline SVG radar chart,
no scripts and nothing fetched from the network, ready to print.

The page opens with a summary an adviser takes into a meeting (it prints on at most two A4
pages): the focus and why, a band per condition with what it rests on, how to go about it, the
top interventions, the threatening dynamics and what the characteristics ask. The full trace
follows in an appendix of folded sections (`<details>`), which starts on a new page in print and
is printed open. `audience="partners"` leaves out the adviser's notes and the raw rule trace.

Everything the page shows is read off a `Report`; the same report gives byte-identical HTML.
All text from the case and the knowledge base is escaped by Jinja2's autoescaping.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import cache
from typing import Any

from jinja2 import Environment, select_autoescape
from markupsafe import Markup, escape

from kansrijk.advice import Report
from kansrijk.advice_text import for_audience
from kansrijk.cache import template_cache
from kansrijk.formats import AUDIENCES, DEFAULT_TOP
from kansrijk.glossary import glossary
from kansrijk.render import environment, labels
from kansrijk.text import first_sentence

TEMPLATE = "report.html.j2"
TOP = DEFAULT_TOP  # interventions in the summary unless asked otherwise (--top N, --all)

# The radar's geometry, in SVG user units.
WIDTH, HEIGHT = 640, 410
CENTRE_X, CENTRE_Y = 320.0, 205.0
RADIUS = 135.0
SCALE = (1, 2, 3, 4, 5)  # the 1..5 answer scale of Table 1
LABEL_GAP = 22.0
LABEL_WIDTH = 16  # characters per line of an axis label
LINE = 17.0  # the height of a label's line (its font is 16 units: readable when printed small)

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
    """The shared environment of kansrijk.render (its loader, StrictUndefined and the filters num,
    section and sections) as an overlay that autoescapes everything, plus the HTML's own filters."""
    # its own compiled templates: Jinja's bytecode cache knows a template by its name only, and
    # autoescaping is compiled into the code
    env = environment().overlay(autoescape=select_autoescape(default_for_string=True, default=True),
                                bytecode_cache=template_cache("html"))
    env.filters = {**env.filters}  # an overlay shares the filter dict: add ours to a copy only
    env.filters["fill"] = fill
    env.filters["first_sentence"] = first_sentence
    env.filters["extract"] = lambda key, mapping: mapping.get(key, key)  # an id's name: ids|map('extract', names)
    return env


def fill(label: str, **values: Any) -> Markup:
    """A label with its {placeholders} filled in, escaped: `t.summary.answered|fill(answered=3, indicators=4)`.
    Values that are already markup (a macro's output) are kept; plain text is escaped."""
    return escape(label).format(**values)


def coord(value: float) -> str:
    """A coordinate with one decimal, never '-0.0'."""
    text = f"{value:.1f}"
    return "0.0" if text == "-0.0" else text


@dataclass(frozen=True)
class Point:
    x: float
    y: float

    def __str__(self) -> str:
        return f"{coord(self.x)},{coord(self.y)}"


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
        return f"M{coord(x - s)},{coord(y - s)}H{coord(x + s)}V{coord(y + s)}H{coord(x - s)}Z"
    if shape == "triangle":
        corners = [(x, y - s * 1.2), (x + s * 1.1, y + s * 0.8), (x - s * 1.1, y + s * 0.8)]
        return "M" + "L".join(f"{coord(a)},{coord(b)}" for a, b in corners) + "Z"
    if shape == "diamond":
        corners = [(x, y - s * 1.3), (x + s * 1.3, y), (x, y + s * 1.3), (x - s * 1.3, y)]
        return "M" + "L".join(f"{coord(a)},{coord(b)}" for a, b in corners) + "Z"
    if shape == "cross":
        return (f"M{coord(x - s)},{coord(y - s)}L{coord(x + s)},{coord(y + s)}"
                f"M{coord(x - s)},{coord(y + s)}L{coord(x + s)},{coord(y - s)}")
    return (f"M{coord(x - s)},{coord(y)}A{coord(s)},{coord(s)} 0 1,0 {coord(x + s)},{coord(y)}"
            f"A{coord(s)},{coord(s)} 0 1,0 {coord(x - s)},{coord(y)}Z")


def radar(report: Report, t: dict[str, Any]) -> dict[str, Any]:
    """The radar chart's geometry: five axes (one per condition), rings at 1..5, and one line for
    the whole case and one per organisation whose scores may be shown.

    A condition without a score gets no point: never the centre, which would read as the lowest
    score. Its axis is dashed and its label says why (unknown, known from observations only, or
    its mean withheld because too few answered); an organisation's withheld mean gets no point
    either. A line with such a gap is drawn as the segments between neighbouring known axes, unfilled."""
    words = t["report"]
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
        mark = None
        if c.score_withheld:
            mark = words["radar_withheld"]
        elif c.score is None:
            mark = words["radar_unknown"] if c.status == "unknown" else words["radar_no_score"]
        count = len(lines) + (1 if mark else 0)
        # labels above the chart grow upwards, the others downwards
        top = label.y - LINE * (count - 1) if math.sin(angle) < -0.5 else label.y + (4 if abs(cos) >= 0.2 else 14)
        start = polar(i, n, 0)
        axes.append({"id": c.id, "name": c.name, "x1": coord(start.x), "y1": coord(start.y), "x2": coord(end.x),
                     "y2": coord(end.y), "anchor": anchor, "missing": c.score is None, "status": c.status,
                     "x": coord(label.x), "lines": [(coord(top + LINE * k), line) for k, line in enumerate(lines)],
                     "mark": mark and (coord(top + LINE * len(lines)), mark)})
    rings = []
    for level in SCALE:
        corners = [polar(i, n, level) for i in range(n)]
        tick = polar(0, n, level)
        rings.append({"level": level, "path": "M" + "L".join(str(p) for p in corners) + "Z",
                      "x": coord(tick.x + 5), "y": coord(tick.y + 4)})

    wanted = [(words["whole_case"], None, {c.id: c.score for c in conditions})]
    for org in report.organisations:
        if org.shown and any(v is not None for v in org.conditions.values()):
            wanted.append((org.label, org.respondents, dict(org.conditions)))
    series = []
    for label, respondents, scores in wanted:
        values = [scores.get(c.id) for c in conditions]
        if all(v is None for v in values):
            continue  # nothing to draw for the whole case without scores
        style = STYLES[len(series) % len(STYLES)]
        points = [None if v is None else polar(i, n, v) for i, v in enumerate(values)]
        closed = all(p is not None for p in points)
        # with a gap: the sides between neighbouring axes that both have a score
        segments = [] if closed else [
            f"M{points[i]}L{points[(i + 1) % n]}" for i in range(n)
            if points[i] is not None and points[(i + 1) % n] is not None
        ]
        series.append({
            "index": len(series), "label": label, "respondents": respondents, **style,
            "closed": closed, "points": " ".join(str(p) for p in points) if closed else "",
            "segments": "".join(segments),
            "markers": [{"path": marker_path(style["marker"], p), "value": v, "condition": c.name}
                        for p, v, c in zip(points, values, conditions) if p is not None],
            "scores": [(c.name, v) for c, v in zip(conditions, values)],
            "missing": sum(1 for v in values if v is None),
            "sample": marker_path(style["marker"], Point(17, 8), 4.0),
        })
    return {"width": WIDTH, "height": HEIGHT, "axes": axes, "rings": rings, "series": series,
            "missing": any(a["missing"] for a in axes) and bool(series)}


def long_date(iso: str | None, months: str) -> str | None:
    """2025-03-12 as the reader writes it: '12 maart 2025', '12 March 2025'."""
    if iso is None:
        return None
    year, month, day = (int(part) for part in iso.split("-"))
    return f"{day} {months.split()[month - 1]} {year}"


def threats(report: Report) -> list[tuple[str, list]]:
    """The negative dynamics that are at least possible or that someone observed (an observation
    that counts stays visible, whatever its likelihood), per condition in the report's order."""
    grouped: dict[str, list] = {}
    for d in report.dynamics:
        if d.polarity == "negative" and (d.observed or d.likelihood != "doubtful"):
            grouped.setdefault(d.condition, []).append(d)
    return list(grouped.items())


@cache
def _indicator_names(lang: str) -> dict[str, str]:
    from kansrijk.model import load_model

    return {i.id: i.name(lang) for i in load_model().kb.indicators}


def render_html(report: Report, top: int | None = TOP, audience: str = "adviser", detail: bool = False) -> str:
    """The HTML page for one report, in the report's language.

    top: interventions in the summary (None: all); audience: adviser | partners (partners get
    no notes and no rule trace); detail: the appendix's folded sections start open."""
    return html_environment().get_template(TEMPLATE).render(**summary_context(report, top, audience, detail))


def summary_context(report: Report, top: int | None = TOP, audience: str = "adviser", detail: bool = False) -> dict[str, Any]:
    """What report.html.j2 and the summary's parts (_report_summary.html.j2) read, for the audience."""
    if audience not in AUDIENCES:
        raise ValueError(f"audience must be one of {', '.join(AUDIENCES)}, not {audience!r}")
    report = for_audience(report, audience)  # the same page whichever command asks for it
    lang = report.language
    t = labels().resolve(lang)
    advice = report.advice if top is None else report.advice[:top]
    # the context every template gets from kansrijk.render.render: labels (t), glossary (g), lang
    return dict(
        t=t, g=glossary().terms(lang), lang=lang, report=report, names={c.id: c.name for c in report.conditions},
        observed_names={o.id: o.name for o in report.observations} | {d.id: d.name for d in report.dynamics},
        indicators=_indicator_names(lang), chart=radar(report, t), top=advice,
        adviser=audience == "adviser", detail=detail,
        date=long_date(report.date, t["report"]["months"]),
        # the summary names the threats that are at least possible or observed; the appendix lists every dynamic
        threats=threats(report),
        uncounted=[o for o in report.observations if not o.counts],
    )
