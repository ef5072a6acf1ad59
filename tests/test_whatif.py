"""whatif: before and after, every change with the rule behind it."""

import json
import re

import pytest

from tests.conftest import EXAMPLES, HEALTHCARE, kansrijk


def whatif_json(*args):
    result = kansrijk("whatif", str(HEALTHCARE), "--format", "json", *args)
    assert result.exit_code == 0, result.output
    return json.loads(result.output)


def test_removing_the_rushed_contract_removes_its_advice_and_names_the_rules():
    data = whatif_json("--remove", "rushed_to_contract")
    gone = {c["id"]: c for c in data["changes"] if c["kind"] == "advice" and c["change"] == "disappeared"}
    assert "return_to_ambition_phase" in gone
    assert "INT-05" in gone["return_to_ambition_phase"]["rules"]
    assert "return_to_ambition_phase" not in [a["intervention"] for a in data["after"]["advice"]]
    assert "return_to_ambition_phase" in [a["intervention"] for a in data["before"]["advice"]]


def test_raising_scores_can_move_the_focus():
    scores = [f"--set={i}=5" for i in ("interests.genuine_interest", "interests.value_for_each",
                                       "interests.room_to_negotiate", "interests.real_dialogue")]
    data = whatif_json(*scores, "--remove", "rushed_to_contract", "--remove", "permanent_negotiation",
                       "--remove", "backing_not_involved")
    focus = [c for c in data["changes"] if c["kind"] == "focus"]
    assert focus and focus[0]["before"] == "interests" and focus[0]["after"] != "interests"
    status = next(c for c in data["changes"] if c["kind"] == "status" and c["id"] == "interests")
    assert status["before"] == "weak" and status["after"] != "weak" and status["rules"]
    assert status["before_neglect"] > status["after_neglect"]


def test_adding_an_observation_makes_a_dynamic_appear_with_its_rule():
    data = whatif_json("--add", "agreement_only")
    appeared = {c["id"]: c for c in data["changes"] if c["kind"] == "dynamic" and c["change"] == "appeared"}
    assert "under_organisation" in appeared
    assert any(r.startswith("DIA-") or r.startswith("ORG-") for r in appeared["under_organisation"]["rules"])


def test_an_edit_that_changes_nothing_says_so():
    # relationship.trust is 3 already
    result = kansrijk("whatif", str(HEALTHCARE), "--set", "relationship.trust=3", "--lang", "en")
    assert result.exit_code == 0
    assert "Nothing changes" in result.output


def test_text_shows_before_and_after_side_by_side():
    result = kansrijk("whatif", str(HEALTHCARE), "--remove", "rushed_to_contract", "--lang", "en")
    assert result.exit_code == 0
    assert "before" in result.output and "after" in result.output
    assert "disappears" in result.output and "; rules: " in result.output


INTERESTS_FIXED = [f"--set={i}=5" for i in ("interests.genuine_interest", "interests.value_for_each",
                                             "interests.room_to_negotiate", "interests.real_dialogue")] + [
    "--remove", "rushed_to_contract", "--remove", "permanent_negotiation", "--remove", "backing_not_involved"]


def focus_rows(text: str, label: str) -> list[str]:
    """The focus row of the before/after table and the line under it."""
    lines = text.splitlines()
    i = next(n for n, line in enumerate(lines) if line.startswith(label))
    return lines[i:i + 2]


def test_a_new_focus_comes_with_its_reason():
    result = kansrijk("whatif", str(HEALTHCARE), *INTERESTS_FIXED, "--lang", "en")
    assert result.exit_code == 0, result.output
    row, reason = focus_rows(result.output, "Point of application (§5.3)")
    assert row.split()[-3:] == ["A", "meaningful", "ambition"]
    # the reason the advice gives for this focus (_macros.j2), in one line with its section
    assert reason.startswith("  ") and "A meaningful ambition" in reason and re.search(r"\(§\d", reason)
    assert "\u00a0" not in reason


def test_an_unchanged_focus_gets_no_reason_line():
    result = kansrijk("whatif", str(HEALTHCARE), "--set", "relationship.trust=2", "--lang", "en")
    _, below = focus_rows(result.output, "Point of application (§5.3)")
    assert below.startswith("A meaningful ambition ")


def test_text_says_bands_and_likelihoods_json_and_detail_the_numbers():
    english = kansrijk("whatif", str(HEALTHCARE), *INTERESTS_FIXED, "--lang", "en").output
    assert "status Respect for each other's interests: improves (concern -> strong)" in english
    changes = english.split("What changes", 1)[1]
    assert not re.search(r"(?<![§\d.])\d[.,]\d", changes) and "priority" not in english
    table = english.split("What changes", 1)[0]
    assert "Respect for each other's interests     concern" in table and " weak " not in table
    detail = kansrijk("whatif", str(HEALTHCARE), *INTERESTS_FIXED, "--lang", "en", "--detail").output
    assert re.search(r"improves \(concern 1\.00 -> strong -\d\.\d\d\)", detail)
    assert "[priority " in detail
    data = whatif_json(*INTERESTS_FIXED)
    status = next(c for c in data["changes"] if c["kind"] == "status" and c["id"] == "interests")
    assert (status["before_band"], status["after_band"]) == ("concern", "strong")
    focus = next(c for c in data["changes"] if c["kind"] == "focus")
    assert focus["before_reason"] and focus["after_reason"] == data["after"]["focus_reason"]["reason"]


def test_a_change_in_certainty_alone_shows_only_in_detail():
    text = kansrijk("whatif", str(HEALTHCARE), "--remove", "rushed_to_contract", "--lang", "en").output
    assert "(concern -> concern)" not in text and "Changes in certainty alone: 2; --detail shows them." in text
    detail = kansrijk("whatif", str(HEALTHCARE), "--remove", "rushed_to_contract", "--lang", "en", "--detail").output
    assert "changes (concern 1.00 -> concern 0.99)" in detail and "Changes in certainty alone" not in detail


def test_dynamics_are_worded_per_polarity():
    english = kansrijk("whatif", str(HEALTHCARE), *INTERESTS_FIXED, "--lang", "en").output
    assert "dynamic Motivated partners: emerges (– -> likely)" in english
    assert "dynamic Defensive behaviour: disappears (likely -> –)" in english
    dutch = kansrijk("whatif", str(HEALTHCARE), "--add", "enemy_images", "--lang", "nl").output
    assert "dynamiek Vijandbeelden: dreigt (– -> " in dutch


@pytest.mark.parametrize("args, message", [
    (["--set", "relationship.trust"], "is not INDICATOR=VALUE"),
    (["--set", "relationship.trust=high"], "'high' is not a score"),
    (["--set", "relationship.trust=3.5"], "'3.5' is not a whole number"),
    (["--set", "relationship.trust=6"], "6 is out of range"),
    (["--set", "relationship.trusts=3"], "did you mean 'relationship.trust'?"),
    (["--add", "subgroup"], "did you mean 'subgroups'?"),
    (["--add", "rushed_to_contract"], "is already observed"),
    (["--remove", "subgroups"], "is not among the case's observations"),
])
def test_bad_edits_exit_2(args, message):
    result = kansrijk("whatif", str(HEALTHCARE), *args, "--lang", "en")
    assert result.exit_code == 2
    assert message in result.output


def test_whatif_needs_an_edit():
    assert kansrijk("whatif", str(HEALTHCARE)).exit_code == 2


@pytest.mark.parametrize("example", EXAMPLES, ids=lambda p: p.stem)
def test_whatif_on_every_example(example, model):
    from kansrijk.case import load_case

    case = load_case(str(example), model.kb)
    edit = ["--remove", case.observations[0]] if case.observations else ["--set", "process.results=1"]
    result = kansrijk("whatif", str(example), "--format", "json", *edit)
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["changes"], "removing an observation or a very low score changes something"
    assert all(c["rules"] for c in data["changes"] if c["change"] in ("appeared", "disappeared"))


@pytest.mark.parametrize("args", [("--detail",), ()], ids=["detail", "summary"])
def test_new_words_and_reasons_are_one_language(args):
    from tests.test_language import dutch_slips, english_slips

    def text(lang):
        result = kansrijk("whatif", str(HEALTHCARE), *INTERESTS_FIXED, "--add", "enemy_images", "--lang", lang, *args)
        assert result.exit_code == 0, result.output
        return result.output

    assert dutch_slips(text("en")) == []
    assert english_slips(text("nl")) == []


def test_what_stays_the_same_is_read_from_the_two_reports(model):
    from kansrijk.case import load_case
    from kansrijk.whatif import Edit, what_if

    case = load_case(str(HEALTHCARE), model.kb)
    small = what_if(model, case, [Edit(option="set", key="relationship.trust", value=4)], "en")
    assert small.same_focus() and small.before.focus == small.after.focus
    assert small.same_first(1) == (small.before.advice[0].intervention == small.after.advice[0].intervention)
    interests = [Edit(option="set", key=i.id, value=5) for i in model.kb.indicators_of("interests")]
    moved = what_if(model, case, interests + [Edit(option="remove", key="rushed_to_contract"),
                                              Edit(option="remove", key="permanent_negotiation")], "en")
    assert moved.before.focus != moved.after.focus and not moved.same_focus()
    # the caller's own record and report of the case give the same answer as the engine run again
    inference = model.infer(case)
    assert what_if(model, case, interests, "en", now=(inference, model.report(case, inference, "en"))) \
        == what_if(model, case, interests, "en")
