"""Issue 7, part 6: each fix to the knowledge base, tested from the passage it encodes.

Every test runs cases through the real engine (`model.infer`) and its docstring paraphrases the
passage of the publication it checks, with the section.
"""

from __future__ import annotations

import pytest

from kansrijk.rulebook import RuleInstance


def fired(inference, rule_id: str) -> bool:
    return any(f.rule == rule_id for f in inference.firings)


def certainty(inference, node: str) -> float:
    return inference.certainty(node) or 0.0


def concluders(model, node: str) -> set[str]:
    return {i.id for i in model.book.instances if i.conclusion.node == node and i.record.certainty > 0}


# ---------------------------------------------------------------- §2: diversity


def test_alike_partners_raise_the_competition_warning(model, make_case):
    """§2: the more partners resemble each other and move on the same terrain, the likelier they
    compete; low diversity must therefore raise the warning, and medium diversity need not."""
    low = model.infer(make_case(characteristics={"diversity": "low"}))
    assert fired(low, "CHA-14")
    assert certainty(low, "heed:diversity") >= 0.8
    assert "compet" in model.book.by_id["CHA-14"].claim.en
    assert "concurr" in model.book.by_id["CHA-14"].claim.nl
    medium = model.infer(make_case(characteristics={"diversity": "medium"}))
    assert "heed:diversity" not in medium.beliefs


def test_alike_partners_with_neglected_interests_get_advice_on_competition(model, make_case):
    """§2 (competition between similar partners) with §3.2 (interests): when alike partners also leave
    their interests undiscussed, the advice brings out where they compete and what each adds."""
    inference = model.infer(make_case(characteristics={"diversity": "low"}, observations=["positions_only"]))
    assert fired(inference, "CHA-15")
    assert certainty(inference, "advise:use_diversity") > 0.2


def test_competition_is_not_tied_to_great_diversity(model):
    """§2: differences are the basis and attraction of collaboration; it is similarity, not difference,
    that breeds competition. No rule on high diversity may speak of competition."""
    for record in model.book.records:
        on_high_diversity = any(p.kind == "characteristic" and p.target == "diversity" and p.min_level == 3
                                for p in record.premises)
        if on_high_diversity:
            assert "compet" not in record.claim.en.lower(), record.id
            assert "concurr" not in record.claim.nl.lower(), record.id


def test_great_diversity_means_more_confusion_of_tongues(model, make_case):
    """§2 and §3.1: with more difference between partners there is more confusion of tongues, so with a
    neglected ambition the adviser keeps asking what each means by the words."""
    high = model.infer(make_case(characteristics={"diversity": "high"}, observations=["no_visionaries"]))
    low = model.infer(make_case(characteristics={"diversity": "low"}, observations=["no_visionaries"]))
    assert fired(high, "CHA-16")
    assert not fired(low, "CHA-16")
    assert certainty(high, "advise:deepen_ambition") > certainty(low, "advise:deepen_ambition")


def test_diversity_and_enemy_images_is_labelled_a_reading(model):
    """§2 speaks of fascination turning into fear of the other as a threat; that this becomes enemy
    images is the tool's reading and must be labelled so."""
    assert model.book.by_id["CHA-09"].basis == "reading"


# ---------------------------------------------------------------- §3.4: under- and over-organisation


def test_over_organisation_is_a_negative_dynamic_of_organisation(model):
    """§3.4: too much organising is as much a risk as too little."""
    dynamic = model.kb.by_id["dynamic"]["over_organisation"]
    assert dynamic.condition == "organisation" and dynamic.polarity == "negative"
    for signal in ("heavy_structure", "layered_consultation", "form_misfits_ambition"):
        assert model.kb.by_id["signal"][signal].condition == "organisation"


def test_copied_procedures_point_both_ways(model, make_case):
    """§3.4: partners who take their own organisation's procedures over one to one get a form that does
    not fit the ambition, which can mean under- or over-organisation; both, at modest certainty."""
    inference = model.infer(make_case(observations=["copied_procedures"]))
    assert fired(inference, "ORG-08") and fired(inference, "ORG-18")
    over = certainty(inference, "dynamic:over_organisation")
    assert 0.2 <= over <= 0.4
    assert certainty(inference, "dynamic:under_organisation") >= 0.2
    assert certainty(inference, "neglect:organisation") > 0.2


def test_a_form_that_does_not_fit_the_ambition_points_both_ways(model, make_case):
    """§3.4: when the organisational form does not match the shared ambition, under- or
    over-organisation arises; the answer is to organise for the ambition."""
    inference = model.infer(make_case(observations=["form_misfits_ambition"]))
    assert certainty(inference, "dynamic:under_organisation") >= 0.2
    assert certainty(inference, "dynamic:over_organisation") >= 0.2
    assert certainty(inference, "advise:organise_for_ambition") >= 0.6


def test_signs_of_over_organisation_are_labelled_the_tools_reading(model, make_case):
    """§3.4 names over-organisation but not its signs; the rules reading heavy structures and layers
    of consultation as such signs are the tool's and say so."""
    inference = model.infer(make_case(observations=["heavy_structure"]))
    assert certainty(inference, "dynamic:over_organisation") >= 0.5
    for rule_id in ("ORG-22", "ORG-23", "ORG-30", "DIA-40", "DIA-41"):
        assert model.book.by_id[rule_id].basis == "reading", rule_id


# ---------------------------------------------------------------- §3.4, §4.4, §5.3: decisiveness


@pytest.mark.parametrize("form", ["under_organisation", "over_organisation"])
def test_either_misfit_leads_to_a_structural_lack_of_decisiveness(model, make_case, form):
    """§3.4: under- and over-organisation both carry the great risk of a structural lack of decisiveness."""
    inference = model.infer(make_case(observations=[form]))
    assert certainty(inference, "dynamic:lack_of_decisiveness") >= 0.4
    assert certainty(inference, "advise:balance_support_and_decisiveness") >= 0.2


def test_falling_apart_is_likelier_with_agreements_only(model, make_case):
    """§4.4: at worst the collaboration falls apart, above all where the partners settled for a set of
    agreements or a contract instead of an organisation of their own."""
    alone = model.infer(make_case(observations=["lack_of_decisiveness"]))
    agreements = model.infer(make_case(observations=["lack_of_decisiveness", "agreement_only"]))
    assert 0 < certainty(alone, "dynamic:falling_apart") < certainty(agreements, "dynamic:falling_apart")
    assert certainty(agreements, "advise:social_pressure_for_agreements") >= 0.2


def test_falling_apart_and_lack_of_decisiveness_point_to_organisation(model, make_case):
    """§4.4, Tabel 1: too little decisiveness is a sign of a neglected organisation."""
    for observed in ("lack_of_decisiveness", "falling_apart"):
        inference = model.infer(make_case(observations=[observed]))
        assert certainty(inference, "neglect:organisation") >= 0.5, observed


def test_analysis_paralysis_is_about_support_and_decisiveness(model, make_case):
    """§5.3: analysis paralysis, thinking on until nothing gets decided, is a matter of the balance between
    support and decisiveness, which §3.4 places under organisation, not a neglected process."""
    assert model.kb.by_id["signal"]["analysis_paralysis"].condition == "organisation"
    inference = model.infer(make_case(observations=["analysis_paralysis"]))
    assert certainty(inference, "neglect:organisation") > 0.2
    assert certainty(inference, "dynamic:lack_of_decisiveness") >= 0.6
    assert "neglect:process" not in inference.beliefs


# ---------------------------------------------------------------- §3.1: give and take


def test_give_and_take_out_of_balance(model, make_case):
    """§3.1: what partners come to take must balance what they come to bring; a good ambition says what
    each puts in of time, money and knowledge."""
    signal = model.kb.by_id["signal"]["give_take_imbalance"]
    assert signal.condition == "ambition"
    inference = model.infer(make_case(observations=["give_take_imbalance"]))
    assert certainty(inference, "neglect:ambition") >= 0.5
    assert certainty(inference, "advise:balance_give_and_take") >= 0.8


# ---------------------------------------------------------------- §4.5: PRO-09


def test_neglected_process_does_not_become_neglect_of_interests(model, make_case):
    """§4.5: when it is unclear whether to negotiate or to build, the rules of the game are unclear and that
    frustrates the collaboration process itself; it is not a claim about neglected interests."""
    subgroups = model.infer(make_case(observations=["subgroups"]))
    assert certainty(subgroups, "neglect:process") >= 0.5
    assert "neglect:interests" not in subgroups.beliefs
    unclear = model.infer(make_case(observations=["unclear_rules_of_the_game"]))
    assert fired(unclear, "PRO-09")
    assert certainty(unclear, "dynamic:stagnation") >= 0.6
    assert certainty(unclear, "advise:clarify_process_direction") >= 0.6
    assert model.book.by_id["PRO-09"].conclusion.node == "dynamic:stagnation"


# ---------------------------------------------------------------- §4.1: AMB-02 and the relationship side


def test_amb_02_keeps_the_coherence_with_legitimation_and_environment(model):
    """§4.1: a neglected ambition flattens into an operational project that loses its coherence with its
    original legitimation and its environment."""
    claim = model.book.by_id["AMB-02"].claim
    assert "coherence" in claim.en and "legitimation" in claim.en and "environment" in claim.en
    assert "samenhang" in claim.nl and "legitimatie" in claim.nl and "omgeving" in claim.nl


def test_keeping_the_ambition_alive_asks_for_team_composition(model, make_case):
    """§4.1: keeping the ambition alive also asks attention for the relationship domain: a team composed so
    that visionaries stay on board to put the ambition on the agenda time and again."""
    inference = model.infer(make_case(observations=["recurring_why_question"]))
    assert fired(inference, "AMB-11")
    assert certainty(inference, "advise:compose_team") >= 0.5
    assert model.kb.by_id["intervention"]["compose_team"].condition == "relationship"
    assert model.book.by_id["AMB-11"].basis == "publication"


# ---------------------------------------------------------------- §4.4: ORG-03


def test_control_is_concluded_from_neglect_once(model, make_case):
    """§4.4: with some partners, neglect of the organisation leads to a stronger urge to control. One path
    only (no second one through under-organisation), and less certain than under-organisation itself."""
    assert concluders(model, "dynamic:excessive_control") == {"ORG-02", "DIA-01"}
    assert model.book.by_id["ORG-02"].certainty < model.book.by_id["ORG-01"].certainty
    assert "ORG-03" not in model.book.by_id
    inference = model.infer(make_case(observations=["under_organisation"]))
    neglect = certainty(inference, "neglect:organisation")
    control = certainty(inference, "dynamic:excessive_control")
    assert control == pytest.approx(model.book.by_id["ORG-02"].certainty * neglect)


# ---------------------------------------------------------------- scores: the band gap


def _band_instances(model, condition: str) -> list[RuleInstance]:
    """The instances that read only the condition's mean and conclude its neglect: the score bands."""
    return [i for i in model.book.instances
            if i.binding == condition and i.conclusion.node == f"neglect:{condition}"
            and all(p.kind == "mean" for p in i.premises)]


def _holds(instance: RuleInstance, mean: float) -> bool:
    return all(p.accepts(mean) != p.negated for p in instance.premises)


MEANS = [round(1 + step / 100, 2) for step in range(401)]


def test_score_bands_tile_the_scale(model):
    """Tabel 1 scores (1..5) say how well a condition is tended; the bands that read them are the tool's
    calibration. Exactly one base band holds for every mean (below 3.5: for neglect; from 3.5: against),
    and the lower a mean, the more band rules argue for neglect."""
    for condition in model.kb.condition_ids():
        bands = _band_instances(model, condition)
        assert {b.id for b in bands} == {"SCO-01", "SCO-02", "SCO-03", "SCO-04", "SCO-14"}
        base = [b for b in bands if b.id in ("SCO-02", "SCO-03")]
        previous_sum = None
        for mean in MEANS:
            holding = [b for b in bands if _holds(b, mean)]
            assert len([b for b in holding if b in base]) == 1, (condition, mean, [b.id for b in holding])
            expected = {"SCO-02"} if mean < 3.5 else {"SCO-03"}
            expected |= {"SCO-14"} if mean <= 2.75 else set()
            expected |= {"SCO-01"} if mean <= 2 else set()
            expected |= {"SCO-04"} if mean >= 4.25 else set()
            assert {b.id for b in holding} == expected, (condition, mean)
            total = sum(b.record.certainty for b in holding)
            assert previous_sum is None or total <= previous_sum, (condition, mean)
            previous_sum = total


@pytest.mark.parametrize("mean", [2.0, 2.01, 2.75, 2.76, 3.4, 3.45, 3.49, 3.5, 4.24, 4.25])
def test_score_bands_in_the_engine(model, make_case, mean):
    """The same bands, run through the engine at the edges, including the old gap between 3.4 and 3.5."""
    inference = model.infer(make_case(), overrides={"ambition.shared": mean})
    holding = {f.rule for f in inference.firings if f.binding == "ambition" and f.rule.startswith("SCO-")
               and f.concludes == "neglect:ambition"}
    assert len(holding & {"SCO-02", "SCO-03"}) == 1, (mean, holding)
    assert ("SCO-02" in holding) == (mean < 3.5)
    assert ("SCO-14" in holding) == (mean <= 2.75)


def test_observed_control_points_first_to_the_organisation(model, make_case):
    """§4.4: neglect of the organisation makes some partners controlling, and that in turn undermines
    mutual trust; the eroded trust is the knock-on effect, so it must weigh less than its cause."""
    inference = model.infer(make_case(observations=["excessive_control"]))
    assert certainty(inference, "neglect:organisation") > certainty(inference, "neglect:relationship") > 0


def test_a_low_decisiveness_score_is_counted_once(model, make_case):
    """§3.4, §5.3, Tabel 1: too little decisiveness asks to rebalance support and decisiveness; the score
    reaches that advice through the lack of decisiveness it shows, not along a second, direct path."""
    assert concluders(model, "advise:balance_support_and_decisiveness") >= {"ORG-33"}
    direct = [i.id for i in model.book.instances if i.conclusion.node == "advise:balance_support_and_decisiveness"
              and any(p.node == "score:organisation.decisiveness" for p in i.premises)]
    assert not direct
    inference = model.infer(make_case(scores={"organisation.decisiveness": 2}))
    assert certainty(inference, "dynamic:lack_of_decisiveness") >= 0.6
    assert certainty(inference, "advise:balance_support_and_decisiveness") > 0.2
