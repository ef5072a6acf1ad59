"""The workbench as one Starlette app: the core pages, the editor, the advice and the learning
pages, the static files, and the middleware that keeps it safe (host names, session, errors, login,
CSRF)."""

from __future__ import annotations

import secrets
from collections.abc import Iterable
from typing import TYPE_CHECKING

from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.middleware.sessions import SessionMiddleware
from starlette.routing import Mount
from starlette.staticfiles import StaticFiles

from kansrijk.model import load_model
from kansrijk.store.errors import NotFound
from kansrijk.web import LOOPBACK_HOSTS, routes_advice, routes_collaborations, routes_editor, routes_learn, routes_login
from kansrijk.web.error_pages import ErrorPages, http_error, not_found, refusal
from kansrijk.web.security import (
    AllowedHosts, CSRFProtection, EndedSessions, LoginRequired, LoginThrottle, SecurityHeaders,
)

if TYPE_CHECKING:
    from kansrijk.store import Store

SESSION_COOKIE = "kansrijk_session"
SESSION_HOURS = 12  # a working day; then log in again


def create_app(store: Store, *, password_hash: str | None = None, secret_key: str | None = None,
               allowed_hosts: Iterable[str] = LOOPBACK_HOSTS, https_only: bool = False,
               ended_sessions: EndedSessions | None = None) -> Starlette:
    """The app on `store`. With `password_hash` (security.hash_password) every page needs a login.
    Without `secret_key` the session is signed with a key of this process only; a second app made
    with the same key accepts its sessions and forms (a restart of `kansrijk serve`). The sessions
    logged out of are `ended_sessions`, else this app's own. It answers only
    requests to one of `allowed_hosts` (host names or addresses; IPv6 with or without brackets).
    With `https_only` (served over TLS) the browser sends the session cookie over HTTPS only."""
    hosts = tuple(allowed_hosts)
    ended = EndedSessions(max_age=SESSION_HOURS * 3600) if ended_sessions is None else ended_sessions
    routes = [
        *routes_login.routes, *routes_collaborations.routes,
        *routes_editor.routes, *routes_advice.routes, *routes_learn.routes,
        Mount("/static", StaticFiles(packages=[("kansrijk.web", "static")]), name="static"),
    ]
    middleware = [
        # outermost first: the headers on every response, then the session every layer below reads
        Middleware(SecurityHeaders),
        Middleware(SessionMiddleware, secret_key=secret_key or secrets.token_urlsafe(32),
                   session_cookie=SESSION_COOKIE, max_age=SESSION_HOURS * 3600, same_site="lax",
                   https_only=https_only),
        Middleware(ErrorPages),
        Middleware(AllowedHosts, hosts=hosts, refuse=refusal(400, "error_host")),
        Middleware(LoginRequired, password_hash=password_hash, ended=ended),
        # a page of this computer's other sites shares the loopback names: only the other names
        # (a TLS proxy's) may stand for this host in an Origin
        Middleware(CSRFProtection, refuse=refusal,
                   trusted_hosts=[host for host in hosts if host.strip("[]") not in LOOPBACK_HOSTS]),
    ]
    app = Starlette(routes=routes, middleware=middleware,
                    exception_handlers={NotFound: not_found, HTTPException: http_error})
    app.state.store = store
    app.state.model = load_model()  # once per process (load_model is cached), shared by every request
    app.state.password_hash = password_hash
    app.state.ended_sessions = ended
    app.state.login_throttle = LoginThrottle()
    return app
