"""A real browser against a real server: Playwright driving Debian's Chromium (never a downloaded
browser) on a workbench served by uvicorn in a thread, on a free port of 127.0.0.1.

Every request the page makes is checked: one to any other host is aborted and recorded, so a test
can assert that nothing left the machine. A page opened from a file (a report written by the CLI) may
also read files of this machine (`file:///…`) when its test allows that.
"""

from __future__ import annotations

import os
import shutil
import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from urllib.parse import urlsplit

import pytest

CHROMIUM = shutil.which("chromium") or ("/usr/bin/chromium" if os.path.exists("/usr/bin/chromium") else None)
needs_chromium = pytest.mark.skipif(CHROMIUM is None, reason="Chromium is not installed (Debian: apt-get install chromium)")

# the flags that keep Chromium from calling home on a machine without a network (see .library/env)
FLAGS = [
    "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
    "--disable-extensions", "--disable-default-apps", "--mute-audio", "--disable-dev-shm-usage",
]
# for pages that need no server at all: no host name resolves, so nothing can leave even past the guard
NO_HOST_NAMES = "--host-resolver-rules=MAP * ~NOTFOUND"
LOCAL_HOSTS = {"127.0.0.1"}


@contextmanager
def serving(app) -> Iterator[str]:
    """The app served by uvicorn on a free local port, for the duration of the block; yields its base URL."""
    import uvicorn

    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(app, log_level="warning", lifespan="off"))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            raise RuntimeError("the workbench did not start")
        time.sleep(0.02)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(10)
        sock.close()


class Outside(list):
    """The addresses of requests that tried to leave the machine (each one aborted)."""


@contextmanager
def chromium(*flags: str) -> Iterator[object]:
    """Debian's Chromium, started by Playwright (with FLAGS and any extra flags) for the block; yields the browser."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=[*FLAGS, *flags])
        try:
            yield browser
        finally:
            browser.close()


def guarded_page(browser, viewport: dict | None = None, *, files: bool = False) -> tuple[object, Outside]:
    """A fresh page of the browser, in a context of its own; returns (page, outside requests).
    With files=True the page may also read local files (file:///…, no host)."""
    outside = Outside()

    def guard(route) -> None:
        url = urlsplit(route.request.url)
        local_file = files and url.scheme == "file" and not url.hostname
        if url.scheme in ("data", "blob", "about") or url.hostname in LOCAL_HOSTS or local_file:
            route.continue_()
        else:
            outside.append(route.request.url)
            route.abort()

    context = browser.new_context(viewport=viewport or {"width": 1280, "height": 900})
    context.route("**/*", guard)
    page = context.new_page()
    page.set_default_timeout(15_000)
    return page, outside


@contextmanager
def browser_page(viewport: dict | None = None) -> Iterator[tuple[object, Outside]]:
    """A fresh Chromium page; yields (page, outside requests)."""
    with chromium() as browser:
        yield guarded_page(browser, viewport)


@dataclass
class Watch:
    """What a page did from the moment it is watched: every request it made, and every problem:
    a console message of any kind (Chromium's own log entries, such as a failed load, among them),
    an uncaught exception, a failed request, a dialog (dismissed, so the page never waits for it)."""

    page: object
    requests: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    dialogs: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.page.on("request", lambda request: self.requests.append(request.url))
        self.page.on("console", lambda message: self.problems.append(f"console.{message.type}: {message.text}"))
        self.page.on("pageerror", lambda error: self.problems.append(f"exception: {error}"))
        self.page.on("requestfailed",
                     lambda request: self.problems.append(f"load failed: {request.url} {request.failure}"))
        self.page.on("dialog", self._dialog)

    def _dialog(self, dialog) -> None:
        self.dialogs.append(dialog.message)
        self.problems.append(f"dialog: {dialog.message}")
        dialog.dismiss()


@dataclass
class Opened:
    """A page loaded by open_page, the requests its guard stopped, and what it did."""

    page: object
    outside: Outside
    seen: Watch


def open_page(browser, url: str, viewport: dict | None = None, *, files: bool = False) -> Opened:
    """url in a fresh guarded page (see guarded_page), watched from before it starts loading, and
    drawn: its load event fired and two animation frames passed, so layout and SVG geometry are final.
    A dialog fails at once: it means a script ran on a page that must have none."""
    page, outside = guarded_page(browser, viewport, files=files)
    seen = Watch(page)
    page.goto(url)
    page.evaluate("new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)))")
    assert seen.dialogs == [], f"the page opened a dialog: {seen.dialogs}"
    return Opened(page, outside, seen)
