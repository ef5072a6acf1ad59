"""kansrijk portfolio: the bundled examples in text, CSV and HTML, the numbers checked against the
advice of each case, the order of the files changing nothing, privacy, withheld means, bad files."""

from __future__ import annotations

import csv
import io
import shutil
from collections import Counter

import pytest
import yaml

from kansrijk.case import load_case
from kansrijk.portfolio import CaseSummary, build, distribution, percentile_ranks, summarise
from kansrijk.report_html import threats
from tests.conftest import EXAMPLES, ROOT, kansrijk

GROUP = ROOT / "examples" / "regionale_zorg_groep.yaml"
CONDITIONS = ["ambition", "interests", "relationship", "organisation", "process"]


def run(*args: str, jobs: str = "1"):
    return kansrijk("portfolio", *args, "--jobs", jobs)


@pytest.fixture(scope="module")
def reports(model):
    """The advice of each example, as `kansrijk advise` gives it."""
    return {r.case: r for r in (model.advise(load_case(str(p), model.kb), "en") for p in EXAMPLES)}


def percentile(value: float, values: list[float]) -> int:
    """The percentile rank, counted the plain way, for checking."""
    below = sum(1 for v in values if v < value)
    equal = sum(1 for v in values if v == value)
    return int(100 * (below + equal / 2) / len(values) + 0.5)


def test_csv_of_the_examples_matches_each_case_advice(reports):
    result = run(str(ROOT / "examples"), "--format", "csv")
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert [r["name"] for r in rows] == sorted(reports)  # by name, one row per case
    assert list(rows[0]) == ["name", "focus", *(f"{c}.{p}" for c in CONDITIONS for p in ("band", "mean", "percentile"))]
    means = {c: [x.score for r in reports.values() for x in r.conditions if x.id == c and x.score is not None]
             for c in CONDITIONS}
    for row in rows:
        report = reports[row["name"]]
        assert row["focus"] == (report.focus or "")
        for c in report.conditions:
            assert row[f"{c.id}.band"] == c.band
            if c.score is None:
                assert row[f"{c.id}.mean"] == row[f"{c.id}.percentile"] == ""
            else:
                assert float(row[f"{c.id}.mean"]) == c.score
                assert int(row[f"{c.id}.percentile"]) == percentile(c.score, means[c.id])


def test_text_of_the_examples_counts_focus_bands_and_dynamics(reports):
    result = run(str(ROOT / "examples"), "--lang", "en")
    assert result.exit_code == 0, result.output
    text = result.stdout
    assert text.startswith(f"kansrijk — portfolio: {len(reports)} cases\n")
    focus = Counter(r.focus for r in reports.values())
    bands = {c: Counter(x.band for r in reports.values() for x in r.conditions if x.id == c) for c in CONDITIONS}
    names = {c.id: c.name for c in next(iter(reports.values())).conditions}
    head = text.split("Band per condition")[0]
    body = text.split("Band per condition")[1].split("Mean score per condition")[0]
    for c in CONDITIONS:
        line = next(line for line in head.splitlines() if line.strip().startswith(names[c]))
        assert line.split()[-1] == str(focus[c])
        line = next(line for line in body.splitlines() if line.strip().startswith(names[c]))
        assert line.split()[-4:] == [str(bands[c][b]) for b in ("strong", "discuss", "concern", "unknown")]
    line = next(line for line in head.splitlines() if "no point of application" in line)
    assert line.split()[-1] == str(focus[None])
    threatening = Counter(d.name for r in reports.values() for _, found in threats(r) for d in found)
    for name, count in threatening.items():
        assert f"  - {name} — in {count} of {len(reports)} cases (" in text
    assert "Where each case stands" in text


def test_html_of_the_examples(reports):
    result = run(str(ROOT / "examples"), "--format", "html", "--lang", "en")
    assert result.exit_code == 0, result.output
    page = result.stdout
    assert page.startswith("<!DOCTYPE html>") and "<script" not in page and "http" not in page
    assert page.count('<svg class="hist"') == 5 and page.count('<svg class="bar"') >= 10
    for name in reports:
        assert f"<tr><td>{name}</td>" in page
    assert "9 cases" in page


def test_dutch_labels_and_numbers_csv_keeps_the_decimal_point():
    text = run(str(ROOT / "examples"), "--lang", "nl").stdout
    assert text.startswith("kansrijk — portfolio: 9 casussen\n")
    assert "Beeld per conditie" in text and "3,25" in text and "3.25" not in text
    table = run(str(ROOT / "examples"), "--lang", "nl", "--format", "csv").stdout
    assert "3.25" in table and "3,25" not in table


def test_the_order_of_the_files_changes_nothing(tmp_path):
    files = [str(p) for p in EXAMPLES]
    for fmt in ("text", "csv", "html"):
        one = run(*files, "--format", fmt)
        other = run(*reversed(files), "--format", fmt)
        assert one.exit_code == other.exit_code == 0
        assert one.stdout == other.stdout
    assert run(*files, "--format", "csv", jobs="2").stdout == run(*files, "--format", "csv").stdout


def test_no_respondent_organisation_note_or_file_name_in_any_format(tmp_path):
    case = yaml.safe_load(GROUP.read_text(encoding="utf-8"))
    secrets = [r["name"] for r in case["respondents"]] + [r["organisation"] for r in case["respondents"]]
    secrets += [case["notes"][:40], "regionale_zorg_groep", str(ROOT)]
    for fmt in ("text", "csv", "html"):
        result = run(str(GROUP), str(ROOT / "examples" / "zorgalliantie.yaml"), "--format", fmt)
        assert result.exit_code == 0, result.output
        for secret in secrets:
            assert secret not in result.stdout, (fmt, secret)
        assert case["name"] in result.stdout or case["name"].replace("—", "&mdash;") in result.stdout


def thin_group_case() -> dict:
    """Six respondents, of whom only two answered process.results: the process mean is withheld."""
    people = []
    for k in range(6):
        scores = {"ambition.shared": 2 + k % 3, "ambition.meaningful": 3, "interests.real_dialogue": 2,
                  "interests.value_for_each": 3, "process.phasing": 3}
        if k < 2:
            scores["process.results"] = 1 + k
        people.append({"name": f"Persoon {k}", "organisation": f"Org {k % 2}", "scores": scores})
    return {"name": "Dunne groep", "respondents": people}


def test_a_withheld_mean_stays_withheld(tmp_path, model):
    """The advice withholds a mean that rests on too few answers, and so does the portfolio (no
    mean, no percentile, 'not shown' in words); a group mean keeps its one decimal."""
    path = tmp_path / "thin.yaml"
    path.write_text(yaml.safe_dump(thin_group_case()), encoding="utf-8")
    report = model.advise(load_case(str(path), model.kb))
    assert [c.id for c in report.conditions if c.score_withheld] == ["process"]
    rows = list(csv.DictReader(io.StringIO(run(str(path), str(EXAMPLES[0]), "--format", "csv").stdout)))
    row = next(r for r in rows if r["name"] == "Dunne groep")
    assert row["process.mean"] == row["process.percentile"] == ""
    assert row["ambition.mean"] == f"{next(c.score for c in report.conditions if c.id == 'ambition'):.2f}"
    text = run(str(path), "--lang", "en").stdout
    assert "not shown: too few answers" in text and "(1 not shown: too few answers)" in text
    shown = [c for c in report.conditions if c.score is not None]
    assert shown and all(round(c.score, 1) == c.score for c in shown)


def test_a_bad_file_among_good_ones(tmp_path):
    for path in EXAMPLES[:3]:
        shutil.copy(path, tmp_path / path.name)
    (tmp_path / "broken.yaml").write_text("name: x\nscores: {ambition.shared: 9}\n", encoding="utf-8")
    result = run(str(tmp_path), "--lang", "en", "--format", "csv")
    assert result.exit_code == 2
    assert "broken.yaml" in result.stderr and "broken.yaml" not in result.stdout
    assert len(list(csv.DictReader(io.StringIO(result.stdout)))) == 3
    text = run(str(tmp_path), "--lang", "en")
    assert text.exit_code == 2
    assert "portfolio: 3 cases" in text.stdout and "1 file(s) could not be read" in text.stdout


def test_output_file_and_force(tmp_path):
    out = tmp_path / "p.csv"
    assert run(str(EXAMPLES[0]), "--format", "csv", "-o", str(out)).exit_code == 0
    assert out.read_text(encoding="utf-8").startswith("name,focus,")
    refused = run(str(EXAMPLES[0]), "--format", "csv", "-o", str(out))
    assert refused.exit_code == 2 and "--force" in refused.stderr
    assert run(str(EXAMPLES[0]), "-o", str(out), "--force").exit_code == 0


def test_a_name_is_never_a_spreadsheet_formula(tmp_path):
    (tmp_path / "a.yaml").write_text(yaml.safe_dump({"name": "=HYPERLINK(\"x\")", "scores": {"ambition.shared": 3}}),
                                     encoding="utf-8")
    rows = list(csv.reader(io.StringIO(run(str(tmp_path), "--format", "csv").stdout)))
    assert rows[1][0] == "'=HYPERLINK(\"x\")"


def test_percentiles_and_distribution():
    assert percentile_ranks([1.0, 2.0, 2.0, 4.0]) == {1.0: 13, 2.0: 50, 4.0: 88}
    assert percentile_ranks([3.0]) == {3.0: 50}
    one = distribution([3.5], withheld=2)
    assert (one.cases, one.withheld, one.median, one.q1, one.q3) == (1, 2, 3.5, 3.5, 3.5)
    assert one.histogram == [0, 0, 0, 0, 0, 1, 0, 0]
    assert distribution([5.0, 1.0], 0).histogram == [1, 0, 0, 0, 0, 0, 0, 1]
    empty = distribution([], 0)
    assert empty.mean is None and sum(empty.histogram) == 0


def test_no_cases_counted(model):
    p = build([], model.kb, "en", failed=2)
    assert p.cases == 0 and p.failed == 2 and p.standings == []


def test_summary_keeps_only_what_may_be_shown(model):
    report = model.advise(load_case(str(GROUP), model.kb))
    summary = summarise(report, "nl")
    assert set(CaseSummary.model_fields) == {"name", "language", "focus", "bands", "means", "withheld", "threats"}
    assert summary.means == {c.id: c.score for c in report.conditions}


def test_help_has_an_example():
    result = kansrijk("portfolio", "--help")
    assert result.exit_code == 0 and "Example:" in result.output
