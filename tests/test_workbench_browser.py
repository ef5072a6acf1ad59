"""The workbench in a real browser, end to end (issue 10): from an empty database an adviser creates
a collaboration, enters an assessment through the form, sees the focus and the top advice, unfolds
a why, runs a what-if, adds a second dated assessment, sees the chart with two points per condition,
downloads the case file, and `kansrijk advise` on that file gives the focus the page showed.
No request leaves the machine.

With --update-golden the advice page's screenshot is written to docs/workbench-advice.png (the
README shows it); otherwise it goes to the test's temporary folder.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from kansrijk.cli import main
from kansrijk.store import Store
from kansrijk.web.app import create_app
from tests.browser_support import browser_page, needs_chromium, serving
from tests.conftest import HEALTHCARE, ROOT

pytestmark = needs_chromium
SCREENSHOT = ROOT / "docs" / "workbench-advice.png"


def fill_assessment(page, case: dict) -> None:
    """Enter a case in the assessment form as a person would: radios, checkboxes, the date."""
    for indicator, value in case.get("scores", {}).items():
        page.check(f"input[name='score.{indicator}'][value='{value}']")
    for characteristic, level in case.get("characteristics", {}).items():
        page.check(f"input[name='characteristic.{characteristic}'][value='{level}']")
    for observation in case.get("observations", []):
        page.check(f"input[name='observation'][value='{observation}']")
    page.fill("input[name='date']", str(case["date"]))


def condition_points(page) -> dict[str, set[str]]:
    """The chart's points: the x positions drawn for each condition."""
    points = page.eval_on_selector_all(
        "svg#trend circle.point",
        "nodes => nodes.map(n => [n.dataset.condition, n.getAttribute('cx')])",
    )
    out: dict[str, set[str]] = {}
    for condition, x in points:
        out.setdefault(condition, set()).add(x)
    return out


@pytest.fixture
def workbench(tmp_path):
    store = Store(f"sqlite:///{tmp_path / 'workbench.sqlite3'}")
    with serving(create_app(store)) as base:
        yield base, store


def test_an_adviser_works_a_case_from_an_empty_database(workbench, tmp_path, model, request):
    base, store = workbench
    case = yaml.safe_load(HEALTHCARE.read_text(encoding="utf-8"))
    name = case["name"]
    with browser_page() as (page, outside):
        page.goto(base + "/?lang=nl")
        assert store.collaborations() == []

        # a collaboration, then its first assessment through the form
        page.fill("#create-name", name)
        page.select_option("#create-language", "nl")
        page.click("#create-collaboration")
        page.wait_for_load_state()
        page.click(f"a[href$='/assessments/new']")
        fill_assessment(page, case)
        page.click("#save")
        page.wait_for_url("**/assessments/*")
        first_url = page.url

        # what was typed is what was stored
        stored = store.export_case(store.collaborations()[0].last.id)
        assert stored.scores == case["scores"]
        assert stored.characteristics == case["characteristics"]
        assert sorted(stored.observations) == sorted(case["observations"])
        assert stored.date == case["date"]

        # the advice: the focus and the top interventions, as the engine gives them for this case
        expected = model.advise(stored, "nl")
        focus = page.inner_text("#focus")
        focus_name = model.kb.by_id["condition"][expected.focus].name("nl")
        assert focus_name in focus
        items = page.locator(".advice-item")
        assert items.count() >= 1
        first = items.first
        assert first.get_attribute("data-intervention") == expected.advice[0].intervention

        # the page as it opens (the README's picture)
        page.screenshot(path=str(SCREENSHOT if request.config.getoption("--update-golden") else tmp_path / "advice.png"))

        # a why unfolds and names the rules behind the item
        why = first.locator("details.why")
        why.locator("summary").click()
        assert why.evaluate("d => d.open")
        assert expected.advice[0].why[0].rule in why.inner_text()

        # the chains that fired, in the causal graph of the focus condition
        page.click("#in-graph")
        page.wait_for_url("**/learn?assessment=*")
        assert page.locator("svg path.edge.fired").count() >= 1
        page.go_back()

        # a what-if: interests scored well instead of badly changes the advice, and nothing is saved
        version = store.collaboration(store.collaborations()[0].id).assessments[0].version
        for indicator in model.kb.indicators_of("interests"):
            page.select_option(f"#whatif select[name='set.{indicator.id}']", "5")
        page.click("#whatif button[type=submit]")
        page.wait_for_selector("#whatif-result .whatif-answer")
        assert page.locator("#whatif-result tr.change").count() >= 1, page.inner_html("#whatif-result")
        assert store.collaboration(store.collaborations()[0].id).assessments[0].version == version

        # a second assessment, half a year later, better on interests
        page.goto(base + f"/collaborations/{store.collaborations()[0].id}")
        page.click(f"a[href$='/assessments/new']")
        later = {**case, "date": "2027-03-03",
                 "scores": {**case["scores"], "interests.real_dialogue": 4, "interests.genuine_interest": 4}}
        fill_assessment(page, later)
        page.click("#save")
        page.wait_for_url("**/assessments/*")
        assert page.url != first_url

        # the chart: every condition drawn at two dates
        page.goto(base + f"/collaborations/{store.collaborations()[0].id}")
        points = condition_points(page)
        assert set(points) == {c.id for c in model.kb.conditions}
        assert all(len(xs) == 2 for xs in points.values()), points

        # the case file of the first assessment, downloaded, advises the focus the page showed
        page.goto(first_url)
        with page.expect_download() as download:
            page.click("a[href$='/case.yaml']")
        saved = tmp_path / "downloaded.yaml"
        download.value.save_as(saved)
        result = CliRunner().invoke(main, ["advise", str(saved), "--format", "json"])
        assert result.exit_code == 0, result.output
        assert json.loads(result.output)["focus"] == expected.focus

        assert outside == []


def test_the_screenshot_in_the_readme_exists():
    assert SCREENSHOT.read_bytes().startswith(b"\x89PNG\r\n\x1a\n")
    assert "docs/workbench-advice.png" in (ROOT / "README.md").read_text(encoding="utf-8")
