"""kansrijk import: a survey export (CSV or XLSX) becomes a case with the partners' own answers."""

from __future__ import annotations

import json
import zipfile
from statistics import fmean

import openpyxl
import pytest

from kansrijk.case import load_case
from kansrijk.survey import AnswerError, AnswerTable, answers, ranges, sniff_delimiter
from tests.conftest import ROOT, kansrijk

SURVEY = ROOT / "examples" / "survey"
CSV = SURVEY / "zorgalliantie_enquete.csv"
XLSX = SURVEY / "zorgalliantie_enquete.xlsx"
MAPPING = SURVEY / "mapping.yaml"
HOSPITAL, VVT, GPS = "Ziekenhuis Noorderlicht", "Zorggroep Het Anker (VVT)", "Huisartsencoöperatie Noord"


def run(*args: str):
    return kansrijk("import", *args)


def imported(tmp_path, survey=CSV, *extra: str, name: str = "case.yaml"):
    out = tmp_path / name
    result = run(survey, "--map", MAPPING, "-o", out, *extra)
    assert result.exit_code == 0, result.output
    return out, result


# -- the example survey ------------------------------------------------------------------------


def test_example_csv_becomes_a_case_with_respondents(tmp_path, model):
    out, _result = imported(tmp_path)
    case = load_case(str(out), model.kb)
    assert case.name == "Regionale zorgalliantie Noord — enquête voorjaar 2024"
    assert case.language == "nl" and case.min_group == 3
    assert len(case.respondents) == 14
    counts = {}
    for respondent in case.respondents:
        counts[respondent.organisation] = counts.get(respondent.organisation, 0) + 1
        assert len(respondent.scores) == 20
    assert counts == {HOSPITAL: 5, VVT: 5, GPS: 4}
    first = case.respondents[0]
    assert first.name == "M. Bakker"
    # "Eens" (a capitalised label) is 4, "helemaal mee eens" 5, "neutraal" 3, "mee oneens" 2
    assert first.scores["ambition.shared"] == 4 and first.scores["ambition.strategic_fit"] == 5
    assert first.scores["interests.genuine_interest"] == 3 and first.scores["relationship.group_dynamics"] == 2
    assert first.observations == ["rushed_to_contract"]
    assert case.respondents[1].name is None  # an empty name cell: an anonymous respondent
    assert case.respondents[1].scores["relationship.connecting_leadership"] is None  # "Weet niet"
    assert case.respondents[1].observations == ["permanent_negotiation", "backing_not_involved"]


def test_example_summary_counts_respondents_answers_and_missing_answers(tmp_path):
    out, result = imported(tmp_path)
    text = result.stdout
    assert "kansrijk — enquête ingelezen" in text
    assert "(CSV, scheidingsteken ';')" in text
    assert f"geschreven naar {out}" in text
    assert "14 respondenten, 273 antwoorden gelezen; 7 ontbreken (5 weet niet, 2 leeg); 15 waarnemingen." in text
    lines = text.splitlines()
    row = next(line for line in lines if line.strip().startswith("ambition.personal_meaning"))
    assert row.split()[1:4] == ["12", "1", "1"] and "'De ambitie betekent persoonlijk iets voor mij'" in row
    row = next(line for line in lines if line.strip().startswith("relationship.trust"))
    assert row.split()[1:4] == ["14", "0", "0"]
    for organisation, count in ((HOSPITAL, 5), (VVT, 5), (GPS, 4)):
        row = next(line for line in lines if line.strip().startswith(organisation))
        assert row.split()[-1] == str(count)
    assert "Genegeerde kolommen (niet gekoppeld): 'Tijdstempel', 'Functie', 'Opmerkingen'" in text
    assert "M. Bakker" not in text  # respondents' names never appear


def test_summary_in_english(tmp_path):
    _, result = imported(tmp_path, CSV, "--lang", "en")
    assert "kansrijk — survey imported" in result.stdout
    assert "14 respondents, 273 answers read; 7 missing (5 don't know, 2 empty); 15 observations." in result.stdout
    assert "Ignored columns (not mapped): 'Tijdstempel', 'Functie', 'Opmerkingen'" in result.stdout


def test_csv_and_xlsx_give_the_same_case(tmp_path, model):
    from_csv, _ = imported(tmp_path, CSV, name="csv.yaml")
    from_xlsx, result = imported(tmp_path, XLSX, name="xlsx.yaml")
    assert "(XLSX, werkblad 'Antwoorden')" in result.stdout
    assert "14 respondenten, 273 antwoorden gelezen; 7 ontbreken (5 weet niet, 2 leeg)" in result.stdout
    assert load_case(str(from_csv), model.kb) == load_case(str(from_xlsx), model.kb)
    body = [path.read_text(encoding="utf-8").split("\n", 1) for path in (from_csv, from_xlsx)]
    assert body[0][0].startswith("# imported with `kansrijk import` from \"zorgalliantie_enquete.csv\" (mapping: \"mapping.yaml\")")
    assert body[0][1] == body[1][1]


def test_example_organisations_differ_on_interests(tmp_path, model):
    """The hospital feels its interests respected, the VVT organisation and the GPs do not."""
    out, _ = imported(tmp_path)
    case = load_case(str(out), model.kb)
    interests = [i.id for i in model.kb.indicators_of("interests")]

    def mean(organisation):
        return fmean(r.scores[i] for r in case.respondents if r.organisation == organisation
                     for i in interests if r.scores.get(i) is not None)

    assert mean(HOSPITAL) >= 4 and mean(VVT) <= 2 and mean(GPS) <= 2


def test_imported_case_runs_through_advise(tmp_path):
    out, _ = imported(tmp_path)
    result = kansrijk("advise", out)
    assert result.exit_code == 0, result.output
    assert "Regionale zorgalliantie Noord — enquête voorjaar 2024" in result.output
    result = kansrijk("advise", out, "--format", "json", "--lang", "en")
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["case"] == "Regionale zorgalliantie Noord — enquête voorjaar 2024"


def test_name_option_and_json_output(tmp_path, model):
    out, _ = imported(tmp_path, CSV, "--name", "Zorg in de wijk", name="case.json")
    data = json.loads(out.read_text(encoding="utf-8"))
    assert data["name"] == "Zorg in de wijk" and len(data["respondents"]) == 14
    assert load_case(str(out), model.kb).name == "Zorg in de wijk"


def test_case_to_stdout_and_summary_to_stderr(tmp_path, model):
    result = run(CSV, "--map", MAPPING, "-o", "-")
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith("# imported with `kansrijk import`")
    assert "14 respondenten" in result.stderr and "14 respondenten" not in result.stdout
    path = tmp_path / "piped.yaml"
    path.write_text(result.stdout, encoding="utf-8")
    assert len(load_case(str(path), model.kb).respondents) == 14


def test_output_is_not_overwritten_without_force(tmp_path):
    out = tmp_path / "case.yaml"
    out.write_text("mine", encoding="utf-8")
    result = run(CSV, "--map", MAPPING, "-o", out)
    assert result.exit_code == 2
    assert "exists; add --force to overwrite it" in result.output
    assert out.read_text(encoding="utf-8") == "mine"
    result = run(CSV, "--map", MAPPING, "-o", out, "--force")
    assert result.exit_code == 0, result.output
    assert out.read_text(encoding="utf-8").startswith("# imported")
    assert not list(tmp_path.glob(".*.tmp"))  # written atomically, no leftovers


def test_output_folder_must_exist(tmp_path):
    result = run(CSV, "--map", MAPPING, "-o", tmp_path / "nope" / "case.yaml")
    assert result.exit_code == 2 and "a folder that does not exist" in result.output


def test_help_has_an_example():
    result = kansrijk("import", "--help")
    assert result.exit_code == 0 and "Example:" in result.output and "--map" in result.output


# -- the default mapping, CSV dialects ----------------------------------------------------------


def test_default_mapping_comma_csv_without_bom(tmp_path, model):
    survey = tmp_path / "enquete.csv"
    survey.write_text(
        "Organisatie,relationship.trust,interests.real_dialogue,waarnemingen,Opmerking\n"
        'Gemeente,Strongly Agree,"in grote mate","few_encounters; subgroups",prima\n'
        "Gemeente,4,Don’t know,,\n"
        ",,,,\n"
        "GGZ,  HELEMAAL   mee oneens ,,Subgroups,\n"
        "ggz ,2,1,,\n",
        encoding="utf-8",
    )
    out = tmp_path / "case.yaml"
    result = run(survey, "-o", out, "--lang", "en")
    assert result.exit_code == 0, result.output
    case = load_case(str(out), model.kb)
    assert case.name == "enquete" and case.language == "en"
    scores = [dict(r.scores) for r in case.respondents]
    assert scores == [
        {"interests.real_dialogue": 5, "relationship.trust": 5},
        {"interests.real_dialogue": None, "relationship.trust": 4},
        {"interests.real_dialogue": None, "relationship.trust": 1},
        {"interests.real_dialogue": 1, "relationship.trust": 2},
    ]
    assert case.respondents[0].observations == ["few_encounters", "subgroups"]
    assert case.respondents[2].observations == ["subgroups"]
    assert [r.organisation for r in case.respondents] == ["Gemeente", "Gemeente", "GGZ", "ggz"]
    text = result.stdout
    assert "(CSV, delimiter ',')" in text and "default mapping" in text
    assert "4 respondents, 6 answers read; 2 missing (1 don't know, 1 empty); 3 observations." in text
    assert "Ignored columns (not mapped): 'Opmerking'" in text
    assert "Empty rows skipped: 4" in text  # no row disappears silently
    assert '"GGZ", "ggz"' in text  # names that differ only in case are pointed out


def test_xlsx_with_default_mapping_reads_numbers_and_booleans(tmp_path, model):
    survey = tmp_path / "enquete.xlsx"
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(["organisation", "relationship.trust", "process.results", "Naam"])
    sheet.append(["Politie", 4, 2.0, "A"])
    sheet.append([None, None, None, None])
    sheet.append(["OM", "weet niet", 5, None])
    workbook.save(survey)
    out = tmp_path / "case.yaml"
    result = run(survey, "-o", out)
    assert result.exit_code == 0, result.output
    case = load_case(str(out), model.kb)
    assert [dict(r.scores) for r in case.respondents] == [
        {"relationship.trust": 4, "process.results": 2}, {"relationship.trust": None, "process.results": 5}]
    assert case.respondents[0].name == "A" and case.respondents[1].name is None
    assert "Lege rijen overgeslagen: 3" in result.stdout


def test_yes_no_observation_column_and_separator(tmp_path, model):
    survey = tmp_path / "s.csv"
    survey.write_text("Org;Vertrouwen;Te snel getekend?;Herkent u\nA;4;ja;Ruzie | Weinig contact\nA;3;nee;\nB;2;x;Ruzie\n",
                      encoding="utf-8")
    mapping = tmp_path / "m.yaml"
    mapping.write_text(
        "organisation: org\nscores:\n  vertrouwen: relationship.trust\nobservations:\n"
        "  - column: Te snel getekend?\n    id: rushed_to_contract\n"
        "  - column: Herkent u\n    separator: '|'\n    values:\n      Ruzie: power_games\n      Weinig contact: few_encounters\n",
        encoding="utf-8")
    out = tmp_path / "case.yaml"
    result = run(survey, "--map", mapping, "-o", out)
    assert result.exit_code == 0, result.output
    case = load_case(str(out), model.kb)
    assert [r.observations for r in case.respondents] == [
        ["rushed_to_contract", "power_games", "few_encounters"], [], ["rushed_to_contract", "power_games"]]


@pytest.mark.parametrize("text, expected", [
    ("a;b;c\n1;2,5;3\n", ";"),
    ("a,b,c\n1,2,3\n", ","),
    ('org;obs\nA;"x, y, z"\nB;w\n', ";"),
    ('org,obs\nA,"x; y"\n', ","),
])
def test_delimiter_is_sniffed(text, expected):
    assert sniff_delimiter(text) == expected


@pytest.mark.parametrize("cell, expected", [
    (1, 1), (5, 5), ("3", 3), (" 4 ", 4), (4.0, 4), ("2,0", 2),
    ("helemaal mee oneens", 1), ("Strongly disagree", 1), ("oneens", 2), ("disagree", 2),
    ("neutraal", 3), ("Neither agree nor disagree", 3), ("neutral", 3), ("EENS", 4), ("agree", 4),
    ("Helemaal  mee eens", 5), ("strongly agree", 5),
    ("nauwelijks", 1), ("hardly", 1), ("in geringe mate", 2), ("to some extent", 3), ("in redelijke mate", 4),
    ("in grote mate", 5), ("To a great extent", 5),
    ("weet niet", None), ("Don't know", None), ("don’t know", None), ("", None), (None, None), ("  ", None),
])
def test_likert_answers(cell, expected):
    assert answers().score(cell)[0] == expected


@pytest.mark.parametrize("cell, message", [
    ("heel goed", "'heel goed' is not an answer"),
    ("helemaal eens.", "did you mean 'helemaal eens'?"),
    (7, "7 is out of range"), ("0", "0 is out of range"), (3.5, "3.5 is not a whole number"),
    (True, "'True' is not an answer"),
])
def test_bad_likert_answers(cell, message):
    with pytest.raises(AnswerError) as error:
        answers().score(cell)
    assert message in str(error.value) and "1..5" in error.value.allowed


def test_a_label_may_mean_only_one_thing():
    table = {"scales": {"s": {v: {"nl": [f"n{v}"], "en": [f"e{v}"]} for v in range(1, 6)}},
             "dont_know": {"nl": ["weet niet"], "en": ["n3"]},
             "flags": {"yes": {"nl": ["ja"], "en": ["yes"]}, "no": {"nl": ["nee"], "en": ["no"]}}}
    with pytest.raises(ValueError, match="label 'n3' means both 3 and None"):
        AnswerTable.model_validate(table)


def test_ranges():
    assert ranges([9, 3, 4, 5, 11, 12]) == "3–5, 9, 11–12"


# -- bad input: every problem with its row and column, exit 2, nothing written ------------------

HEADER = "Organisatie;Vertrouwen;Dialoog\n"
TWO_COLUMNS = "organisation: Organisatie\nscores:\n  Vertrouwen: relationship.trust\n  Dialoog: interests.real_dialogue\n"

BAD = {
    "unknown_label": (
        HEADER + "A;4;3\nA;heel goed;3\n", TWO_COLUMNS,
        ["s.csv:3: column 'Vertrouwen' (relationship.trust): 'heel goed' is not an answer (allowed: 1..5;",
         "helemaal mee eens", "weet niet"]),
    "misspelt_label": (
        HEADER + "A;helemaal mee eenss;3\n", TWO_COLUMNS,
        [("s.csv:2: column 'Vertrouwen' (relationship.trust): 'helemaal mee eenss' is not an answer; "
         "did you mean 'helemaal mee eens'?")]),
    "score_of_7": (
        HEADER + "A;4;3\nB;2;7\n", TWO_COLUMNS,
        ["s.csv:3: column 'Dialoog' (interests.real_dialogue): 7 is out of range (allowed: 1..5"]),
    "not_whole": (HEADER + "A;3,5;3\n", TWO_COLUMNS, ["s.csv:2: column 'Vertrouwen' (relationship.trust): 3,5 is not a whole number"]),
    "empty_organisation": (
        HEADER + "A;4;3\n ;4;3\n", TWO_COLUMNS,
        ["s.csv:3: column 'Organisatie' (organisation): empty: every respondent needs an organisation"]),
    "missing_organisation_column": (
        "Naam;Vertrouwen;Dialoog\nx;4;3\n", TWO_COLUMNS,
        ["s.csv:1: column 'Organisatie' (organisation): not in the header (mapped in m.yaml:1)",
         "allowed: the columns of the file: 'Naam', 'Vertrouwen', 'Dialoog'"]),
    "missing_organisation_column_default_mapping": (
        "naam;relationship.trust\nx;4\n", None,
        ["s.csv:1: no organisation column", "'organisation' or 'organisatie'", "--map"]),
    "mapped_column_missing": (
        "Organisatie;Vertrouwen in elkaar;Dialoog\nA;4;3\n", TWO_COLUMNS,
        [("s.csv:1: column 'Vertrouwen' (relationship.trust): not in the header (mapped in m.yaml:3); "
         "did you mean 'Vertrouwen in elkaar'?")]),
    "column_twice_in_header": (
        "Organisatie;Vertrouwen;Dialoog;vertrouwen\nA;4;3;2\n", TWO_COLUMNS,
        ["s.csv:1: column 'Vertrouwen' (relationship.trust): the header has this column 2 times (columns 2, 4)"]),
    "unknown_indicator_in_mapping": (
        HEADER + "A;4;3\n", "organisation: Organisatie\nscores:\n  Vertrouwen: relationship.trst\n",
        ["m.yaml:3: scores.Vertrouwen: unknown indicator 'relationship.trst'; did you mean 'relationship.trust'?"]),
    "misspelt_indicator_header_default_mapping": (
        "organisatie;interests.real_dialog\nA;3\n", None,
        [("s.csv:1: column 'interests.real_dialog': unknown indicator 'interests.real_dialog'; "
         "did you mean 'interests.real_dialogue'?")]),
    "no_indicator_columns_default_mapping": (
        "organisatie;vraag 1\nA;3\n", None, ["s.csv:1: no column is named after an indicator id"]),
    "indicator_from_two_columns": (
        HEADER + "A;4;3\n", "organisation: Organisatie\nscores:\n  Vertrouwen: relationship.trust\n  Dialoog: relationship.trust\n",
        ["m.yaml:4: scores.Dialoog: indicator relationship.trust is already read from another column (line 3)"]),
    "column_used_twice": (
        HEADER + "A;4;3\n", "organisation: Organisatie\nscores:\n  organisatie: relationship.trust\n",
        ["m.yaml:3: scores.organisatie: column 'organisatie' is already mapped as the organisation (line 1)"]),
    "tab_in_mapping": (
        HEADER + "A;4;3\n", "organisation: Organisatie\nscores:\n\tVertrouwen: relationship.trust\n",
        ["m.yaml:3: there is a tab; YAML indents with spaces only (allowed: spaces instead of tabs)"]),
    "unknown_mapping_key": (
        HEADER + "A;4;3\n", TWO_COLUMNS + "colums: {}\n", ["m.yaml:5: colums: unknown key", "allowed: name, language"]),
    "mapping_without_organisation": (
        HEADER + "A;4;3\n", "scores:\n  Vertrouwen: relationship.trust\n", ["m.yaml:1: organisation: this key is required but missing"]),
    "unknown_observation": (
        "Organisatie;Vertrouwen;Dialoog;Obs\nA;4;3;few_encountres\n",
        TWO_COLUMNS + "observations:\n  - column: Obs\n",
        [("s.csv:2: column 'Obs' (observations): 'few_encountres' is not a known observation; "
         "did you mean 'few_encounters'?")]),
    "bad_flag": (
        "Organisatie;Vertrouwen;Dialoog;Snel\nA;4;3;misschien\n",
        TWO_COLUMNS + "observations:\n  - column: Snel\n    id: rushed_to_contract\n",
        ["s.csv:2: column 'Snel' (observations): 'misschien' is not yes or no", "allowed: yes: "]),
    "value_beyond_header": (HEADER + "A;4;3;oeps\n", TWO_COLUMNS, ["s.csv:2: column #4 (no header): 'oeps' lies beyond the header's 3 columns"]),
    "empty_file": ("", TWO_COLUMNS, ["s.csv: the file is empty"]),
    "only_a_bom": ("\ufeff\n", TWO_COLUMNS, ["s.csv: the file is empty"]),
    "header_only": (HEADER, TWO_COLUMNS, ["s.csv:1: the file has a header but no respondents"]),
    "unterminated_quote": (HEADER + 'A;"4;3\n', TWO_COLUMNS, ["s.csv:2: not valid CSV"]),
}


@pytest.mark.parametrize("name", sorted(BAD))
def test_bad_survey_exits_2_names_row_and_column_and_writes_nothing(tmp_path, monkeypatch, name):
    text, mapping, expected = BAD[name]
    monkeypatch.chdir(tmp_path)  # messages then name the files as given: s.csv, m.yaml
    (tmp_path / "s.csv").write_text(text, encoding="utf-8")
    args = ["s.csv", "-o", "out.yaml"]
    if mapping is not None:
        (tmp_path / "m.yaml").write_text(mapping, encoding="utf-8")
        args += ["--map", "m.yaml"]
    result = run(*args)
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output
    for fragment in expected:
        assert fragment in result.output
    assert not (tmp_path / "out.yaml").exists()
    assert not list(tmp_path.glob(".*.tmp"))


def test_every_problem_is_reported_at_once_in_file_order(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "s.csv").write_text(HEADER + "A;heel goed;7\n;4;3\nB;4;3\nC;0;weet niet\n", encoding="utf-8")
    (tmp_path / "m.yaml").write_text(TWO_COLUMNS, encoding="utf-8")
    result = run("s.csv", "--map", "m.yaml", "-o", "out.yaml")
    assert result.exit_code == 2
    lines = [line.removeprefix("Error: ") for line in result.output.splitlines() if line.strip()]
    assert [line.split(" (allowed")[0] for line in lines] == [
        "s.csv:2: column 'Vertrouwen' (relationship.trust): 'heel goed' is not an answer",
        "s.csv:2: column 'Dialoog' (interests.real_dialogue): 7 is out of range",
        "s.csv:3: column 'Organisatie' (organisation): empty: every respondent needs an organisation",
        "s.csv:5: column 'Vertrouwen' (relationship.trust): 0 is out of range",
    ]
    assert not (tmp_path / "out.yaml").exists()


def test_problems_do_not_touch_an_existing_output(tmp_path):
    survey = tmp_path / "s.csv"
    survey.write_text(HEADER + "A;heel goed;3\n", encoding="utf-8")
    mapping = tmp_path / "m.yaml"
    mapping.write_text(TWO_COLUMNS, encoding="utf-8")
    out = tmp_path / "case.yaml"
    out.write_text("mine", encoding="utf-8")
    result = run(survey, "--map", mapping, "-o", out, "--force")
    assert result.exit_code == 2 and "'heel goed' is not an answer" in result.output
    assert out.read_text(encoding="utf-8") == "mine"


def test_bad_input_to_stdout_prints_no_case(tmp_path):
    survey = tmp_path / "s.csv"
    survey.write_text("organisatie;relationship.trust\nA;9\n", encoding="utf-8")
    result = run(survey, "-o", "-")
    assert result.exit_code == 2 and result.stdout == ""
    assert "9 is out of range" in result.stderr


def test_survey_file_problems(tmp_path):
    assert "no such file" in run(tmp_path / "nope.csv", "-o", tmp_path / "o.yaml").output
    old = tmp_path / "s.xls"
    old.write_bytes(b"\xd0\xcf\x11\xe0")
    result = run(old, "-o", tmp_path / "o.yaml")
    assert result.exit_code == 2 and "the old Excel format" in result.output and "allowed: .csv, .xlsx" in result.output
    latin = tmp_path / "latin.csv"
    latin.write_bytes("organisatie;relationship.trust\nCoöperatie;4\n".encode("latin-1"))
    result = run(latin, "-o", tmp_path / "o.yaml")
    assert result.exit_code == 2 and "latin.csv:2: not UTF-8 text" in result.output


@pytest.mark.parametrize("kind", ["garbage", "truncated", "zip_without_workbook"])
def test_malformed_xlsx(tmp_path, kind):
    bad = tmp_path / "bad.xlsx"
    if kind == "garbage":
        bad.write_bytes(b"this is not a workbook\n")
    elif kind == "truncated":
        bad.write_bytes(XLSX.read_bytes()[:2000])
    else:
        with zipfile.ZipFile(bad, "w") as archive:
            archive.writestr("hello.txt", "hi")
    out = tmp_path / "o.yaml"
    result = run(bad, "-o", out)
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output
    assert "bad.xlsx: not a readable .xlsx workbook" in result.output
    assert not out.exists()


def test_xlsx_sheet_problems(tmp_path):
    mapping = tmp_path / "m.yaml"
    mapping.write_text(MAPPING.read_text(encoding="utf-8").replace("sheet: Antwoorden", "sheet: Antwoordn"), encoding="utf-8")
    result = run(XLSX, "--map", mapping, "-o", tmp_path / "o.yaml")
    assert result.exit_code == 2
    assert "no sheet 'Antwoordn'; did you mean 'Antwoorden'? (allowed: Antwoorden, Toelichting)" in result.output
    empty = tmp_path / "empty.xlsx"
    workbook = openpyxl.Workbook()
    workbook.active.title = "Leeg"
    workbook.save(empty)
    result = run(empty, "-o", tmp_path / "o.yaml")
    assert result.exit_code == 2 and "empty.xlsx: sheet 'Leeg' is empty" in result.output


def test_xlsx_problems_name_their_row(tmp_path):
    survey = tmp_path / "s.xlsx"
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(["organisatie", "relationship.trust"])
    sheet.append(["A", 4])
    sheet.append(["B", "heel goed"])
    sheet.append(["C", True])
    workbook.save(survey)
    result = run(survey, "-o", tmp_path / "o.yaml")
    assert result.exit_code == 2
    assert "s.xlsx:3: column 'relationship.trust' (relationship.trust): 'heel goed' is not an answer" in result.output
    assert "s.xlsx:4: column 'relationship.trust' (relationship.trust): 'True' is not an answer" in result.output
