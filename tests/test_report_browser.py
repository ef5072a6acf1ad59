"""kansrijk report in a real browser: headless Chromium loads the page with no console errors and
no network requests, draws the radar chart (with no point for an unknown condition), expands the
explanations when printing, prints the summary on at most two A4 pages for every example and the
whole report without a blank page, and takes a screenshot.

Playwright drives Debian's Chromium (tests/browser_support.py: never a downloaded browser, every
request to another host aborted and recorded, no host name resolving at all). The tests are
skipped only when Chromium is not installed (Debian: apt-get install chromium).
"""

from __future__ import annotations

import json
import os
import re
import shutil
import zlib
from pathlib import Path

import pytest
import yaml

from tests.browser_support import NO_HOST_NAMES, Opened, chromium, needs_chromium, open_page
from tests.conftest import EXAMPLES, HEALTHCARE, kansrijk
from tests.report_cases import EMPTY, GROUP, PARTIAL, group_case

pytestmark = needs_chromium
PNG = b"\x89PNG\r\n\x1a\n"


def load(browser, path: Path, width: int = 1100, height: int = 1400) -> Opened:
    """A file written by the CLI, opened in its own page of the browser; it may read local files only."""
    return open_page(browser, path.as_uri(), {"width": width, "height": height}, files=True)


def print_pdf(opened: Opened) -> bytes:
    """The page printed to PDF on A4, backgrounds left out, the page's own @page size preferred."""
    return opened.page.pdf(format="A4", print_background=False, prefer_css_page_size=True)


def pdf_pages(pdf: bytes) -> int:
    return len(re.findall(rb"/Type\s*/Page(?![a-zA-Z])", pdf))


def blank_pages(pdf: bytes) -> list[int]:
    """The pages (1-based, in the order their objects appear) on which nothing is written: no
    text-showing operator (Tj, TJ) in their content streams. Chromium paints every page's white
    background, so "no drawing at all" would never hold; every page of the report that is not
    blank has text on it."""
    objects = {int(m.group(1)): m.group(2) for m in re.finditer(rb"(\d+) 0 obj\s*(.*?)endobj", pdf, re.DOTALL)}
    assert b"/ObjStm" not in pdf, "object streams: this small reader cannot see the pages"

    def content(number: int) -> bytes:
        body = objects[number]
        data = re.search(rb"stream\r?\n(.*)endstream", body, re.DOTALL).group(1)
        return zlib.decompressobj().decompress(data) if b"/FlateDecode" in body else data

    blank = []
    pages = [body for body in objects.values() if re.search(rb"/Type\s*/Page(?![a-zA-Z])", body)]
    for index, body in enumerate(pages, start=1):
        refs = re.search(rb"/Contents\s*(\[[^\]]*\]|\d+ 0 R)", body)
        streams = [int(n) for n in re.findall(rb"(\d+) 0 R", refs.group(1))] if refs else []
        if not any(re.search(rb"\bT[jJ]\b", content(n)) for n in streams):
            blank.append(index)
    return blank


@pytest.fixture(scope="module")
def browser():
    with chromium(NO_HOST_NAMES) as started:
        yield started


def write_report(directory: Path, case: Path, name: str, *extra: str) -> Path:
    out = directory / name
    result = kansrijk("report", case, "-o", out, *extra)
    assert result.exit_code == 0, result.output
    return out


@pytest.fixture(scope="module")
def pages(browser, tmp_path_factory):
    directory = tmp_path_factory.mktemp("reports")
    cases = {}
    for key, data in (("group", group_case(language="en")), ("partial", PARTIAL), ("empty", EMPTY)):
        cases[key] = directory / f"{key}.yaml"
        cases[key].write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    files = {
        "healthcare": write_report(directory, HEALTHCARE, "healthcare.html"),
        "healthcare_en": write_report(directory, HEALTHCARE, "healthcare.en.html", "--lang", "en"),
        **{key: write_report(directory, path, f"{key}.html") for key, path in cases.items()},
    }
    return {key: (path, load(browser, path)) for key, path in files.items()}


@pytest.mark.parametrize("key", ["healthcare", "healthcare_en", "group", "partial", "empty"])
def test_loads_without_console_errors_or_network_requests(pages, key):
    path, opened = pages[key]
    assert opened.seen.problems == []
    assert opened.seen.requests == [path.as_uri()]  # the page itself and nothing else
    assert opened.outside == []
    assert opened.page.evaluate("document.readyState") == "complete"
    assert opened.page.evaluate("document.querySelectorAll('script').length") == 0


def test_the_checks_catch_errors_and_requests(browser, tmp_path):
    """The checks above do notice a page that asks for the network or throws."""
    bad = tmp_path / "bad.html"
    bad.write_text('<!DOCTYPE html><html><body><img src="https://example.invalid/x.png">'
                   '<script>console.error("boom")</script></body></html>', encoding="utf-8")
    opened = load(browser, bad)
    assert any("boom" in p for p in opened.seen.problems)
    assert "https://example.invalid/x.png" in opened.seen.requests
    assert opened.outside == ["https://example.invalid/x.png"]


def test_a_dialog_is_noticed(browser, tmp_path):
    """A page that opens a dialog fails as soon as it has loaded, instead of waiting on the dialog."""
    bad = tmp_path / "dialog.html"
    bad.write_text("<!DOCTYPE html><html><body><script>alert('hello')</script></body></html>", encoding="utf-8")
    with pytest.raises(AssertionError, match="hello"):
        load(browser, bad)


@pytest.mark.parametrize("key, lines", [("healthcare", 1), ("healthcare_en", 1), ("group", 3)])  # group: whole case + 2 shown
def test_the_radar_chart_is_drawn(pages, key, lines):
    page = pages[key][1].page
    box = page.evaluate("(() => { const r = document.querySelector('svg.radar').getBoundingClientRect();"
                        " return [r.width, r.height]; })()")
    assert box[0] > 250 and box[1] > 150
    assert page.evaluate("document.querySelectorAll('svg.radar line.axis').length") == 5
    sizes = page.evaluate("[...document.querySelectorAll('svg.radar polygon')].map(p => p.getBBox().width)")
    assert len(sizes) == lines and all(w > 10 for w in sizes)
    assert labels_inside(page)


def labels_inside(page) -> bool:
    """Every axis label is inside the chart's box: nothing is cut off."""
    return page.evaluate("""(() => { const s = document.querySelector('svg.radar').getBoundingClientRect();
        return [...document.querySelectorAll('svg.radar .axis-label')].every(t => {
            const r = t.getBoundingClientRect();
            return r.left >= s.left - 1 && r.right <= s.right + 1
                && r.top >= s.top - 1 && r.bottom <= s.bottom + 1; }); })()""")


def test_an_unknown_condition_is_not_drawn_at_the_centre(pages):
    """PARTIAL leaves organisation and process unanswered: three points on screen, none of them at
    the centre or on the two unknown axes, whose labels say they are unknown."""
    page = pages["partial"][1].page
    centre = page.evaluate("""(() => { const s = document.querySelector('svg.radar');
        const p = s.createSVGPoint(); const a = s.querySelector('line.axis');
        return [Number(a.getAttribute('x1')), Number(a.getAttribute('y1'))]; })()""")
    points = page.evaluate("[...document.querySelectorAll('svg.radar path.point')].map(p => {"
                           " const b = p.getBBox(); return [b.x + b.width / 2, b.y + b.height / 2]; })")
    assert len(points) == 3
    assert all(abs(x - centre[0]) + abs(y - centre[1]) > 20 for x, y in points)
    missing = page.evaluate("[...document.querySelectorAll('svg.radar line.axis-missing')].map(a => a.dataset.condition)")
    assert missing == ["organisation", "process"]
    assert page.evaluate("document.querySelectorAll('svg.radar .axis-mark').length") == 2
    assert page.evaluate("document.querySelectorAll('svg.radar polygon').length") == 0
    assert page.evaluate("document.querySelector('svg.radar path.line').getTotalLength()") > 50
    assert labels_inside(page)


@pytest.mark.parametrize("key", ["healthcare", "group"])
def test_fits_a_phone_screen(browser, pages, key):
    """On a narrow screen the page does not scroll sideways: wide tables scroll within themselves."""
    path, _ = pages[key]
    page = load(browser, path, width=360, height=800).page
    assert page.evaluate("document.documentElement.scrollWidth <= document.documentElement.clientWidth")
    assert page.evaluate("document.querySelector('svg.radar').getBoundingClientRect().width") <= 360
    page.context.close()


def test_escaped_text_is_shown_as_text(pages):
    page = pages["group"][1].page
    case = group_case()
    assert page.evaluate("document.querySelector('h1').textContent") == case["name"]
    assert page.evaluate("document.querySelector('p.notes').textContent") == case["notes"]
    assert page.evaluate("document.querySelectorAll('img, b, script').length") == 0
    assert GROUP[0][0] in page.evaluate("document.querySelector('ul.legend').textContent")


def test_the_trace_folds_on_screen_and_unfolds_in_print(pages):
    page = pages["healthcare"][1].page
    count = page.evaluate("document.querySelectorAll('details.item').length")
    assert count > page.evaluate("document.querySelectorAll('details.advice-item').length") > 0
    visible = "[...document.querySelectorAll('details.item > :not(summary)')].map(e => e.checkVisibility())"
    shown = page.evaluate(visible)
    assert shown and not any(shown)
    page.emulate_media(media="print")
    try:
        assert all(page.evaluate(visible))
        breaks = page.evaluate("[...document.querySelectorAll('#summary, #appendix, details.item')].map(e =>"
                               " [getComputedStyle(e).breakBefore, getComputedStyle(e).breakInside])")
        assert breaks[0] == ["auto", "auto"] and breaks[1] == ["page", "auto"]  # the appendix on a new page
        assert all(b == ["auto", "avoid"] for b in breaks[2:])  # an item is never split over two pages
    finally:
        page.emulate_media(media="null")  # back to the screen, for the tests that share the page


def print_summary(opened: Opened) -> bytes:
    """The summary as Chromium prints it: the report with its appendix taken out of the page.

    The appendix starts on a new page (`break-before: page`, checked above) and nothing in the
    summary depends on it, so the pages the summary fills are the same with or without the
    appendix; removing it and printing counts them exactly, without searching a PDF for where a
    heading landed. The page is left without its appendix: print the whole report first."""
    opened.page.evaluate("document.getElementById('appendix').remove()")
    return print_pdf(opened)


@pytest.fixture(scope="module")
def printed(browser, tmp_path_factory):
    """Every example, the group, partial and empty cases, in their own language and in English:
    (pages of the summary, pages of the whole report, blank pages of the whole report)."""
    directory = tmp_path_factory.mktemp("printed")
    cases = {path.stem: path for path in EXAMPLES}
    for key, data in (("group", group_case()), ("partial", PARTIAL), ("empty", EMPTY)):
        cases[key] = directory / f"{key}.yaml"
        cases[key].write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    found = {}
    for key, path in cases.items():
        for lang in ("nl", "en"):
            out = write_report(directory, path, f"{key}.{lang}.html", "--lang", lang)
            opened = load(browser, out, width=794, height=1123)  # A4's width at 96 dpi
            whole = print_pdf(opened)
            found[f"{key}.{lang}"] = (pdf_pages(print_summary(opened)), pdf_pages(whole), blank_pages(whole))
            opened.page.context.close()
    return found


def test_the_summary_prints_on_at_most_two_a4_pages(printed):
    summary = {key: pages for key, (pages, _, _) in printed.items()}
    assert all(1 <= pages <= 2 for pages in summary.values()), summary
    report = os.environ.get("KANSRIJK_PAGE_COUNTS")  # a file to write the counts to, e.g. for a review
    if report:
        Path(report).write_text(json.dumps({k: v[:2] for k, v in printed.items()}, indent=1), encoding="utf-8")


def test_the_whole_report_has_no_blank_pages(printed):
    blank = {key: b for key, (_, _, b) in printed.items() if b}
    assert blank == {}
    # and the appendix does follow the summary on pages of its own
    assert all(whole > summary for summary, whole, _ in printed.values())


def test_blank_pages_are_noticed(browser, tmp_path):
    """The blank-page check sees a forced break that leaves a page empty."""
    page_file = tmp_path / "blank.html"
    page_file.write_text("<!DOCTYPE html><html><body><p>one</p><div style='break-before: page'></div>"
                         "<p style='break-before: page'>three</p></body></html>", encoding="utf-8")
    pdf = print_pdf(load(browser, page_file))
    assert pdf_pages(pdf) == 3 and blank_pages(pdf) == [2]


def test_partners_page_has_no_notes_and_no_rules(browser, tmp_path):
    out = write_report(tmp_path, HEALTHCARE, "partners.html", "--audience", "partners")
    page = load(browser, out).page
    assert page.evaluate("document.querySelectorAll('p.notes, code, ol.steps').length") == 0
    assert page.evaluate("document.querySelectorAll('details.advice-item').length") > 0


@pytest.mark.parametrize("key", ["healthcare", "group"])
def test_screenshot(pages, key, tmp_path):
    page = pages[key][1].page
    shot = tmp_path / f"{key}.png"
    data = page.screenshot(path=shot, full_page=True)
    assert shot.stat().st_size == len(data) > 10_000
    assert data.startswith(PNG)
    width, height = int.from_bytes(data[16:20], "big"), int.from_bytes(data[20:24], "big")
    assert width >= 1000 and height > 1400  # the whole page, longer than one screen
    keep = os.environ.get("KANSRIJK_SCREENSHOTS")  # a folder to keep the screenshots in, e.g. for CI artefacts
    if keep:
        Path(keep).mkdir(parents=True, exist_ok=True)
        shutil.copy(shot, Path(keep) / shot.name)
