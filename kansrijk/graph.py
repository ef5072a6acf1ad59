"""The rule base as a causal graph: observations and scores -> dynamics -> neglect of conditions -> advice.

`causal_graph` turns the rule instances into nodes and edges (one edge per premise -> conclusion
and basis, rules on the same edge collapsed into one label); an edge's line says what its rules rest
on: solid for a claim of the publication, dashed for the tool's reading, dotted for a calibration; `to_mermaid` and `to_dot` render it through the
Jinja2 templates graph.mermaid.j2 and graph.dot.j2; `to_svg` lays the DOT text out with Graphviz.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from collections import defaultdict
from dataclasses import dataclass, replace
from functools import cached_property

from kansrijk.errors import InputError, Msg, Problem
from kansrijk.model import Model
from kansrijk.render import render
from kansrijk.rulebook import BASES
from kansrijk.text import LANGUAGES, Language

# Layers, left to right; each node kind belongs to one of them.
TYPES = ("input", "characteristic", "dynamic", "condition", "intervention")
TYPE_OF_KIND = {
    "observed": "input",
    "score": "input",
    "mean": "input",
    "divergence": "input",
    "trend": "input",
    "characteristic": "characteristic",
    "dynamic": "dynamic",
    "neglect": "condition",
    "advise": "intervention",
    "heed": "intervention",
    "method": "intervention",
}
KIND_ORDER = tuple(TYPE_OF_KIND)


@dataclass(frozen=True)
class GraphNode:
    id: str  # the rule graph's name of the fact, e.g. 'neglect:interests'
    key: str  # an identifier safe in Mermaid and DOT, e.g. 'neglect__interests'
    kind: str  # observed | score | mean | characteristic | dynamic | neglect | advise | heed | method
    target: str  # the knowledge id, e.g. 'interests'
    type: str  # one of TYPES: the layer the node is drawn in
    condition: str | None  # the condition the node belongs to; None for characteristics
    names: dict[str, str]  # language -> name of the knowledge item

    def name(self, lang: Language) -> str:
        return self.names[lang]


@dataclass(frozen=True)
class GraphEdge:
    source: str  # node id
    target: str  # node id
    rules: tuple[str, ...]  # rule instance keys on this edge, e.g. ('SCO-01[ambition]', 'SCO-02[ambition]')
    negated: bool  # the premise is `not ...`: the conclusion needs the source to be absent
    negative: bool  # the rules have a negative certainty: the source is counter-evidence
    basis: str  # publication | reading | calibration: what the rules on this edge rest on

    @property
    def label(self) -> str:
        return ", ".join(self.rules)


@dataclass(frozen=True)
class Graph:
    nodes: tuple[GraphNode, ...]
    edges: tuple[GraphEdge, ...]
    condition: str | None = None  # the condition the graph was filtered on, if any
    condition_names: dict[str, str] | None = None  # language -> its name

    @cached_property
    def by_id(self) -> dict[str, GraphNode]:
        return {n.id: n for n in self.nodes}

    def layers(self) -> list[tuple[str, list[GraphNode]]]:
        """(type, nodes) for each type that has nodes, left to right."""
        return [(t, [n for n in self.nodes if n.type == t]) for t in TYPES if any(n.type == t for n in self.nodes)]


def causal_graph(model: Model, condition: str | None = None) -> Graph:
    """Nodes and edges of the rule base; with `condition`, only the edges touching one of its nodes."""
    kb = model.kb
    conditions = kb.condition_ids()
    if condition is not None:
        kb.require("condition", condition, "--condition")

    grouped: dict[tuple[str, str, bool, bool, str], list[str]] = defaultdict(list)
    for instance in model.book.instances:
        negative, basis = instance.record.certainty < 0, instance.record.basis
        for premise in instance.premises:
            grouped[(premise.node, instance.conclusion.node, premise.negated, negative, basis)].append(instance.key)

    node_ids = {n for source, target, *_ in grouped for n in (source, target)}
    nodes = {n: _node(model, n) for n in node_ids}
    if condition is not None:
        grouped = {k: v for k, v in grouped.items() if condition in (nodes[k[0]].condition, nodes[k[1]].condition)}
        nodes = {n: nodes[n] for k in grouped for n in k[:2]}

    order = {c: i for i, c in enumerate(conditions)}

    def node_sort(node: GraphNode) -> tuple:
        return (TYPES.index(node.type), KIND_ORDER.index(node.kind), order.get(node.condition, len(order)), node.target)

    ordered = sorted(nodes.values(), key=node_sort)
    ordered = _unique_keys(ordered)
    rank = {n.id: i for i, n in enumerate(ordered)}
    edges = [
        GraphEdge(source, target, tuple(sorted(set(keys), key=_rule_sort)), negated, negative, basis)
        for (source, target, negated, negative, basis), keys in grouped.items()
    ]
    edges.sort(key=lambda e: (rank[e.source], rank[e.target], e.negated, e.negative, BASES.index(e.basis)))
    names = None
    if condition is not None:
        item = kb.by_id["condition"][condition]
        names = {lang: item.name(lang) for lang in LANGUAGES}
    return Graph(tuple(ordered), tuple(edges), condition, names)


def _node(model: Model, node_id: str) -> GraphNode:
    kind, target = node_id.split(":", 1)
    item = model.kb.item_of_node(node_id)
    names = {lang: item.name(lang) for lang in LANGUAGES}
    condition = model.kb.condition_of_node(node_id)
    return GraphNode(node_id, _safe(node_id), kind, target, TYPE_OF_KIND[kind], condition, names)


def _safe(node_id: str) -> str:
    """'score:relationship.trust' -> 'score__relationship__trust': letters, digits and underscores only."""
    return re.sub(r"[^A-Za-z0-9_]", "_", re.sub(r"[:.]", "__", node_id))


def _unique_keys(nodes: list[GraphNode]) -> list[GraphNode]:
    """Should two node ids ever sanitise alike, number the later ones (in the graph's stable order)."""
    used: set[str] = set()
    out = []
    for node in nodes:
        key, number = node.key, 1
        while key in used:
            number += 1
            key = f"{node.key}_{number}"
        used.add(key)
        out.append(node if key == node.key else replace(node, key=key))
    return out


def _rule_sort(key: str) -> tuple:
    """'INT-03' before 'INT-10'; instances of one record together."""
    match = re.match(r"^([A-Z]+)-(\d+)(.*)$", key)
    return (match.group(1), int(match.group(2)), match.group(3)) if match else (key, 0, "")


# --- text formats -------------------------------------------------------------------------------

_MERMAID_ENTITIES = {"#": "#35;", '"': "#quot;", "<": "#lt;", ">": "#gt;", "&": "#amp;", "|": "#124;"}


def mermaid_escape(text: str) -> str:
    """Text for inside a double-quoted Mermaid label: quotes, #, <, >, & and | as entity codes."""
    text = " ".join(text.split())
    return "".join(_MERMAID_ENTITIES.get(ch, ch) for ch in text)


def dot_escape(text: str) -> str:
    """Text for inside a double-quoted DOT string: backslashes, quotes and & (Graphviz reads HTML entities) escaped."""
    text = " ".join(text.split())
    return text.replace("\\", "\\\\").replace('"', '\\"').replace("&", "&amp;")


def yaml_escape(text: str) -> str:
    """Text for inside a double-quoted YAML scalar (the Mermaid front matter's title)."""
    return " ".join(text.split()).replace("\\", "\\\\").replace('"', '\\"')


def to_mermaid(graph: Graph, lang: Language) -> str:
    """A Mermaid flowchart (left to right, a subgraph per layer) with node names in `lang`."""
    return render("graph.mermaid.j2", lang, graph=graph, language=lang, esc=mermaid_escape, yaml_esc=yaml_escape)


def to_dot(graph: Graph, lang: Language) -> str:
    """A Graphviz digraph (left to right, a cluster per layer) with node names in `lang`."""
    return render("graph.dot.j2", lang, graph=graph, language=lang, esc=dot_escape)


GRAPHVIZ_ALTERNATIVE = Msg("graph.alternative")


def to_svg(dot_text: str) -> str:
    """Lay out DOT text with Graphviz (`dot -Tsvg`); InputError when Graphviz is not installed."""
    dot = shutil.which("dot")
    if dot is None:
        raise InputError("graph", [Problem(
            "", Msg("graph.no_dot"), allowed=GRAPHVIZ_ALTERNATIVE,
        )])
    result = subprocess.run([dot, "-Tsvg"], input=dot_text.encode("utf-8"), capture_output=True, check=False)
    if result.returncode != 0:
        message = result.stderr.decode("utf-8", "replace").strip() or Msg("graph.exit_code", code=result.returncode)
        raise InputError("graph", [Problem("", Msg("graph.dot_failed", reason=message), allowed=GRAPHVIZ_ALTERNATIVE)])
    return result.stdout.decode("utf-8")
