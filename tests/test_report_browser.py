"""kansrijk report in a real browser: headless Chromium loads the page with no console errors and
no network requests, draws the radar chart (with no point for an unknown condition), expands the
explanations when printing, prints the summary on at most two A4 pages for every example and the
whole report without a blank page, and takes a screenshot.

Chromium is driven over the DevTools protocol on a pipe (--remote-debugging-pipe), with the
standard library only. The tests are skipped only when Chromium is not installed
(Debian: apt-get install chromium).
"""

from __future__ import annotations

import base64
import contextlib
import fcntl
import json
import os
import re
import select
import shutil
import subprocess
import time
import zlib
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from kansrijk.cli import main
from tests.conftest import EXAMPLES, HEALTHCARE
from tests.report_cases import EMPTY, GROUP, PARTIAL, group_case

CHROMIUM = shutil.which("chromium") or ("/usr/bin/chromium" if os.path.exists("/usr/bin/chromium") else None)
pytestmark = pytest.mark.skipif(CHROMIUM is None, reason="Chromium is not installed (Debian: apt-get install chromium)")

FLAGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
    "--disable-extensions", "--disable-default-apps", "--mute-audio", "--disable-dev-shm-usage",
    # nothing may leave the machine even if the page asked for it: every host name fails to resolve
    "--host-resolver-rules=MAP * ~NOTFOUND",
]
TIMEOUT = 30.0
PNG = b"\x89PNG\r\n\x1a\n"

class Browser:
    """Headless Chromium, driven over the DevTools protocol on a pipe (fd 3: commands in, fd 4: out)."""

    def __init__(self, profile: Path, log: Path):
        to_chrome_r, to_chrome_w = os.pipe()
        from_chrome_r, from_chrome_w = os.pipe()
        # copies above fd 10, so that moving them to 3 and 4 in the child never overwrites one with the other
        child_in = fcntl.fcntl(to_chrome_r, fcntl.F_DUPFD, 10)
        child_out = fcntl.fcntl(from_chrome_w, fcntl.F_DUPFD, 10)

        def wire() -> None:  # runs in the child, before exec
            os.dup2(child_in, 3)
            os.dup2(child_out, 4)

        self.log = log
        with open(log, "wb") as stderr:
            self.proc = subprocess.Popen(
                [CHROMIUM, *FLAGS, f"--user-data-dir={profile}", "--remote-debugging-pipe", "about:blank"],
                stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=stderr,
                pass_fds=(3, 4), preexec_fn=wire,  # noqa: PLW1509 - the tests start no threads
            )
        for fd in (to_chrome_r, from_chrome_w, child_in, child_out):
            os.close(fd)
        self.writer, self.reader = to_chrome_w, from_chrome_r
        self.buffer = b""
        self.last_id = 0
        self.events: list[dict] = []

    def _read(self, deadline: float) -> dict:
        while b"\0" not in self.buffer:
            left = deadline - time.monotonic()
            if left <= 0:
                raise TimeoutError(f"Chromium did not answer in time; its log:\n{self.log_tail()}")
            ready, _, _ = select.select([self.reader], [], [], left)
            if ready:
                chunk = os.read(self.reader, 1 << 20)
                if not chunk:
                    raise EOFError(f"Chromium closed the pipe; its log:\n{self.log_tail()}")
                self.buffer += chunk
        message, self.buffer = self.buffer.split(b"\0", 1)
        return json.loads(message)

    def send(self, method: str, params: dict | None = None, session: str | None = None) -> dict:
        self.last_id += 1
        message = {"id": self.last_id, "method": method, "params": params or {}}
        if session is not None:
            message["sessionId"] = session
        os.write(self.writer, json.dumps(message).encode() + b"\0")
        deadline = time.monotonic() + TIMEOUT
        while True:
            answer = self._read(deadline)
            if answer.get("id") == self.last_id:
                if "error" in answer:
                    raise RuntimeError(f"{method}: {answer['error']}")
                return answer.get("result", {})
            self.events.append(answer)

    def wait_for(self, method: str, session: str) -> dict:
        deadline = time.monotonic() + TIMEOUT
        while True:
            for event in self.events:
                if event.get("sessionId") != session:
                    continue
                if event.get("method") == method:
                    return event
                if event.get("method") == "Page.javascriptDialogOpening":  # a script ran: fail now, not at the timeout
                    raise AssertionError(f"the page opened a dialog: {event['params'].get('message')!r}")
            self.events.append(self._read(deadline))

    def log_tail(self) -> str:
        try:
            return self.log.read_text(errors="replace")[-3000:]
        except OSError:
            return ""

    def close(self) -> None:
        with contextlib.suppress(Exception):  # closing politely is best effort; the process is ended below
            self.send("Browser.close")
        try:
            self.proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait(timeout=15)
        for fd in (self.writer, self.reader):
            with contextlib.suppress(OSError):
                os.close(fd)


class Page:
    """One tab with a loaded page, and what happened while it loaded."""

    def __init__(self, browser: Browser, url: str, width: int = 1100, height: int = 1400):
        self.browser = browser
        self.target = browser.send("Target.createTarget", {"url": "about:blank"})["targetId"]
        self.session = browser.send("Target.attachToTarget", {"targetId": self.target, "flatten": True})["sessionId"]
        for domain in ("Page", "Runtime", "Log", "Network"):
            self.send(f"{domain}.enable")
        self.send("Emulation.setDeviceMetricsOverride",
                  {"width": width, "height": height, "deviceScaleFactor": 1, "mobile": False})
        self.first_event = len(browser.events)
        self.send("Page.navigate", {"url": url})
        browser.wait_for("Page.loadEventFired", self.session)
        self.evaluate("new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)))", wait=True)

    def send(self, method: str, params: dict | None = None) -> dict:
        return self.browser.send(method, params, self.session)

    def close(self) -> None:
        self.browser.send("Target.closeTarget", {"targetId": self.target})

    def evaluate(self, expression: str, wait: bool = False):
        result = self.send("Runtime.evaluate", {"expression": expression, "returnByValue": True, "awaitPromise": wait})
        if "exceptionDetails" in result:
            raise RuntimeError(f"{expression}: {result['exceptionDetails']}")
        return result["result"].get("value")

    def events(self, *methods: str) -> list[dict]:
        return [e for e in self.browser.events[self.first_event:]
                if e.get("sessionId") == self.session and e.get("method") in methods]

    def problems(self) -> list[str]:
        """Console messages, uncaught exceptions, error log entries and failed loads."""
        found = []
        for e in self.events("Runtime.consoleAPICalled"):
            found.append(f"console.{e['params']['type']}: {[a.get('value') for a in e['params']['args']]}")
        for e in self.events("Runtime.exceptionThrown"):
            found.append(f"exception: {e['params']['exceptionDetails'].get('text')}")
        for e in self.events("Log.entryAdded"):
            if e["params"]["entry"]["level"] in ("error", "warning"):
                found.append(f"log {e['params']['entry']['level']}: {e['params']['entry']['text']}")
        for e in self.events("Network.loadingFailed"):
            found.append(f"load failed: {e['params'].get('errorText')}")
        return found

    def requests(self) -> list[str]:
        return [e["params"]["request"]["url"] for e in self.events("Network.requestWillBeSent")]

    def screenshot(self, path: Path, full_page: bool = False) -> bytes:
        self.send("Page.bringToFront")  # a tab in the background draws no frames to capture
        params: dict = {"format": "png"}
        if full_page:
            size = self.evaluate("[document.documentElement.scrollWidth, document.documentElement.scrollHeight]")
            params |= {"captureBeyondViewport": True,
                       "clip": {"x": 0, "y": 0, "width": size[0], "height": min(size[1], 12000), "scale": 1}}
        data = base64.b64decode(self.send("Page.captureScreenshot", params)["data"])
        path.write_bytes(data)
        return data

    def pdf(self) -> bytes:
        printed = self.send("Page.printToPDF", {"printBackground": False, "preferCSSPageSize": True})
        return base64.b64decode(printed["data"])


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
def browser(tmp_path_factory):
    directory = tmp_path_factory.mktemp("chromium")
    started = Browser(directory / "profile", directory / "chromium.log")
    try:
        started.send("Browser.getVersion")
        yield started
    finally:
        started.close()


def write_report(directory: Path, case: Path, name: str, *extra: str) -> Path:
    out = directory / name
    result = CliRunner().invoke(main, ["report", str(case), "-o", str(out), *extra])
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
    return {key: (path, Page(browser, path.as_uri())) for key, path in files.items()}


@pytest.mark.parametrize("key", ["healthcare", "healthcare_en", "group", "partial", "empty"])
def test_loads_without_console_errors_or_network_requests(pages, key):
    path, page = pages[key]
    assert page.problems() == []
    assert page.requests() == [path.as_uri()]  # the page itself and nothing else
    assert page.evaluate("document.readyState") == "complete"
    assert page.evaluate("document.querySelectorAll('script').length") == 0


def test_the_checks_catch_errors_and_requests(browser, tmp_path):
    """The two checks above do notice a page that asks for the network or throws."""
    bad = tmp_path / "bad.html"
    bad.write_text('<!DOCTYPE html><html><body><img src="https://example.invalid/x.png">'
                   '<script>console.error("boom")</script></body></html>', encoding="utf-8")
    page = Page(browser, bad.as_uri())
    assert any("boom" in p for p in page.problems())
    assert "https://example.invalid/x.png" in page.requests()


@pytest.mark.parametrize("key, lines", [("healthcare", 1), ("healthcare_en", 1), ("group", 3)])  # group: whole case + 2 shown
def test_the_radar_chart_is_drawn(pages, key, lines):
    _, page = pages[key]
    box = page.evaluate("(() => { const r = document.querySelector('svg.radar').getBoundingClientRect();"
                        " return [r.width, r.height]; })()")
    assert box[0] > 250 and box[1] > 150
    assert page.evaluate("document.querySelectorAll('svg.radar line.axis').length") == 5
    sizes = page.evaluate("[...document.querySelectorAll('svg.radar polygon')].map(p => p.getBBox().width)")
    assert len(sizes) == lines and all(w > 10 for w in sizes)
    assert labels_inside(page)


def labels_inside(page: Page) -> bool:
    """Every axis label is inside the chart's box: nothing is cut off."""
    return page.evaluate("""(() => { const s = document.querySelector('svg.radar').getBoundingClientRect();
        return [...document.querySelectorAll('svg.radar .axis-label')].every(t => {
            const r = t.getBoundingClientRect();
            return r.left >= s.left - 1 && r.right <= s.right + 1
                && r.top >= s.top - 1 && r.bottom <= s.bottom + 1; }); })()""")


def test_an_unknown_condition_is_not_drawn_at_the_centre(pages):
    """PARTIAL leaves organisation and process unanswered: three points on screen, none of them at
    the centre or on the two unknown axes, whose labels say they are unknown."""
    _, page = pages["partial"]
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
    page = Page(browser, path.as_uri(), width=360, height=800)
    assert page.evaluate("document.documentElement.scrollWidth <= document.documentElement.clientWidth")
    assert page.evaluate("document.querySelector('svg.radar').getBoundingClientRect().width") <= 360


def test_escaped_text_is_shown_as_text(pages):
    _, page = pages["group"]
    case = group_case()
    assert page.evaluate("document.querySelector('h1').textContent") == case["name"]
    assert page.evaluate("document.querySelector('p.notes').textContent") == case["notes"]
    assert page.evaluate("document.querySelectorAll('img, b, script').length") == 0
    assert GROUP[0][0] in page.evaluate("document.querySelector('ul.legend').textContent")


def test_the_trace_folds_on_screen_and_unfolds_in_print(pages):
    _, page = pages["healthcare"]
    count = page.evaluate("document.querySelectorAll('details.item').length")
    assert count > page.evaluate("document.querySelectorAll('details.advice-item').length") > 0
    visible = "[...document.querySelectorAll('details.item > :not(summary)')].map(e => e.checkVisibility())"
    shown = page.evaluate(visible)
    assert shown and not any(shown)
    page.send("Emulation.setEmulatedMedia", {"media": "print"})
    try:
        assert all(page.evaluate(visible))
        breaks = page.evaluate("[...document.querySelectorAll('#summary, #appendix, details.item')].map(e =>"
                               " [getComputedStyle(e).breakBefore, getComputedStyle(e).breakInside])")
        assert breaks[0] == ["auto", "auto"] and breaks[1] == ["page", "auto"]  # the appendix on a new page
        assert all(b == ["auto", "avoid"] for b in breaks[2:])  # an item is never split over two pages
    finally:
        page.send("Emulation.setEmulatedMedia", {"media": ""})


def print_summary(page: Page) -> bytes:
    """The summary as Chromium prints it: the report with its appendix taken out of the page.

    The appendix starts on a new page (`break-before: page`, checked above) and nothing in the
    summary depends on it, so the pages the summary fills are the same with or without the
    appendix; removing it and printing counts them exactly, without searching a PDF for where a
    heading landed. The page is left without its appendix: print the whole report first."""
    page.evaluate("document.getElementById('appendix').remove()")
    return page.pdf()


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
            page = Page(browser, out.as_uri(), width=794, height=1123)  # A4's width at 96 dpi
            whole = page.pdf()
            found[f"{key}.{lang}"] = (pdf_pages(print_summary(page)), pdf_pages(whole), blank_pages(whole))
            page.close()
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
    pdf = Page(browser, page_file.as_uri()).pdf()
    assert pdf_pages(pdf) == 3 and blank_pages(pdf) == [2]


def test_partners_page_has_no_notes_and_no_rules(browser, tmp_path):
    out = write_report(tmp_path, HEALTHCARE, "partners.html", "--audience", "partners")
    page = Page(browser, out.as_uri())
    assert page.evaluate("document.querySelectorAll('p.notes, code, ol.steps').length") == 0
    assert page.evaluate("document.querySelectorAll('details.advice-item').length") > 0


@pytest.mark.parametrize("key", ["healthcare", "group"])
def test_screenshot(pages, key, tmp_path):
    _, page = pages[key]
    shot = tmp_path / f"{key}.png"
    data = page.screenshot(shot, full_page=True)
    assert shot.stat().st_size == len(data) > 10_000
    assert data.startswith(PNG)
    width, height = int.from_bytes(data[16:20], "big"), int.from_bytes(data[20:24], "big")
    assert width >= 1000 and height > 1400  # the whole page, longer than one screen
    keep = os.environ.get("KANSRIJK_SCREENSHOTS")  # a folder to keep the screenshots in, e.g. for CI artefacts
    if keep:
        Path(keep).mkdir(parents=True, exist_ok=True)
        shutil.copy(shot, Path(keep) / shot.name)
