"""Group assessments: aggregation per indicator, condition and organisation; divergences as engine
facts with their own rules and weight; and the respondents' privacy."""

import json
import re

import pytest
import yaml

from kansrijk.case import load_case
from kansrijk.group import divergences, organisations
from tests.conftest import ROOT, kansrijk

GROUP = ROOT / "examples" / "regionale_zorg_groep.yaml"


@pytest.fixture(scope="module")
def case(model):
    return load_case(str(GROUP), model.kb)


def test_aggregation_per_organisation(model, case):
    orgs = {o.name: o for o in organisations(model.kb, case.respondents)}
    assert [(o.name, o.respondents) for o in orgs.values()] == [  # by name, whatever the order in the file
        ("Huisartsencoöperatie Kust", 2), ("VVT De Duinen", 3), ("Ziekenhuis Westland", 3)]
    hospital = orgs["Ziekenhuis Westland"]
    # interests.value_for_each: 5, 4, 5
    assert hospital.indicators["interests.value_for_each"] == pytest.approx(14 / 3, abs=1e-4)
    # a don't-know answer does not count: process.results 3, null, 3
    assert hospital.indicators["process.results"] == 3
    assert hospital.conditions["interests"] == pytest.approx(4.0, abs=1e-4)


def test_indicator_scores_are_the_mean_of_all_answers(model, case):
    evidence = model.evidence(case)
    answers = [r.scores["interests.real_dialogue"] for r in case.respondents]
    assert evidence.scores["interests.real_dialogue"] == pytest.approx(sum(answers) / len(answers), abs=1e-4)
    # observations of respondents count with the adviser's, weighted by the share who saw them
    assert {"positions_only", "backing_not_involved"} <= set(evidence.observations)
    assert all(0 < weight <= 1 for weight in evidence.observations.values())


def test_divergence_thresholds_from_the_policy(model, case):
    gaps = divergences(model.kb, model.policy, organisations(model.kb, case.respondents))
    by_id = {g.id: g for g in gaps}
    assert by_id["interests"].gap >= model.policy.divergence.condition
    assert all(g.gap >= g.threshold for g in gaps)
    assert "relationship" not in by_id  # relationship means 3.33, 2.33, 2.5: gap 1.0


@pytest.fixture(scope="module")
def open_case(case):
    """The example with min_group 2: every organisation shown, so its divergences are facts (a
    divergence with an end not shown is none: kansrijk/disclosure.py)."""
    return case.model_copy(update={"min_group": 2})


def test_divergence_is_an_engine_fact_with_its_own_rules(model, case, open_case):
    assert "divergence:interests" not in model.infer(case).inputs  # its lowest end is not shown
    inference = model.infer(open_case)
    assert "divergence:interests" in inference.inputs
    fired = {(f.rule, f.binding) for f in inference.firings}
    assert ("DIV-01", "interests") in fired and ("DIV-05", "") in fired


def test_divergence_weighs_in_the_priority(model, open_case):
    report = model.advise(open_case)
    divergent = [a for a in report.advice if any(m.kind == "divergence" for s in a.why for m in s.matched)]
    assert divergent
    for item in divergent:
        assert {p.id: p.value for p in item.contributions}["divergence"] == 15


def test_divergence_calls_for_analysing_together(model, open_case):
    """§5.1: a confusion of tongues between partners is analysed together, in dialogue (§5.2)."""
    methods = {m.id: m for m in model.advise(open_case).methods}
    assert {"analyse_together", "real_dialogue"} <= set(methods)
    assert any(s.rule == "DIV-01" for s in methods["analyse_together"].why)
    assert not methods["analyse_together"].default


OUTPUTS = [
    ("advise", str(GROUP), "--format", "text"), ("advise", str(GROUP), "--format", "markdown"),
    ("advise", str(GROUP), "--format", "json"), ("explain", str(GROUP)), ("explain", str(GROUP), "--format", "json"),
    ("whatif", str(GROUP), "--set", "process.results=1", "--format", "json"), ("report", str(GROUP)),
    ("compare", str(GROUP), str(GROUP), "--format", "json"),
]


@pytest.mark.parametrize("args", OUTPUTS, ids=lambda a: "-".join(a[:1] + a[2:]))
def test_no_name_and_no_small_organisations_score_in_any_output(model, case, args):
    result = kansrijk(*args)
    assert result.exit_code == 0, result.output
    for respondent in case.respondents:
        assert respondent.name not in result.output
    assert "Huisartsencoöperatie Kust" not in result.output


@pytest.mark.parametrize("args", OUTPUTS, ids=lambda a: "-".join(a[:1] + a[2:]))
def test_no_hidden_gap_in_any_explanation(model, case, args):
    """A gap that reaches a hidden organisation would give its mean away beside the shown ones'
    means: the summary's 'because', the trace and explain show only the threshold it reached."""
    gaps = divergences(model.kb, model.policy, organisations(model.kb, case.respondents))
    open_ = {g.gap for g in gaps if "Huisartsencoöperatie Kust" not in (g.high, g.low)}
    hidden = [g for g in gaps if "Huisartsencoöperatie Kust" in (g.high, g.low) and g.gap not in open_]
    assert len(hidden) >= 4
    output = kansrijk(*args).output
    for gap in hidden:
        # the gap as a number of its own, in either decimal notation (not a piece of an SVG path)
        pattern = r"(?<![\d.,])" + re.escape(f"{gap.gap:g}").replace(r"\.", "[.,]") + r"0?(?![\d])"
        assert not re.search(pattern, output), (gap.id, gap.gap)


@pytest.mark.parametrize("fmt", ["text", "markdown", "json"])
def test_small_organisation_is_neither_shown_nor_named_nor_sized(fmt):
    result = kansrijk("advise", str(GROUP), "--format", fmt, "--detail" if fmt != "json" else "--all")
    assert "Huisartsencoöperatie Kust" not in result.output
    assert "Ziekenhuis Westland" in result.output
    assert "2 respondent" not in result.output and '"respondents": 2' not in result.output


def test_json_has_per_organisation_scores_and_divergences():
    data = json.loads(kansrijk("advise", str(GROUP), "--format", "json").output)
    shown = [o for o in data["organisations"] if o["shown"]]
    hidden = [o for o in data["organisations"] if not o["shown"]]
    # 2 + 3 + 3 respondents: hiding only the organisation of 2 would let the whole case's means minus
    # the two shown ones give its means away, so the smaller shown one (by name at equal size) goes too
    assert [o["label"] for o in shown] == ["Ziekenhuis Westland"]
    assert shown[0]["conditions"]["interests"] == 4.0
    assert [o["label"] for o in hidden] == ["Organisatie 1", "Organisatie 2"]
    assert all(o["conditions"] == {} and o["respondents"] is None for o in hidden)
    assert data["divergences"] == []  # every one would run to an organisation not shown


@pytest.mark.parametrize("sizes", [(2, 3, 3), (1, 3, 4), (1, 2, 3, 3), (2, 2, 5), (1, 1), (3, 3), (2,)])
def test_no_hidden_organisation_can_be_derived_from_what_is_shown(model, make_case, sizes):
    """The whole case's means minus the shown organisations' means (times their sizes) leave the
    hidden ones' means: together they must rest on at least min_group answers."""
    respondents = [{"organisation": f"org{n}", "scores": {"ambition.shared": 1 + n % 5}}
                   for n, size in enumerate(sizes) for _ in range(size)]
    report = model.advise(make_case(respondents=respondents, min_group=3))
    hidden = [o for o in report.organisations if not o.shown]
    hidden_respondents = sum(sizes) - sum(o.respondents for o in report.organisations if o.shown)
    assert not hidden or hidden_respondents >= 3 or not any(o.shown for o in report.organisations)
    if sum(sizes) < 3:  # the whole case rests on too few answers: no mean is shown at all
        ambition = next(c for c in report.conditions if c.id == "ambition")
        assert ambition.score is None and ambition.score_withheld


def test_a_thin_indicator_in_a_shown_organisation_is_withheld(model, make_case):
    """min_group counts answers, not people: where only one of an organisation's people answered an
    indicator, that person's answer is not shown as the organisation's or the case's mean."""
    respondents = [{"organisation": "A", "scores": {"ambition.shared": 4, **({"relationship.trust": 1} if n == 0 else {})}}
                   for n in range(3)] + [{"organisation": "B", "scores": {"ambition.shared": 2}} for _ in range(3)]
    case = make_case(respondents=respondents, min_group=3)
    report = model.advise(case)
    a = next(o for o in report.organisations if o.label == "A")
    assert a.shown and "relationship" in a.withheld and a.conditions["relationship"] is None
    relationship = next(c for c in report.conditions if c.id == "relationship")
    assert relationship.score is None and relationship.score_withheld
    inference = model.infer(case)
    assert "score:relationship.trust" in inference.withheld
    steps = [m for item in report.advice for s in item.why for m in s.matched if m.node == "score:relationship.trust"]
    assert steps and all(m.value is None and m.withheld for m in steps)


def test_min_group_is_settable(tmp_path):
    text = GROUP.read_text(encoding="utf-8").replace("min_group: 3", "min_group: 2")
    path = tmp_path / "case.yaml"
    path.write_text(text, encoding="utf-8")
    data = json.loads(kansrijk("advise", str(path), "--format", "json").output)
    assert all(o["shown"] for o in data["organisations"])
    assert "Huisartsencoöperatie Kust" in [d["low"] for d in data["divergences"]]


def test_order_of_respondents_changes_nothing(tmp_path, case):
    import yaml

    data = yaml.safe_load(GROUP.read_text(encoding="utf-8"))
    data["respondents"].reverse()
    path = tmp_path / "reversed.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    for fmt in ("text", "json"):
        assert kansrijk("advise", str(path), "--format", fmt).output == kansrijk("advise", str(GROUP), "--format", fmt).output


def test_whatif_set_replaces_the_groups_mean(model, case):
    data = json.loads(kansrijk("whatif", str(GROUP), "--set", "interests.real_dialogue=5", "--format", "json").output)
    assert any(c["kind"] == "status" and c["id"] == "interests" for c in data["changes"])
    from kansrijk.whatif import apply_edits, parse_edits

    _, overrides = apply_edits(case, parse_edits(("interests.real_dialogue=5",), (), ()), model.kb)
    assert model.evidence(case, overrides=overrides).scores["interests.real_dialogue"] == 5


def test_whatif_removes_a_respondents_observation(tmp_path):
    # 1 of 8 respondents is too few to count (the engine's threshold): removing it changes nothing
    lone = json.loads(kansrijk("whatif", str(GROUP), "--remove", "backing_not_involved", "--format", "json").output)
    assert lone["changes"] == []
    data = yaml.safe_load(GROUP.read_text(encoding="utf-8"))
    for respondent in data["respondents"][:3]:  # 3 of 8: it counts, and removing it is felt
        respondent["observations"] = sorted(set(respondent.get("observations", [])) | {"backing_not_involved"})
    path = tmp_path / "case.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    felt = json.loads(kansrijk("whatif", str(path), "--remove", "backing_not_involved", "--format", "json").output)
    assert felt["changes"]


def test_bad_respondent_input_exits_2(tmp_path):
    path = tmp_path / "case.yaml"
    path.write_text("name: x\nrespondents:\n  - organisation: A\n    scores: {relationship.trust: 7}\n"
                    "  - scores: {relationship.trust: 3}\nmin_group: 0\n", encoding="utf-8")
    result = kansrijk("advise", str(path))
    assert result.exit_code == 2
    assert "respondents[0].scores.relationship.trust: 7 is out of range" in result.output
    assert "respondents[1].organisation: this key is required but missing" in result.output
    assert "min_group: 0 is out of range" in result.output
