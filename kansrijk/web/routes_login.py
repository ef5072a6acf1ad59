"""The login form, when the workbench has a password (`kansrijk serve` on a public address)."""

from __future__ import annotations

import secrets

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from kansrijk.web.pages import SESSION_USER, render
from kansrijk.web.security import SESSION_ID, check_password


def _next(value: str | None) -> str:
    """Where to go after logging in: a path on this site only, never another site."""
    if value and value.startswith("/") and not value.startswith("//") and "\\" not in value:
        return value
    return "/"


def _form(request: Request, target: str, *, failed: bool = False, wait: int = 0, status_code: int = 200) -> Response:
    """The login form; after a wrong password (failed), or when the next attempt must wait `wait` seconds."""
    return render(request, "login.html.j2", {"next": target, "failed": failed, "wait": wait}, status_code=status_code)


async def login(request: Request) -> Response:
    hashed = request.app.state.password_hash
    if hashed is None:
        return RedirectResponse("/", status_code=303)
    if request.method == "GET":
        return _form(request, _next(request.query_params.get("next")))
    form = await request.form()
    target = _next(form.get("next"))
    throttle = request.app.state.login_throttle
    address = request.client.host if request.client else ""
    wait = throttle.begin(address)
    if wait:
        page = _form(request, target, wait=wait, status_code=429)
        page.headers["Retry-After"] = str(wait)
        return page
    # scrypt takes tens of milliseconds of CPU: in a worker thread, never on the event loop
    if not await run_in_threadpool(check_password, str(form.get("password", "")), hashed):
        return _form(request, target, failed=True, status_code=401)
    throttle.succeeded(address)
    lang = request.session.get("lang")
    request.session.clear()  # a new session on login, with a new CSRF token: nothing but the language carries over
    request.session.update({SESSION_USER: True, SESSION_ID: secrets.token_urlsafe(16), **({"lang": lang} if lang else {})})
    return RedirectResponse(target, status_code=303)


async def logout(request: Request) -> Response:
    """Ends the session here and on the server: a copy of its cookie no longer logs in."""
    session_id = request.session.get(SESSION_ID)
    if isinstance(session_id, str):
        request.app.state.ended_sessions.end(session_id)
    request.session.clear()
    return RedirectResponse("/login" if request.app.state.password_hash else "/", status_code=303)


routes = [
    Route("/login", login, methods=["GET", "POST"], name="login"),
    Route("/logout", logout, methods=["POST"], name="logout"),
]
