"""Monitoring: two assessments of one collaboration compared, with the trend rules."""

import json
import re

import pytest
import yaml

from tests.conftest import ROOT, kansrijk

SPRING = ROOT / "examples" / "monitoring" / "sociaal_domein_voorjaar.yaml"
AUTUMN = ROOT / "examples" / "monitoring" / "sociaal_domein_najaar.yaml"


def compare(*args):
    result = kansrijk("compare", *args)
    assert result.exit_code == 0, result.output
    return result


@pytest.fixture(scope="module")
def data():
    return json.loads(compare(SPRING, AUTUMN, "--format", "json").output)


def test_change_per_indicator_and_condition(data):
    rows = {(r["level"], r["id"]): r for r in data["scores"]}
    assert rows[("indicator", "relationship.trust")]["delta"] == -2
    assert rows[("condition", "process")]["before"] == 3.75 and rows[("condition", "process")]["after"] == 2
    assert rows[("condition", "ambition")]["delta"] == 0


def test_trend_rules_fire_on_the_new_assessment(data):
    appeared = {c["id"]: c for c in data["changes"] if c["kind"] == "dynamic" and c["change"] == "appeared"}
    assert "TRD-02" in appeared["stagnation"]["rules"]
    assert "TRD-01" in appeared["energy_loss"]["rules"]
    relationship = next(c for c in data["changes"] if c["kind"] == "status" and c["id"] == "relationship")
    assert "TRD-04" in relationship["rules"]


def test_resolved_dynamics_and_new_advice(data):
    resolved = [c["id"] for c in data["changes"] if c["kind"] == "dynamic" and c["change"] == "disappeared"]
    assert "robust_collaboration" in resolved
    new_advice = [c["id"] for c in data["changes"] if c["kind"] == "advice" and c["change"] == "appeared"]
    assert "make_phases_explicit" in new_advice
    assert data["before"]["focus"] is None and data["after"]["focus"] == "process"


def test_comparing_an_assessment_with_itself_changes_nothing():
    result = compare(SPRING, SPRING, "--lang", "en")
    assert "Nothing changes" in result.output


def test_reversed_order_reverses_the_deltas():
    forward = json.loads(compare(SPRING, AUTUMN, "--format", "json").output)
    backward = json.loads(compare(AUTUMN, SPRING, "--format", "json").output)
    deltas = {r["id"]: r["delta"] for r in forward["scores"]}
    assert all(r["delta"] == -deltas[r["id"]] for r in backward["scores"])


def test_text_output_in_both_languages():
    assert "Scores" in compare(SPRING, AUTUMN, "--lang", "nl").output
    english = compare(SPRING, AUTUMN, "--lang", "en").output
    assert "What changed" in english and "Advice on the new assessment" in english


def section(text: str, start: str, end: str | None = None) -> str:
    body = text.split(start, 1)[1]
    return body.split(end, 1)[0] if end else body


# -- a dynamic worded for what it means: threats resolve, strengths are gone ---------------------

def test_a_strength_that_disappears_is_gone_not_resolved():
    """Robust collaboration (a positive dynamic) held in spring and not in autumn: bad news."""
    english = compare(SPRING, AUTUMN, "--lang", "en").output
    assert "dynamic Robust collaboration: gone" in english
    assert "Robust collaboration: resolved" not in english
    dutch = compare(SPRING, AUTUMN, "--lang", "nl").output
    assert "dynamiek Robuuste samenwerking: verdwenen" in dutch and "opgelost (" not in dutch


def test_a_threat_that_appears_threatens_and_one_that_disappears_is_resolved():
    forward = compare(SPRING, AUTUMN, "--lang", "en").output
    assert "dynamic Stagnation: now threatens" in forward
    backward = compare(AUTUMN, SPRING, "--lang", "en").output
    assert "dynamic Stagnation: resolved" in backward
    assert "dynamic Robust collaboration: emerged" in backward


# -- words for people, numbers in JSON -----------------------------------------------------------

DECIMAL = re.compile(r"(?<![§\d.])\d[.,]\d")  # a number with decimals, not a section (§5.3)


def test_text_says_bands_likelihoods_and_ranks_not_certainties():
    english = compare(SPRING, AUTUMN, "--lang", "en").output
    changes = section(english, "What changed", "Advice on the new assessment")
    assert "status A joint process: worsens (strong -> concern)" in changes
    assert "dynamic Loss of energy: now threatens (– -> certain)" in changes
    advice = section(english, "Advice on the new assessment")
    assert "1. Make the phases explicit — A joint process\n" in advice
    assert not DECIMAL.search(changes) and not DECIMAL.search(advice)
    assert "priority" not in english
    dutch = compare(SPRING, AUTUMN, "--lang", "nl").output
    assert not DECIMAL.search(section(dutch, "Wat veranderde"))
    assert "prioriteit" not in dutch


def test_detail_adds_the_numbers_and_json_keeps_them(data):
    detail = compare(SPRING, AUTUMN, "--lang", "en", "--detail").output
    assert "(strong -0.30 -> concern 1.00)" in detail
    assert "[priority 160.9; certainty" in detail
    process = next(c for c in data["changes"] if c["kind"] == "status" and c["id"] == "process")
    assert process["before_neglect"] == -0.3 and process["after_neglect"] > 0.99
    assert (process["before_band"], process["after_band"]) == ("strong", "concern")
    energy = next(c for c in data["changes"] if c["kind"] == "dynamic" and c["id"] == "energy_loss")
    assert energy["polarity"] == "negative" and energy["after_likelihood"] == "certain"
    assert isinstance(energy["after"], float)
    assert data["after"]["advice"][0]["priority"] > 100


# -- the dates of both assessments ---------------------------------------------------------------

def dated(tmp_path, source, date):
    """A copy of an assessment with another date (None: undated)."""
    target = tmp_path / f"{date}.yaml"
    text = re.sub(r"^date: .*\n", "", source.read_text(encoding="utf-8"), flags=re.M)
    target.write_text((f"date: {date}\n" if date else "") + text, encoding="utf-8")
    return target


def test_dates_of_both_assessments_in_text_and_json(tmp_path):
    spring, autumn = dated(tmp_path, SPRING, "2024-03-14"), dated(tmp_path, AUTUMN, "2024-10-02")
    data = json.loads(compare(spring, autumn, "--format", "json").output)
    assert (data["old_date"], data["new_date"], data["in_order"]) == ("2024-03-14", "2024-10-02", True)
    assert data["before"]["date"] == "2024-03-14" and data["after"]["date"] == "2024-10-02"
    english = compare(spring, autumn, "--lang", "en").output
    assert "(assessment of 2024-03-14)" in english and "(assessment of 2024-10-02)" in english
    assert "Note:" not in english


def test_an_old_assessment_not_dated_before_the_new_one_gets_a_note(tmp_path):
    spring, autumn = dated(tmp_path, SPRING, "2024-03-14"), dated(tmp_path, AUTUMN, "2024-10-02")
    data = json.loads(compare(autumn, spring, "--format", "json").output)  # exit 0: a note, no error
    assert data["in_order"] is False
    english = compare(autumn, spring, "--lang", "en").output
    assert "Note: the earlier assessment (2024-10-02) is not dated before the new one (2024-03-14)" in english
    dutch = compare(autumn, autumn, "--lang", "nl").output
    assert "Let op: de eerdere meting (2024-10-02) is niet van vóór de nieuwe (2024-10-02)" in dutch


def test_undated_assessments_get_no_dates_and_no_note(tmp_path):
    spring, autumn = dated(tmp_path, SPRING, None), dated(tmp_path, AUTUMN, "")
    data = json.loads(compare(spring, autumn, "--format", "json").output)
    assert data["old_date"] is None and data["in_order"] is None
    assert "assessment of" not in compare(spring, autumn, "--lang", "en").output


# -- monitoring itself (§5.4): the new assessment's focus, reason and ways of working ------------

def test_the_new_focus_with_its_reason_and_the_ways_of_working(model):
    from kansrijk.case import load_case
    from kansrijk.monitor import compare_cases

    result = compare_cases(model, load_case(str(SPRING), model.kb), load_case(str(AUTUMN), model.kb), "en")
    assert "monitor_with_indicators" in [m.id for m in result.after.methods]  # there is an earlier assessment
    english = compare(SPRING, AUTUMN, "--lang", "en").output
    now = section(english, "Advice on the new assessment")
    lines = now.strip().splitlines()
    assert lines[0] == "Point of application (§5.3): A joint process (concern)"
    assert lines[1].startswith("  ") and "A joint process is the most neglected" in lines[1]
    assert "(§4, §5.3)" in lines[1]
    ways = section(now, "How to go about it (§5)", "Interventions")
    for method in result.after.methods:
        assert f"  - {method.name} (" in ways
    assert "- Monitor the collaboration with the indicators (§5.4" in ways
    data = json.loads(compare(SPRING, AUTUMN, "--format", "json").output)
    assert "monitor_with_indicators" in [m["id"] for m in data["after"]["methods"]]
    assert data["after"]["focus_reason"]["reason"] == "most_neglected"


def test_no_focus_says_why():
    english = compare(SPRING, SPRING, "--lang", "en").output
    now = section(english, "Advice on the new assessment")
    assert "Point of application (§5.3): none\n  In what is known, no condition needs work." in now


def test_bad_second_file_exits_2(tmp_path):
    bad = tmp_path / "new.yaml"
    bad.write_text("name: x\nscores: {process.results: 9}\n", encoding="utf-8")
    result = kansrijk("compare", SPRING, bad, env={"KANSRIJK_LANG": None})
    # NEW names no language: its errors in English, whatever the language of OLD
    assert result.exit_code == 2 and "9 is out of range" in result.output


@pytest.mark.parametrize("args", [("--detail",), ()], ids=["detail", "summary"])
def test_dated_out_of_order_output_is_one_language(tmp_path, args):
    """The note, the dates, the reason and the ways of working added here, read like test_language."""
    from tests.test_language import dutch_slips, english_slips

    spring, autumn = dated(tmp_path, SPRING, "2024-03-14"), dated(tmp_path, AUTUMN, "2024-10-02")
    names = [yaml.safe_load(p.read_text(encoding="utf-8"))["name"] for p in (SPRING, AUTUMN)]

    def text(lang):
        output = compare(autumn, spring, "--lang", lang, *args).output
        for name in names:
            output = output.replace(name, "")
        return output

    assert dutch_slips(text("en")) == []
    assert english_slips(text("nl")) == []
