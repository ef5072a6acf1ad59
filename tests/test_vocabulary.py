"""One vocabulary everywhere (issue 8, part 6): case files, `whatif --set`, the interview and
import accept the same words; conditions by their Dutch word; sections in either language."""

import json

import pytest

from kansrijk.case import load_case
from kansrijk.errors import MessageError
from kansrijk.glossary import glossary
from kansrijk.vocabulary import CONDITION_ALIASES, level_value, score_value, section
from tests.conftest import ROOT, kansrijk

HEALTHCARE = ROOT / "examples" / "zorgalliantie.yaml"


def run(*args, input=None):
    return kansrijk(*args, input=input, env={"KANSRIJK_LANG": None})


@pytest.mark.parametrize("given, expected", [
    (4, 4), ("4", 4), (" 2 ", 2), (None, None), ("?", None), ("weet niet", None), ("Weet  ik niet", None),
    ("don't know", None), ("don\u2019t know", None), ("none", None), ("mee eens", 4), ("Helemaal mee eens", 5),
    ("strongly disagree", 1), ("in grote mate", 5), ("to some extent", 3), ("neutraal", 3),
])
def test_scores(given, expected):
    assert score_value(given) == expected


@pytest.mark.parametrize("given, message", [
    ("drie", "'drie' is not a score"), ("7", "7 is out of range"), ("3.5", "'3.5' is not a whole number"),
    ("mee eenss", "did you mean 'mee eens'?"),
])
def test_bad_scores(given, message):
    with pytest.raises(MessageError, match=message):
        score_value(given)


@pytest.mark.parametrize("given, expected", [
    ("high", "high"), ("hoog", "high"), ("HOOG", "high"), ("h", "high"), ("middel", "medium"), ("medium", "medium"),
    ("laag", "low"), ("l", "low"), ("weet niet", None), ("?", None), ("don't know", None),
])
def test_levels(given, expected):
    assert level_value(given) == expected


def test_bad_level():
    with pytest.raises(MessageError, match="'hooog' is not a level; did you mean 'hoog'?"):
        level_value("hooog")


@pytest.mark.parametrize("given, expected", [
    ("§4.2", "§4.2"), ("4.2", "§4.2"), ("§ 4.2", "§4.2"), ("par. 3.1", "§3.1"), ("2", "§2"),
    ("Tabel 1", "Tabel 1"), ("Table 1", "Tabel 1"), ("tabel 1", "Tabel 1"), ("Figure 2", "Figuur 2"),
    ("Figuur 2", "Figuur 2"), ("fig. 2", "Figuur 2"), ("§9", None), ("Table 3", None), ("4.9", None), ("x", None),
])
def test_sections(given, expected):
    assert section(given) == expected


def test_condition_aliases_are_the_glossary_words(model):
    """Each Dutch alias names a condition, and the glossary's Dutch term of each condition is one."""
    terms = glossary().terms("nl")
    for ident in CONDITION_ALIASES.values():
        assert ident in model.kb.by_id["condition"]
    for concept in ("ambition", "interests", "relationships", "organisation", "process"):
        assert terms[concept] in CONDITION_ALIASES


# -- case files --------------------------------------------------------------------------------


def test_a_case_in_words_loads(tmp_path, model):
    path = tmp_path / "case.yaml"
    path.write_text("name: x\nlanguage: nl\ncharacteristics:\n  split_loyalty: hoog\n  diversity: weet niet\n"
                    "  new_reality: Middel\nscores:\n  interests.real_dialogue: weet niet\n"
                    "  ambition.shared: mee eens\n  ambition.meaningful: '3'\n  process.phasing: '?'\n"
                    "  process.results: in grote mate\n", encoding="utf-8")
    case = load_case(str(path), model.kb)
    assert case.characteristics == {"split_loyalty": "high", "new_reality": "medium"}
    assert case.scores == {"interests.real_dialogue": None, "ambition.shared": 4, "ambition.meaningful": 3,
                           "process.phasing": None, "process.results": 5}
    assert run("advise", path).exit_code == 0


def test_respondents_answer_in_words(tmp_path, model):
    path = tmp_path / "case.yaml"
    path.write_text("name: x\nmin_group: 1\nrespondents:\n  - organisation: A\n    scores:\n"
                    "      relationship.trust: eens\n      relationship.group_dynamics: weet niet\n", encoding="utf-8")
    case = load_case(str(path), model.kb)
    assert case.respondents[0].scores == {"relationship.trust": 4, "relationship.group_dynamics": None}


@pytest.mark.parametrize("key", ["scores", "characteristics", "observations", "respondents", "notes"])
def test_an_empty_key_means_none(tmp_path, model, key):
    path = tmp_path / "case.yaml"
    path.write_text(f"name: x\n{key}:\n", encoding="utf-8")
    case = load_case(str(path), model.kb)
    assert not getattr(case, key)
    assert "valid dictionary" not in run("advise", path).output


def test_a_bad_score_word_says_what_is_allowed(tmp_path):
    path = tmp_path / "case.yaml"
    path.write_text("name: x\nscores:\n  ambition.shared: hoog\n", encoding="utf-8")
    result = run("advise", path)
    assert result.exit_code == 2
    assert "case.yaml:3: scores.ambition.shared: 'hoog' is not a score" in result.output
    assert "'agree'" in result.output and "don't know" in result.output


def test_a_tab_gets_a_plain_message(tmp_path):
    path = tmp_path / "case.yaml"
    path.write_text("name: x\nscores:\n\tambition.shared: 3\n", encoding="utf-8")
    result = run("advise", path)
    assert result.exit_code == 2
    assert "case.yaml:3: there is a tab; YAML indents with spaces only (allowed: spaces instead of tabs)" in result.output
    assert "cannot start any token" not in result.output
    stdin = run("advise", "-", input=path.read_text(encoding="utf-8"))
    assert "<stdin>:3: there is a tab" in stdin.output


@pytest.mark.parametrize("text, line, tab", [
    ("phases:\n\t- id: start\n", 2, True),  # a tab that indents
    ("a: b: c\t\n", 1, True),  # another error, on a line with a tab: the tab is still the likely cause
    ("a: \"x\ty\"\nb: c: d\n", 2, False),  # a tab in a string, the error on another line
])
def test_every_yaml_file_says_a_tab_plainly_when_the_line_the_parser_stopped_at_has_one(text, line, tab):
    from kansrijk.errors import InputError
    from kansrijk.yamlfile import parse_text

    with pytest.raises(InputError) as caught:
        parse_text(text, "knowledge/phases.yaml")
    (problem,) = caught.value.problems
    assert problem.line == line
    assert problem.message.ident == ("vocab.yaml_tab" if tab else "not_valid_yaml")
    assert (problem.allowed == "spaces instead of tabs") if tab else problem.allowed is None


@pytest.mark.parametrize("text, message", [
    ("scores:\n  split_loyalty: 3\n", "unknown indicator 'split_loyalty'; 'split_loyalty' is a characteristic"),
    ("observations: [organise_encounters]\n", "'organise_encounters' is an intervention"),
    ("scores:\n  interests: 3\n", "'interests' is a condition"),
    ("observations: [belangen]\n", "'belangen' is a condition"),
])
def test_an_id_of_another_kind_says_its_kind(tmp_path, text, message):
    path = tmp_path / "case.yaml"
    path.write_text("name: x\n" + text, encoding="utf-8")
    result = run("advise", path)
    assert result.exit_code == 2 and message in result.output, result.output


# -- the command line ----------------------------------------------------------------------------


@pytest.mark.parametrize("value", ["weet niet", "?", "none", "don't know"])
def test_whatif_set_dont_know(value):
    words = json.loads(run("whatif", HEALTHCARE, "--set", f"interests.real_dialogue={value}", "--format", "json").output)
    assert words["edits"][0]["value"] is None


def test_whatif_set_a_likert_label():
    result = json.loads(run("whatif", HEALTHCARE, "--set", "interests.real_dialogue=helemaal mee eens",
                            "--format", "json").output)
    assert result["edits"][0]["value"] == 5


@pytest.mark.parametrize("args", [
    ["rules", "--condition", "{}"], ["model", "{}", "--format", "json"], ["graph", "--condition", "{}"],
    ["quiz", "--condition", "{}", "--seed", "3", "--answers", "1,1,1", "--format", "json"],
    ["explain", HEALTHCARE, "--condition", "{}", "--format", "json"],
])
def test_a_condition_by_its_dutch_word(args):
    by_id = run(*[a.format("interests") if isinstance(a, str) else a for a in args])
    by_word = run(*[a.format("Belangen") if isinstance(a, str) else a for a in args])
    assert by_id.exit_code == 0, by_id.output
    assert by_word.exit_code == 0, by_word.output
    assert by_word.output == by_id.output


@pytest.mark.parametrize("word, ident", [("ambitie", "ambition"), ("relaties", "relationship"),
                                         ("organisatie", "organisation"), ("proces", "process")])
def test_every_condition_has_its_dutch_word(word, ident):
    assert run("model", word, "--format", "json").output == run("model", ident, "--format", "json").output


@pytest.mark.parametrize("given, canonical", [
    ("4.2", "§4.2"), ("§ 4.2", "§4.2"), ("Table 1", "Tabel 1"), ("tabel 1", "Tabel 1"), ("Figure 2", "Figuur 2"),
])
def test_rules_section_in_either_form(given, canonical):
    result = run("rules", "--section", given, "--format", "json")
    assert result.exit_code == 0, result.output
    assert result.output == run("rules", "--section", canonical, "--format", "json").output
    assert json.loads(result.output)


def test_a_bad_section_lists_both_languages():
    result = run("rules", "--section", "Table 9")
    assert result.exit_code == 2
    assert "'Table 9' is not a section of the publication" in result.output and "'Table 1'" in result.output


def test_why_not_suggests_the_intervention_and_says_so():
    result = run("explain", HEALTHCARE, "--why-not", "organise_meetings", "--lang", "en")
    assert result.exit_code == 2
    assert "did you mean the intervention 'organise_encounters'?" in result.output


def test_advice_shows_each_intervention_id(model):
    from kansrijk.case import load_case as load

    report = model.advise(load(str(HEALTHCARE), model.kb), "en")
    text = run("advise", HEALTHCARE, "--lang", "en").output
    markdown = run("advise", HEALTHCARE, "--lang", "en", "--format", "markdown").output
    for item in report.advice[:5]:
        assert f"[{item.intervention}]" in text
        assert f"`{item.intervention}`" in markdown
        # and that id is what --why-not takes
        assert run("explain", HEALTHCARE, "--why-not", item.intervention).exit_code == 0


def test_a_score_written_with_a_sign_or_a_leading_zero_is_that_score():
    from kansrijk.errors import MessageError
    from kansrijk.vocabulary import score_value

    assert score_value("03") == score_value("+3") == 3
    with pytest.raises(MessageError):
        score_value("07")


def _kb(**ids):
    """A knowledge base with only the ids given, every other kind empty."""
    from types import SimpleNamespace

    from kansrijk.vocabulary import ID_KINDS

    return SimpleNamespace(by_id={kind: ids.get(kind, []) for kind in ID_KINDS})


@pytest.mark.parametrize("ids, expected, found", [
    # equally close: the kind earlier in ID_KINDS, whichever kind the list gives first
    ({"intervention": ["abcx"], "indicator": ["abcy"]}, ("method",), ("indicator", "abcy")),
    ({"indicator": ["abcx"], "intervention": ["abcy"]}, ("method",), ("indicator", "abcx")),
    # equally close in one kind: the later id
    ({"signal": ["abcy", "abcx"]}, ("signal",), ("signal", "abcy")),
    # an expected kind that is close enough wins over a closer word of another kind
    ({"indicator": ["abcz"], "intervention": ["abcy"]}, ("intervention",), ("intervention", "abcy")),
    # a condition's Dutch word names the condition
    ({"condition": ["interests"]}, ("condition",), ("condition", "interests")),
    ({"indicator": ["abcx"]}, ("indicator",), None),
])
def test_closest_id_prefers_expected_kinds_then_the_order_of_kinds(ids, expected, found):
    from kansrijk.vocabulary import closest_id

    value = "belangn" if "condition" in ids else ("zzzz" if found is None else "abcz")
    assert closest_id(value, _kb(**ids), expected) == found
