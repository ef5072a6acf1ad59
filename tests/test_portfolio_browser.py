"""kansrijk portfolio in a real browser: headless Chromium (driven by Playwright as in
test_report_browser.py, whose helpers this reuses) loads the page of the bundled examples with no
console errors and no network requests, draws a band bar and a histogram per condition, keeps a
name that looks like markup as text, fits a phone screen without sideways scrolling and takes a
screenshot."""

from __future__ import annotations

import pytest
import yaml

from tests.browser_support import NO_HOST_NAMES, chromium, needs_chromium
from tests.conftest import ROOT, kansrijk
from tests.test_report_browser import PNG, load

pytestmark = needs_chromium

NAME = '<img src="https://example.invalid/x.png"> & "co"'


@pytest.fixture(scope="module")
def browser():
    with chromium(NO_HOST_NAMES) as started:
        yield started


@pytest.fixture(scope="module")
def portfolio_page(browser, tmp_path_factory):
    directory = tmp_path_factory.mktemp("portfolio")
    cases = directory / "cases"
    cases.mkdir()
    for path in sorted((ROOT / "examples").glob("*.yaml")):
        (cases / path.name).write_text(path.read_text(encoding="utf-8"), encoding="utf-8")
    (cases / "markup.yaml").write_text(yaml.safe_dump({"name": NAME, "scores": {"ambition.shared": 2}}),
                                       encoding="utf-8")
    out = directory / "portfolio.html"
    result = kansrijk("portfolio", cases, "--format", "html", "--lang", "en", "-o", out)
    assert result.exit_code == 0, result.output
    return out, load(browser, out)


def test_loads_without_console_errors_or_network_requests(portfolio_page):
    path, opened = portfolio_page
    assert opened.seen.problems == []
    assert opened.seen.requests == [path.as_uri()]
    assert opened.outside == []
    assert opened.page.evaluate("document.querySelectorAll('script').length") == 0


def test_the_charts_are_drawn(portfolio_page):
    page = portfolio_page[1].page
    assert page.evaluate("document.querySelectorAll('#bands svg.bar').length") == 5
    assert page.evaluate("document.querySelectorAll('#means svg.hist').length") == 5
    # every case in some band of every condition: the segments of a bar fill its whole width
    widths = page.evaluate("[...document.querySelectorAll('#bands svg.bar')].map(s =>"
                           " [...s.querySelectorAll('rect')].reduce((w, r) => w + r.getBBox().width, 0))")
    assert all(abs(w - 300) < 0.5 for w in widths)
    heights = page.evaluate("[...document.querySelectorAll('#means svg.hist rect')].map(r => r.getBBox().height)")
    assert heights and all(h > 0 for h in heights)
    assert page.evaluate("document.querySelectorAll('#means line.hist-median').length") == 5
    box = page.evaluate("(() => { const r = document.querySelector('#means svg.hist').getBoundingClientRect();"
                        " return [r.width, r.height]; })()")
    assert box[0] > 150 and box[1] > 40


def test_a_name_that_looks_like_markup_is_text(portfolio_page):
    page = portfolio_page[1].page
    names = page.evaluate("[...document.querySelectorAll('#standings tbody tr')].map(r => r.cells[0].textContent)")
    assert NAME in names
    assert names == sorted(names)
    assert page.evaluate("document.querySelectorAll('img').length") == 0


def test_fits_a_phone_screen(browser, portfolio_page):
    path, _ = portfolio_page
    page = load(browser, path, width=360, height=800).page
    assert page.evaluate("document.documentElement.scrollWidth <= document.documentElement.clientWidth")
    page.context.close()


def test_screenshot(portfolio_page, tmp_path):
    page = portfolio_page[1].page
    shot = page.screenshot(path=tmp_path / "portfolio.png", full_page=True)
    assert shot.startswith(PNG) and len(shot) > 10_000
