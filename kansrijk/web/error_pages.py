"""Error pages: a plain message in the reader's language, never a trace. An unexpected error gets
an id that is shown on the page and logged with the trace, so the two can be matched."""

from __future__ import annotations

import logging
import secrets

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response
from starlette.types import ASGIApp, Receive, Scope, Send

from kansrijk.web.pages import referring_page, render

log = logging.getLogger("kansrijk.web")


def came_from(request: Request) -> str | None:
    """The page of this workbench the request was sent from, unless that is this very page."""
    page = referring_page(request)
    if page is None:
        return None
    link = page.path + (f"?{page.query}" if page.query else "")
    return None if link == request.url.path + (f"?{request.url.query}" if request.url.query else "") else link


def error_page(request: Request, status: int, error_id: str | None = None, message: str | None = None,
               **values: object) -> Response:
    """The error page: the label `message` of labels_common.yaml filled with `values`; by default
    error_<status> where there is one, else error_other. It links back to the page the request
    came from, on this site."""
    context = {"status": status, "error_id": error_id, "message": message, "values": values,
               "came_from": came_from(request)}
    try:
        return render(request, "error.html.j2", context, status_code=status)
    except Exception:  # the page itself failed: say the least, still without a trace
        log.exception("error page %s failed (error id %s)", status, error_id)
        return PlainTextResponse(f"{status} {error_id or ''}".strip(), status_code=status)


async def http_error(request: Request, exc: Exception) -> Response:
    status = exc.status_code if isinstance(exc, HTTPException) else 500
    return error_page(request, status)


async def not_found(request: Request, exc: Exception) -> Response:
    return error_page(request, 404)


def refusal(status: int, message: str | None = None, **values: object) -> ASGIApp:
    """The page for a request the middleware refuses (security.py), as an ASGI app."""

    async def refuse(scope: Scope, receive: Receive, send: Send) -> None:
        await error_page(Request(scope, receive), status, None, message, **values)(scope, receive, send)

    return refuse


class ErrorPages:
    """Whatever a route raises that nothing handled becomes the 500 page with an error id; the
    trace goes to the log only."""

    def __init__(self, app: ASGIApp):
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = False

        async def watch(message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        try:
            await self.app(scope, receive, watch)
        except Exception:
            error_id = secrets.token_hex(4)
            log.exception("error id %s: %s %s", error_id, scope.get("method"), scope.get("path"))
            if started:  # part of a page is out: all that is left is to end it
                return
            await error_page(Request(scope, receive), 500, error_id)(scope, receive, send)
