"""Output encoding per format (kansrijk/escape.py): text from the case comes out inert. Markdown
escapes HTML, link and image syntax, code spans and table pipes; text drops control characters
(no terminal escape sequence reaches the terminal); JSON keeps the text as it is; HTML escapes it."""

from __future__ import annotations

import json
import re

import pytest
import yaml
from hypothesis import given
from hypothesis import strategies as st

from kansrijk.escape import markdown_text, plain_text
from tests.conftest import ROOT, kansrijk

ESC = "\x1b[2J\x1b]0;pwned\x07\x1b[31m\r\x9b1m\u202e"
NAME = f"Zorg <script>alert(1)</script> <img src=x onerror=alert(2)> [x](javascript:alert(3)) `id` | a | {ESC}end"
NOTES = f"First line <script>alert(4)</script>\n![i](javascript:alert(5)) & `x` {ESC}\nthird line | cell"
ORG_A = f"Hospital <b>|A|</b> [y](javascript:z) {ESC}"
ORG_B = "Care | home <img onerror=alert(6)>"
HOSTILE = ("<script", "<img", "<b>", "](javascript", "](")
CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
UNESCAPED_PIPE = re.compile(r"(?<!\\)\|")


def hostile_case(tmp_path, name=NAME, file="case.yaml"):
    """The first six respondents of an example (two organisations of three, so both are shown),
    under hostile names, with a hostile case name and notes."""
    data = yaml.safe_load((ROOT / "examples" / "regionale_zorg_groep.yaml").read_text(encoding="utf-8"))
    respondents = data["respondents"][:6]
    for respondent, org in zip(respondents, [ORG_A] * 3 + [ORG_B] * 3):
        respondent["organisation"] = org
    data.update(name=name, notes=NOTES, language="en", respondents=respondents)
    path = tmp_path / file
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


def run(*args, input=None):
    result = kansrijk(*args, input=input)
    assert result.exit_code == 0, result.output
    return result.stdout


def assert_inert_text(out: str, *texts: str) -> None:
    assert not CONTROL.search(out), repr(CONTROL.search(out))
    for text in texts:
        assert plain_text(text) in out or any(line in out for line in plain_text(text).split("\n"))


def assert_inert_markdown(out: str) -> None:
    assert not CONTROL.search(out), repr(CONTROL.search(out))
    for bad in HOSTILE:
        assert bad not in out, bad
    assert "&lt;script&gt;" in out  # said, not run


@pytest.fixture
def case(tmp_path):
    return hostile_case(tmp_path)


# -- text -----------------------------------------------------------------------------------------


@pytest.mark.parametrize("extra", [(), ("--detail",), ("--audience", "partners")])
def test_advise_text_has_no_control_characters(case, extra):
    out = run("advise", case, *extra)
    assert_inert_text(out, NAME)
    assert out.startswith(f"kansrijk — advice: {plain_text(NAME)}\n")
    assert ESC not in out and "\x1b" not in out


def test_advise_detail_text_shows_organisations_without_control_characters(case):
    out = run("advise", case, "--detail")
    assert plain_text(ORG_A).strip() in out and ORG_B in out
    assert "First line <script>alert(4)</script>" in out  # text output shows text as it is, control characters aside


@pytest.mark.parametrize("args", [
    ("explain",), ("explain", "--why-not", "organise_encounters"), ("explain", "--advice", "1"),
    ("whatif", "--set", "interests.real_dialogue=1"), ("whatif", "--set", "interests.real_dialogue=1", "--detail"),
])
def test_explain_and_whatif_text_have_no_control_characters(case, args):
    out = run(args[0], case, *args[1:])
    assert_inert_text(out, NAME)
    assert plain_text(NAME) in out.split("\n", 1)[0]
    if "=" * 5 in out.split("\n")[1]:  # an underline as long as the title as shown
        assert len(out.split("\n")[1]) == len(out.split("\n")[0])


def test_compare_text_has_no_control_characters(tmp_path):
    old = hostile_case(tmp_path, name=f"Old {ESC}<x>", file="old.yaml")
    new = hostile_case(tmp_path, file="new.yaml")
    out = run("compare", old, new)
    assert_inert_text(out, NAME)
    assert f"earlier: Old {plain_text(ESC)}<x>\n" in out


# -- markdown -----------------------------------------------------------------------------------------


@pytest.mark.parametrize("extra", [(), ("--detail",), ("--audience", "partners")])
def test_advise_markdown_is_inert(case, extra):
    out = run("advise", case, "--format", "markdown", *extra)
    assert_inert_markdown(out)
    assert out.startswith(f"# kansrijk — advice: {markdown_text(NAME)}\n")
    if "--audience" not in extra:
        assert markdown_text(NOTES, inline=False) in out and "third line \\| cell" in out


def test_markdown_tables_keep_their_columns(case):
    """A `|` in an organisation's name does not add a column to the table of organisations."""
    out = run("advise", case, "--format", "markdown", "--detail")
    lines = out.split("\n")
    header = next(i for i, line in enumerate(lines) if line.startswith("| | "))
    columns = len(UNESCAPED_PIPE.findall(lines[header]))
    rows = [line for line in lines[header + 2:header + 4]]
    assert rows[0].startswith(f"| {markdown_text(ORG_A)} |") or rows[1].startswith(f"| {markdown_text(ORG_A)} |")
    assert all(len(UNESCAPED_PIPE.findall(row)) == columns for row in rows), rows


@pytest.mark.parametrize("args", [
    ("explain",), ("explain", "--why-not", "organise_encounters"),
    ("whatif", "--set", "interests.real_dialogue=1"),
])
def test_explain_and_whatif_markdown_are_inert(case, args):
    out = run(args[0], case, *args[1:], "--format", "markdown")
    assert_inert_markdown(out)
    assert markdown_text(NAME) in out.split("\n", 1)[0]


# -- json and html stay as they are ------------------------------------------------------------------


def test_json_keeps_the_text_as_it_is(case):
    data = json.loads(run("advise", case, "--format", "json"))
    assert data["case"] == NAME and data["notes"] == NOTES
    assert json.loads(run("explain", case, "--format", "json"))["case"] == NAME


def test_html_escapes(case):
    page = run("report", case)
    assert "<script>alert" not in page and "<img src=x" not in page and "<b>|A|" not in page
    assert "&lt;script&gt;alert(1)" in page


# -- the summaries of import and interview --------------------------------------------------------------


def test_import_summary_has_no_control_characters(tmp_path):
    esc = ESC.replace("\r", "")  # a carriage return in a cell would end the CSV row
    survey = tmp_path / f"survey {ESC}.csv"
    survey.write_text(
        f"Organisatie,relationship.trust,Note {esc}\n"
        f"{ORG_A.replace(ESC, esc)},4,x\n{ORG_A.replace(ESC, esc)},3,y\n{ORG_B},2,z\n",
        encoding="utf-8",
    )
    out = tmp_path / f"case {ESC}.yaml"
    summary = run("import", survey, "-o", out, "--lang", "en")
    assert_inert_text(summary)
    assert plain_text(ORG_A)[:40].strip() in summary and f"survey {plain_text(ESC)}.csv" in summary
    assert "Note " in summary
    written = yaml.safe_load(out.read_text(encoding="utf-8"))
    assert {r["organisation"] for r in written["respondents"]} == {ORG_A.replace(ESC, esc), ORG_B}  # the data keeps them


def test_interview_summary_has_no_control_characters(tmp_path):
    from tests.test_interview import answers

    out = tmp_path / f"mine {ESC}.yaml"
    name = "X " + ESC.replace("\r", "")  # a carriage return would end the answer
    result = kansrijk("interview", "-o", out, input=answers(name=name, scores=("3",) * 20))
    assert result.exit_code == 0, result.output
    done = result.output[result.output.rindex("\n\n"):]
    assert not CONTROL.search(done) and str(tmp_path) in done


# -- the helpers ----------------------------------------------------------------------------------------


def test_plain_text_keeps_newline_and_tab():
    assert plain_text("a\tb\nc\x1b[31md\re\x07\x00\x7f\x85\x9bf\u202eg") == "a\tb\nc[31mdefg"
    assert plain_text("Zorgalliantie Noord — é ü ∑ 😀") == "Zorgalliantie Noord — é ü ∑ 😀"


def test_markdown_text():
    assert markdown_text("[x](javascript:alert(1))") == "\\[x\\]\\(javascript:alert\\(1\\)\\)"
    assert markdown_text("<script>&") == "&lt;script&gt;&amp;"
    assert markdown_text("a | b `c` \\<") == "a \\| b \\`c\\` \\\\&lt;"
    assert markdown_text("one\n  two\u2028three") == "one two three"
    assert markdown_text("one\ntwo", inline=False) == "one\ntwo"
    assert markdown_text("Gewone naam — ijs") == "Gewone naam — ijs"


@given(st.text())
def test_markdown_text_leaves_nothing_live(text):
    out = markdown_text(text)
    assert not CONTROL.search(out) and "\n" not in out
    assert not re.search(r"[<>]", out)
    # every [ ] ( ) | ` is escaped by a backslash that is not itself escaped
    for match in re.finditer(r"[\[\]()|`]", out):
        backslashes = len(out[: match.start()]) - len(out[: match.start()].rstrip("\\"))
        assert backslashes % 2 == 1, (text, out)
    assert re.sub(r"&(amp|lt|gt);|\\(.)", "", out).count("&") == 0


@given(st.text())
def test_plain_text_keeps_all_but_control_characters(text):
    out = plain_text(text)
    assert not CONTROL.search(out)
    assert [c for c in text if not CONTROL.match(c)] == list(out)


def test_a_hostile_file_name_in_an_error_reaches_the_terminal_without_control_characters(tmp_path):
    path = tmp_path / "case\x1b[31m\x07.yaml"
    path.write_text("name: [\n", encoding="utf-8")
    result = kansrijk("advise", path)
    assert result.exit_code == 2
    assert "\x1b" not in result.stderr and "\x07" not in result.stderr and "case[31m.yaml" in result.stderr
