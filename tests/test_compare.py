"""Monitoring: two assessments of one collaboration compared, with the trend rules."""

import json

import pytest
from click.testing import CliRunner

from kansrijk.cli import main
from tests.conftest import ROOT

SPRING = ROOT / "examples" / "monitoring" / "sociaal_domein_voorjaar.yaml"
AUTUMN = ROOT / "examples" / "monitoring" / "sociaal_domein_najaar.yaml"


def compare(*args):
    result = CliRunner().invoke(main, ["compare", *map(str, args)])
    assert result.exit_code == 0, result.output
    return result


@pytest.fixture(scope="module")
def data():
    return json.loads(compare(SPRING, AUTUMN, "--format", "json").output)


def test_change_per_indicator_and_condition(data):
    rows = {(r["level"], r["id"]): r for r in data["scores"]}
    assert rows[("indicator", "relationship.trust")]["delta"] == -2
    assert rows[("condition", "process")]["before"] == 3.75 and rows[("condition", "process")]["after"] == 2
    assert rows[("condition", "ambition")]["delta"] == 0


def test_trend_rules_fire_on_the_new_assessment(data):
    appeared = {c["id"]: c for c in data["changes"] if c["kind"] == "dynamic" and c["change"] == "appeared"}
    assert "TRD-02" in appeared["stagnation"]["rules"]
    assert "TRD-01" in appeared["energy_loss"]["rules"]
    relationship = next(c for c in data["changes"] if c["kind"] == "status" and c["id"] == "relationship")
    assert "TRD-04" in relationship["rules"]


def test_resolved_dynamics_and_new_advice(data):
    resolved = [c["id"] for c in data["changes"] if c["kind"] == "dynamic" and c["change"] == "disappeared"]
    assert "robust_collaboration" in resolved
    new_advice = [c["id"] for c in data["changes"] if c["kind"] == "advice" and c["change"] == "appeared"]
    assert "make_phases_explicit" in new_advice
    assert data["before"]["focus"] is None and data["after"]["focus"] == "process"


def test_comparing_an_assessment_with_itself_changes_nothing():
    result = compare(SPRING, SPRING, "--lang", "en")
    assert "Nothing changes" in result.output


def test_reversed_order_reverses_the_deltas():
    forward = json.loads(compare(SPRING, AUTUMN, "--format", "json").output)
    backward = json.loads(compare(AUTUMN, SPRING, "--format", "json").output)
    deltas = {r["id"]: r["delta"] for r in forward["scores"]}
    assert all(r["delta"] == -deltas[r["id"]] for r in backward["scores"])


def test_text_output_in_both_languages():
    assert "Scores" in compare(SPRING, AUTUMN, "--lang", "nl").output
    english = compare(SPRING, AUTUMN, "--lang", "en").output
    assert "What changed" in english and "resolved" in english


def test_bad_second_file_exits_2(tmp_path):
    bad = tmp_path / "new.yaml"
    bad.write_text("name: x\nscores: {process.results: 9}\n", encoding="utf-8")
    result = CliRunner().invoke(main, ["compare", str(SPRING), str(bad)])
    assert result.exit_code == 2 and "9 is out of range" in result.output
