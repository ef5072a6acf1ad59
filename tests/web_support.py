"""The workbench under test: a TestClient on a fresh SQLite store in a temporary folder.

    from tests.web_support import workbench, import_example   # noqa: F401 (the fixture)

    def test_x(workbench):
        cid, aid = import_example(workbench.store, "zorgalliantie.yaml")
        page = workbench.get(f"/assessments/{aid}")
        workbench.post_form(f"/collaborations/{cid}", {"name": ..., "version": ...})

`post_form` adds the session's CSRF token (read from the page's <meta name="csrf-token">), so a
test never builds one; to send a request without it, use the plain `post`.
"""

from __future__ import annotations

import json
import re
from base64 import b64decode
from pathlib import Path

import pytest
from itsdangerous import TimestampSigner
from starlette.testclient import TestClient

from kansrijk.web.app import SESSION_COOKIE
from kansrijk.web.pages import CSRF_SESSION_KEY

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples"
SECRET = "test-secret-not-for-use"
TEST_HOST = "testserver"  # the Host TestClient sends; allowed here only, never by the app itself
_META = re.compile(r'<meta name="csrf-token" content="([^"]+)">')


class Workbench(TestClient):
    """A client of the workbench app, with its store and a form post that carries the CSRF token."""

    def __init__(self, app, store):
        # errors are to show as the 500 page, as a browser sees them, not as exceptions in the test
        super().__init__(app, raise_server_exceptions=False)
        self.store = store

    def session(self) -> dict:
        """The signed session cookie's content (the app's SessionMiddleware format)."""
        cookie = self.cookies.get(SESSION_COOKIE)
        if not cookie:
            return {}
        return json.loads(b64decode(TimestampSigner(SECRET).unsign(cookie.encode())))

    def csrf_token(self) -> str:
        """The session's token; the first page shown makes it (the login page when there is a password)."""
        token = self.session().get(CSRF_SESSION_KEY)
        if token:
            return token
        page = self.get("/", follow_redirects=True)
        match = _META.search(page.text)
        assert match, f"no csrf-token meta on {page.url} ({page.status_code})"
        return match.group(1)

    def post_form(self, url: str, data: dict | None = None, files=None, **kwargs):
        """POST a form with the CSRF token; redirects are not followed unless asked."""
        kwargs.setdefault("follow_redirects", False)
        return self.post(url, data={**(data or {}), "csrf_token": self.csrf_token()}, files=files, **kwargs)


def make_workbench(folder: Path, password: str | None = None, **options) -> Workbench:
    """A workbench on a new SQLite database in folder; with password, it needs a login. `options`
    go to create_app (allowed_hosts: TestClient's host is added)."""
    from kansrijk.store import Store
    from kansrijk.web.app import create_app
    from kansrijk.web import LOOPBACK_HOSTS
    from kansrijk.web.security import hash_password

    store = Store("sqlite:///" + str(folder / "workbench.db"))
    options["allowed_hosts"] = (*options.get("allowed_hosts", LOOPBACK_HOSTS), TEST_HOST)
    app = create_app(store, password_hash=hash_password(password) if password else None, secret_key=SECRET,
                     **options)
    return Workbench(app, store)


@pytest.fixture
def workbench(tmp_path) -> Workbench:
    with make_workbench(tmp_path) as client:
        yield client


def example_case(name: str):
    """A bundled example (a path under examples/) read as a Case."""
    from kansrijk.case import load_case
    from kansrijk.model import load_model

    return load_case(str(EXAMPLES / name), load_model().kb)


def import_example(store, name: str = "zorgalliantie.yaml") -> tuple[int, int]:
    """(collaboration id, assessment id) of a bundled example imported through the Store API."""
    return store.import_case(example_case(name))
