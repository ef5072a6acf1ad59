"""The login form, when the workbench has a password (`kansrijk serve` on a public address)."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from kansrijk.web.pages import render
from kansrijk.web.security import SESSION_USER, check_password


def _next(value: str | None) -> str:
    """Where to go after logging in: a path on this site only, never another site."""
    if value and value.startswith("/") and not value.startswith("//") and "\\" not in value:
        return value
    return "/"


async def login(request: Request) -> Response:
    hashed = request.app.state.password_hash
    if hashed is None:
        return RedirectResponse("/", status_code=303)
    if request.method == "GET":
        return render(request, "login.html.j2", {"next": _next(request.query_params.get("next")), "failed": False})
    form = await request.form()
    target = _next(form.get("next"))
    if not check_password(str(form.get("password", "")), hashed):
        return render(request, "login.html.j2", {"next": target, "failed": True}, status_code=401)
    lang = request.session.get("lang")
    request.session.clear()  # a new session on login, with a new CSRF token: nothing but the language carries over
    request.session.update({SESSION_USER: True, **({"lang": lang} if lang else {})})
    return RedirectResponse(target, status_code=303)


async def logout(request: Request) -> Response:
    request.session.clear()
    return RedirectResponse("/login" if request.app.state.password_hash else "/", status_code=303)


routes = [
    Route("/login", login, methods=["GET", "POST"], name="login"),
    Route("/logout", logout, methods=["POST"], name="logout"),
]
