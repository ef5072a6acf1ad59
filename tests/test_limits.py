"""Every bound of kansrijk/limits.py: refused quickly, with a message that names the file, the place
and what is allowed. Each test must finish well under 2 s (the timer is in the test)."""

from __future__ import annotations

import json
import time
import zipfile
from contextlib import contextmanager
from pathlib import Path
from unittest import mock

import pytest

from kansrijk import limits
from kansrijk.case import load_case
from kansrijk.errors import InputError
from kansrijk.survey import import_survey, read_table
from kansrijk.yamlfile import parse_text, read_bytes, read_document
from tests.conftest import HEALTHCARE, kansrijk


@contextmanager
def quick(seconds: float = 2.0):
    start = time.perf_counter()
    yield
    elapsed = time.perf_counter() - start
    assert elapsed < seconds, f"took {elapsed:.1f} s"


def refused(path, kb=None) -> str:
    """The English message of the InputError that reading path as a case raises."""
    with pytest.raises(InputError) as caught:
        load_case(str(path), kb)
    return caught.value.render("en")


def advise(*args, **kwargs):
    result = kansrijk("advise", *args, **kwargs)
    assert "Traceback" not in result.output
    return result


# -- input size ------------------------------------------------------------------------------


def test_a_file_larger_than_the_bound_is_refused_without_reading_it_all(tmp_path, monkeypatch, model):
    monkeypatch.setenv(limits.MAX_INPUT_ENV, "1")
    path = tmp_path / "big.yaml"
    path.write_text("name: x\nnotes: " + "a" * (limits.MB + 10) + "\n", encoding="utf-8")
    with quick():
        message = refused(path, model.kb)
    assert message == (f"{path}: the file is larger than 1 MB (allowed: at most 1 MB; "
                       f"set {limits.MAX_INPUT_ENV} to a number of MB to read a larger file)")


def test_the_default_size_bound_is_20_mb_and_configurable(monkeypatch, tmp_path):
    monkeypatch.delenv(limits.MAX_INPUT_ENV, raising=False)
    assert limits.MAX_INPUT_BYTES == 20 * limits.MB
    assert limits.max_input_bytes() == 20 * limits.MB
    # the bound itself: a file of exactly 20 MB is read whole, one byte more is refused
    at, over = tmp_path / "at.yaml", tmp_path / "over.yaml"
    for path, size in ((at, 20 * limits.MB), (over, 20 * limits.MB + 1)):
        with path.open("wb") as file:
            file.truncate(size)
    with quick():
        assert len(read_bytes(at)) == 20 * limits.MB
        with pytest.raises(InputError) as caught:
            read_bytes(over)
    assert caught.value.render("en").startswith(f"{over}: the file is larger than 20 MB")
    for value, expected in (("50", 50 * limits.MB), ("0", limits.MAX_INPUT_BYTES), ("x", limits.MAX_INPUT_BYTES),
                            ("9" * 5000, limits.MAX_INPUT_BYTES)):
        monkeypatch.setenv(limits.MAX_INPUT_ENV, value)
        assert limits.max_input_bytes() == expected


def test_dev_zero_stops_at_the_bound(monkeypatch):
    if not Path("/dev/zero").exists():
        pytest.skip("no /dev/zero here")
    monkeypatch.delenv(limits.MAX_INPUT_ENV, raising=False)
    with quick():
        result = advise("/dev/zero")
    assert result.exit_code == 2
    assert "Error: /dev/zero: the file is larger than 20 MB" in result.output


def test_standard_input_has_the_same_bound(monkeypatch):
    monkeypatch.setenv(limits.MAX_INPUT_ENV, "1")
    with quick():
        result = advise("-", input=b"\0" * (limits.MB + 1))
    assert result.exit_code == 2
    assert "Error: <stdin>: the file is larger than 1 MB" in result.output


def test_a_survey_has_the_same_size_bound(tmp_path, monkeypatch, model):
    monkeypatch.setenv(limits.MAX_INPUT_ENV, "1")
    path = tmp_path / "big.csv"
    path.write_text("organisation;relationship.trust\n" + "A;3\n" * 300_000, encoding="utf-8")
    with quick(), pytest.raises(InputError) as caught:
        import_survey(path, None, model.kb)
    assert "big.csv: the file is larger than 1 MB" in caught.value.render("en")


# -- YAML aliases ------------------------------------------------------------------------------

ALIAS_BOMB = """\
a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]
b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]
c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]
d: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]
e: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]
f: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e]
g: &g [*f,*f,*f,*f,*f,*f,*f,*f,*f]
h: &h [*g,*g,*g,*g,*g,*g,*g,*g,*g]
i: &i [*h,*h,*h,*h,*h,*h,*h,*h,*h]
"""


def test_an_alias_bomb_is_refused_at_once(tmp_path, model):
    path = tmp_path / "bomb.yaml"
    path.write_text(ALIAS_BOMB, encoding="utf-8")
    with quick(0.5):
        message = refused(path, model.kb)
    assert "a YAML alias (*name or <<: *name) is not allowed here" in message
    assert "(allowed: the values themselves, written out in each place)" in message
    assert message.startswith(f"{path}:2: b[0]: ")


@pytest.mark.parametrize("text", [
    "name: &n x\nnotes: *n\n",
    "base: &b {name: x}\n<<: *b\n",
    "name: x\nscores: &s {ambition.shared: 3}\nrespondents:\n  - {organisation: A, scores: *s}\n",
    "a: &a [*a]\n",
    "&k name: x\n*k : y\n",
])
def test_every_alias_is_refused(text):
    with pytest.raises(InputError) as caught:
        parse_text(text, "case.yaml")
    assert "YAML alias" in caught.value.render("en")


def test_an_anchor_without_an_alias_is_harmless():
    assert parse_text("name: &n x\n", "case.yaml").data == {"name": "x"}


# -- nesting depth ---------------------------------------------------------------------------------


@pytest.mark.parametrize("suffix, text, where", [
    (".json", "[" * 5000 + "]" * 5000, "case.json: "),
    (".json", '{"a":' * 40 + "1" + "}" * 40, "case.json:1: a.a.a"),
    (".yaml", "".join("  " * depth + f"k{depth}:\n" for depth in range(40)) + "  " * 40 + "1\n", "case.yaml:33: k0.k1"),
    (".yaml", "[" * 40 + "]" * 40, "case.yaml:1: [0][0]"),
])
def test_nesting_deeper_than_the_bound_is_refused(suffix, text, where):
    with quick(), pytest.raises(InputError) as caught:
        parse_text(text, "case" + suffix)
    message = caught.value.render("en")
    assert message.startswith(where), message
    assert f"nested more than {limits.MAX_DEPTH} levels deep" in message


def test_a_case_nests_far_less_deep_than_the_bound():
    doc = read_document(HEALTHCARE)
    depth = max(len(loc) for loc in doc.lines)
    assert depth < limits.MAX_DEPTH // 4


# -- number of keys ------------------------------------------------------------------------------


@pytest.mark.parametrize("suffix", [".yaml", ".json"])
def test_more_keys_than_the_bound_are_refused_before_validation(tmp_path, model, suffix):
    keys = {f"k{i}": 1 for i in range(limits.MAX_KEYS + 1)}
    path = tmp_path / f"many{suffix}"
    if suffix == ".json":
        path.write_text(json.dumps({"name": "x", "extra": keys}), encoding="utf-8")
    else:
        path.write_text("name: x\nextra:\n" + "".join(f"  {key}: 1\n" for key in keys), encoding="utf-8")
    with quick():
        message = refused(path, model.kb)
    assert f"more than {limits.MAX_KEYS} keys" in message
    assert message.startswith(f"{path}:")


def test_many_keys_in_the_text_of_notes_are_not_keys():
    # the quick bound on keys counts ':' and ','; a text full of them is still read
    text = "name: x\nnotes: '" + "a: b, " * (limits.MAX_KEYS // 2) + "'\n"
    assert parse_text(text, "case.yaml").data["name"] == "x"


# -- long numbers ----------------------------------------------------------------------------------


@pytest.mark.parametrize("name, text, where", [
    ("case.json", '{"name": "x",\n "min_group": ' + "9" * 5000 + "}", "case.json:2: "),
    ("case.yaml", "name: x\nmin_group: " + "9" * 5000 + "\n", "case.yaml:2: "),
    ("case.yaml", "name: x\nscores:\n  ? " + "9" * 5000 + "\n  : 3\n", "case.yaml:3: "),
])
def test_a_number_longer_than_the_bound_is_refused(name, text, where):
    with quick(), pytest.raises(InputError) as caught:
        parse_text(text, name)
    message = caught.value.render("en")
    assert message == f"{where}a number of 5000 digits; at most {limits.MAX_DIGITS} digits are allowed"
    assert "geen" not in message
    assert caught.value.render("nl").endswith(f"een getal van 5000 cijfers; hoogstens {limits.MAX_DIGITS} cijfers zijn toegestaan")


def test_a_date_that_does_not_exist_is_a_message_not_a_traceback():
    """It stays text for the reader, so the key that wants a date says so (tests/test_cli_errors.py)."""
    assert parse_text("name: x\ndate: 2024-02-31\n", "case.yaml").data["date"] == "2024-02-31"


# -- number of problems reported ---------------------------------------------------------------------


def test_only_the_first_problems_are_listed_then_how_many_more(tmp_path, model):
    path = tmp_path / "many.yaml"
    path.write_text("name: x\nscores:\n" + "".join(f"  nope.{i}: 3\n" for i in range(1000)), encoding="utf-8")
    with quick():
        result = advise(path)
    assert result.exit_code == 2
    lines = result.output.strip().splitlines()
    assert len(lines) == limits.MAX_PROBLEMS + 1
    assert lines[-1] == f"… and {1000 - limits.MAX_PROBLEMS} more problems (the first {limits.MAX_PROBLEMS} are above)"
    result = advise(path, env={"KANSRIJK_LANG": "nl"})
    assert result.output.strip().splitlines()[-1].startswith(f"… en nog {1000 - limits.MAX_PROBLEMS} problemen")


def test_a_hundred_thousand_unknown_keys_take_no_time_and_print_little(tmp_path, model):
    path = tmp_path / "many.json"
    path.write_text(json.dumps({"name": "x", **{f"unknown_{i}": 1 for i in range(100_000)}}), encoding="utf-8")
    with quick():
        result = advise(path)
    assert result.exit_code == 2
    assert len(result.output) < 20_000
    assert "more problems" in result.output


# -- survey rows and columns -------------------------------------------------------------------------


def test_a_survey_with_more_rows_than_the_bound_is_refused(tmp_path):
    path = tmp_path / "rows.csv"
    path.write_text("organisation;relationship.trust\n" + "A;3\n" * limits.MAX_SURVEY_ROWS, encoding="utf-8")
    with quick(), pytest.raises(InputError) as caught:
        read_table(path)
    assert caught.value.render("en") == (
        f"{path}:{limits.MAX_SURVEY_ROWS + 1}: more than {limits.MAX_SURVEY_ROWS} rows (allowed: at most "
        f"{limits.MAX_SURVEY_ROWS} rows and {limits.MAX_SURVEY_COLUMNS} columns; remove empty or unneeded rows "
        "and columns from the export)")


def test_a_csv_value_beyond_the_last_column_read_is_refused(tmp_path):
    path = tmp_path / "wide.csv"
    path.write_text("organisation;relationship.trust\nA;3" + ";" * limits.MAX_SURVEY_COLUMNS + "x\n",
                    encoding="utf-8")
    with quick(), pytest.raises(InputError) as caught:
        read_table(path)
    assert caught.value.render("en").startswith(
        f"{path}:2: a value in column {limits.MAX_SURVEY_COLUMNS + 2}; at most {limits.MAX_SURVEY_COLUMNS} columns are read")


def test_empty_cells_beyond_the_last_column_read_are_dropped(tmp_path):
    path = tmp_path / "padded.csv"
    pad = ";" * (limits.MAX_SURVEY_COLUMNS + 5)
    path.write_text(f"organisation;relationship.trust{pad}\nA;3{pad}\n", encoding="utf-8")
    table = read_table(path)
    assert table.header == ["organisation", "relationship.trust"]
    assert len(table.rows[0][1]) == limits.MAX_SURVEY_COLUMNS


def xlsx_by_hand(path: Path, rows: list[list[tuple[str, object]]]) -> Path:
    """A minimal workbook written as XML directly (openpyxl would take seconds for 20,000 rows):
    rows of (cell reference column, value)."""
    def cell(ref: str, value: object) -> str:
        if isinstance(value, str):
            return f'<c r="{ref}" t="inlineStr"><is><t>{value}</t></is></c>'
        return f'<c r="{ref}"><v>{value}</v></c>'

    body = "".join(f'<row r="{number}">' + "".join(cell(f"{column}{number}", value) for column, value in row)
                   + "</row>" for number, row in enumerate(rows, start=1))
    ns = 'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'
    rel = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", (
            '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
            '<Default Extension="xml" ContentType="application/xml"/>'
            '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
            '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
            '</Types>'))
        archive.writestr("_rels/.rels", (
            '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            f'<Relationship Id="rId1" Type="{rel}/officeDocument" Target="xl/workbook.xml"/></Relationships>'))
        archive.writestr("xl/workbook.xml", (
            f'<?xml version="1.0" encoding="UTF-8"?><workbook {ns} xmlns:r="{rel}">'
            '<sheets><sheet name="Antwoorden" sheetId="1" r:id="rId1"/></sheets></workbook>'))
        archive.writestr("xl/_rels/workbook.xml.rels", (
            '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            f'<Relationship Id="rId1" Type="{rel}/worksheet" Target="worksheets/sheet1.xml"/></Relationships>'))
        archive.writestr("xl/worksheets/sheet1.xml",
                         f'<?xml version="1.0" encoding="UTF-8"?><worksheet {ns}><sheetData>{body}</sheetData></worksheet>')
    return path


def test_an_xlsx_cell_in_column_xfd_on_20000_rows_is_refused_at_once(tmp_path):
    rows = [[("A", "organisation"), ("B", "relationship.trust")]]
    rows += [[("A", "A"), ("B", 3), ("XFD", "x")] for _ in range(20_000)]
    path = xlsx_by_hand(tmp_path / "xfd.xlsx", rows)
    assert path.stat().st_size < 300_000
    with quick(), pytest.raises(InputError) as caught:
        read_table(path)
    assert caught.value.render("en").startswith(
        f"{path}:2: a value in column XFD; at most {limits.MAX_SURVEY_COLUMNS} columns are read (allowed: ")


def test_an_xlsx_with_more_rows_than_the_bound_is_refused(tmp_path):
    rows = [[("A", "organisation"), ("B", "relationship.trust")]]
    rows += [[("A", "A"), ("B", 3)] for _ in range(limits.MAX_SURVEY_ROWS)]
    path = xlsx_by_hand(tmp_path / "rows.xlsx", rows)
    with quick(), pytest.raises(InputError) as caught:
        read_table(path)
    assert f"{path}:{limits.MAX_SURVEY_ROWS + 1}: more than {limits.MAX_SURVEY_ROWS} rows" in caught.value.render("en")


def test_the_hand_made_workbook_reads_like_any_other(tmp_path):
    path = xlsx_by_hand(tmp_path / "ok.xlsx", [[("A", "organisation"), ("B", "relationship.trust")], [("A", "A"), ("B", 3)]])
    table = read_table(path)
    assert table.header == ["organisation", "relationship.trust"] and table.rows == [(2, ["A", 3])]


# -- JSON parsed once --------------------------------------------------------------------------------


def test_json_is_parsed_by_the_json_module_alone(tmp_path, model):
    path = tmp_path / "case.json"
    path.write_text('{"name": "x\\u0085y", "scores": {"ambition.shared": 3}}', encoding="utf-8")
    with mock.patch("kansrijk.yamlfile._parse_yaml", side_effect=AssertionError("parsed as YAML")):
        case = load_case(str(path), model.kb)
    assert case.name == "x\x85y"


@pytest.mark.parametrize("raw", [
    '\ufeff{"name": "x"}',  # a byte-order mark
    '{"name": "x\u0085y"}',  # C1 control characters, which YAML does not allow
    '{"name": "x\u009fy", "notes": "\u0080"}',
])
def test_valid_json_with_a_bom_or_c1_characters_loads(tmp_path, model, raw):
    path = tmp_path / "case.json"
    path.write_text(raw, encoding="utf-8")
    assert load_case(str(path), model.kb).name.startswith("x")
    assert advise("-", input=raw.encode("utf-8")).exit_code == 0


def test_a_json_problem_names_the_line_the_json_decoder_found(tmp_path, model):
    path = tmp_path / "case.json"
    path.write_text('{\n  "name": "x",\n  "scores": {\n    "ambition.shared": 3,\n    "relationship.trust": 9\n  },\n'
                    '  "respondents": [\n    {"organisation": "A", "scores": {"nope": 1}}\n  ]\n}\n', encoding="utf-8")
    message = refused(path, model.kb)
    assert f"{path}:5: scores.relationship.trust: 9 is out of range" in message
    assert f"{path}:8: respondents[0].scores.nope: unknown indicator" in message


def test_a_large_json_case_loads_quickly(tmp_path, model):
    indicators = list(model.kb.by_id["indicator"])
    respondents = [{"organisation": f"org{i % 7}", "scores": {ind: 1 + (i + j) % 5 for j, ind in enumerate(indicators)}}
                   for i in range(10_000)]
    path = tmp_path / "big.json"
    path.write_text(json.dumps({"name": "big", "respondents": respondents}), encoding="utf-8")
    with quick(3.0):
        case = load_case(str(path), model.kb)
    assert len(case.respondents) == 10_000


# -- standard input ----------------------------------------------------------------------------------


def test_non_utf8_on_standard_input_is_a_message(model):
    result = advise("-", input=b"name: x\nnotes: \xff\xfe\n")
    assert result.exit_code == 2
    assert result.output == "Error: <stdin>:2: not UTF-8 text\n"


def test_a_non_utf8_file_names_its_line(tmp_path, model):
    path = tmp_path / "case.yaml"
    path.write_bytes(b"name: x\n\nnotes: caf\xe9\n")
    assert refused(path, model.kb) == f"{path}:3: not UTF-8 text"


# -- the top level -----------------------------------------------------------------------------------


def test_an_unwritable_output_folder_is_exit_2_naming_the_path(tmp_path):
    target = tmp_path / "out.txt"
    denied = PermissionError(13, "Permission denied", str(tmp_path / ".out.txt.x.tmp"))
    with mock.patch("tempfile.mkstemp", side_effect=denied):
        result = advise(HEALTHCARE, "-o", target)
    assert result.exit_code == 2, result.output
    assert "Permission denied" in result.output
    assert str(tmp_path) in result.output


def test_any_os_error_at_the_top_level_is_exit_2_naming_the_path():
    denied = PermissionError(13, "Permission denied", "/nowhere/.advice.txt.tmp")
    with mock.patch("kansrijk.model.load_model", side_effect=denied):
        result = advise(HEALTHCARE)
    assert result.exit_code == 2
    assert result.output == ("Error: /nowhere/.advice.txt.tmp: cannot read or write this file: Permission denied "
                             "(allowed: a file you may read, or an output file in a folder you may write to)\n")


def test_an_unexpected_error_is_a_short_message_with_where_to_report_it(monkeypatch):
    monkeypatch.delenv("KANSRIJK_DEBUG", raising=False)
    with mock.patch("kansrijk.model.load_model", side_effect=ZeroDivisionError("boom")):
        result = advise(HEALTHCARE)
        assert result.exit_code == 1
        assert result.output.startswith("Error: unexpected error (ZeroDivisionError: boom). This is a bug in kansrijk")
        assert "issue tracker" in result.output and "--debug or KANSRIJK_DEBUG=1" in result.output
        assert result.exception is None or isinstance(result.exception, SystemExit)
        dutch = advise(HEALTHCARE, env={"KANSRIJK_LANG": "nl"})
        assert dutch.output.startswith("Fout: onverwachte fout (ZeroDivisionError: boom)")


@pytest.mark.parametrize("how", ["option", "environment"])
def test_the_trace_only_with_debug(how):
    with mock.patch("kansrijk.model.load_model", side_effect=ZeroDivisionError("boom")):
        if how == "option":
            result = kansrijk("--debug", "advise", HEALTHCARE)
        else:
            result = kansrijk("advise", HEALTHCARE, env={"KANSRIJK_DEBUG": "1"})
    assert isinstance(result.exception, ZeroDivisionError)


def test_a_value_longer_than_the_hint_length_gets_no_did_you_mean(model):
    from kansrijk.errors import suggest
    from kansrijk.vocabulary import suggest_id

    near = "organise_encounter"
    assert suggest(near, ["organise_encounters"]) != ""
    padded = near + "s" * (limits.MAX_HINT_LENGTH - len(near) + 1)
    assert suggest(padded, ["organise_encounters"]) == ""
    assert suggest_id(padded, model.kb, ("intervention",)) == ""
    result = kansrijk("explain", HEALTHCARE, "--why-not", padded, "--lang", "en")
    assert result.exit_code == 2 and "did you mean" not in result.output and "unknown" in result.output


def test_a_name_longer_than_the_name_length_is_refused_in_both_languages(tmp_path):
    case = tmp_path / "long.yaml"
    case.write_text(f"name: {'x' * (limits.MAX_NAME_LENGTH + 1)}\n", encoding="utf-8")
    result = kansrijk("advise", case, "--lang", "en")
    assert result.exit_code == 2
    assert f"name: String should have at most {limits.MAX_NAME_LENGTH} characters" in result.output
    assert f"(allowed: a non-empty text of at most {limits.MAX_NAME_LENGTH} characters)" in result.output
    result = kansrijk("advise", case, "--lang", "nl")
    assert result.exit_code == 2 and f"mag hoogstens {limits.MAX_NAME_LENGTH} tekens hebben" in result.output
    case.write_text(f"name: {'x' * limits.MAX_NAME_LENGTH}\n", encoding="utf-8")
    assert kansrijk("advise", case).exit_code == 0


def test_the_store_refuses_a_name_longer_than_the_name_length(tmp_path):
    from kansrijk.store import InvalidValue, Store

    store = Store(f"sqlite:///{tmp_path / 'w.sqlite3'}")
    with pytest.raises(InvalidValue) as refused:
        store.create_collaboration("x" * (limits.MAX_NAME_LENGTH + 1), "nl")
    assert refused.value.problem.key == "name" and store.collaborations() == []
