"""Control characters in typed text: refused where a case, a survey export or a mapping is read, with
a message naming the field and the character (exit code 2), in Dutch and English; free text (notes)
keeps its line breaks and tabs. PostgreSQL cannot store a NUL, and the others are invisible on a page."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from kansrijk.case import Case
from kansrijk.cli import main
from kansrijk.errors import InputError
from kansrijk.yamlfile import Document, validate
from tests.conftest import ROOT

SURVEY = ROOT / "examples" / "survey"


def kansrijk(*args) -> tuple[int, str]:
    result = CliRunner().invoke(main, [str(a) for a in args])
    return result.exit_code, result.output


@pytest.mark.parametrize(("text", "said"), [
    ('name: "a\\0b"\n', "bad.yaml:1: name: holds the control character U+0000 (character 2)"),
    ('name: "two\\nlines"\n', "name: holds the control character U+000A (character 4); this is one line"),
    ('name: "tab\\tin"\n', "name: holds the control character U+0009"),
    ('name: x\nnotes: "bell \\a"\n', "bad.yaml:2: notes: holds the control character U+0007 (character 6); line breaks"),
    ('name: x\nnotes: "\\x7f"\n', "notes: holds the control character U+007F"),
    ('name: x\nrespondents:\n  - organisation: "A\\x1b"\n', "respondents[0].organisation: holds the control character U+001B"),
    ('name: x\nrespondents:\n  - organisation: A\n    name: "\\x85"\n', "respondents[0].name: holds the control character U+0085"),
])
def test_a_control_character_in_a_case_file_is_refused_naming_the_field(tmp_path, text, said):
    bad = tmp_path / "bad.yaml"
    bad.write_text(text, encoding="utf-8")
    code, output = kansrijk("advise", bad, "--lang", "en")
    assert code == 2 and said in output, output


def test_the_message_is_dutch_too(tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text('name: "a\\0b"\nlanguage: nl\n', encoding="utf-8")
    code, output = kansrijk("advise", bad)
    assert code == 2 and "name: bevat het stuurteken U+0000 (teken 2)" in output, output


def test_notes_keep_line_breaks_and_tabs(model):
    case = validate(Case, Document("form", {"name": "  Zorg Oost ", "notes": "one\n\ttwo\n"}), context={"kb": model.kb})
    assert (case.name, case.notes) == ("Zorg Oost", "one\n\ttwo\n")


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


@pytest.mark.parametrize(("old", "new", "role"), [("Ziekenhuis Noorderlicht", "Ziekenhuis\x01Noorderlicht", "organisation"),
                                                  ("M. Bakker", "M.\x02Bakker", "respondent")])
def test_a_control_character_in_a_survey_cell_is_refused_with_its_row_and_column(tmp_path, old, new, role):
    code, output = kansrijk("import", survey_with(tmp_path, old, new), "--map", SURVEY / "mapping.yaml",
                            "-o", tmp_path / "out.yaml", "--lang", "en")
    assert code == 2 and f"enquete.csv:2: column '{'Organisatie' if role == 'organisation' else 'Naam'}'" in output, output
    assert "holds the control character U+00" in output and not (tmp_path / "out.yaml").exists()


def test_line_breaks_in_a_survey_cell_become_spaces(tmp_path):
    path = survey_with(tmp_path, "Ziekenhuis Noorderlicht", '"Ziekenhuis\nNoorderlicht"')
    code, output = kansrijk("import", path, "--map", SURVEY / "mapping.yaml", "-o", tmp_path / "out.yaml")
    assert code == 0, output
    assert "organisation: Ziekenhuis Noorderlicht" in (tmp_path / "out.yaml").read_text(encoding="utf-8")


def test_a_control_character_in_a_mapping_or_the_name_given_is_refused(tmp_path):
    mapping = tmp_path / "mapping.yaml"
    mapping.write_text((SURVEY / "mapping.yaml").read_text(encoding="utf-8").replace(
        "name: Regionale zorgalliantie Noord — enquête voorjaar 2024", 'name: "\\x02"', 1), encoding="utf-8")
    code, output = kansrijk("import", SURVEY / "zorgalliantie_enquete.csv", "--map", mapping, "-o", tmp_path / "a.yaml",
                            "--lang", "en")
    assert code == 2 and "mapping.yaml:5: name: holds the control character U+0002" in output, output
    code, output = kansrijk("import", SURVEY / "zorgalliantie_enquete.csv", "--map", SURVEY / "mapping.yaml",
                            "--name", "a\x03", "-o", tmp_path / "b.yaml", "--lang", "en")
    assert code == 2 and "name: holds the control character U+0003" in output and "bug" not in output, output
