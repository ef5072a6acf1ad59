"""The causal graph (kansrijk.graph) laid out for an inline SVG: a column per layer, nodes ordered
within their column to cross fewer edges, every edge a curve. Pure geometry, no markup: the same
graph and language give the same layout, to the last decimal.

The columns follow the publication's logic rather than graph.TYPES: neglect of a condition leads
to dynamics (§4, Figure 2), so the conditions stand before the dynamics and only one edge in the
rule base runs backwards.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from kansrijk.graph import Graph, GraphEdge, GraphNode
from kansrijk.report_html import coord, wrap
from kansrijk.text import Language

COLUMNS = ("input", "characteristic", "condition", "dynamic", "intervention")

# geometry in SVG user units (CSS pixels at 100 %)
NODE_WIDTH = 176
GAP = 96  # between columns: room for the curves
MARGIN = 16
HEADER = 64  # above the first node: the column's title, up to three lines
KIND_LINE = 16  # the small line naming the node's kind (12 px, learn.css)
NAME_LINE = 15
PADDING = 7
NAME_CHARS = 24  # characters per line of a name in NODE_WIDTH at the page's font size
NAME_LINES = 3  # more is cut with an ellipsis (the full name is in the node's title and panel)
SPACING = 10  # the least room between two nodes of a column
MAX_SPACING = 48  # a short column is spread out up to this much, then centred
LOOP = 48  # how far an edge within one column bulges out to the right
SWEEPS = 4  # barycentre passes (down and up alternately); more hardly changes the order


@dataclass(frozen=True)
class Column:
    type: str  # one of COLUMNS
    x: float
    centre: float  # x of its title


@dataclass(frozen=True)
class Box:
    node: GraphNode
    x: float
    y: float
    width: float
    height: float
    lines: tuple[str, ...]  # the node's name, wrapped

    @property
    def middle(self) -> float:
        return self.y + self.height / 2

    @property
    def text_x(self) -> str:
        return coord(self.x + PADDING)

    @property
    def kind_y(self) -> str:
        """The baseline of the small line naming the node's kind."""
        return coord(self.y + PADDING + KIND_LINE - 3)

    @property
    def rows(self) -> tuple[tuple[str, str], ...]:
        """(baseline, text) of each line of the name."""
        top = self.y + PADDING + KIND_LINE
        return tuple((coord(top + NAME_LINE * (i + 1) - 3), line) for i, line in enumerate(self.lines))


@dataclass(frozen=True)
class Curve:
    edge: GraphEdge
    d: str  # SVG path data


@dataclass(frozen=True)
class Layout:
    width: float
    height: float
    columns: tuple[Column, ...]
    boxes: tuple[Box, ...]  # in the graph's order of nodes
    curves: tuple[Curve, ...]  # in the graph's order of edges

    @property
    def size(self) -> tuple[str, str]:
        return coord(self.width), coord(self.height)


def layout(graph: Graph, lang: Language) -> Layout:
    """Where each node and edge of graph goes, with the names in lang."""
    columns = [t for t in COLUMNS if any(n.type == t for n in graph.nodes)]
    column_of = {n.id: columns.index(n.type) for n in graph.nodes}
    order = _order(graph, columns, column_of)
    lines = {n.id: _lines(n.name(lang)) for n in graph.nodes}
    heights = {n: 2 * PADDING + KIND_LINE + NAME_LINE * len(lines[n]) for n in lines}

    tallest = max(sum(heights[n] for n in ids) + SPACING * (len(ids) - 1) for ids in order)
    boxes: dict[str, Box] = {}
    placed: list[Column] = []
    for index, ids in enumerate(order):
        x = MARGIN + index * (NODE_WIDTH + GAP)
        placed.append(Column(columns[index], x, x + NODE_WIDTH / 2))
        total = sum(heights[n] for n in ids)
        spacing = SPACING if len(ids) < 2 else min(MAX_SPACING, max(SPACING, (tallest - total) / (len(ids) - 1)))
        y = MARGIN + HEADER + (tallest - total - spacing * (len(ids) - 1)) / 2
        for node_id in ids:
            boxes[node_id] = Box(graph.by_id[node_id], x, y, NODE_WIDTH, heights[node_id], lines[node_id])
            y += heights[node_id] + spacing

    curves = tuple(Curve(e, _curve(boxes[e.source], boxes[e.target], column_of[e.source], column_of[e.target]))
                   for e in graph.edges)
    width = MARGIN * 2 + len(columns) * NODE_WIDTH + (len(columns) - 1) * GAP + LOOP
    height = MARGIN * 2 + HEADER + tallest
    return Layout(width, height, tuple(placed), tuple(boxes[n.id] for n in graph.nodes), curves)


def _lines(name: str) -> tuple[str, ...]:
    lines = wrap(name, NAME_CHARS)
    if len(lines) > NAME_LINES:
        lines = lines[:NAME_LINES - 1] + [lines[NAME_LINES - 1] + "…"]
    return tuple(lines)


def _order(graph: Graph, columns: list[str], column_of: dict[str, int]) -> list[list[str]]:
    """Node ids per column, top to bottom. Start from the graph's own order (kind, condition, id),
    then sort each column by the mean position of its neighbours in the columns already passed,
    sweeping right and left in turn (the barycentre heuristic); ties keep the previous order."""
    order = [[n.id for n in graph.nodes if n.type == t] for t in columns]
    neighbours: dict[str, list[str]] = defaultdict(list)
    for e in graph.edges:
        if e.source != e.target:
            neighbours[e.source].append(e.target)
            neighbours[e.target].append(e.source)

    def position() -> dict[str, float]:
        # the rank within the column, scaled to 0..1 so that long and short columns compare
        return {n: (i + 0.5) / len(ids) for ids in order for i, n in enumerate(ids)}

    for sweep in range(SWEEPS):
        forward = sweep % 2 == 0
        for index in (range(1, len(order)) if forward else range(len(order) - 2, -1, -1)):
            where = position()

            def barycentre(node_id: str) -> float:
                seen = [where[m] for m in neighbours[node_id]
                        if (column_of[m] < index if forward else column_of[m] > index)]
                return sum(seen) / len(seen) if seen else where[node_id]

            order[index] = sorted(order[index], key=barycentre)
    return order


def _curve(source: Box, target: Box, from_column: int, to_column: int) -> str:
    """A cubic Bézier: forward from the source's right side to the target's left; within one column
    a loop out to the right; backwards from the source's left round to the target's right."""
    if to_column > from_column:
        x1, x2 = source.x + source.width, target.x
        bend = (x2 - x1) / 2
        c1, c2 = x1 + bend, x2 - bend
    elif to_column == from_column:
        x1 = x2 = source.x + source.width
        c1 = c2 = x1 + LOOP
    else:
        x1, x2 = source.x, target.x + target.width
        c1, c2 = x1 - GAP / 2, x2 + GAP / 2
    y1, y2 = source.middle, target.middle
    return f"M{coord(x1)},{coord(y1)} C{coord(c1)},{coord(y1)} {coord(c2)},{coord(y2)} {coord(x2)},{coord(y2)}"
