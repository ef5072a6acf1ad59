"""The advice as people read it: one page first, the trace on demand, words for certainties."""

import json
import re

import pytest
from click.testing import CliRunner

from kansrijk.cli import main
from tests.conftest import EXAMPLES, HEALTHCARE

CONFLICTING = "examples/jeugdzorgregio_tegenstrijdig.yaml"  # high scores against observations: counter-evidence


def run(*args):
    result = CliRunner().invoke(main, [str(a) for a in args])
    return result


@pytest.mark.parametrize("lang", ["nl", "en"])
def test_the_healthcare_summary_fits_one_screen(lang):
    result = run("advise", HEALTHCARE, "--lang", lang)
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert len(lines) <= 60, f"{len(lines)} lines"
    assert max(len(line) for line in lines) <= 100


@pytest.mark.parametrize("example", EXAMPLES, ids=lambda p: p.stem)
@pytest.mark.parametrize("fmt", ["text", "markdown"])
def test_every_example_reads_in_both_languages(example, fmt):
    for lang in ("nl", "en"):
        result = run("advise", example, "--lang", lang, "--format", fmt)
        assert result.exit_code == 0, result.output
        if fmt == "text":
            assert max(len(line) for line in result.output.splitlines()) <= 100


def test_default_output_gives_certainties_as_words_not_numbers():
    text = run("advise", HEALTHCARE, "--lang", "en").output
    assert "certain" in text and "likely" in text
    assert not re.search(r"\b0\.\d", text), "a certainty as a number in the summary"
    assert "DIA-01" not in text and "INT-05" not in text


def test_the_focus_names_what_in_the_case_made_the_choice():
    text = run("advise", HEALTHCARE, "--lang", "en").output
    focus = text.split("Conditions")[0]
    assert "Rushed to the contract" in focus and "§3.5" in focus


@pytest.mark.parametrize("example", EXAMPLES, ids=lambda p: p.stem)
def test_dutch_output_has_no_decimal_points(example):
    for args in ([], ["--detail"], ["--format", "markdown", "--detail"]):
        text = run("advise", example, "--lang", "nl", *args).output
        # a decimal point, not a section number like §5.3
        found = re.search(r".{0,30}(?<![§\d.])\d+\.\d.{0,30}", text)
        assert found is None, found.group(0)


def test_detail_adds_the_trace_with_rule_ids_and_certainty_numbers():
    plain = run("advise", HEALTHCARE, "--lang", "en").output
    detail = run("advise", HEALTHCARE, "--lang", "en", "--detail").output
    assert detail.startswith(plain.rstrip("\n").rsplit("\n", 1)[0][:200])
    trace = detail[len(plain):]
    assert "The reasoning" in trace and "Decisive chain" in trace
    assert "INT-05" in trace and "publication" in trace
    assert re.search(r"certainty 0\.\d\d", trace)


def test_detail_shows_evidence_against_apart():
    text = run("advise", CONFLICTING, "--lang", "en", "--detail").output
    trace = text.split("The reasoning")[1]
    against = trace.split("  Against\n")
    assert len(against) > 1
    assert against[1].lstrip().startswith("SCO-0"), "a high mean argues against neglect"
    assert "Against" not in run("advise", CONFLICTING, "--lang", "en").output


def items(text):
    return re.findall(r"^  (\d+)\. ", text, flags=re.M)


def test_top_and_all_change_how_many_interventions_are_shown():
    report = json.loads(run("advise", HEALTHCARE, "--format", "json").output)
    total = len(report["advice"])
    assert total > 5
    assert items(run("advise", HEALTHCARE).output) == [str(n) for n in range(1, 6)]
    assert items(run("advise", HEALTHCARE, "--top", 2).output) == ["1", "2"]
    assert len(items(run("advise", HEALTHCARE, "--all").output)) == total
    assert run("advise", HEALTHCARE, "--top", 2, "--all").exit_code == 2


def test_a_report_for_the_partners_has_no_notes_and_no_rule_ids():
    adviser = run("advise", HEALTHCARE, "--lang", "en").output
    assert "Adviser's notes" in adviser
    for fmt in ("text", "markdown", "json"):
        result = run("advise", HEALTHCARE, "--lang", "en", "--audience", "partners", "--format", fmt)
        assert result.exit_code == 0
        assert "convenant" not in result.output and "Adviser's notes" not in result.output
        assert not re.search(r"\b[A-Z]{3}-\d\d\b", result.output), "a rule id in the partners' report"
    refused = run("advise", HEALTHCARE, "--audience", "partners", "--detail")
    assert refused.exit_code == 2 and "--detail" in refused.output


@pytest.fixture
def empty_case(tmp_path):
    case = tmp_path / "empty.yaml"
    case.write_text("name: Nog niets bekend\n", encoding="utf-8")
    return case


@pytest.mark.parametrize("lang", ["nl", "en"])
def test_an_empty_case_gets_too_little_information_not_a_clean_bill(empty_case, lang):
    for fmt in ("text", "markdown"):
        result = run("advise", empty_case, "--format", fmt, "--lang", lang)
        assert result.exit_code == 0
        assert ("Too little information to advise" if lang == "en" else "Te weinig informatie") in result.output
        assert "No interventions" not in result.output and "Geen interventies" not in result.output
        assert "no condition needs work" not in result.output.lower()
    data = json.loads(run("advise", empty_case, "--format", "json").output)
    assert data["coverage"]["sufficient"] is False and data["focus_detail"]["reason"] == "insufficient"
    assert data["advice"] == []


def test_unknown_conditions_are_named_with_what_to_score(tmp_path):
    case = tmp_path / "half.yaml"
    case.write_text("name: half\nscores: {ambition.shared: 4, ambition.meaningful: 4}\n", encoding="utf-8")
    text = run("advise", case, "--lang", "en").output
    assert "In what is known, no condition needs work" in text
    assert "Unknown: Respect for each other's interests" in text
    assert "ask about: Genuine interest" in text


def test_a_provisional_band_says_what_to_ask(tmp_path):
    case = tmp_path / "thin.yaml"
    case.write_text("name: thin\ndate: 2025-03-01\nscores: {interests.genuine_interest: 1, ambition.shared: 4, "
                    "ambition.meaningful: 4}\n", encoding="utf-8")
    text = run("advise", case, "--lang", "en").output
    assert "Assessment of 2025-03-01" in text
    assert "provisional — ask about: Value for each partner" in text
