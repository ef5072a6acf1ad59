"""The rule browser and the model command."""

import json

import pytest

from kansrijk.minimal import MinimalCases, infer_example
from tests.conftest import kansrijk


def test_rules_lists_every_rule(model):
    result = kansrijk("rules", "--format", "json")
    assert result.exit_code == 0
    assert [r["id"] for r in json.loads(result.output)] == [r.id for r in model.book.records]


def test_rules_json_says_what_each_rule_rests_on(model):
    """Every rule's basis (publication, reading, calibration) and, in the chosen language, why."""
    for lang in ("nl", "en"):
        data = {r["id"]: r for r in json.loads(kansrijk("rules", "--format", "json", "--lang", lang).output)}
        for record in model.book.records:
            assert data[record.id]["basis"] == record.basis, record.id
            note = data[record.id]["basis_note"]
            assert note == (record.basis_note(lang) if record.basis_note else None), record.id
        readings = [r for r in data.values() if r["basis"] == "reading"]
        assert readings and all(r["basis_note"] for r in readings)  # a reading always says why
    assert {r["basis"] for r in data.values()} == {"publication", "reading", "calibration"}


def test_rules_filter_by_section_and_condition(model):
    data = json.loads(kansrijk("rules", "--section", "§4.4", "--condition", "organisation", "--format", "json").output)
    assert data and all("§4.4" in r["sections"] for r in data)
    assert "ORG-01" in [r["id"] for r in data]
    assert "INT-01" not in [r["id"] for r in data]


def test_rule_shows_everything_of_one_rule():
    result = kansrijk("rule", "INT-05", "--lang", "en")
    assert result.exit_code == 0
    for part in ("Claim:", "§3.2", "If (all premises hold):", "observed Rushed to the contract [rushed_to_contract]", "Then: advice",
                 "Fed by: ", "INT-03", "Smallest example case", "The rule applies to this case"):
        assert part in result.output


def test_rule_json_has_feeding_and_example():
    data = json.loads(kansrijk("rule", "ORG-25", "--format", "json").output)
    assert data["fed_by"] and data["feeds"]
    assert data["example"]["case"]
    assert data["basis"] == "publication"


@pytest.mark.parametrize("args, message", [
    (["rule", "INT-3"], "did you mean 'INT-03'?"),
    (["rules", "--condition", "interest"], "did you mean 'interests'?"),
    (["rules", "--section", "§9"], "is not a section of the publication"),
    (["model", "procces"], "did you mean 'process'?"),
])
def test_unknown_ids_exit_2(args, message):
    result = kansrijk(*args)
    assert result.exit_code == 2
    assert message in result.output


def test_every_rules_example_case_makes_it_fire(model):
    """The example `kansrijk rule` shows is checked on the engine, for every rule instance."""
    finder = MinimalCases(model)
    for instance in model.book.instances:
        case = finder.case_for(instance)
        assert case is not None, instance.key
        # the example is what makes it fire: on an empty case it does not
        assert not any(f.rule == instance.id and f.binding == instance.binding
                       for f in infer_example(model, {}).firings), instance.key
        firings = infer_example(model, case).firings
        assert any(f.rule == instance.id and f.binding == instance.binding for f in firings), instance.key


def test_model_shows_a_condition_with_its_parts(model):
    result = kansrijk("model", "interests", "--lang", "en")
    assert result.exit_code == 0
    for indicator in model.kb.indicators_of("interests"):
        assert f"[{indicator.id}]" in result.output
    assert "[permanent_negotiation]" in result.output and "[reopen_interest_dialogue]" in result.output
    assert "[pseudo_collaboration]" not in result.output


def test_model_whole_in_dutch_has_characteristics_and_sources(model):
    result = kansrijk("model")
    assert result.exit_code == 0
    assert "Kenmerken van een samenwerkingsvraagstuk (§2)" in result.output
    assert "Fisher" in result.output and "Isaacs" in result.output
    assert all(f"[{c.id}]" in result.output for c in model.kb.conditions)


def test_model_json():
    data = json.loads(kansrijk("model", "--format", "json").output)
    assert len(data["conditions"]) == 5 and len(data["indicators"]) == 20
