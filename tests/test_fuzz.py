"""Fuzzing the readers: structurally plausible and mutated cases, mapping files and survey exports,
run in-process against the library. Each must load or raise kansrijk's own InputError (which the
command line turns into a message and exit code 2); any other exception is a traceback for the user.

The inputs that once ended in a traceback (issue 8) are explicit examples. A few hundred examples
run by default, the same ones each time; KANSRIJK_FUZZ_EXAMPLES=5000 runs that many per test, new
ones each run.
"""

from __future__ import annotations

import io
import json
import os
import sys
import tempfile
from pathlib import Path

import openpyxl
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
import pytest
import yaml

pytest.importorskip("hypothesis")
from hypothesis import HealthCheck, example, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

from kansrijk.case import load_case  # noqa: E402
from kansrijk.errors import InputError  # noqa: E402
from kansrijk.knowledgebase import load_knowledge  # noqa: E402
from kansrijk.survey import import_survey, load_mapping  # noqa: E402
from tests.conftest import HEALTHCARE, ROOT, kansrijk  # noqa: E402

EXAMPLES = int(os.environ.get("KANSRIJK_FUZZ_EXAMPLES", "0") or 0)
FUZZ = settings(
    max_examples=EXAMPLES or 200,
    derandomize=not EXAMPLES,  # the suite runs the same examples every time; more are new ones
    database=None,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.filter_too_much],
)

KB = load_knowledge()
INDICATORS = list(KB.by_id["indicator"])
OBSERVABLES = KB.observable_ids()
CHARACTERISTICS = list(KB.by_id["characteristic"])
WORK = Path(tempfile.mkdtemp(prefix="kansrijk-fuzz-"))

# -- the inputs that ended in a traceback (issue 8): the regression seeds ----------------------------

LIST_KEY = "name: x\n? [a, b]\n: 1\n"
MAPPING_KEY = "name: x\nscores:\n  ? {a: 1}\n  : 3\n"
DEEP_JSON = "[" * 5000 + "]" * 5000
LONG_INT_JSON = '{"name": "x", "min_group": ' + "9" * 5000 + "}"
LONG_INT_YAML = "name: x\nmin_group: " + "9" * 5000 + "\n"
NOT_UTF8 = b"name: x\nnotes: \xff\xfe\n"
MAPPING = (ROOT / "examples" / "survey" / "mapping.yaml").read_text(encoding="utf-8")
MAPPING_LIST_KEY = MAPPING + "? [a, b]\n: 1\n"
MAPPING_MAPPING_KEY = MAPPING.replace("scores:\n", "scores:\n  ? {a: 1}\n  : relationship.trust\n", 1)
LONG_CELL = "9" * 400

# -- hostile material for mutations ----------------------------------------------------------------

TOKENS = [
    "? [a, b]\n: 1\n", "? {a: 1}\n: 1\n", "&a ", "*a", "<<: *a\n", "!!binary x", "!!python/object:os.system",
    "9" * 5000, "-" + "9" * 400, "1e999", ".nan", "2024-02-31", "\t", "\x00", "\x85", "\ufeff", "\u2028",
    "[" * 100, "{" * 100, "]", "}", ":", "- ", "'", '"', "\\", "#", "|\n", ">\n", "%YAML 1.1\n", "---\n",
    "...\n", "\n  ", "~", "null", "yes", "hoog", "weet niet", "mee eens", "\r\n",
    "!!bool ", "!!int ", "!!float ", "!!timestamp ", "!!map ", "!!seq ", "!!str ", "!!set ", "!!omap ", "!!null ",
]
SCORE_VALUES = st.one_of(
    st.integers(-3, 9), st.none(), st.floats(allow_nan=True, allow_infinity=True),
    st.sampled_from(["3", "4.0", "mee eens", "weet niet", "don't know", "hoog", "?", "", LONG_CELL, "9" * 5000]),
    st.booleans(), st.lists(st.integers(1, 5), max_size=2), st.dictionaries(st.text(max_size=3), st.integers(), max_size=2),
)
WORDS = st.one_of(st.text(max_size=20), st.sampled_from(INDICATORS + OBSERVABLES + CHARACTERISTICS + ["", "x.y"]))


def ids(pool: list[str]) -> st.SearchStrategy[str]:
    return st.one_of(st.sampled_from(pool), WORDS)


RESPONDENT = st.fixed_dictionaries(
    {"organisation": st.one_of(st.sampled_from(["A", "B", "C"]), WORDS, st.none(), st.integers())},
    optional={"name": WORDS, "scores": st.dictionaries(ids(INDICATORS), SCORE_VALUES, max_size=6),
              "observations": st.lists(ids(OBSERVABLES), max_size=3), "extra": st.integers()},
)
CASE = st.fixed_dictionaries(
    {"name": st.one_of(WORDS, st.integers(), st.none())},
    optional={
        "language": st.sampled_from(["nl", "en", "fr", "", None, 1]),
        "characteristics": st.dictionaries(ids(CHARACTERISTICS), st.sampled_from(
            ["low", "medium", "high", "hoog", "laag", "middel", "weet niet", None, 3, "very"]), max_size=3),
        "scores": st.one_of(st.dictionaries(ids(INDICATORS), SCORE_VALUES, max_size=8), st.none(), st.just([])),
        "observations": st.one_of(st.lists(ids(OBSERVABLES), max_size=4), st.none(), st.text(max_size=5)),
        "respondents": st.lists(RESPONDENT, max_size=4),
        "min_group": st.one_of(st.integers(-2, 10), st.text(max_size=3)),
        "date": st.sampled_from(["2024-03-15", "2024-02-31", "15-03-2024", "", 20240315]),
        "notes": st.one_of(st.text(max_size=40), st.none()),
        "unknown": st.integers(),
    },
)


@st.composite
def mutated(draw, base: st.SearchStrategy[str]) -> str:
    """A text with a few mutations: a hostile token inserted, a slice cut or doubled, a character swapped."""
    text = draw(base)
    for _ in range(draw(st.integers(0, 3))):
        position = draw(st.integers(0, len(text)))
        action = draw(st.sampled_from(["insert", "cut", "double", "char"]))
        if action == "insert":
            text = text[:position] + draw(st.sampled_from(TOKENS)) + text[position:]
        elif action == "cut":
            text = text[:position] + text[position + draw(st.integers(1, 20)):]
        elif action == "double":
            end = min(len(text), position + draw(st.integers(1, 40)))
            text = text[:end] + text[position:end] + text[end:]
        else:
            text = text[:position] + draw(st.characters()) + text[position + 1:]
    return text


def as_yaml(data) -> str:
    return yaml.safe_dump(data, allow_unicode=True, sort_keys=False)


def as_json(data) -> str:
    return json.dumps(data, ensure_ascii=False, allow_nan=True)


CASE_TEXTS = st.one_of(
    mutated(CASE.map(as_yaml)),
    mutated(CASE.map(as_json)),
    mutated(st.just(HEALTHCARE.read_text(encoding="utf-8"))),
    st.text(max_size=200),
)


def write(name: str, content: str | bytes) -> Path:
    path = WORK / name
    if isinstance(content, str):
        content = content.encode("utf-8", "surrogatepass")
    path.write_bytes(content)
    return path


def loads_or_says_why(read, *args):
    """read(*args) returns, or raises InputError that renders in both languages; nothing else."""
    try:
        return read(*args)
    except InputError as error:
        assert error.problems or error.omitted
        for lang in ("en", "nl"):
            assert error.render(lang)


@FUZZ
@given(text=CASE_TEXTS, suffix=st.sampled_from([".yaml", ".json", ".yml"]))
@example(text=LIST_KEY, suffix=".yaml")
@example(text=MAPPING_KEY, suffix=".yaml")
@example(text=DEEP_JSON, suffix=".json")
@example(text=LONG_INT_JSON, suffix=".json")
@example(text=LONG_INT_YAML, suffix=".yaml")
@example(text='{"name": "x\u0085"}', suffix=".json")
@example(text="\ufeff{\"name\": \"x\"}", suffix=".json")
@example(text="name: x\ndate: 2024-02-31\n", suffix=".yaml")
@example(text="a: &a [*a]\n", suffix=".yaml")
@example(text="name: x\nnotes: !!bool maybe\n", suffix=".yaml")
@example(text="name: !!map x\n", suffix=".yaml")
@example(text="name: x\nmin_group: !!int ''\n", suffix=".yaml")
@example(text="name: x\ndate: !!timestamp ''\n", suffix=".yaml")
def test_a_case_file_loads_or_raises_input_error(text, suffix):
    loads_or_says_why(load_case, str(write("case" + suffix, text)), KB)


@FUZZ
@given(data=st.one_of(st.binary(max_size=200), CASE_TEXTS.map(lambda t: t.encode("utf-8", "surrogatepass"))))
@example(data=NOT_UTF8)
@example(data=DEEP_JSON.encode())
@example(data=b"\xef\xbb\xbf{\"name\": \"x\xc2\x85\"}")
def test_standard_input_loads_or_raises_input_error(data):
    saved = sys.stdin
    sys.stdin = io.TextIOWrapper(io.BytesIO(data), encoding="utf-8")
    try:
        loads_or_says_why(load_case, "-", KB)
    finally:
        sys.stdin = saved


MAPPING_DATA = st.fixed_dictionaries(
    {"organisation": st.one_of(st.sampled_from(["Organisatie", "organisation"]), WORDS, st.integers(), st.none()),
     "scores": st.one_of(st.dictionaries(st.one_of(WORDS, st.integers()), ids(INDICATORS), max_size=5), st.none())},
    optional={
        "name": WORDS, "language": st.sampled_from(["nl", "en", "de"]), "min_group": st.integers(-1, 5),
        "sheet": WORDS, "respondent": WORDS, "notes": WORDS,
        "observations": st.lists(st.fixed_dictionaries(
            {"column": WORDS}, optional={"id": ids(OBSERVABLES), "separator": st.sampled_from([",", "", ";"]),
                                         "values": st.dictionaries(WORDS, ids(OBSERVABLES), max_size=3)}), max_size=3),
    },
)


@FUZZ
@given(text=st.one_of(mutated(MAPPING_DATA.map(as_yaml)), mutated(st.just(MAPPING)), st.text(max_size=100)))
@example(text=MAPPING_LIST_KEY)
@example(text=MAPPING_MAPPING_KEY)
@example(text="organisation: O\nscores:\n  ? " + "9" * 5000 + "\n  : relationship.trust\n")
def test_a_mapping_file_loads_or_raises_input_error(text):
    loads_or_says_why(load_mapping, write("mapping.yaml", text), KB)


CELLS = st.one_of(
    st.sampled_from(["1", "5", "3,0", "mee eens", "weet niet", "", " ", "x", LONG_CELL, "-" + LONG_CELL, "1e999",
                     "nan", "ja", "nee", "few_encounters", "A", "B"]),
    st.text(max_size=8), st.integers(-10**30, 10**30), st.floats(), st.none(), st.booleans(),
)
HEADER = ["organisatie", "naam", "relationship.trust", "interests.real_dialogue", "waarnemingen"]


@st.composite
def surveys(draw):
    header = draw(st.one_of(st.just(HEADER), st.lists(st.one_of(st.sampled_from(HEADER + INDICATORS), WORDS),
                                                      max_size=6)))
    rows = draw(st.lists(st.lists(CELLS, max_size=len(header) + 2), min_size=0, max_size=6))
    return header, rows


def csv_text(header, rows, delimiter=";") -> str:
    def cell(value) -> str:
        text = "" if value is None else str(value)
        return '"' + text.replace('"', '""') + '"' if any(c in text for c in f'"{delimiter}\n\r') else text

    return "\n".join(delimiter.join(cell(c) for c in row) for row in [header, *rows]) + "\n"


@st.composite
def csv_texts(draw) -> str:
    text = csv_text(*draw(surveys()), delimiter=draw(st.sampled_from([";", ","])))
    return draw(mutated(st.just(text))) if draw(st.booleans()) else text


@FUZZ
@given(text=csv_texts())
@example(text=csv_text(HEADER[:3], [["A", "", LONG_CELL]]))
@example(text=csv_text(HEADER[:3], [["A", "", "-" + LONG_CELL]], delimiter=","))
def test_a_csv_survey_imports_or_raises_input_error(text):
    loads_or_says_why(import_survey, write("survey.csv", text), None, KB)


@settings(FUZZ, max_examples=max(EXAMPLES // 5, 40))
@given(table=surveys())
@example(table=(HEADER[:3], [["A", "", LONG_CELL]]))
@example(table=(HEADER[:3], [["A", "", 10**399]]))
@example(table=(HEADER[:3], [["A", "", float("nan")]]))
def test_an_xlsx_survey_imports_or_raises_input_error(table):
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    for row in [table[0], *table[1]]:
        sheet.append([_storable(c) for c in row])
    path = WORK / "survey.xlsx"
    workbook.save(path)
    loads_or_says_why(import_survey, path, None, KB)


def _storable(cell):
    """What openpyxl can write: no control characters, no integer beyond a double."""
    if isinstance(cell, str):
        return ILLEGAL_CHARACTERS_RE.sub("", cell)
    return str(cell) if isinstance(cell, int) and not isinstance(cell, bool) and abs(cell) >= 10**15 else cell


@FUZZ
@given(data=st.binary(max_size=300))
@example(data=b"PK\x03\x04" + b"\x00" * 40)
def test_garbage_as_xlsx_raises_input_error(data):
    loads_or_says_why(import_survey, write("garbage.xlsx", data), None, KB)


# -- the same inputs through the command line: exit code 2, a message naming the file, no traceback ----

CLI_SEEDS = {
    "list key": ("case.yaml", LIST_KEY, "case.yaml:2: a key here is a list"),
    "mapping key": ("case.yaml", MAPPING_KEY, "case.yaml:3: scores: a key here is a mapping"),
    "deep json": ("case.json", DEEP_JSON, "case.json: nested more than"),
    "long json int": ("case.json", LONG_INT_JSON, "case.json:1: a number of 5000 digits"),
    "long yaml int": ("case.yaml", LONG_INT_YAML, "case.yaml:2: a number of 5000 digits"),
}


@pytest.mark.parametrize("seed", sorted(CLI_SEEDS))
def test_the_traceback_inputs_exit_2_with_a_message(tmp_path, seed):
    name, text, expected = CLI_SEEDS[seed]
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    result = kansrijk("advise", path)
    assert result.exit_code == 2, result.output
    assert result.output.startswith("Error: ") and expected in result.output
    dutch = kansrijk("advise", path, env={"KANSRIJK_LANG": "nl"})
    assert dutch.output.startswith("Fout: ")


def test_non_utf8_standard_input_exits_2():
    result = kansrijk("advise", "-", input=NOT_UTF8)
    assert (result.exit_code, result.output) == (2, "Error: <stdin>:2: not UTF-8 text\n")


@pytest.mark.parametrize("key", ["list", "mapping"])
def test_a_mapping_file_with_a_list_or_mapping_key_exits_2(tmp_path, key):
    mapping = tmp_path / "mapping.yaml"
    mapping.write_text(MAPPING_LIST_KEY if key == "list" else MAPPING_MAPPING_KEY, encoding="utf-8")
    survey = ROOT / "examples" / "survey" / "zorgalliantie_enquete.csv"
    result = kansrijk("import", survey, "--map", mapping, "-o", "-")
    assert result.exit_code == 2
    assert f"Error: {mapping}:" in result.output and f"a key here is a {key}" in result.output


@pytest.mark.parametrize("suffix", [".csv", ".xlsx"])
def test_a_survey_cell_of_400_digits_exits_2(tmp_path, suffix):
    path = tmp_path / f"survey{suffix}"
    if suffix == ".csv":
        path.write_text(f"organisatie;relationship.trust\nA;{LONG_CELL}\n", encoding="utf-8")
    else:
        workbook = openpyxl.Workbook()
        workbook.active.append(["organisatie", "relationship.trust"])
        workbook.active.append(["A", LONG_CELL])
        workbook.save(path)
    result = kansrijk("import", path, "-o", "-")
    assert result.exit_code == 2
    assert f"Error: {path}:2: column 'relationship.trust' (relationship.trust): '99999" in result.output
    assert "is out of range (allowed: 1..5" in result.output


@pytest.mark.parametrize("command", [
    ["advise", str(HEALTHCARE)],
    ["import", str(ROOT / "examples" / "survey" / "zorgalliantie_enquete.csv"),
     "--map", str(ROOT / "examples" / "survey" / "mapping.yaml")],
])
def test_an_output_in_an_unwritable_folder_exits_2_naming_it(tmp_path, command):
    from unittest import mock

    target = tmp_path / "out.yaml"
    denied = PermissionError(13, "Permission denied", str(tmp_path / ".out.yaml.tmp"))
    with mock.patch("tempfile.mkstemp", side_effect=denied):
        result = kansrijk(*command, "-o", target)
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output and "Permission denied" in result.output
    assert str(tmp_path) in result.output
