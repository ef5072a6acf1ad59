"""explain and --why-not: read from the engine's record of the case, in both languages."""

import json

import pytest

from kansrijk.explain import Explainer
from kansrijk.render import labels, render
from tests.conftest import EXAMPLES, HEALTHCARE, kansrijk


def leaves(tree):
    if not tree["reasons"]:
        return [tree["node"]]
    return [leaf for r in tree["reasons"] for p in r["premises"] for leaf in leaves(p)]


def rules_in(tree):
    return {r["rule"] for r in tree["reasons"]} | {x for r in tree["reasons"] for p in r["premises"] for x in rules_in(p)}


@pytest.mark.parametrize("example", EXAMPLES, ids=lambda p: p.stem)
def test_every_advice_item_of_every_example_is_justified_down_to_case_facts(example):
    result = kansrijk("explain", str(example), "--format", "json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    advice = json.loads(kansrijk("advise", str(example), "--format", "json").output)["advice"]
    assert len(data["explanations"]) == len(advice)
    for item in data["explanations"]:
        assert all(leaf.split(":")[0] in ("observed", "score", "mean", "characteristic", "divergence") for leaf in leaves(item["tree"]))


def test_explanation_follows_the_engine(tmp_path):
    """Remove an observation: the rule chain that depended on it disappears from explain."""
    case = tmp_path / "case.yaml"
    case.write_text("name: x\nobservations: [rushed_to_contract, poor_meetings]\n", encoding="utf-8")
    before = json.loads(kansrijk("explain", str(case), "--format", "json").output)
    case.write_text("name: x\nobservations: [poor_meetings]\n", encoding="utf-8")
    after = json.loads(kansrijk("explain", str(case), "--format", "json").output)
    rules_before = set().union(*(rules_in(e["tree"]) for e in before["explanations"]))
    rules_after = set().union(*(rules_in(e["tree"]) for e in after["explanations"]))
    assert {"INT-03", "DIA-14"} <= rules_before
    assert not {"INT-03", "DIA-14"} & rules_after
    leaves_after = {leaf for e in after["explanations"] for leaf in leaves(e["tree"])}
    assert "observed:rushed_to_contract" not in leaves_after


def test_explain_one_advice_item_names_rules_claims_and_sections():
    result = kansrijk("explain", str(HEALTHCARE), "--advice", "1", "--lang", "en")
    assert result.exit_code == 0
    assert "Advice 1:" in result.output and "<=" in result.output and "§" in result.output
    assert "[given in the case]" in result.output


def test_explain_a_dynamic_and_a_condition():
    dynamic = kansrijk("explain", str(HEALTHCARE), "--dynamic", "permanent_negotiation", "--lang", "en")
    assert dynamic.exit_code == 0 and "Permanent negotiation" in dynamic.output and "INT-03" in dynamic.output
    condition = kansrijk("explain", str(HEALTHCARE), "--condition", "interests", "--lang", "nl")
    assert condition.exit_code == 0 and "status zwak" in condition.output


def test_not_concluded_dynamic_points_to_why_not(tmp_path):
    case = tmp_path / "case.yaml"
    case.write_text("name: x\nobservations: [rushed_to_contract]\n", encoding="utf-8")
    result = kansrijk("explain", str(case), "--dynamic", "energy_loss", "--lang", "en")
    assert result.exit_code == 0
    assert "--why-not" in result.output


@pytest.mark.parametrize("args, message", [
    (["--advice", "99"], "there is no advice item 99"),
    (["--dynamic", "permanent_negotiaton"], "did you mean 'permanent_negotiation'?"),
    (["--condition", "organization"], "did you mean 'organisation'?"),
    (["--why-not", "reopen_interests_dialogue"], "did you mean the intervention 'reopen_interest_dialogue'?"),
    # the did-you-mean searches every kind of id and says which kind it found
    (["--why-not", "organise_meetings"], "did you mean the intervention 'organise_encounters'?"),
    (["--dynamic", "poor_meetings"], "'poor_meetings' is a signal"),
    (["--condition", "belang"], "did you mean 'interests'?"),
])
def test_bad_targets_exit_2_with_a_suggestion(args, message):
    result = kansrijk("explain", str(HEALTHCARE), *args, "--lang", "en")
    assert result.exit_code == 2
    assert message in result.output


def why_not(model, make_case, target, **case):
    inference = model.infer(make_case(**case))
    return Explainer(model.advisor).why_not(inference, target, "en")


def candidate(result, rule, binding=""):
    return next(c for c in result.candidates if c.rule == rule and c.binding == binding)


def test_why_not_names_the_failing_score_and_its_value(model, make_case):
    # INT-03 needs a rushed contract and no real dialogue (not interests.real_dialogue >= 4)
    result = why_not(model, make_case, "dynamic:permanent_negotiation",
                     observations=["rushed_to_contract"], scores={"interests.real_dialogue": 4})
    int03 = candidate(result, "INT-03")
    assert not int03.fired
    failing = [p for p in int03.premises if not p.holds]
    assert [(p.kind, p.target, p.value, p.negated) for p in failing] == [("score", "interests.real_dialogue", 4, True)]


def test_why_not_missing_observation(model, make_case):
    result = why_not(model, make_case, "advise:organise_encounters", scores={"relationship.trust": 4})
    rel = [c for c in result.candidates if any(p.kind == "observed" and p.target == "few_encounters" for p in c.premises)]
    assert rel and all(not c.fired for c in rel)
    assert all(p.value is None and not p.holds for c in rel for p in c.premises if p.target == "few_encounters")
    assert result.certainty is None and not result.holds


def test_why_not_belief_below_threshold(model, make_case):
    # a mean of 3 gives neglect 0.25, so a rule that needs neglect >= 0.4 does not fire
    result = why_not(model, make_case, "advise:develop_collaborative_capability",
                     scores={"relationship.trust": 4, "relationship.capacity_to_connect": 2})
    rel = candidate(result, "REL-15", "")
    assert not rel.fired
    premise = next(p for p in rel.premises if p.kind == "neglect")
    assert premise.at_least == 0.4 and premise.value < 0.4 and not premise.holds


def test_why_not_characteristic_level(model, make_case):
    result = why_not(model, make_case, "heed:split_loyalty", characteristics={"split_loyalty": "medium"})
    assert result.candidates and not any(c.fired for c in result.candidates)
    levels = [p.value for c in result.candidates for p in c.premises if p.kind == "characteristic"]
    assert "medium" in levels


def test_why_not_counter_evidence_explains_a_fired_rule(model, make_case):
    # the symptom was observed, but high interest scores bring the neglect down: both rules fired
    scores = {i.id: 5 for i in model.kb.indicators_of("interests")}
    result = why_not(model, make_case, "neglect:interests", observations=["permanent_negotiation"], scores=scores)
    assert candidate(result, "DIA-05").fired
    assert candidate(result, "SCO-04", "interests").fired and candidate(result, "SCO-04", "interests").certainty < 0
    assert result.certainty < candidate(result, "DIA-05").certainty


def test_why_not_agrees_with_the_engine_on_every_example(model):
    """A rule fired exactly when all its premises hold by why-not's reading: one test, two readers."""
    from kansrijk.case import load_case

    explainer = Explainer(model.advisor)
    for example in EXAMPLES:
        inference = model.infer(load_case(str(example), model.kb))
        for node in {i.conclusion.node for i in model.book.instances}:
            for c in explainer.why_not(inference, node, "en").candidates:
                assert c.fired == all(p.holds for p in c.premises), (example.stem, c.rule, c.binding)


def test_why_not_text_reads_like_the_issue(tmp_path):
    case = tmp_path / "case.yaml"
    case.write_text("name: x\nlanguage: en\nobservations: [rushed_to_contract]\nscores: {interests.real_dialogue: 4}\n",
                    encoding="utf-8")
    result = kansrijk("explain", str(case), "--why-not", "permanent_negotiation")
    assert result.exit_code == 0
    assert "[fails] score Genuine dialogue [interests.real_dialogue]: was 4; the rule needs not at least 4" in result.output


@pytest.mark.parametrize("lang", ["nl", "en"])
@pytest.mark.parametrize("min_group", [2, 3])  # the group example with and without its divergences
def test_why_not_always_says_what_a_premise_needs(model, lang, min_group):
    """Every premise line of every why-not says what the rule needs after "the rule needs" — a
    divergence premise used to end there ("was 1,50; de regel vraagt") — and a divergence's value
    reads as the threshold it reached or as absent, never as a bare number."""
    from kansrijk.case import load_case

    t = labels().resolve(lang)["explain"]
    case = load_case(str(EXAMPLES[0].parent / "regionale_zorg_groep.yaml"), model.kb).model_copy(update={"min_group": min_group})
    inference = model.infer(case)
    explainer = Explainer(model.advisor)
    divergence_lines = []
    for node in sorted({i.conclusion.node for i in model.book.instances}):
        for fmt in ("text", "md"):
            text = render(f"whynot.{fmt}.j2", lang, w=explainer.why_not(inference, node, lang), case=case.name)
            premises = [line for line in text.splitlines() if f"; {t['needs']}" in line]
            assert all(line.split(f"; {t['needs']}")[1].strip(" _*") for line in premises), node
            divergence_lines += [line for line in premises if labels().resolve(lang)["kinds"]["divergence"] in line]
    present = [line for line in divergence_lines if f"{t['was']} ≥ " in line]
    absent = [line for line in divergence_lines if t["absent_divergence"] in line]
    assert len(present) + len(absent) == len(divergence_lines) and absent
    assert bool(present) == (min_group == 2)  # with min_group 3 only one organisation is shown


@pytest.mark.parametrize("lang", ["nl", "en"])
def test_why_not_says_the_rule_certainty_and_the_threshold_in_words(lang):
    t = labels().resolve(lang)["explain"]
    result = kansrijk("explain", str(HEALTHCARE), "--why-not", "organise_encounters", "--lang", lang)
    assert result.exit_code == 0, result.output
    assert f"({t['threshold']} {'0,20' if lang == 'nl' else '0.20'})" in result.output
    assert f"; {t['rule_gives']} 0" in result.output
    assert {"nl": "zekerheid van de regel", "en": "rule certainty"}[lang] == t["rule_gives"]
