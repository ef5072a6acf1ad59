"""Safe by default: CSRF on every unsafe request, a login when a password is set, the password
kept only as a salted scrypt hash, and response headers that keep every request on this machine.

The middlewares are plain ASGI so that they see every request, whatever route handles it; route
handlers never check a token or a login themselves.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from urllib.parse import quote

from starlette.formparsers import MultiPartException
from starlette.requests import HTTPConnection, Request
from starlette.responses import RedirectResponse
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from kansrijk.text import LANGUAGES
from kansrijk.web.pages import CSRF_FIELD, CSRF_HEADER, CSRF_SESSION_KEY

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
# scrypt's cost: 2**14 x 8 x 1 uses 16 MB and about 50 ms, the parameters Python's docs suggest
SCRYPT_N, SCRYPT_R, SCRYPT_P = 2**14, 8, 1
MAX_FORM_BYTES = 50 * 1024 * 1024  # a form, uploads included, read to find the CSRF token
SESSION_USER = "user"
# pages anyone may see: the login form and what it needs
PUBLIC_PATHS = ("/login", "/static/")

# the browser fetches nothing but from the workbench itself, and no page can be framed
HEADERS = {
    b"content-security-policy": (
        b"default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; script-src 'self'; "
        b"frame-ancestors 'none'; form-action 'self'; base-uri 'none'; object-src 'none'"),
    b"x-content-type-options": b"nosniff",
    b"referrer-policy": b"same-origin",
    b"x-frame-options": b"DENY",
}


def hash_password(password: str) -> str:
    """'scrypt$N$r$p$salt$hash' (hex) with a fresh random salt; the password itself is not kept."""
    salt = secrets.token_bytes(16)
    digest = hashlib.scrypt(password.encode(), salt=salt, n=SCRYPT_N, r=SCRYPT_R, p=SCRYPT_P)
    return f"scrypt${SCRYPT_N}${SCRYPT_R}${SCRYPT_P}${salt.hex()}${digest.hex()}"


def check_password(password: str, hashed: str) -> bool:
    """Whether password is the one hashed, compared in constant time; False for a malformed hash."""
    try:
        kind, n, r, p, salt, digest = hashed.split("$")
        if kind != "scrypt":
            return False
        mine = hashlib.scrypt(password.encode(), salt=bytes.fromhex(salt), n=int(n), r=int(r), p=int(p))
    except ValueError:
        return False
    return hmac.compare_digest(mine.hex(), digest)


class SecurityHeaders:
    def __init__(self, app: ASGIApp):
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                present = {name.lower() for name, _ in message.get("headers", [])}
                extra = [(name, value) for name, value in HEADERS.items() if name not in present]
                message = {**message, "headers": [*message.get("headers", []), *extra]}
            await send(message)

        await self.app(scope, receive, send_with_headers)


class LoginRequired:
    """With a password, every page but the login form needs a logged-in session."""

    def __init__(self, app: ASGIApp, password_hash: str | None):
        self.app = app
        self.password_hash = password_hash

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or self.password_hash is None:
            await self.app(scope, receive, send)
            return
        connection = HTTPConnection(scope)
        path = scope["path"]
        if connection.session.get(SESSION_USER) or path == "/login" or path.startswith(PUBLIC_PATHS[1]):
            await self.app(scope, receive, send)
            return
        target = path + ("?" + scope["query_string"].decode("latin-1") if scope.get("query_string") else "")
        lang = connection.query_params.get("lang")  # the login page in the language asked for
        login = f"/login?next={quote(target, safe='')}" + (f"&lang={lang}" if lang in LANGUAGES else "")
        await RedirectResponse(login, status_code=303)(scope, receive, send)


class CSRFProtection:
    """Refuses every unsafe request whose token (form field or X-CSRF-Token header) is not the
    session's. The body is read here once and handed on unchanged to the route."""

    def __init__(self, app: ASGIApp, refuse: ASGIApp):
        self.app = app
        self.refuse = refuse  # the 403 page

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] in SAFE_METHODS:
            await self.app(scope, receive, send)
            return
        body = await _read_body(receive)
        replay = _replay(body)
        expected = HTTPConnection(scope).session.get(CSRF_SESSION_KEY)
        given = await _token(scope, body) if isinstance(expected, str) and expected else None
        if given is None or not hmac.compare_digest(given.encode(), expected.encode()):
            await self.refuse(scope, replay, send)
            return
        await self.app(scope, _replay(body), send)


async def _read_body(receive: Receive) -> bytes:
    chunks, size = [], 0
    while True:
        message = await receive()
        if message["type"] == "http.disconnect":
            break
        chunk = message.get("body", b"")
        size += len(chunk)
        if size > MAX_FORM_BYTES:
            break  # the token cannot be trusted from a truncated form: refused below
        chunks.append(chunk)
        if not message.get("more_body", False):
            return b"".join(chunks)
    return b""


def _replay(body: bytes) -> Receive:
    sent = False

    async def receive() -> Message:
        nonlocal sent
        if sent:
            return {"type": "http.disconnect"}
        sent = True
        return {"type": "http.request", "body": body, "more_body": False}

    return receive


async def _token(scope: Scope, body: bytes) -> str | None:
    headers = dict(scope.get("headers", []))
    header = headers.get(CSRF_HEADER.encode())
    if header:
        return header.decode("latin-1")
    content_type = headers.get(b"content-type", b"").decode("latin-1").split(";")[0].strip().lower()
    if content_type not in ("application/x-www-form-urlencoded", "multipart/form-data"):
        return None
    request = Request(scope, _replay(body))
    try:
        async with request.form() as form:
            value = form.get(CSRF_FIELD)
    except (MultiPartException, ValueError):  # a form that cannot be parsed carries no valid token
        return None
    return value if isinstance(value, str) else None
