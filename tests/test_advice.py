"""Statuses, the focus and priorities follow the model's own logic."""

import pytest


def weak(model, condition):
    return {i.id: 1 for i in model.kb.indicators_of(condition)}


def strong(model, condition):
    return {i.id: 5 for i in model.kb.indicators_of(condition)}


def all_strong(model):
    return {i.id: 5 for i in model.kb.indicators}


def test_healthy_case_gets_no_invented_problems(model, make_case):
    report = model.advise(make_case(scores=all_strong(model)))
    assert report.focus is None
    assert report.advice == []
    assert {c.status for c in report.conditions} == {"strong"}
    assert all(d.polarity == "positive" for d in report.dynamics)
    assert report.dynamics, "attention to the conditions brings positive dynamics (§4)"


def test_nothing_known_means_unknown(model, make_case):
    report = model.advise(make_case())
    assert {c.status for c in report.conditions} == {"unknown"}
    assert report.focus is None and report.advice == []


def test_low_scores_make_a_condition_weak(model, make_case):
    report = model.advise(make_case(scores=weak(model, "process")))
    status = {c.id: c.status for c in report.conditions}
    assert status["process"] == "weak"
    assert report.focus == "process"
    assert report.advice and report.advice[0].condition == "process"


def test_weak_ambition_comes_before_weak_organisation(model, make_case):
    """§3.4: organisation follows ambition — even when organisation scores lower."""
    scores = weak(model, "organisation") | {i.id: 2 for i in model.kb.indicators_of("ambition")}
    report = model.advise(make_case(scores=scores))
    status = {c.id: c.status for c in report.conditions}
    assert status["ambition"] == status["organisation"] == "weak"
    assert report.focus == "ambition"
    deferred = {(d.condition, d.follows) for d in report.focus_detail.deferred}
    assert ("organisation", "ambition") in deferred


def test_weak_interests_come_before_weak_organisation(model, make_case):
    """§3.2/§4.2: a contract before the dialogue on interests gets stuck."""
    scores = weak(model, "organisation") | weak(model, "interests")
    assert model.advise(make_case(scores=scores)).focus == "interests"


def test_focus_goes_to_the_most_neglected_among_equals(model, make_case):
    scores = weak(model, "relationship") | {i.id: 2 for i in model.kb.indicators_of("process")}
    report = model.advise(make_case(scores=scores, observations=["blocking_undercurrent"]))
    neglect = {c.id: c.neglect for c in report.conditions}
    assert report.focus == max(("relationship", "process"), key=lambda c: neglect[c])


def test_weak_before_attention(model, make_case):
    scores = weak(model, "process") | {i.id: 3 for i in model.kb.indicators_of("relationship")}
    report = model.advise(make_case(scores=scores))
    status = {c.id: c.status for c in report.conditions}
    assert status["relationship"] == "attention" and status["process"] == "weak"
    assert report.focus == "process"


def test_a_follower_waits_for_a_predecessor_that_needs_attention(model, make_case):
    """§3.5: the key lies in the first phases — a weak process waits while the ambition needs work."""
    scores = weak(model, "process") | {i.id: 3 for i in model.kb.indicators_of("ambition")}
    report = model.advise(make_case(scores=scores))
    status = {c.id: c.status for c in report.conditions}
    assert status["ambition"] == "attention" and status["process"] == "weak"
    assert report.focus == "ambition"
    assert report.focus_detail.reason == "phase_order" and report.focus_detail.instead_of == "process"
    assert all(a.waits for a in report.advice if a.condition == "process")
    first = [a.rank for a in report.advice if a.condition == "ambition"]
    assert first and max(first) < min(a.rank for a in report.advice if a.condition == "process")


def test_a_provisional_predecessor_holds_nothing_up(model, make_case):
    """A status that rests on one indicator and no observation does not make a well-founded one wait."""
    scores = weak(model, "organisation") | {"ambition.shared": 3}
    report = model.advise(make_case(scores=scores))
    ambition = next(c for c in report.conditions if c.id == "ambition")
    assert ambition.provisional and ambition.missing == [i.id for i in model.kb.indicators_of("ambition")][1:]
    assert report.focus == "organisation"


def test_skipped_exploration_sends_the_partners_back(model, make_case):
    """§3.5, §4.2: partners who rushed to a contract go back to ambition and interests first."""
    scores = weak(model, "organisation") | {i.id: 2 for i in model.kb.indicators_of("interests")}
    report = model.advise(make_case(scores=scores, observations=["rushed_to_contract"]))
    assert report.focus == "interests" and report.focus_detail.reason == "exploration"
    assert report.focus_detail.exploration == ["rushed_to_contract"]
    assert report.advice[0].intervention in ("return_to_ambition_phase", "complete_exploration")


def test_one_respondent_in_ten_is_not_a_certainty(model, make_case):
    respondents = [{"organisation": f"org{n % 2}", "scores": {"relationship.trust": 4},
                    "observations": ["enemy_images"] if n == 0 else []} for n in range(10)]
    report = model.advise(make_case(respondents=respondents))
    seen = next(o for o in report.observations if o.id == "enemy_images")
    assert (seen.seen.by, seen.seen.of, seen.counts) == (1, 10, False)
    assert "enemy_images" not in {d.id for d in report.dynamics}
    assert next(c for c in report.conditions if c.id == "relationship").status == "strong"


def test_no_information_is_not_a_healthy_collaboration(model, make_case):
    report = model.advise(make_case())
    assert not report.coverage.sufficient and report.focus_detail.reason == "insufficient"
    healthy = model.advise(make_case(scores=all_strong(model)))
    assert healthy.coverage.sufficient and healthy.focus_detail.reason == "none"


def test_priority_is_the_sum_of_its_named_contributions(model, make_case):
    report = model.advise(make_case(scores=weak(model, "interests"), observations=["rushed_to_contract"]))
    assert report.advice
    for item in report.advice:
        assert item.priority == pytest.approx(sum(p.value for p in item.contributions), abs=0.05)
        names = {p.id for p in item.contributions}
        assert "certainty" in names
        if item.condition == report.focus:
            assert "focus" in names


def test_observed_support_raises_priority(model, make_case):
    base = make_case(scores=weak(model, "interests"))
    observed = make_case(scores=weak(model, "interests"), observations=["rushed_to_contract"])
    plain = {a.intervention: a for a in model.advise(base).advice}
    seen = {a.intervention: a for a in model.advise(observed).advice}
    common = [i for i in plain if i in seen and any(p.id == "observed" for p in seen[i].contributions)]
    assert common
    assert all(seen[i].priority > plain[i].priority for i in common)


def test_every_advice_item_carries_questions_and_its_reasons(model, make_case):
    report = model.advise(make_case(scores=weak(model, "relationship"), observations=["technical_orientation"]))
    for item in report.advice:
        assert item.questions
        decisive = [step for step in item.why if step.decisive]
        assert decisive[-1].concludes == f"advise:{item.intervention}"
        assert item.why[:len(decisive)] == decisive, "the decisive chain comes first"
        assert all(step.sections for step in item.why)


def test_language_switch_changes_words_not_conclusions(model, make_case):
    case = make_case(scores=weak(model, "ambition"), observations=["buzzword_ambition"])
    nl, en = model.advise(case, "nl"), model.advise(case, "en")
    assert [a.intervention for a in nl.advice] == [a.intervention for a in en.advice]
    assert [a.name for a in nl.advice] != [a.name for a in en.advice]


def test_at_the_same_level_the_first_phases_come_first(model, make_case):
    """§3.5: the key lies in the first phases — with every condition at 'attention', start with the
    ambition, even where knock-on rules make another condition look a little worse."""
    scores = {i.id: 3 for i in model.kb.indicators}
    report = model.advise(make_case(scores=scores))
    assert {c.status for c in report.conditions} == {"attention"}
    assert report.focus == "ambition"
    assert report.focus_detail.reason in ("first_phases", "most_neglected")
    if report.focus_detail.reason == "first_phases":
        assert report.focus_detail.instead_of not in ("ambition", "interests")


def test_a_relationship_crisis_waits_only_for_weak_predecessors(model, make_case):
    """§4.3: a blocking undercurrent cannot wait long — relationships wait for ambition or interests
    only while those are weak, not when they merely need attention (a reading, so said in its basis)."""
    scores = weak(model, "relationship") | {i.id: 3 for i in model.kb.indicators_of("interests")}
    report = model.advise(make_case(scores=scores, observations=["enemy_images", "power_games"]))
    assert report.focus == "relationship"
    follows = {f.condition: f for f in next(c for c in model.kb.conditions if c.id == "relationship").follows}
    assert follows["interests"].waits_while == ["weak"] and follows["interests"].basis == "reading"
    weak_interests = model.advise(make_case(scores=scores | weak(model, "interests"),
                                            observations=["enemy_images", "power_games"]))
    assert weak_interests.focus == "interests"
    assert ("relationship", "interests") in {(d.condition, d.follows) for d in weak_interests.focus_detail.deferred}


def test_every_precedence_says_its_basis(model):
    for condition in model.kb.conditions:
        for follow in condition.follows:
            assert follow.basis in ("publication", "reading")
            assert follow.basis == "publication" or follow.basis_note is not None


def test_a_report_without_explanations_says_the_same(model):
    """trace=False (for overviews of many cases) leaves out why and because, and nothing else."""
    from kansrijk.case import load_case
    from tests.conftest import EXAMPLES

    for path in EXAMPLES:
        case = load_case(str(path), model.kb)
        full, light = model.advise(case).model_dump(), model.advise(case, trace=False).model_dump()
        for part in ("advice", "methods", "heed"):
            for item in full[part] + light[part]:
                item.pop("why"), item.pop("because", None)
        assert light == full, path.name
        assert not any(a.why for a in model.advise(case, trace=False).advice)
