"""kansrijk.graph: the rule base as a causal graph, as Mermaid, DOT and SVG."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys

import pytest

from kansrijk.errors import InputError
from kansrijk.graph import TYPES, causal_graph, dot_escape, mermaid_escape, to_dot, to_mermaid, to_svg

HAS_DOT = shutil.which("dot") is not None
KEY = r"[A-Za-z_][A-Za-z0-9_]*"
QUOTED_MERMAID = r'"[^"]*"'  # mermaid labels: escaped quotes are entity codes, so no '"' inside
QUOTED_DOT = r'"(?:[^"\\]|\\.)*"'


@pytest.fixture(scope="module")
def graph(model):
    return causal_graph(model)


def edge(graph, source, target, *, negated=False, negative=False):
    found = [e for e in graph.edges if (e.source, e.target, e.negated, e.negative) == (source, target, negated, negative)]
    assert len({e.basis for e in found}) == len(found)
    assert len(found) <= 1
    return found[0] if found else None


# --- the structure -----------------------------------------------------------------------------


def test_every_rule_instance_labels_an_edge(model, graph):
    on_edges = {key for e in graph.edges for key in e.label.split(", ")}
    assert {i.key for i in model.book.instances} <= on_edges
    assert on_edges <= {i.key for i in model.book.instances}


def test_one_edge_per_premise_and_conclusion(model, graph):
    wanted = {
        (p.node, i.conclusion.node, p.negated, i.record.certainty < 0, i.record.basis)
        for i in model.book.instances for p in i.premises
    }
    got = [(e.source, e.target, e.negated, e.negative, e.basis) for e in graph.edges]
    assert len(got) == len(set(got)) == len(wanted)
    assert set(got) == wanted
    for e in graph.edges:
        for key in e.rules:
            instance = next(i for i in model.book.instances if i.key == key)
            assert e.target == instance.conclusion.node
            assert e.basis == instance.record.basis
            assert any(p.node == e.source and p.negated == e.negated for p in instance.premises)


def test_nodes_are_the_edges_endpoints(graph):
    ids = [n.id for n in graph.nodes]
    assert len(ids) == len(set(ids))
    assert set(ids) == {n for e in graph.edges for n in (e.source, e.target)}


def test_known_chain(graph):
    # an observed lack of real agreements -> under-organisation -> lack of decisiveness -> falling apart -> advice
    assert edge(graph, "observed:agreement_only", "dynamic:under_organisation").rules == ("ORG-06",)
    assert edge(graph, "dynamic:under_organisation", "dynamic:lack_of_decisiveness").rules == ("ORG-25",)
    assert edge(graph, "dynamic:lack_of_decisiveness", "dynamic:falling_apart").rules == ("ORG-31", "ORG-32")
    assert edge(graph, "dynamic:falling_apart", "advise:social_pressure_for_agreements").rules == ("ORG-34",)
    # control follows from the neglect itself, and only from there (§4.4)
    assert edge(graph, "neglect:organisation", "dynamic:excessive_control").rules == ("ORG-02",)
    assert edge(graph, "dynamic:under_organisation", "dynamic:excessive_control") is None
    assert edge(graph, "dynamic:excessive_control", "neglect:relationship").rules == ("ORG-04",)


def test_edges_carry_the_basis_of_their_rules(graph):
    assert edge(graph, "observed:agreement_only", "dynamic:under_organisation").basis == "publication"
    assert edge(graph, "dynamic:excessive_control", "neglect:relationship").basis == "reading"
    assert edge(graph, "mean:ambition", "neglect:ambition").basis == "calibration"
    assert {e.basis for e in graph.edges} == {"publication", "reading", "calibration"}


def test_rules_on_one_edge_collapse_and_counter_evidence_is_marked(model, graph):
    expected = sorted(i.key for i in model.book.instances if i.conclusion.node == "neglect:ambition"
                      and {p.node for p in i.premises if not p.negated} == {"mean:ambition"}
                      and i.record.certainty > 0)
    assert len(expected) >= 2
    assert edge(graph, "mean:ambition", "neglect:ambition").label == ", ".join(expected)
    counter = edge(graph, "mean:ambition", "neglect:ambition", negative=True)
    assert counter.label == "SCO-03[ambition], SCO-04[ambition]"
    assert edge(graph, "score:organisation.clear_agreements", "dynamic:under_organisation", negative=True).rules == ("ORG-07",)
    assert edge(graph, "score:organisation.clear_agreements", "dynamic:under_organisation") is None


def test_negated_premise_is_its_own_edge(model, graph):
    negated = {(e.source, e.target) for e in graph.edges if e.negated}
    expected = {(p.node, i.conclusion.node) for i in model.book.instances for p in i.premises if p.negated}
    assert negated == expected
    assert ("score:interests.real_dialogue", "dynamic:permanent_negotiation") in negated
    assert edge(graph, "score:interests.real_dialogue", "dynamic:permanent_negotiation") is None


def test_node_types_and_conditions(model, graph):
    by_id = graph.by_id
    expected = {
        "observed:rushed_to_contract": ("input", "interests"),
        "score:relationship.trust": ("input", "relationship"),
        "mean:ambition": ("input", "ambition"),
        "characteristic:diversity": ("characteristic", None),
        "dynamic:under_organisation": ("dynamic", "organisation"),
        "neglect:interests": ("condition", "interests"),
        "advise:reopen_interest_dialogue": ("intervention", "interests"),
    }
    for node_id, (type_, condition) in expected.items():
        node = by_id[node_id]
        assert (node.type, node.condition) == (type_, condition), node_id
    heed = [n for n in graph.nodes if n.kind == "heed"]
    assert heed and all(n.type == "intervention" and n.condition is None for n in heed)
    assert {n.type for n in graph.nodes} == set(TYPES)
    assert by_id["neglect:interests"].name("nl") == model.kb.by_id["condition"]["interests"].name("nl")
    assert by_id["neglect:interests"].name("en") == model.kb.by_id["condition"]["interests"].name("en")


def test_node_keys_are_unique_identifiers(graph):
    keys = [n.key for n in graph.nodes]
    assert len(keys) == len(set(keys))
    assert all(re.fullmatch(KEY, k) for k in keys)
    assert graph.by_id["score:relationship.trust"].key == "score__relationship__trust"


def test_nodes_are_ordered_by_layer(graph):
    ranks = [TYPES.index(n.type) for n in graph.nodes]
    assert ranks == sorted(ranks)


# --- the condition filter ----------------------------------------------------------------------


@pytest.mark.parametrize("condition", ["ambition", "interests", "relationship", "organisation", "process"])
def test_condition_filter(model, graph, condition):
    sub = causal_graph(model, condition)
    assert sub.condition == condition
    touching = [e for e in graph.edges if condition in (graph.by_id[e.source].condition, graph.by_id[e.target].condition)]
    assert list(sub.edges) == touching
    assert {n.id for n in sub.nodes} == {n for e in sub.edges for n in (e.source, e.target)}
    assert f"neglect:{condition}" in sub.by_id
    assert 0 < len(sub.edges) < len(graph.edges)


def test_condition_filter_keeps_foreign_nodes_on_its_edges(model):
    sub = causal_graph(model, "relationship")
    assert ("dynamic:excessive_control", "neglect:relationship") in {(e.source, e.target) for e in sub.edges}
    assert sub.by_id["dynamic:excessive_control"].condition == "organisation"
    assert "dynamic:under_organisation" not in sub.by_id  # its edges touch no relationship node


def test_unknown_condition_is_an_input_error(model):
    with pytest.raises(InputError) as error:
        causal_graph(model, "intrests")
    assert "did you mean 'interests'" in str(error.value)
    assert "ambition" in error.value.problems[0].allowed


# --- Mermaid -------------------------------------------------------------------------------------


def mermaid_lines(text):
    """Check the structure of a Mermaid flowchart line by line; return (nodes, edges, link styles)."""
    lines = text.splitlines()
    assert lines[0] == "---" and lines[1].startswith('title: "') and lines[2] == "---"
    assert lines[3] == "flowchart LR"
    nodes, edges, styles, legend, depth = {}, [], {}, [], 0
    for line in lines[4:]:
        stripped = line.strip()
        if not stripped:
            continue
        if m := re.fullmatch(rf"subgraph ({KEY})\[({QUOTED_MERMAID})\]", stripped):
            assert depth == 0
            depth += 1
        elif stripped == "end":
            assert depth == 1
            depth -= 1
        elif m := re.fullmatch(rf"({KEY})\[({QUOTED_MERMAID})\]", stripped):
            assert depth == 1 and m.group(1) not in nodes
            nodes[m.group(1)] = m.group(2)[1:-1]
        elif m := re.fullmatch(rf"({KEY})\[\" \"\] -->\|({QUOTED_MERMAID})\| ({KEY})\[\" \"\]", stripped):
            assert depth == 1 and m.group(1).startswith("legend_")  # the legend's sample lines
            legend.append(m.group(2)[1:-1])
        elif m := re.fullmatch(rf"({KEY}) (-->|--o)\|({QUOTED_MERMAID})\| ({KEY})", stripped):
            assert depth == 0
            edges.append((m.group(1), m.group(2), m.group(3)[1:-1], m.group(4)))
        elif re.fullmatch(rf"classDef ({KEY}) [a-z-]+:#[0-9a-f]{{6}}(,[a-z-]+:#[0-9a-f]{{6}})*", stripped):
            pass
        elif m := re.fullmatch(rf"class ({KEY}(?:,{KEY})*) ({KEY})", stripped):
            members = set(m.group(1).split(","))
            assert members <= set(nodes) or (m.group(2) == "legend" and all(k.startswith("legend_") for k in members))
        elif m := re.fullmatch(r"linkStyle (\d+) ([a-z-]+:[#0-9a-f ]+(?:,[a-z-]+:[#0-9a-f ]+)*)", stripped):
            styles[int(m.group(1))] = m.group(2)
        else:
            raise AssertionError(f"unexpected Mermaid line: {line!r}")
    assert depth == 0
    for source, _, _, target in edges:
        assert source in nodes and target in nodes
    assert len(legend) == 3
    return nodes, edges, styles


@pytest.mark.parametrize("lang", ["nl", "en"])
def test_mermaid_is_well_formed(model, graph, lang):
    text = to_mermaid(graph, lang)
    nodes, edges, styles = mermaid_lines(text)
    assert len(nodes) == len(graph.nodes) and len(edges) == len(graph.edges)
    assert list(nodes) == [n.key for type_, layer in graph.layers() for n in layer]
    dash = {"publication": None, "reading": "stroke-dasharray:6 4", "calibration": "stroke-dasharray:2 3"}
    for index, e in enumerate(graph.edges):
        style = styles.get(index, "")
        assert ("stroke:#c0392b" in style) == e.negative
        assert (dash[e.basis] in style) if dash[e.basis] else "dasharray" not in style
    n = len(graph.edges)
    assert styles[n + 1] == dash["reading"] and styles[n + 2] == dash["calibration"] and n not in styles  # legend
    for e, (source, arrow, label, target) in zip(graph.edges, edges):
        assert (source, target) == (graph.by_id[e.source].key, graph.by_id[e.target].key)
        assert arrow == ("--o" if e.negated else "-->")
        assert label.endswith(mermaid_escape(e.label))
    negated = {"nl": "niet", "en": "not"}[lang]
    circled = [label for _, arrow, label, _ in edges if arrow == "--o"]
    assert circled and all(label.startswith(f"{negated} ") for label in circled)
    assert f"{negated} INT-03" in circled
    kind = {"nl": "verwaarlozing", "en": "neglect"}[lang]
    assert nodes["neglect__interests"] == mermaid_escape(f'{kind}: {model.kb.by_id["condition"]["interests"].name(lang)}')
    assert len(text) < 50_000  # Mermaid's default maxTextSize


def test_mermaid_escape():
    assert mermaid_escape('A "b" #1 <i>&x | y\n z') == "A #quot;b#quot; #35;1 #lt;i#gt;#amp;x #124; y z"
    assert mermaid_escape("SCO-01[ambition], (x)") == "SCO-01[ambition], (x)"


def test_mermaid_filtered_title_names_the_condition(model):
    text = to_mermaid(causal_graph(model, "interests"), "en")
    assert text.splitlines()[1] == f'title: "kansrijk — the rules as a causal graph: {model.kb.by_id["condition"]["interests"].name("en")}"'
    mermaid_lines(text)


# --- DOT -----------------------------------------------------------------------------------------


def dot_structure(text):
    """Check braces, quoting and statement shapes of the DOT text; return (nodes, edges)."""
    unquoted = re.sub(QUOTED_DOT, '""', text)
    assert '"' not in unquoted.replace('""', "")
    assert unquoted.count("{") == unquoted.count("}")
    lines = text.splitlines()
    assert lines[0] == "digraph kansrijk {" and lines[-1] == "}"
    assert "rankdir=LR" in lines[1]
    nodes, edges, legend = {}, [], []
    for line in lines[1:-1]:
        stripped = line.strip()
        if m := re.fullmatch(rf"({KEY}) \[label=({QUOTED_DOT}), fillcolor=\"#[0-9a-f]{{6}}\"\];", stripped):
            nodes[m.group(1)] = m.group(2)
        elif m := re.fullmatch(rf"(legend_{KEY}) -> ({KEY}) \[label=({QUOTED_DOT}), style=(solid|dashed|dotted)\];",
                               stripped):
            legend.append(m.group(4))
        elif m := re.fullmatch(rf"({KEY}) -> ({KEY}) \[label=({QUOTED_DOT})(.*)\];", stripped):
            edges.append((m.group(1), m.group(2), m.group(3), m.group(4)))
    for source, target, _, _ in edges:
        assert source in nodes and target in nodes
    assert legend == ["solid", "dashed", "dotted"]
    return nodes, edges


@pytest.mark.parametrize("lang", ["nl", "en"])
def test_dot_is_well_formed(model, graph, lang):
    text = to_dot(graph, lang)
    nodes, edges = dot_structure(text)
    assert len(nodes) == len(graph.nodes) and len(edges) == len(graph.edges)
    assert text.count("subgraph cluster_") == len(TYPES) + 1  # the layers and the legend
    for e, (source, target, label, attributes) in zip(graph.edges, edges):
        assert (source, target) == (graph.by_id[e.source].key, graph.by_id[e.target].key)
        assert label[1:-1].endswith(dot_escape(e.label))
        style = {"publication": "solid", "reading": "dashed", "calibration": "dotted"}[e.basis]
        assert f"style={style}" in attributes
        assert ("arrowhead=odot" in attributes) == e.negated
        assert ("tee" in attributes) == e.negative
    name = dot_escape(model.kb.by_id["dynamic"]["under_organisation"].name(lang))
    assert nodes["dynamic__under_organisation"].endswith(f'{name}"')


def test_dot_escape():
    assert dot_escape('A "b" \\n & c\n d') == 'A \\"b\\" \\\\n &amp; c d'


@pytest.mark.skipif(not HAS_DOT, reason="Graphviz's dot is not installed; the DOT text is checked structurally instead")
@pytest.mark.parametrize("condition", [None, "relationship"])
def test_dot_accepts_the_dot_text(model, condition):
    svg = to_svg(to_dot(causal_graph(model, condition), "nl"))
    assert svg.startswith("<?xml") and "<svg" in svg and svg.rstrip().endswith("</svg>")
    assert to_svg(to_dot(causal_graph(model, condition), "nl")) == svg  # byte-identical across runs


def test_to_svg_without_graphviz_is_an_input_error(monkeypatch, tmp_path):
    monkeypatch.setenv("PATH", str(tmp_path))  # an empty directory: no dot on PATH
    with pytest.raises(InputError) as error:
        to_svg("digraph g { a -> b }")
    assert error.value.file == "graph"
    problem = error.value.problems[0]
    assert "Graphviz's dot is not installed" in problem.message
    assert problem.allowed == "--format mermaid or dot, or install graphviz"


# --- determinism ---------------------------------------------------------------------------------


def test_deterministic_within_a_process(model, graph):
    assert causal_graph(model) == graph
    assert causal_graph(model, "process") == causal_graph(model, "process")
    for lang in ("nl", "en"):
        assert to_mermaid(causal_graph(model), lang) == to_mermaid(graph, lang)
        assert to_dot(causal_graph(model), lang) == to_dot(graph, lang)


def test_deterministic_across_processes(model, graph):
    """Set and dict order must not leak into the output: another hash seed gives the same text."""
    script = (
        "import sys; from kansrijk.model import load_model; from kansrijk.graph import causal_graph, to_dot, to_mermaid\n"
        "g = causal_graph(load_model())\n"
        "sys.stdout.buffer.write((to_mermaid(g, 'en') + to_dot(g, 'nl')).encode('utf-8'))\n"
    )
    outputs = set()
    for seed in ("1", "2"):
        env = {**os.environ, "PYTHONHASHSEED": seed}
        result = subprocess.run([sys.executable, "-c", script], capture_output=True, env=env, check=True)
        outputs.add(result.stdout.decode("utf-8"))
    assert outputs == {to_mermaid(graph, "en") + to_dot(graph, "nl")}
