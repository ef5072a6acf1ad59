"""The engine: chaining, order independence, determinism, and a record that explanations can trust."""

import json
import os
import random
import subprocess
import sys

from click.testing import CliRunner

from kansrijk.cli import main
from tests.conftest import HEALTHCARE

ALL_HIGH = {"scores": {}}


def chain_depth(inference, node):
    """Number of firings on the longest path from the inputs to node, read from the record."""
    belief = inference.beliefs.get(node)
    if belief is None:
        return 0
    return max(1 + max((chain_depth(inference, m.node) for m in f.matched), default=0) for f in belief.firings)


def test_rules_chain_from_an_observation_to_advice(model, make_case):
    inference = model.infer(make_case(observations=["agreement_only"]))
    depths = {node: chain_depth(inference, node) for node in inference.beliefs if node.startswith("advise:")}
    assert depths and max(depths.values()) >= 4
    # the path: agreement only -> under-organisation -> excessive control -> neglected relationship -> advice
    concluded = [f.concludes for f in inference.firings]
    for node in ("dynamic:under_organisation", "dynamic:excessive_control", "neglect:relationship"):
        assert node in concluded


def test_a_belief_is_complete_before_any_rule_reads_it(model, make_case):
    """Layered salience: every firing that reads a belief comes after all firings that built it."""
    inference = model.infer(make_case(
        observations=["rushed_to_contract", "permanent_negotiation", "agreement_only", "subgroups"],
        scores={"interests.real_dialogue": 1, "relationship.trust": 2},
    ))
    built_at = {}
    for firing in inference.firings:
        built_at[firing.concludes] = firing.seq
    for firing in inference.firings:
        for matched in firing.matched:
            if matched.node in inference.beliefs:
                assert built_at[matched.node] < firing.seq, (firing.rule, matched.node)
                assert matched.value == inference.beliefs[matched.node].certainty


def test_shuffled_case_gives_identical_output(model, make_case):
    scores = {i.id: (n % 5) + 1 for n, i in enumerate(model.kb.indicators)}
    observations = ["rushed_to_contract", "subgroups", "technical_orientation", "energy_loss", "agreement_only"]
    characteristics = {"split_loyalty": "high", "diversity": "medium", "new_reality": "low"}
    reference = model.advise(make_case(scores=scores, observations=observations, characteristics=characteristics))
    rng = random.Random(7)
    for _ in range(5):
        shuffled_scores = dict(rng.sample(list(scores.items()), len(scores)))
        shuffled_obs = rng.sample(observations, len(observations))
        shuffled_chars = dict(rng.sample(list(characteristics.items()), len(characteristics)))
        report = model.advise(make_case(scores=shuffled_scores, observations=shuffled_obs,
                                        characteristics=shuffled_chars))
        assert report == reference


def test_same_input_same_bytes_across_processes():
    """Hash randomisation must not leak into the order of firings or output."""
    outputs = set()
    for seed in ("1", "2", "3"):
        env = dict(os.environ, PYTHONHASHSEED=seed)
        for fmt in ("json", "text"):
            result = subprocess.run(
                [sys.executable, "-m", "kansrijk", "advise", str(HEALTHCARE), "--format", fmt],
                capture_output=True, env=env, check=True,
            )
            outputs.add((fmt, result.stdout))
    assert len(outputs) == 2


def test_removing_an_observation_removes_the_chain_it_carried(model, make_case):
    with_signal = model.infer(make_case(observations=["agreement_only", "poor_meetings"]))
    without = model.infer(make_case(observations=["poor_meetings"]))
    assert any(m.node == "observed:agreement_only" for f in with_signal.firings for m in f.matched)
    assert not any(m.node == "observed:agreement_only" for f in without.firings for m in f.matched)
    assert "dynamic:excessive_control" in with_signal.beliefs


def test_counter_evidence_from_scores_weakens_an_observed_symptom(model, make_case):
    symptom = ["permanent_negotiation"]
    alone = model.infer(make_case(observations=symptom)).certainty("neglect:interests")
    high = {i.id: 5 for i in model.kb.indicators_of("interests")}
    against = model.infer(make_case(observations=symptom, scores=high)).certainty("neglect:interests")
    assert alone > against > 0


def test_json_output_has_the_documented_keys(tmp_path):
    result = CliRunner().invoke(main, ["advise", str(HEALTHCARE), "--format", "json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert {"case", "focus", "conditions", "dynamics", "advice"} <= set(data)
    assert all({"id", "score", "status"} <= set(c) for c in data["conditions"])
    assert all({"id", "condition", "certainty", "observed"} <= set(d) for d in data["dynamics"])
    assert [a["rank"] for a in data["advice"]] == list(range(1, len(data["advice"]) + 1))
    for item in data["advice"]:
        assert {"rank", "condition", "intervention", "priority", "why"} <= set(item)
        assert item["why"] and all({"rule", "source"} <= set(step) for step in item["why"])
    # by priority, except that advice on a condition that waits comes after its predecessors' (§3.5)
    free = [a["priority"] for a in data["advice"] if not a["waits"]]
    assert free == sorted(free, reverse=True)
    waits_for = {d["condition"]: d["follows"] for d in data["focus_detail"]["deferred"]}
    for n, item in enumerate(data["advice"]):
        if item["waits"] and item["condition"] in waits_for:
            assert all(a["condition"] != waits_for[item["condition"]] for a in data["advice"][n:])


def test_case_from_stdin_matches_case_from_file():
    text = HEALTHCARE.read_text(encoding="utf-8")
    from_file = CliRunner().invoke(main, ["advise", str(HEALTHCARE), "--format", "json"])
    from_stdin = CliRunner().invoke(main, ["advise", "-", "--format", "json"], input=text)
    assert from_file.output.replace(str(HEALTHCARE), "") == from_stdin.output
