"""The workbench is safe by default: no trace reaches the browser, every form needs its CSRF token,
a password means a login, a public address needs a password, user text is escaped, and a stale
save is refused with the typed input kept."""

from __future__ import annotations

import logging

import pytest
from click.testing import CliRunner
from starlette.routing import Route

from kansrijk.web.security import check_password, hash_password
from tests.web_support import import_example, make_workbench, workbench  # noqa: F401 (the fixture)


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


def test_responses_keep_every_request_on_this_machine(workbench):
    headers = workbench.get("/").headers
    assert "default-src 'self'" in headers["content-security-policy"]
    assert headers["x-frame-options"] == "DENY" and headers["x-content-type-options"] == "nosniff"


def test_requests_at_the_same_time_get_the_advice_of_their_own_case(workbench):
    """The engine is one per process: requests in parallel threads still get each case's own advice."""
    from concurrent.futures import ThreadPoolExecutor

    from tests.web_support import example_case

    model = workbench.app.state.model
    cases = [example_case(name) for name in ("zorgalliantie.yaml", "veiligheidshuis.yaml", "logistieke_keten.yaml",
                                             "energietransitie_gezond.yaml")]
    alone = [model.advise(case, "en").model_dump_json() for case in cases]
    with ThreadPoolExecutor(len(cases)) as pool:
        together = [list(pool.map(lambda case: model.advise(case, "en").model_dump_json(), cases)) for _ in range(10)]
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
