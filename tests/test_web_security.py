"""The workbench is safe by default: no trace reaches the browser, every form needs its CSRF token,
a password means a login, a public address needs a password, user text is escaped, and a stale
save is refused with the typed input kept."""

from __future__ import annotations

import logging
import re

import pytest
from click.testing import CliRunner
from starlette.routing import Route

from kansrijk.web.security import check_password, hash_password
from tests.browser_support import browser_page, needs_chromium, serving
from tests.web_support import import_example, make_workbench, workbench  # noqa: F401 (the fixture)


@pytest.fixture(autouse=True)
def data_folder(tmp_path, monkeypatch):
    """`kansrijk serve` keeps its session key in the data folder: here the test's own, never the user's."""
    monkeypatch.setenv("KANSRIJK_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.delenv("KANSRIJK_SECRET", raising=False)
    return tmp_path / "data"


def test_an_error_shows_an_id_never_a_trace(tmp_path, caplog, monkeypatch):
    from kansrijk.web import routes_collaborations

    async def broken(request):
        raise RuntimeError("secret detail in /srv/kansrijk/internal.py")

    # a route that fails as a bug would, added to the app's own routes
    monkeypatch.setattr(routes_collaborations, "routes", [*routes_collaborations.routes, Route("/broken", broken)])
    with make_workbench(tmp_path) as client, caplog.at_level(logging.ERROR, logger="kansrijk.web"):
        page = client.get("/broken?lang=en")
    assert page.status_code == 500
    assert "Traceback" not in page.text and "secret detail" not in page.text and ".py" not in page.text
    error_id = page.text.split('<code id="error-id">')[1].split("<")[0]
    assert len(error_id) == 8
    # the log has the trace, under the id the page shows
    logged = [r for r in caplog.records if error_id in r.getMessage()]
    assert logged and logged[0].exc_info and "secret detail" in str(logged[0].exc_info[1])


def test_unknown_page_and_unknown_collaboration_are_404(workbench):
    assert workbench.get("/nothing-here").status_code == 404
    page = workbench.get("/collaborations/999")
    assert page.status_code == 404 and "Traceback" not in page.text


def test_post_without_csrf_token_is_refused(workbench):
    workbench.get("/")  # a session with a token exists: it is the token that is missing
    refused = workbench.post("/collaborations", data={"name": "Nieuw", "language": "nl", "notes": ""})
    assert refused.status_code == 403
    wrong = workbench.post("/collaborations", data={"name": "Nieuw", "language": "nl", "csrf_token": "forged"})
    assert wrong.status_code == 403
    assert workbench.store.collaborations() == []
    # the same form with the session's token goes through
    assert workbench.post_form("/collaborations", {"name": "Nieuw", "language": "nl", "notes": ""}).status_code == 303
    assert [c.name for c in workbench.store.collaborations()] == ["Nieuw"]


def test_fetch_sends_the_token_in_a_header(workbench):
    token = workbench.csrf_token()
    done = workbench.post("/collaborations", data={"name": "Via fetch", "language": "en"},
                          headers={"X-CSRF-Token": token}, follow_redirects=False)
    assert done.status_code == 303


def test_a_password_means_a_login_on_every_page(tmp_path):
    with make_workbench(tmp_path, password="correct horse") as client:
        cid, _ = import_example(client.store)
        for url in ("/", f"/collaborations/{cid}", "/learn"):
            page = client.get(url, follow_redirects=False)
            assert page.status_code == 303 and page.headers["location"].startswith("/login")
        assert client.get("/static/app.css").status_code == 200  # the login page needs its style
        login = client.get("/?lang=en")
        assert "<h1>Log in</h1>" in login.text and 'href="/learn"' not in login.text
        wrong = client.post_form("/login", {"password": "wrong", "next": "/"})
        assert wrong.status_code == 401 and client.get("/", follow_redirects=False).status_code == 303
        right = client.post_form("/login", {"password": "correct horse", "next": f"/collaborations/{cid}"})
        assert right.status_code == 303 and right.headers["location"] == f"/collaborations/{cid}"
        assert client.get("/").status_code == 200
        # never sent to another site after logging in
        client.post_form("/logout", {})
        elsewhere = client.post_form("/login", {"password": "correct horse", "next": "//evil.example/"})
        assert elsewhere.headers["location"] == "/"
        client.post_form("/logout", {})
        assert client.get("/", follow_redirects=False).status_code == 303


def test_only_a_salted_hash_of_the_password_is_kept():
    hashed = hash_password("geheim")
    assert "geheim" not in hashed and hashed != hash_password("geheim")  # a fresh salt each time
    assert check_password("geheim", hashed) and not check_password("Geheim", hashed)
    assert not check_password("geheim", "not a hash")


@pytest.mark.parametrize("host", ["0.0.0.0", "192.168.1.20", "::"])
def test_serve_refuses_a_public_address_without_password(host, monkeypatch, tmp_path):
    from kansrijk.cli import main

    monkeypatch.delenv("KANSRIJK_PASSWORD", raising=False)
    started = []
    monkeypatch.setattr("uvicorn.run", lambda *args, **kwargs: started.append(kwargs))
    result = CliRunner().invoke(main, ["serve", "--host", host, "--db", f"sqlite:///{tmp_path}/w.db"])
    assert result.exit_code == 2, result.output
    assert host in result.output and "KANSRIJK_PASSWORD" in result.output and "Traceback" not in result.output
    assert started == []


def test_serve_with_a_password_starts_with_a_login(monkeypatch, tmp_path):
    from kansrijk.cli import main

    started = []
    monkeypatch.setattr("uvicorn.run", lambda app, **kwargs: started.append((app, kwargs)))
    secret = tmp_path / "password.txt"
    secret.write_text("s3cret phrase\n")
    db = f"sqlite:///{tmp_path}/w.db"
    result = CliRunner().invoke(main, ["serve", "--host", "0.0.0.0", "--port", "8080", "--db", db,
                                       "--password-file", str(secret)])
    assert result.exit_code == 0, result.output
    assert db in result.output and "http://0.0.0.0:8080/" in result.output
    (app, options), = started
    assert options["host"] == "0.0.0.0" and options["port"] == 8080
    assert check_password("s3cret phrase", app.state.password_hash)


def test_serve_refuses_an_empty_password(monkeypatch, tmp_path):
    from kansrijk.cli import main

    monkeypatch.setenv("KANSRIJK_PASSWORD", "  ")
    monkeypatch.setattr("uvicorn.run", lambda *args, **kwargs: pytest.fail("started"))
    result = CliRunner().invoke(main, ["serve", "--host", "0.0.0.0", "--db", f"sqlite:///{tmp_path}/w.db"])
    assert result.exit_code == 2 and "KANSRIJK_PASSWORD" in result.output


def test_user_text_is_escaped(workbench):
    script = "<script>alert(1)</script>"
    cid = workbench.store.create_collaboration(script, "nl", notes='<img src=x onerror="alert(2)">')
    for url in ("/", f"/collaborations/{cid}", f"/?q={script}"):
        page = workbench.get(url)
        assert page.status_code == 200
        assert script not in page.text and "<img src=x" not in page.text
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page.text


def test_a_stale_save_says_changed_meanwhile_and_keeps_the_input(workbench):
    cid = workbench.store.create_collaboration("Regio Noord", "nl", notes="eerste notitie")
    loaded = workbench.store.collaboration(cid).version
    # someone else saves first
    workbench.store.update_collaboration(cid, loaded, name="Regio Noord-Oost", language="nl", notes="hun notitie")
    page = workbench.post_form(f"/collaborations/{cid}?lang=en", {
        "name": "Mijn naam", "language": "en", "notes": "mijn notitie", "version": str(loaded)})
    assert page.status_code == 409
    assert "changed this meanwhile" in page.text
    assert 'value="Mijn naam"' in page.text and "mijn notitie</textarea>" in page.text
    assert "Regio Noord-Oost" in page.text  # what they saved, shown beside
    assert workbench.store.collaboration(cid).name == "Regio Noord-Oost"  # nothing overwritten
    # saved again from the form it showed, it goes through
    current = workbench.store.collaboration(cid).version
    assert f'name="version" value="{current}"' in page.text
    again = workbench.post_form(f"/collaborations/{cid}", {
        "name": "Mijn naam", "language": "en", "notes": "mijn notitie", "version": str(current)})
    assert again.status_code == 303 and workbench.store.collaboration(cid).name == "Mijn naam"


def test_every_response_has_the_policy_that_keeps_requests_on_this_machine(workbench):
    cid, aid = import_example(workbench.store)
    workbench.get("/")
    responses = [workbench.get(url) for url in ("/", f"/assessments/{aid}", "/static/app.js", "/nothing-here")]
    responses.append(workbench.post("/collaborations", data={"name": "x"}))  # refused: no token
    assert [r.status_code for r in responses] == [200, 200, 200, 404, 403]
    for response in responses:
        policy = dict(part.strip().split(" ", 1) for part in response.headers["content-security-policy"].split(";"))
        # every kind of resource from this workbench only: nothing names another host, no inline script
        assert policy["default-src"] == "'self'" and policy["script-src"] == "'self'"
        assert policy["frame-ancestors"] == "'none'" and policy["form-action"] == "'self'"
        assert all("http" not in sources and "*" not in sources for sources in policy.values())
        assert response.headers["x-frame-options"] == "DENY" and response.headers["x-content-type-options"] == "nosniff"


OUTSIDE_PAGE = """<!DOCTYPE html><html><head><link rel="stylesheet" href="http://outside.example/x.css"></head>
<body><img src="http://outside.example/x.png"><script src="http://outside.example/x.js"></script>
<script>window.inlineRan = true;</script></body></html>"""


@needs_chromium
def test_in_chromium_a_page_naming_an_outside_asset_is_blocked_by_the_policy(tmp_path, monkeypatch):
    from starlette.responses import HTMLResponse

    from kansrijk.web import routes_collaborations

    async def outside_page(request):
        return HTMLResponse(OUTSIDE_PAGE)

    # a page that names assets elsewhere, as a careless template would: the policy stops each one
    # before it is requested (the guard would record any request that went out)
    monkeypatch.setattr(routes_collaborations, "routes",
                        [*routes_collaborations.routes, Route("/outside", outside_page)])
    served = make_workbench(tmp_path)
    with serving(served.app) as base, browser_page() as (page, outside):
        refused = []
        page.on("console", lambda message: refused.append(message.text) if "Content Security Policy" in message.text
                else None)
        page.goto(f"{base}/outside")
        page.wait_for_load_state("load")
        assert page.evaluate("window.inlineRan === undefined")
        assert outside == []
        assert {name for name in ("x.css", "x.png", "x.js") if any(name in text for text in refused)} == {
            "x.css", "x.png", "x.js"}


FOCUS = re.compile(r'<section id="focus"[^>]*>.*?</section>', re.DOTALL)


def test_requests_at_the_same_time_get_the_advice_of_their_own_case(tmp_path):
    """The engine is one per process: pages asked for at the same time, over HTTP to uvicorn, each
    show their own case's focus, as when asked one at a time."""
    from concurrent.futures import ThreadPoolExecutor
    from urllib.request import urlopen

    served = make_workbench(tmp_path)
    ids = [import_example(served.store, name)[1] for name in
           ("zorgalliantie.yaml", "veiligheidshuis.yaml", "logistieke_keten.yaml", "energietransitie_gezond.yaml")]
    with serving(served.app) as base:
        def focus(aid: int) -> str:
            with urlopen(f"{base}/assessments/{aid}?lang=en", timeout=60) as page:
                return FOCUS.search(page.read().decode()).group(0)

        alone = [focus(aid) for aid in ids]
        assert len(set(alone)) == len(ids)  # four cases, four different focus sections: a mix-up would show
        with ThreadPoolExecutor(len(ids)) as pool:
            together = [list(pool.map(focus, ids)) for _ in range(5)]
    assert all(run == alone for run in together)


def test_serve_open_opens_the_browser_on_its_address(monkeypatch, tmp_path):
    from types import SimpleNamespace

    from kansrijk.cli import main

    opened = []
    monkeypatch.setattr("uvicorn.run", lambda app, **kwargs: None)
    monkeypatch.setattr("webbrowser.open", opened.append)
    # the browser is opened a moment after the server starts: at once here
    monkeypatch.setattr("threading.Timer", lambda delay, call, args: SimpleNamespace(start=lambda: call(*args)))
    result = CliRunner().invoke(main, ["serve", "--open", "--port", "9123", "--db", f"sqlite:///{tmp_path}/w.db"])
    assert result.exit_code == 0, result.output
    assert opened == ["http://127.0.0.1:9123/"]


# -- host names (DNS rebinding) and other sites' pages -------------------------------------------

def test_a_request_naming_another_host_is_refused_whatever_it_carries(workbench):
    """A page on attacker.example whose name was made to resolve to 127.0.0.1 (DNS rebinding)
    reaches the workbench with Host: attacker.example: it reads nothing and changes nothing."""
    workbench.store.create_collaboration("Geheim verband", "nl")
    token = workbench.csrf_token()
    for lang, words in (("nl", "antwoordt niet op deze naam"), ("en", "does not answer to this name")):
        page = workbench.get(f"/?lang={lang}", headers={"host": "attacker.example:8765"})
        assert page.status_code == 400 and words in page.text and "Geheim verband" not in page.text
    sent = workbench.post("/collaborations", data={"name": "Van elders", "language": "nl", "csrf_token": token},
                          headers={"host": "attacker.example"}, follow_redirects=False)
    assert sent.status_code == 400
    assert [c.name for c in workbench.store.collaborations()] == ["Geheim verband"]


def test_the_app_answers_only_to_the_names_of_this_computer_unless_given_more(tmp_path):
    from starlette.testclient import TestClient

    from kansrijk.store import Store
    from kansrijk.web.app import create_app

    store = Store(f"sqlite:///{tmp_path / 'w.db'}")
    with TestClient(create_app(store)) as client:
        assert client.get("/").status_code == 400  # TestClient's own name, 'testserver', is not this computer's
        for host in ("127.0.0.1:8765", "localhost", "LOCALHOST:80", "[::1]:8765"):
            assert client.get("/", headers={"host": host}).status_code == 200, host
        for host in ("attacker.example", "127.0.0.1.attacker.example", "[::2]:8765", "user@127.0.0.1", ""):
            assert client.get("/", headers={"host": host}).status_code == 400, host
    with TestClient(create_app(store, allowed_hosts=["kansrijk.firma.example", "::1"])) as client:
        assert client.get("/", headers={"host": "kansrijk.firma.example"}).status_code == 200
        assert client.get("/", headers={"host": "[::1]"}).status_code == 200
        assert client.get("/", headers={"host": "localhost"}).status_code == 400


def test_a_form_sent_from_another_sites_page_is_refused(tmp_path):
    with make_workbench(tmp_path, allowed_hosts=["127.0.0.1", "kansrijk.firma.example"]) as client:
        form = {"name": "Nieuw", "language": "nl"}
        for headers in ({"origin": "http://evil.example"}, {"origin": "null"},
                        {"referer": "http://evil.example/page"}, {"origin": "http://testserver.evil.example"},
                        # a page of another site on this very computer
                        {"origin": "http://127.0.0.1:3000"}):
            refused = client.post_form("/collaborations?lang=en", form, headers=headers)
            assert refused.status_code == 403 and "came from a page of another site" in refused.text, headers
        assert "kwam van een pagina van een andere site" in client.post_form(
            "/collaborations?lang=nl", form, headers={"origin": "http://evil.example"}).text
        assert client.store.collaborations() == []
        # its own pages, and those of the name a TLS proxy in front gives it, are welcome
        for headers in ({"origin": "http://testserver"}, {"referer": "http://testserver/?q=x"},
                        {"origin": "https://kansrijk.firma.example"}, {}):
            assert client.post_form("/collaborations", form, headers=headers).status_code == 303, headers


# -- forms past the limits -----------------------------------------------------------------------

def test_a_form_past_the_limits_is_answered_with_the_limit_never_an_error(workbench, caplog):
    _, aid = import_example(workbench.store)
    with caplog.at_level(logging.ERROR, logger="kansrijk.web"):
        field = workbench.post_form("/collaborations?lang=en", {"name": "n", "language": "nl", "notes": "x" * 2**21})
        assert field.status_code == 400 and "at most 1000 fields or files, each field at most 1 MB" in field.text
        fields = workbench.post_form(f"/assessments/{aid}/whatif?lang=nl", {f"set.f{i}": "3" for i in range(1500)})
        assert fields.status_code == 400 and "hoogstens 1000 velden of bestanden hebben, elk veld hoogstens 1 MB" in fields.text
        big = b"x" * (51 * 2**20)
        upload = workbench.post_form("/import?lang=en", {}, files={"files": ("big.yaml", big, "text/yaml")})
        assert upload.status_code == 413 and "at most 50 MB, files included" in upload.text
        # sent in chunks, without a length: counted as it comes
        chunked = workbench.post("/import?lang=nl", content=(big[:2**20] for _ in range(51)),
                                 headers={"content-type": "application/x-www-form-urlencoded"})
        assert chunked.status_code == 413 and "hoogstens 50 MB" in chunked.text
    assert caplog.records == []  # no error logged: these are answers, not failures


# -- login: throttled, and a logout ends the session on the server ------------------------------

def test_failed_logins_from_one_address_must_wait_longer_and_longer(tmp_path):
    from kansrijk.web.security import FAILURE_WAIT, FREE_FAILURES, LoginThrottle

    now = [1000.0]
    with make_workbench(tmp_path, password="correct horse") as client:
        client.app.state.login_throttle = LoginThrottle(clock=lambda: now[0])
        for _ in range(FREE_FAILURES):
            assert client.post_form("/login", {"password": "wrong"}).status_code == 401
        waiting = client.post_form("/login?lang=en", {"password": "correct horse"})
        assert waiting.status_code == 429 and waiting.headers["retry-after"] == str(FAILURE_WAIT)
        assert f"Too many wrong passwords from this address. Try again in {FAILURE_WAIT} seconds." in waiting.text
        assert client.get("/", follow_redirects=False).status_code == 303  # not logged in
        now[0] += FAILURE_WAIT
        assert client.post_form("/login?lang=nl", {"password": "wrong"}).status_code == 401
        # one more failure: twice as long
        waiting = client.post_form("/login?lang=nl", {"password": "wrong"})
        assert waiting.status_code == 429 and f"over {2 * FAILURE_WAIT} seconden" in waiting.text
        now[0] += 2 * FAILURE_WAIT
        assert client.post_form("/login", {"password": "correct horse"}).status_code == 303
        # a success starts afresh
        client.post_form("/logout", {})
        assert client.post_form("/login", {"password": "wrong"}).status_code == 401


def test_the_password_is_checked_off_the_event_loop(tmp_path, monkeypatch):
    import asyncio

    from kansrijk.web import routes_login, security

    on_loop = []

    def checking(password, hashed):
        try:
            asyncio.get_running_loop()
            on_loop.append(True)
        except RuntimeError:
            on_loop.append(False)
        return security.check_password(password, hashed)

    monkeypatch.setattr(routes_login, "check_password", checking)
    with make_workbench(tmp_path, password="pw") as client:
        assert client.post_form("/login", {"password": "pw"}).status_code == 303
    assert on_loop == [False]


def test_a_copy_of_the_cookie_no_longer_logs_in_after_logging_out(tmp_path):
    from kansrijk.web.app import SESSION_COOKIE

    with make_workbench(tmp_path, password="pw") as client:
        client.post_form("/login", {"password": "pw"})
        assert client.get("/", follow_redirects=False).status_code == 200
        copied = client.cookies.get(SESSION_COOKIE)
        assert client.post_form("/logout", {}).status_code == 303
        client.cookies.clear()
        client.cookies.set(SESSION_COOKIE, copied)
        refused = client.get("/", follow_redirects=False)
        assert refused.status_code == 303 and refused.headers["location"].startswith("/login")
        # logging in again gives a new session that works
        client.cookies.clear()  # the copy set by hand above would stay beside the new cookie
        client.post_form("/login", {"password": "pw"})
        assert client.get("/", follow_redirects=False).status_code == 200


# -- the language switch on a page that answers a form -------------------------------------------

def test_the_language_switch_of_a_page_answering_a_form_leads_to_a_page_that_exists(workbench):
    _, aid = import_example(workbench.store)
    for url, data, expected in (("/collaborations", {"name": "", "language": "nl"}, "/"),
                                ("/import", {}, "/"),
                                (f"/assessments/{aid}/whatif", {"set.ambition.shared": "1"}, f"/assessments/{aid}")):
        page = workbench.post_form(url + "?lang=nl", data)
        assert switch_link(page.text) == expected + "?lang=en", url
        assert workbench.get(expected + "?lang=en").status_code == 200
        # sent from a page of its own (a browser says which): back to that page, its query kept
        page = workbench.post_form(url + "?lang=nl", data, headers={"referer": "http://testserver/?q=zorg"})
        assert switch_link(page.text) == "/?q=zorg&lang=en"
    # a page that answers GET too switches to itself
    cid = workbench.store.create_collaboration("Regio", "nl")
    page = workbench.post_form(f"/collaborations/{cid}?lang=en", {"name": "", "version": "1", "language": "nl"})
    assert switch_link(page.text) == f"/collaborations/{cid}?lang=nl"


def switch_link(page: str) -> str:
    """The address of the language switch of a page."""
    return re.search(r'<a href="([^"]+)" hreflang="(?:nl|en)"', page).group(1).replace("&amp;", "&")


# -- serve: TLS, host names, the password file ---------------------------------------------------

def test_serve_needs_both_tls_files_and_readable_ones(monkeypatch, tmp_path):
    from kansrijk.cli import main

    monkeypatch.setattr("uvicorn.run", lambda *args, **kwargs: pytest.fail("started"))
    db = ["--db", f"sqlite:///{tmp_path}/w.db"]
    garbage = tmp_path / "cert.pem"
    garbage.write_text("not a certificate\n")
    for options, said in ((["--ssl-certfile", str(garbage)], "--ssl-keyfile: HTTPS needs both the certificate and its key"),
                          (["--ssl-keyfile", str(garbage)], "--ssl-certfile CERTIFICATE.pem together with"),
                          (["--ssl-certfile", str(tmp_path / "none.pem"), "--ssl-keyfile", str(garbage)], "none.pem"),
                          (["--ssl-certfile", str(garbage), "--ssl-keyfile", str(garbage)],
                           "not a certificate and its matching private key")):
        result = CliRunner().invoke(main, ["serve", *db, *options])
        assert result.exit_code == 2 and said in result.output and "Traceback" not in result.output, result.output


def test_serve_with_tls_passes_the_files_and_keeps_the_cookie_to_https(monkeypatch, tmp_path):
    import shutil
    import subprocess

    from starlette.testclient import TestClient

    from kansrijk.cli import main

    if shutil.which("openssl") is None:
        pytest.skip("openssl is not installed: no certificate to test with")
    cert, key = tmp_path / "cert.pem", tmp_path / "key.pem"
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=localhost",
                    "-keyout", str(key), "-out", str(cert)], check=True, capture_output=True)
    started = []
    monkeypatch.setattr("uvicorn.run", lambda app, **kwargs: started.append((app, kwargs)))
    monkeypatch.setenv("KANSRIJK_PASSWORD", "pw")
    result = CliRunner().invoke(main, ["serve", "--host", "0.0.0.0", "--port", "8443", "--db", f"sqlite:///{tmp_path}/w.db",
                                       "--ssl-certfile", str(cert), "--ssl-keyfile", str(key)])
    assert result.exit_code == 0, result.output
    assert "https://0.0.0.0:8443/" in result.output and "clear text" not in result.output
    (app, options), = started
    assert options["ssl_certfile"] == str(cert) and options["ssl_keyfile"] == str(key)
    with TestClient(app, base_url="https://localhost") as client:
        cookie = client.get("/login").headers["set-cookie"]
    assert cookie.startswith("kansrijk_session=") and "; secure" in cookie.lower()


def test_serve_says_a_password_without_tls_goes_in_clear_text(monkeypatch, tmp_path):
    from kansrijk.cli import main

    monkeypatch.setattr("uvicorn.run", lambda app, **kwargs: None)
    monkeypatch.setenv("KANSRIJK_PASSWORD", "pw")
    result = CliRunner().invoke(main, ["serve", "--host", "0.0.0.0", "--db", f"sqlite:///{tmp_path}/w.db"])
    assert result.exit_code == 0 and "the password travels over the network in clear text" in result.output
    help_text = CliRunner().invoke(main, ["serve", "--help"]).output
    assert "in clear text" in " ".join(help_text.split()) and "--ssl-certfile" in help_text


def test_serve_answers_to_its_host_and_the_names_it_is_given(monkeypatch, tmp_path):
    import socket

    from starlette.testclient import TestClient

    from kansrijk.cli import main

    started = []
    monkeypatch.setattr("uvicorn.run", lambda app, **kwargs: started.append(app))
    monkeypatch.setenv("KANSRIJK_PASSWORD", "pw")
    db = ["--db", f"sqlite:///{tmp_path}/w.db"]
    assert CliRunner().invoke(main, ["serve", "--host", "192.168.1.20", "--allow-host", "Kansrijk.Firma.example",
                                     *db]).exit_code == 0
    assert CliRunner().invoke(main, ["serve", "--host", "0.0.0.0", *db]).exit_code == 0
    named, anywhere = started
    with TestClient(named) as client:
        for host, status in (("192.168.1.20:8765", 303), ("kansrijk.firma.example", 303), ("127.0.0.1", 303),
                             ("192.168.1.21", 400), (socket.gethostname(), 400)):
            assert client.get("/", headers={"host": host}, follow_redirects=False).status_code == status, host
    with TestClient(anywhere) as client:  # on every address: this computer's name too
        assert client.get("/", headers={"host": socket.gethostname()}, follow_redirects=False).status_code == 303


def test_serve_says_which_password_file_is_not_utf8(monkeypatch, tmp_path):
    from kansrijk.cli import main

    monkeypatch.setattr("uvicorn.run", lambda *args, **kwargs: pytest.fail("started"))
    secret = tmp_path / "wachtwoord.txt"
    secret.write_bytes("géheim\n".encode("latin-1"))
    result = CliRunner().invoke(main, ["serve", "--password-file", str(secret), "--db", f"sqlite:///{tmp_path}/w.db",
                                       "--lang", "nl"])
    assert result.exit_code == 2, result.output
    assert str(secret) in result.output and "geen UTF-8-tekst" in result.output and "onverwacht" not in result.output


# -- what-if with JavaScript: an answer that is not the result shows as a whole page -------------

@needs_chromium
def test_in_chromium_a_refused_what_if_shows_the_whole_refusal_not_a_page_in_the_panel(tmp_path):
    served = make_workbench(tmp_path)
    _, aid = import_example(served.store)
    with serving(served.app) as base, browser_page() as (page, outside):
        page.goto(f"{base}/assessments/{aid}?lang=en")
        # the session's token no longer what the page holds (an expired form)
        page.evaluate("""() => {
            document.querySelector('meta[name=csrf-token]').content = 'expired';
            document.querySelectorAll('input[name=csrf_token]').forEach(i => { i.value = 'expired'; });
        }""")
        with page.expect_navigation():
            page.click("#whatif button[type=submit]")
        assert page.url.startswith(f"{base}/assessments/{aid}/whatif")
        assert "the form had expired" in page.inner_text("main")
        assert outside == []


# -- the session key kept from one start to the next -------------------------------------------

def started_app(monkeypatch, tmp_path, *options: str):
    """The app `kansrijk serve` would run (uvicorn not started), on a database outside the data folder."""
    from kansrijk.cli import main

    started = []
    monkeypatch.setattr("uvicorn.run", lambda app, **kwargs: started.append(app))
    result = CliRunner().invoke(main, ["serve", "--db", f"sqlite:///{tmp_path}/w.db", *options])
    assert result.exit_code == 0, result.output
    (app,) = started
    return app


def browser_of(app):
    from starlette.testclient import TestClient

    return TestClient(app, base_url="http://127.0.0.1:8765", raise_server_exceptions=False)


def token_on(page) -> str:
    return re.search(r'<meta name="csrf-token" content="([^"]+)">', page.text)[1]


def test_a_form_opened_before_a_restart_is_accepted_after_it(monkeypatch, tmp_path, data_folder):
    from kansrijk.web.app import SESSION_COOKIE

    with browser_of(started_app(monkeypatch, tmp_path)) as before:
        page = before.get("/collaborations/new")
        token = token_on(page)
        cookie = before.cookies.get(SESSION_COOKIE)
    key = data_folder / "session.key"
    assert key.stat().st_mode & 0o777 == 0o600  # the data folder's, though the database is elsewhere
    assert not (tmp_path / "session.key").exists()
    made = key.read_text()
    with browser_of(started_app(monkeypatch, tmp_path)) as after:
        after.cookies.set(SESSION_COOKIE, cookie)
        sent = after.post("/collaborations", data={"name": "Na de herstart", "language": "nl", "csrf_token": token},
                          follow_redirects=False)
        assert sent.status_code == 303, sent.text
    assert key.read_text() == made  # read, not made again
    # KANSRIJK_SECRET still decides: a cookie signed with another key is no session of this one
    monkeypatch.setenv("KANSRIJK_SECRET", "another key")
    with browser_of(started_app(monkeypatch, tmp_path)) as other:
        other.cookies.set(SESSION_COOKIE, cookie)
        refused = other.post("/collaborations?lang=en", data={"name": "Kwijt", "language": "nl", "csrf_token": token})
        assert refused.status_code == 403 and "the workbench has restarted" in refused.text
    assert key.read_text() == made


def test_a_logout_holds_after_a_restart(monkeypatch, tmp_path):
    from kansrijk.web.app import SESSION_COOKIE

    monkeypatch.setenv("KANSRIJK_PASSWORD", "pw")
    with browser_of(started_app(monkeypatch, tmp_path)) as client:
        assert client.post("/login", data={"password": "pw", "csrf_token": token_on(client.get("/login"))},
                           follow_redirects=False).status_code == 303
        token = token_on(client.get("/"))
        copied = client.cookies.get(SESSION_COOKIE)
        assert client.post("/logout", data={"csrf_token": token}, follow_redirects=False).status_code == 303
    with browser_of(started_app(monkeypatch, tmp_path)) as other:
        other.cookies.set(SESSION_COOKIE, copied)
        refused = other.get("/", follow_redirects=False)
        assert refused.status_code == 303 and refused.headers["location"].startswith("/login")


@pytest.mark.parametrize("spoil, said", [
    ("folder is a file", "File exists"),
    ("key is a folder", "Is a directory"),
    ("key is not text", "this file is not as kansrijk wrote it"),
    ("logouts are not a list", "this file is not as kansrijk wrote it"),
])
def test_serve_says_which_file_of_the_data_folder_it_cannot_use(spoil, said, monkeypatch, tmp_path, data_folder):
    from kansrijk.cli import main

    if spoil == "folder is a file":
        data_folder.write_text("")
        named = data_folder
    else:
        data_folder.mkdir()
        named = data_folder / ("ended-sessions.json" if spoil.startswith("logouts") else "session.key")
        {"key is a folder": named.mkdir, "key is not text": lambda: named.write_bytes(b"\xff\xfe"),
         "logouts are not a list": lambda: named.write_text('["sid"]')}[spoil]()
    monkeypatch.setattr("uvicorn.run", lambda *args, **kwargs: pytest.fail("started"))
    result = CliRunner().invoke(main, ["serve", "--db", f"sqlite:///{tmp_path}/w.db", "--lang", "en"])
    assert result.exit_code == 2, result.output
    assert str(named) in result.output and said in result.output and "Traceback" not in result.output
    assert "KANSRIJK_DATA_DIR" in result.output or "delete it" in result.output


def test_the_help_says_where_the_key_is_kept():
    from kansrijk.cli import main

    help_text = " ".join(CliRunner().invoke(main, ["serve", "--help"]).output.split())
    assert "session.key in your data folder (there too with --db elsewhere" in help_text


@pytest.mark.parametrize("lang, said, back", [
    ("nl", "de werkbank is intussen opnieuw gestart", "met de terugknop van je browser terug"),
    ("en", "the workbench has restarted since", "go back with your browser&#39;s back button"),
])
def test_a_refused_form_says_why_and_how_to_get_the_input_back(lang, said, back, workbench):
    workbench.get(f"/?lang={lang}")
    refused = workbench.post("/collaborations", data={"name": "Nieuw", "language": "nl", "csrf_token": "stale"},
                             headers={"Referer": "http://testserver/collaborations/new?x=1"})
    assert refused.status_code == 403
    assert said in refused.text and back in refused.text, refused.text
    assert '<a href="/collaborations/new?x=1">' in refused.text  # the form's page, on this site
    # a Referer a browser would read as another host is no link back
    tricked = workbench.post("/collaborations", data={"csrf_token": "stale"},
                             headers={"Referer": "http://testserver//evil.example/x"})
    assert tricked.status_code == 403 and "evil.example" not in tricked.text


def test_a_password_file_with_a_byte_order_mark_gives_the_password_without_it(tmp_path):
    from kansrijk.commands.serve import read_password

    path = tmp_path / "password.txt"
    path.write_bytes("\ufeffgeheim\r\n".encode())
    assert read_password(str(path)) == "geheim"


def test_serve_behind_an_https_proxy_trusts_its_forwarded_headers_and_sends_the_cookie_over_https_only(
        monkeypatch, tmp_path):
    from kansrijk.cli import main

    started = []
    monkeypatch.setattr("uvicorn.run", lambda app, **kwargs: started.append((app, kwargs)))
    monkeypatch.setenv("KANSRIJK_PASSWORD", "s3cret phrase")
    db = f"sqlite:///{tmp_path}/w.db"
    result = CliRunner().invoke(main, ["serve", "--host", "0.0.0.0", "--db", db, "--https-proxy", "10.0.0.5",
                                       "--allow-host", "kansrijk.example.org"])
    assert result.exit_code == 0, result.output
    assert "clear text" not in result.output
    (app, options), = started
    assert options["forwarded_allow_ips"] == "10.0.0.5/32"
    from starlette.testclient import TestClient

    client = TestClient(app, base_url="https://kansrijk.example.org")
    login = client.get("/login")
    assert "secure" in login.headers["set-cookie"].lower()
    result = CliRunner().invoke(main, ["serve", "--db", db, "--https-proxy", "proxy.example.org", "--lang", "en"])
    assert result.exit_code == 2 and "--https-proxy" in result.output and "10.0.0.0/24" in result.output
