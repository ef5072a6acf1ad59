"""A NUL in typed text: refused where a case, a survey export or a mapping is read, with a message
naming the field and the place (exit code 2), in Dutch and English, since the workbench's database
(PostgreSQL) cannot store it. Every other character is kept, and made harmless per output format
(tests/test_escaping.py)."""

from __future__ import annotations

import pytest

from kansrijk.case import Case
from kansrijk.errors import InputError
from kansrijk.yamlfile import Document, validate
from tests.conftest import ROOT, kansrijk

SURVEY = ROOT / "examples" / "survey"


def outcome(*args) -> tuple[int, str]:
    """The exit code and the output of `kansrijk *args`."""
    result = kansrijk(*args)
    return result.exit_code, result.output


@pytest.mark.parametrize(("text", "said"), [
    ('name: "a\\0b"\n', "bad.yaml:1: name: holds the character NUL (character 2), which cannot be stored"),
    ('name: x\nnotes: "bell \\0"\n', "bad.yaml:2: notes: holds the character NUL (character 6)"),
    ('name: x\nrespondents:\n  - organisation: "A\\0"\n', "respondents[0].organisation: holds the character NUL"),
    ('name: x\nrespondents:\n  - organisation: A\n    name: "\\0"\n', "respondents[0].name: holds the character NUL"),
])
def test_a_nul_in_a_case_file_is_refused_naming_the_field(tmp_path, text, said):
    bad = tmp_path / "bad.yaml"
    bad.write_text(text, encoding="utf-8")
    code, output = outcome("advise", bad, "--lang", "en")
    assert code == 2 and said in output, output


def test_the_message_is_dutch_too(tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text('name: "a\\0b"\nlanguage: nl\n', encoding="utf-8")
    code, output = outcome("advise", bad)
    assert code == 2 and "name: bevat het teken NUL (teken 2)" in output, output


def test_every_other_character_is_kept(model):
    data = {"name": "  Zorg\x1b O\x85ost ", "notes": "one\n\ttwo\x07\n"}
    case = validate(Case, Document("form", data), context={"kb": model.kb})
    assert (case.name, case.notes) == ("Zorg\x1b O\x85ost", "one\n\ttwo\x07\n")


def test_forms_get_the_same_problem_as_the_command_line(model):
    # the workbench validates a form as a Document of a Case: the same problem, keyed by the field
    with pytest.raises(InputError) as refused:
        validate(Case, Document("form", {"name": "a\x00b", "notes": "ok\x00"}), context={"kb": model.kb})
    assert sorted(p.key for p in refused.value.problems) == ["name", "notes"]


def survey_with(tmp_path, old: str, new: str):
    text = (SURVEY / "zorgalliantie_enquete.csv").read_text(encoding="utf-8-sig")
    assert old in text
    path = tmp_path / "enquete.csv"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return path


@pytest.mark.parametrize(("old", "new", "role"), [("Ziekenhuis Noorderlicht", "Ziekenhuis\x00Noorderlicht", "organisation"),
                                                  ("M. Bakker", "M.\x00Bakker", "respondent")])
def test_a_nul_in_a_survey_is_refused_with_its_row(tmp_path, old, new, role):
    code, output = outcome("import", survey_with(tmp_path, old, new), "--map", SURVEY / "mapping.yaml",
                           "-o", tmp_path / "out.yaml", "--lang", "en")
    # a CSV file with a NUL is no text file at all; the cell check guards a spreadsheet's cells
    assert code == 2 and "enquete.csv:2: not a text file (it contains NUL bytes)" in output, output
    assert not (tmp_path / "out.yaml").exists()


def test_line_breaks_in_a_survey_cell_become_spaces(tmp_path):
    path = survey_with(tmp_path, "Ziekenhuis Noorderlicht", '"Ziekenhuis\nNoorderlicht"')
    code, output = outcome("import", path, "--map", SURVEY / "mapping.yaml", "-o", tmp_path / "out.yaml")
    assert code == 0, output
    assert "organisation: Ziekenhuis Noorderlicht" in (tmp_path / "out.yaml").read_text(encoding="utf-8")


def test_a_nul_in_a_mapping_or_the_name_given_is_refused(tmp_path):
    mapping = tmp_path / "mapping.yaml"
    mapping.write_text((SURVEY / "mapping.yaml").read_text(encoding="utf-8").replace(
        "name: Regionale zorgalliantie Noord — enquête voorjaar 2024", 'name: "\\0"', 1), encoding="utf-8")
    code, output = outcome("import", SURVEY / "zorgalliantie_enquete.csv", "--map", mapping, "-o", tmp_path / "a.yaml",
                           "--lang", "en")
    assert code == 2 and "mapping.yaml:5: name: holds the character NUL" in output, output
    code, output = outcome("import", SURVEY / "zorgalliantie_enquete.csv", "--map", SURVEY / "mapping.yaml",
                           "--name", "a\x00", "-o", tmp_path / "b.yaml", "--lang", "en")
    assert code == 2 and "name: holds the character NUL" in output and "bug" not in output, output
