"""Rule records load with clear errors, cover the publication's claims and form an acyclic, chaining graph."""

import shutil
from pathlib import Path

import pytest

from kansrijk.errors import InputError
from kansrijk.rulebook import load_rules
from tests.conftest import kansrijk

RULES = Path(__file__).resolve().parent.parent / "rules"


@pytest.fixture
def rules_dir(tmp_path):
    target = tmp_path / "rules"
    shutil.copytree(RULES, target)
    return target


def write(directory, text):
    (directory / "zz_extra.yaml").write_text(text, encoding="utf-8")


def refusal(model, directory, text) -> str:
    """The load error's message when zz_extra.yaml holds `text`."""
    write(directory, text)
    with pytest.raises(InputError) as error:
        load_rules(model.kb, directory)
    return str(error.value)


RULE = """- id: ZZZ-01
  claim: {{nl: "x", en: "y"}}
  sections: ["§4.2"]
  if:
    - {premise}
  then: {{{conclusion}}}
  certainty: {certainty}
  basis: publication
"""


def test_unknown_target_is_located_and_suggested(model, rules_dir):
    write(rules_dir, RULE.format(premise="observed: rushed_to_contrakt", conclusion="neglect: interests", certainty=0.5))
    with pytest.raises(InputError) as error:
        load_rules(model.kb, rules_dir)
    message = str(error.value)
    assert "zz_extra.yaml:5: [0].if[0]: unknown observed id 'rushed_to_contrakt'" in message
    assert "did you mean 'rushed_to_contract'?" in message


def test_cycle_is_refused(model, rules_dir):
    # neglect of interests already predicts permanent negotiation; closing the loop must fail
    write(rules_dir, RULE.format(premise="dynamic: permanent_negotiation", conclusion="neglect: interests", certainty=0.5))
    with pytest.raises(InputError) as error:
        load_rules(model.kb, rules_dir)
    assert "the rules form a cycle" in str(error.value)
    assert "neglect:interests" in str(error.value)


def test_zero_certainty_is_refused(model, rules_dir):
    write(rules_dir, RULE.format(premise="observed: subgroups", conclusion="neglect: process", certainty=0))
    with pytest.raises(InputError) as error:
        load_rules(model.kb, rules_dir)
    assert "certainty: a certainty of 0 says nothing" in str(error.value)


def test_premise_with_two_kinds_is_refused(model, rules_dir):
    write(rules_dir, RULE.format(premise="{observed: subgroups, neglect: process}", conclusion="neglect: process",
                                 certainty=0.5))
    with pytest.raises(InputError) as error:
        load_rules(model.kb, rules_dir)
    assert "a premise names exactly one of" in str(error.value)


def test_score_threshold_out_of_range_is_refused(model, rules_dir):
    write(rules_dir, RULE.format(premise="{score: relationship.trust, at_most: 6}", conclusion="neglect: relationship",
                                 certainty=0.5))
    with pytest.raises(InputError) as error:
        load_rules(model.kb, rules_dir)
    assert "at_most 6.0 is out of range for score" in str(error.value)


def test_duplicate_rule_id_is_refused(model, rules_dir):
    first = model.book.records[0].id
    write(rules_dir, RULE.format(premise="observed: subgroups", conclusion="neglect: process", certainty=0.5)
          .replace("ZZZ-01", first))
    with pytest.raises(InputError) as error:
        load_rules(model.kb, rules_dir)
    assert f"rule id {first!r} is also used in" in str(error.value)


def test_every_rule_cites_a_section_of_2_to_5(model):
    for record in model.book.records:
        assert any(s[:2] in ("§2", "§3", "§4", "§5") or s in ("Tabel 1", "Figuur 2") for s in record.sections), record.id


def test_every_claim_in_both_languages(model):
    for record in model.book.records:
        assert record.claim.nl.strip() and record.claim.en.strip() and record.claim.nl != record.claim.en


def test_every_intervention_can_be_advised(model):
    advised = {i.conclusion.target for i in model.book.instances if i.conclusion.kind == "advise"}
    assert advised == set(model.kb.by_id["intervention"])


def test_every_negative_dynamic_of_figure_2_is_predicted_from_its_conditions_neglect(model):
    """Figuur 2 ties each condition's neglect to its dynamics; the others (over-organisation, lack of
    decisiveness, falling apart: §3.4, §4.4) follow from other dynamics or signals, not from neglect directly."""
    predicted = {
        (i.premises[0].target, i.conclusion.target)
        for i in model.book.instances
        if i.conclusion.kind == "dynamic" and i.premises[0].kind == "neglect"
        and all(p.negated for p in i.premises[1:])  # "unless": ORG-01 gives way to over-organisation
    }
    for dynamic in model.kb.dynamics:
        if dynamic.polarity == "negative" and "Figuur 2" in dynamic.sections:
            assert (dynamic.condition, dynamic.id) in predicted, dynamic.id


def test_every_negative_dynamic_can_be_concluded_from_more_than_its_own_observation(model):
    concluded = {i.conclusion.target for i in model.book.instances
                 if i.conclusion.kind == "dynamic" and i.id != "DIA-01"}
    for dynamic in model.kb.dynamics:
        if dynamic.polarity == "negative":
            assert dynamic.id in concluded, dynamic.id


def test_every_negative_dynamic_observed_points_to_its_condition(model):
    diagnosed = {
        (i.premises[0].target, i.conclusion.target)
        for i in model.book.instances
        if i.conclusion.kind == "neglect" and len(i.premises) == 1 and i.premises[0].kind == "observed"
    }
    for dynamic in model.kb.dynamics:
        if dynamic.polarity == "negative":
            assert (dynamic.id, dynamic.condition) in diagnosed, dynamic.id


def test_every_characteristic_asks_something_of_the_adviser(model):
    heeded = {i.conclusion.target for i in model.book.instances if i.conclusion.kind == "heed"}
    assert heeded == set(model.kb.by_id["characteristic"])


def test_the_graph_is_at_least_four_levels_deep(model):
    # observation -> dynamic -> ... -> condition -> advice: a chain of at least three rules
    assert max(model.book.levels.values()) >= 4


def test_every_advice_rule_needs_a_problem(model):
    """No rule advises on good news alone: each advise rule reads a neglect, a dynamic, a low score or an observation."""
    negative = {d.id for d in model.kb.dynamics if d.polarity == "negative"} | set(model.kb.by_id["signal"])
    for instance in model.book.instances:
        if instance.conclusion.kind != "advise":
            continue
        problems = [
            p for p in instance.premises if not p.negated and (
                p.kind == "neglect"
                or (p.kind in ("dynamic", "observed") and p.target in negative)
                or (p.kind in ("score", "mean") and p.at_most is not None)
                or p.kind == "divergence"
            )
        ]
        assert problems, instance.key


# ---------------------------------------------------------------- basis: publication, reading or calibration


def test_every_rule_has_a_basis(model):
    missing = [r.id for r in model.book.records if r.basis is None]
    assert not missing, f"rules without a basis: {', '.join(missing)}"


def test_a_reading_says_why(model):
    for record in model.book.records:
        if record.basis == "reading":
            assert record.basis_note is not None, record.id
            assert record.basis_note.nl.strip() and record.basis_note.en.strip(), record.id


def extra(premise="observed: subgroups", conclusion="neglect: process", basis="publication") -> str:
    return RULE.format(premise=premise, conclusion=conclusion, certainty=0.5).replace("basis: publication",
                                                                                      f"basis: {basis}")


def test_reading_without_a_note_is_refused(model, rules_dir):
    message = refusal(model, rules_dir, extra(basis="reading"))
    assert "zz_extra.yaml" in message and "[0]" in message
    assert "needs a basis_note" in message


def test_rule_without_a_basis_is_refused_naming_file_key_and_allowed_values(model, rules_dir):
    message = refusal(model, rules_dir, extra().replace("  basis: publication\n", ""))
    assert "zz_extra.yaml" in message
    assert "[0].basis: rule ZZZ-01 has no 'basis'" in message
    assert "allowed: publication (a claim the publication makes), reading (the tool's reading, with a basis_note)" \
        " or calibration (a threshold or weight)" in message


def test_unknown_basis_is_refused_with_the_allowed_values(model, rules_dir):
    message = refusal(model, rules_dir, extra(basis="intuition"))
    assert "zz_extra.yaml:8: [0].basis" in message
    assert "'publication'" in message and "'reading'" in message and "'calibration'" in message


def test_score_bands_and_trends_are_not_presented_as_the_publications_claims(model):
    by_id = model.book.by_id
    for rule_id in ("SCO-01", "SCO-02", "SCO-03", "SCO-04", "SCO-14"):
        assert by_id[rule_id].basis == "calibration", rule_id
    for record in model.book.records:
        if record.id.startswith(("TRD-", "DIV-")):
            assert record.basis != "publication", record.id


# ---------------------------------------------------------------- characteristic levels: at least, at most


def accepted_levels(model, rules_dir, premise) -> list[bool]:
    write(rules_dir, extra(premise=premise, conclusion="heed: diversity"))
    loaded = load_rules(model.kb, rules_dir).by_id["ZZZ-01"].premises[0]
    return [loaded.accepts(level) for level in ("low", "medium", "high")]


def test_characteristic_at_most_a_level(model, rules_dir):
    assert accepted_levels(model, rules_dir, "{characteristic: diversity, level_at_most: medium}") == [True, True, False]


def test_characteristic_between_two_levels(model, rules_dir):
    premise = "{characteristic: diversity, level: medium, level_at_most: medium}"
    assert accepted_levels(model, rules_dir, premise) == [False, True, False]


def test_characteristic_level_range_that_is_empty_is_refused(model, rules_dir):
    premise = "{characteristic: diversity, level: high, level_at_most: low}"
    message = refusal(model, rules_dir, extra(premise=premise, conclusion="heed: diversity"))
    assert "no level satisfies both" in message


def test_level_at_most_only_on_characteristics(model, rules_dir):
    message = refusal(model, rules_dir, extra(premise="{observed: subgroups, level_at_most: low}"))
    assert "belong to characteristic premises only" in message


# ---------------------------------------------------------------- the basis where a reader meets a rule


def test_rule_command_shows_basis_and_why(model):
    record = model.book.by_id["ORG-22"]
    english = kansrijk("rule", "ORG-22", "--lang", "en")
    assert english.exit_code == 0, english.output
    assert "Basis: the tool's reading" in english.output
    assert f"Why: {record.basis_note.en}" in english.output
    dutch = kansrijk("rule", "ORG-22", "--lang", "nl")
    assert "Grondslag: lezing van het instrument" in dutch.output
    assert f"Waarom: {record.basis_note.nl}" in dutch.output
    low = kansrijk("rule", "CHA-14", "--lang", "en")
    assert "characteristic Diversity of the parties [diversity] <= low" in low.output and ">= high" not in low.output


def test_rules_command_marks_the_basis_of_each_rule():
    result = kansrijk("rules", "--section", "Tabel 1", "--lang", "en")
    assert result.exit_code == 0, result.output
    assert "SCO-02  " in result.output and "(calibration)" in result.output
    assert "(publication)" in result.output
