"""Bad input of every kind: exit code 2 and a message naming the file, the key, the line and what is allowed."""

import pytest

from tests.conftest import HEALTHCARE, kansrijk

CASES = {
    "malformed_yaml": (
        "name: x\nscores: [1\n",
        ["bad.yaml:", "not valid YAML"],
    ),
    "empty_file": ("", ["bad.yaml: the file is empty"]),
    "not_a_mapping": ("- a\n- b\n", ["bad.yaml:1", "a case is a mapping"]),
    "wrong_type": (
        "name: x\nscores:\n  ambition.shared: 3.5\n",
        ["bad.yaml:3: scores.ambition.shared: 3.5 is not a whole number", "1..5"],
    ),
    "out_of_range": (
        "name: x\nscores:\n  relationship.trust: 7\n",
        ["bad.yaml:3: scores.relationship.trust: 7 is out of range", "1..5"],
    ),
    "zero_score": (
        "name: x\nscores:\n  relationship.trust: 0\n",
        ["scores.relationship.trust: 0 is out of range"],
    ),
    "unknown_indicator": (
        "name: x\nscores:\n  interests.real_dialog: 2\n",
        ["bad.yaml:3: scores.interests.real_dialog: unknown indicator", "did you mean 'interests.real_dialogue'?"],
    ),
    "unknown_observation": (
        "name: x\nobservations:\n  - permanent_negotiaton\n",
        ["bad.yaml:3: observations[0]: unknown dynamic or signal", "did you mean 'permanent_negotiation'?"],
    ),
    "unknown_characteristic": (
        "name: x\ncharacteristics:\n  split_loyalties: high\n",
        ["characteristics.split_loyalties: unknown characteristic", "did you mean 'split_loyalty'?"],
    ),
    "unknown_level": (
        "name: x\ncharacteristics:\n  split_loyalty: very high\n",
        ["bad.yaml:3: characteristics.split_loyalty: 'very high' is not a level", "low | medium | high"],
    ),
    "unknown_language": ("name: x\nlanguage: fr\n", ["bad.yaml:2: language: 'fr' is not allowed", "'nl' or 'en'"]),
    "unknown_key": ("name: x\nscore: {}\n", ["bad.yaml:2: score: unknown key", "allowed: name, language"]),
    "missing_name": ("scores: {}\n", ["name: this key is required but missing"]),
    "duplicate_key": (
        "name: x\nscores:\n  ambition.shared: 3\n  ambition.shared: 4\n",
        ["bad.yaml:4", "duplicate key 'ambition.shared' (first on line 3)"],
    ),
    "observation_twice": (
        "name: x\nobservations: [subgroups, subgroups]\n",
        ["observations: listed more than once: subgroups"],
    ),
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_bad_case_exits_2_with_a_clear_message(tmp_path, name):
    text, expected = CASES[name]
    path = tmp_path / "bad.yaml"
    path.write_text(text, encoding="utf-8")
    result = kansrijk("advise", path)
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output
    for fragment in expected:
        assert fragment in result.output


def test_every_problem_in_a_file_is_reported_at_once(tmp_path):
    path = tmp_path / "bad.yaml"
    path.write_text("name: x\nscores:\n  relationship.trust: 9\nobservations: [nope]\n", encoding="utf-8")
    result = kansrijk("advise", path)
    assert result.exit_code == 2
    assert "scores.relationship.trust" in result.output and "observations[0]" in result.output


def test_malformed_json_names_its_line(tmp_path):
    path = tmp_path / "bad.json"
    path.write_text('{"name": "x",\n "scores": {"ambition.shared": 2,}}', encoding="utf-8")
    result = kansrijk("advise", path)
    assert result.exit_code == 2
    assert "bad.json:2: not valid JSON" in result.output


def test_missing_file(tmp_path):
    result = kansrijk("advise", tmp_path / "nope.yaml")
    assert result.exit_code == 2
    assert "nope.yaml: no such file" in result.output


def test_bad_case_from_stdin_is_named_stdin():
    result = kansrijk("advise", "-", input="name: x\nscores: {ambition.shared: 6}\n")
    assert result.exit_code == 2
    assert "<stdin>:2: scores.ambition.shared: 6 is out of range" in result.output


def test_output_file_is_not_overwritten_without_force(tmp_path):
    case = tmp_path / "case.yaml"
    case.write_text("name: x\n", encoding="utf-8")
    out = tmp_path / "advice.txt"
    out.write_text("mine", encoding="utf-8")
    result = kansrijk("advise", case, "-o", out)
    assert result.exit_code == 2
    assert "--force" in result.output
    assert out.read_text(encoding="utf-8") == "mine"
    result = kansrijk("advise", case, "-o", out, "--force")
    assert result.exit_code == 0
    assert out.read_text(encoding="utf-8") != "mine"


def test_output_into_a_missing_folder_is_refused(tmp_path):
    case = tmp_path / "case.yaml"
    case.write_text("name: x\n", encoding="utf-8")
    result = kansrijk("advise", case, "-o", tmp_path / "nope" / "out.txt")
    assert result.exit_code == 2
    assert "is in a folder that does not exist" in result.output
    assert "Traceback" not in result.output


DATES = ["2026-13-45", '"2026-13-45"', '"abc"', "2024-02-31", "[2026, 3, 15]", '"2026-03-15 10:00"']
DATE_MESSAGES = {
    "nl": ("Fout: bad.yaml:3: date: '{value}' is geen geldige datum",
           "(toegestaan: de datum van de meting als JJJJ-MM-DD, bijvoorbeeld 2026-03-15)"),
    "en": ("Error: bad.yaml:3: date: '{value}' is not a valid date",
           "(allowed: the date of the assessment as YYYY-MM-DD, for example 2026-03-15)"),
}


@pytest.mark.parametrize("lang", ["nl", "en"])
@pytest.mark.parametrize("date", DATES)
def test_a_bad_date_is_said_in_the_case_language_with_what_is_allowed(tmp_path, date, lang):
    """Not pydantic's English "Input should be a valid date or datetime, invalid character in year"
    (quoted) nor YAML's "month must be in 1..12" before the case's language is known (unquoted)."""
    path = tmp_path / "bad.yaml"
    path.write_text(f"name: x\nlanguage: {lang}\ndate: {date}\n", encoding="utf-8")
    result = kansrijk("advise", path)
    assert result.exit_code == 2
    said, allowed = DATE_MESSAGES[lang]
    value = date.strip('"')
    assert result.output.startswith(f"{said.format(value=value)} {allowed}".replace("bad.yaml", str(path))), result.output
    assert "Input should" not in result.output and "month must" not in result.output


@pytest.mark.parametrize("options, message", [
    (["--top", "2", "--all"], "advise.top_and_all"),
    (["--audience", "partners", "--detail"], "advise.detail_for_partners"),
])
@pytest.mark.parametrize("lang", ["nl", "en"])
def test_advise_and_report_refuse_the_same_options_alike(options, message, lang):
    from kansrijk.errors import Msg

    said = Msg(message).render(lang)
    for command in ("advise", "report"):
        result = kansrijk(command, HEALTHCARE, *options, "--lang", lang)
        assert result.exit_code == 2, (command, result.output)
        assert said in result.output, command
