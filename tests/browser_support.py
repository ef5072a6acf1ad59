"""A real browser against a real server: Playwright driving Debian's Chromium (never a downloaded
browser) on a workbench served by uvicorn in a thread, on a free port of 127.0.0.1.

Every request the page makes is checked: one to any other host is aborted and recorded, so a test
can assert that nothing left the machine.
"""

from __future__ import annotations

import os
import shutil
import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
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
def browser_page(viewport: dict | None = None) -> Iterator[tuple[object, Outside]]:
    """A fresh Chromium page; yields (page, outside requests)."""
    from playwright.sync_api import sync_playwright

    outside = Outside()

    def guard(route) -> None:
        host = urlsplit(route.request.url).hostname
        if route.request.url.startswith(("data:", "blob:", "about:")) or host in LOCAL_HOSTS:
            route.continue_()
        else:
            outside.append(route.request.url)
            route.abort()

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        try:
            context = browser.new_context(viewport=viewport or {"width": 1280, "height": 900})
            context.route("**/*", guard)
            page = context.new_page()
            page.set_default_timeout(15_000)
            yield page, outside
        finally:
            browser.close()
