"""kansrijk report in a real browser: headless Chromium loads the page with no console errors and
no network requests, draws the radar chart, expands the explanations when printing, breaks pages
between advice items, and takes a screenshot.

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
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from kansrijk.cli import main
from tests.conftest import HEALTHCARE
from tests.report_cases import GROUP, HAS_GROUP, group_case

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
        target = browser.send("Target.createTarget", {"url": "about:blank"})["targetId"]
        self.session = browser.send("Target.attachToTarget", {"targetId": target, "flatten": True})["sessionId"]
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
    group = directory / "group.yaml"
    group.write_text(yaml.safe_dump(group_case(language="en"), allow_unicode=True), encoding="utf-8")
    files = {
        "healthcare": write_report(directory, HEALTHCARE, "healthcare.html"),
        "healthcare_en": write_report(directory, HEALTHCARE, "healthcare.en.html", "--lang", "en"),
        "group": write_report(directory, group, "group.html"),
    }
    return {key: (path, Page(browser, path.as_uri())) for key, path in files.items()}


@pytest.mark.parametrize("key", ["healthcare", "healthcare_en", "group"])
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


@pytest.mark.parametrize("key, lines", [
    ("healthcare", 1), ("healthcare_en", 1), ("group", 3 if HAS_GROUP else 1),  # group: whole case + 2 shown
])
def test_the_radar_chart_is_drawn(pages, key, lines):
    _, page = pages[key]
    box = page.evaluate("(() => { const r = document.querySelector('svg.radar').getBoundingClientRect();"
                        " return [r.width, r.height]; })()")
    assert box[0] > 250 and box[1] > 150
    assert page.evaluate("document.querySelectorAll('svg.radar line.axis').length") == 5
    sizes = page.evaluate("[...document.querySelectorAll('svg.radar polygon')].map(p => p.getBBox().width)")
    assert len(sizes) == lines and all(w > 10 for w in sizes)
    # every axis label is inside the chart's box: nothing is cut off
    inside = page.evaluate("""(() => { const s = document.querySelector('svg.radar').getBoundingClientRect();
        return [...document.querySelectorAll('svg.radar .axis-label')].every(t => {
            const r = t.getBoundingClientRect();
            return r.left >= s.left - 1 && r.right <= s.right + 1
                && r.top >= s.top - 1 && r.bottom <= s.bottom + 1; }); })()""")
    assert inside


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


def test_explanations_fold_on_screen_and_unfold_in_print(pages):
    _, page = pages["healthcare"]
    count = page.evaluate("document.querySelectorAll('.advice-item details').length")
    assert count == page.evaluate("document.querySelectorAll('.advice-item').length") > 0
    visible = "[...document.querySelectorAll('.advice-item details ol')].map(e => e.checkVisibility())"
    assert page.evaluate(visible) == [False] * count
    page.send("Emulation.setEmulatedMedia", {"media": "print"})
    try:
        assert page.evaluate(visible) == [True] * count
    finally:
        page.send("Emulation.setEmulatedMedia", {"media": ""})


def test_print_breaks_pages_between_advice_items(pages):
    _, page = pages["healthcare"]
    items = page.evaluate("document.querySelectorAll('.advice-item').length")
    breaks = "[...document.querySelectorAll('.advice-item')].map(e => getComputedStyle(e).breakBefore)"
    assert "page" not in page.evaluate(breaks)
    page.send("Emulation.setEmulatedMedia", {"media": "print"})
    try:
        assert page.evaluate(breaks) == ["auto"] + ["page"] * (items - 1)
    finally:
        page.send("Emulation.setEmulatedMedia", {"media": ""})
    pdf = page.pdf()
    assert pdf.startswith(b"%PDF")
    assert pdf_pages(pdf) >= items + 1  # the overview, then one page (at least) per advice item


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
