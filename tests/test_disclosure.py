"""The five ways a respondent's answers or a small group's mean could be recovered from the output,
each tried for real on the command line's JSON (the same report every format renders), and each
required to fail: nothing within 0.1 of the truth (kansrijk/disclosure.py states the rule)."""

import json
from pathlib import Path

import yaml
from click.testing import CliRunner

from kansrijk.case import load_case
from kansrijk.cli import main
from kansrijk.group import organisations

ROOT = Path(__file__).resolve().parent.parent
GROUP = ROOT / "examples" / "regionale_zorg_groep.yaml"
SMALL = "Huisartsencoöperatie Kust"  # 2 respondents, min_group 3


def advise_json(path, *args) -> dict:
    result = CliRunner().invoke(main, ["advise", str(path), "--format", "json", "--all", *args])
    assert result.exit_code == 0, result.output
    return json.loads(result.output)


def true_means(model, path) -> dict[str, dict[str, float]]:
    case = load_case(str(path), model.kb)
    return {o.name: o.conditions for o in organisations(model.kb, case.respondents)}


def test_attack_1_a_gap_in_the_trace_minus_a_shown_mean(model):
    """A divergence's gap beside a shown organisation's mean gives the other end away. The output
    may say only what the published threshold says (the gap reached it), and names no end."""
    truth = true_means(model, GROUP)[SMALL]
    data = advise_json(GROUP)
    thresholds = {"condition": model.policy.divergence.condition, "indicator": model.policy.divergence.indicator}
    for divergence in data["divergences"]:
        assert divergence["gap"] is None and divergence["high"] is None and divergence["low"] is None
    steps = [m for item in data["advice"] + data["methods"] for s in item["why"] for m in s["matched"]]
    gaps = [m for m in steps if m["kind"] == "divergence"]
    assert any(m["node"].split(":")[1] in truth for m in gaps), "the example's advice rests on divergences"
    real = {g.id: g.gap for g in model.evidence(load_case(str(GROUP), model.kb)).divergences.values()}
    for m in gaps:
        target = m["node"].split(":")[1]
        level = "condition" if target in truth else "indicator"
        assert m["value"] == thresholds[level] != real[target]


def test_attack_2_whole_case_minus_the_shown_organisations(model):
    """The whole case's means times its size, minus each shown organisation's, leaves the hidden."""
    truths = true_means(model, GROUP)
    case = load_case(str(GROUP), model.kb)
    data = advise_json(GROUP)
    shown = [o for o in data["organisations"] if o["shown"]]
    hidden_size = len(case.respondents) - sum(o["respondents"] for o in shown)
    assert hidden_size >= case.min_group, "the hidden organisations together are not a small group"
    # what the subtraction yields is the mean of all hidden organisations together, never one small
    # organisation's alone: every hidden organisation below min_group is mixed with at least one other
    assert any(c["score"] is not None for c in data["conditions"]) and shown, "the attack has figures to use"
    for name in truths:
        size = sum(1 for r in case.respondents if r.organisation == name)
        if name not in {o["label"] for o in shown}:
            assert hidden_size > size, f"{name}'s own mean would follow"


def test_attack_3_compare_with_and_without_one_respondent(model, tmp_path):
    """Two assessments that differ by one respondent: their difference is that person's answers."""
    data = yaml.safe_load(GROUP.read_text(encoding="utf-8"))
    gone = data["respondents"].pop()
    fewer = tmp_path / "fewer.yaml"
    fewer.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    result = CliRunner().invoke(main, ["compare", str(GROUP), str(fewer), "--format", "json"])
    assert result.exit_code == 0, result.output
    comparison = json.loads(result.output)
    assert comparison["withheld"]
    # the person's answer would be before × n − after × (n − 1): neither side is shown
    answered = [row for row in comparison["scores"] if gone["scores"].get(row["id"]) is not None]
    assert answered
    assert all(row["before"] is None and row["after"] is None and row["delta"] is None for row in answered)
    text = CliRunner().invoke(main, ["compare", str(GROUP), str(fewer), "--lang", "en"]).output
    assert "Not shown: the respondents of the two assessments differ by only a few people" in text


def test_attack_4_one_answer_inside_a_shown_organisation(model, tmp_path):
    """min_group counts answers: where one of a shown organisation's people answered an indicator,
    its mean, the case's mean and any divergence end built on it would be that person's answer."""
    respondents = [{"organisation": "A", "scores": {"ambition.shared": 4, **({"relationship.trust": 1} if n == 0 else {})}}
                   for n in range(4)] + [{"organisation": "B", "scores": {"ambition.shared": 2, "relationship.trust": 5}}
                                          for _ in range(4)]
    path = tmp_path / "thin.yaml"
    path.write_text(yaml.safe_dump({"name": "thin", "min_group": 3, "respondents": respondents}), encoding="utf-8")
    data = advise_json(path, "--lang", "en")
    a = next(o for o in data["organisations"] if o["label"] == "A")
    assert a["shown"] and a["conditions"]["relationship"] is None
    # trust: A's one answer 1 against B's four 5s is a divergence, but A's end is that one person
    thin = [d for d in data["divergences"] if d["id"] in ("relationship", "relationship.trust")]
    assert thin
    assert all(d["gap"] is None and d["low"] is None and d["high"] is None for d in thin)


def test_attack_5_a_case_of_one_respondent(model, tmp_path):
    """With one respondent the case's means are that person's answers: none is shown."""
    answers = {i.id: 1 + n % 5 for n, i in enumerate(model.kb.indicators)}
    path = tmp_path / "one.yaml"
    path.write_text(yaml.safe_dump({"name": "one", "respondents": [{"organisation": "A", "scores": answers}]}),
                    encoding="utf-8")
    data = advise_json(path, "--lang", "en")
    assert all(c["score"] is None and c["score_withheld"] for c in data["conditions"])
    matched = [m for item in data["advice"] for s in item["why"] for m in s["matched"]
               if m["kind"] in ("score", "mean")]
    assert matched and all(m["value"] is None and m["withheld"] for m in matched)
    explained = CliRunner().invoke(main, ["explain", str(path), "--format", "json"]).output
    for indicator, answer in answers.items():
        assert f'"node": "score:{indicator}", "kind": "score", "name"' not in explained or \
            f'"value": {answer}' not in explained


def test_group_means_are_shown_to_one_decimal(model):
    data = advise_json(GROUP)
    shown = [c["score"] for c in data["conditions"] if c["score"] is not None]
    assert shown and all(round(v, 1) == v for v in shown)
    for o in data["organisations"]:
        assert all(v is None or round(v, 1) == v for v in o["conditions"].values())
