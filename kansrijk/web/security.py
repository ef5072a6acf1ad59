"""Safe by default: only the workbench's own host names are answered (no DNS rebinding), an unsafe
request must come from the workbench's own pages (Origin or Referer) and carry the CSRF token, a login
when a password is set (the password kept only as a salted scrypt hash, failed attempts slowed down,
a logged-out session refused even with a copy of its cookie), forms of bounded size, and response
headers that keep every request on this machine.

The middlewares are plain ASGI so that they see every request, whatever route handles it; route
handlers never check a token or a login themselves.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import math
import re
import secrets
import threading
import time
from collections.abc import Callable, Iterable
from pathlib import Path
from urllib.parse import quote, urlsplit

from starlette.exceptions import HTTPException
from starlette.formparsers import MultiPartException
from starlette.datastructures import Headers
from starlette.requests import HTTPConnection, Request
from starlette.responses import RedirectResponse
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from kansrijk.output import write_file
from kansrijk.text import LANGUAGES
from kansrijk.web.pages import CSRF_FIELD, CSRF_HEADER, CSRF_SESSION_KEY, SESSION_USER

log = logging.getLogger("kansrijk.web")

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
# scrypt's cost: 2**14 x 8 x 1 uses 16 MB and about 50 ms, the parameters Python's docs suggest
SCRYPT_N, SCRYPT_R, SCRYPT_P = 2**14, 8, 1
MAX_FORM_BYTES = 50 * 1024 * 1024  # a form, uploads included, read to find the CSRF token
# Starlette's own limits on a form (Request.form's defaults), named on the page that refuses one
MAX_FORM_FIELDS = 1000
MAX_FIELD_BYTES = 1024 * 1024
SESSION_ID = "sid"  # a random id per login, so that logging out can end that session on the server
# failed logins from one address: this many are free, then each next attempt waits FAILURE_WAIT
# seconds, doubling with every further failure, at most MAX_WAIT
FREE_FAILURES = 5
FAILURE_WAIT = 30
MAX_WAIT = 15 * 60
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


_HOST = re.compile(r"(?:\[(?P<ip6>[0-9a-f:.]+)\]|(?P<name>[a-z0-9._-]+))(?::\d{1,5})?")


def host_name(netloc: str | None) -> str | None:
    """The host a Host header or a URL's netloc names, lowercased, IPv6 without brackets
    ('[::1]:8765' -> '::1'); None when it is not one."""
    match = _HOST.fullmatch((netloc or "").strip().lower())
    return (match["ip6"] or match["name"]) if match else None


class AllowedHosts:
    """Answers only a request whose Host header is one of the workbench's names: a page elsewhere
    whose name was made to resolve to this computer (DNS rebinding) gets `refuse`, never a page."""

    def __init__(self, app: ASGIApp, hosts: Iterable[str], refuse: ASGIApp):
        self.app = app
        self.hosts = frozenset(host_name(host) or host for host in hosts)
        self.refuse = refuse

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or host_name(Headers(scope=scope).get("host")) in self.hosts:
            await self.app(scope, receive, send)
        else:
            await self.refuse(scope, receive, send)


class EndedSessions:
    """The sessions logged out of: a copy of such a session's cookie is refused, though its
    signature still holds. Each is kept as long as a cookie of it could be valid. With `path` (JSON,
    session id -> when it ended, by the wall clock) they are read from it at the start and written to
    it at every logout, so that they stay ended after a restart with the same key; without it they
    last as long as the process."""

    def __init__(self, max_age: float, clock: Callable[[], float] | None = None, path: Path | None = None):
        self.max_age = max_age
        # a time kept in a file must mean the same after a restart: the wall clock then
        self.clock = clock or (time.time if path else time.monotonic)
        self.path = path
        self._ended: dict[str, float] = self._read(path) if path else {}
        self._lock = threading.Lock()

    @staticmethod
    def _read(path: Path) -> dict[str, float]:
        """The file's sessions; none when it is missing. OSError when it cannot be read, ValueError
        when it is not such a file."""
        try:
            ended = json.loads(path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return {}
        if not (isinstance(ended, dict) and all(isinstance(at, (int, float)) for at in ended.values())):
            raise ValueError(f"not a list of ended sessions: {path}")
        return {str(sid): float(at) for sid, at in ended.items()}

    def end(self, session_id: str) -> None:
        now = self.clock()
        with self._lock:
            self._ended = {sid: at for sid, at in self._ended.items() if now - at < self.max_age}
            self._ended[session_id] = now
            if self.path is None:
                return
            try:
                write_file(self.path, json.dumps(self._ended, sort_keys=True))
            except OSError:  # the session is ended all the same, until a restart
                log.warning("could not keep the logout in %s", self.path, exc_info=True)

    def __contains__(self, session_id: object) -> bool:
        with self._lock:
            return session_id in self._ended


class LoginThrottle:
    """Failed logins per client address, in this process: FREE_FAILURES in a row are free, then each
    next attempt waits FAILURE_WAIT seconds after the last, doubling with every failure, at most
    MAX_WAIT. An attempt counts as failed from its start (cleared when it succeeds), so attempts
    sent all at once are counted too."""

    FORGET = 24 * 3600  # an address quiet this long starts afresh

    def __init__(self, clock: Callable[[], float] = time.monotonic):
        self.clock = clock
        self._failures: dict[str, tuple[int, float]] = {}  # address -> (failures in a row, time of the last)
        self._lock = threading.Lock()

    def begin(self, address: str) -> int:
        """0 when address may try now (the attempt then counts as failed until `succeeded`), else the
        seconds it must wait."""
        now = self.clock()
        with self._lock:
            self._failures = {a: f for a, f in self._failures.items() if now - f[1] < self.FORGET}
            count, last = self._failures.get(address, (0, now))
            if count >= FREE_FAILURES:
                wait = last + min(MAX_WAIT, FAILURE_WAIT * 2 ** (count - FREE_FAILURES)) - now
                if wait > 0:
                    return math.ceil(wait)
            self._failures[address] = (count + 1, now)
            return 0

    def succeeded(self, address: str) -> None:
        with self._lock:
            self._failures.pop(address, None)


def logged_in(session: dict, ended: EndedSessions) -> bool:
    """Whether the session is a login that has not been logged out of."""
    session_id = session.get(SESSION_ID)
    return bool(session.get(SESSION_USER)) and isinstance(session_id, str) and session_id not in ended


class LoginRequired:
    """With a password, every page but the login form needs a logged-in session."""

    def __init__(self, app: ASGIApp, password_hash: str | None, ended: EndedSessions):
        self.app = app
        self.password_hash = password_hash
        self.ended = ended

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or self.password_hash is None:
            await self.app(scope, receive, send)
            return
        connection = HTTPConnection(scope)
        path = scope["path"]
        if connection.session.get(SESSION_USER) and not logged_in(connection.session, self.ended):
            connection.session.clear()  # a logged-out session's copy: the browser gets a fresh one
        if connection.session.get(SESSION_USER) or path == "/login" or path.startswith(PUBLIC_PATHS[1]):
            await self.app(scope, receive, send)
            return
        target = path + ("?" + scope["query_string"].decode("latin-1") if scope.get("query_string") else "")
        lang = connection.query_params.get("lang")  # the login page in the language asked for
        login = f"/login?next={quote(target, safe='')}" + (f"&lang={lang}" if lang in LANGUAGES else "")
        await RedirectResponse(login, status_code=303)(scope, receive, send)


class CSRFProtection:
    """Refuses every unsafe request sent from another site's page (its Origin, or else its Referer,
    names another host than the request's own or one of `trusted_hosts`) or whose token (form field
    or X-CSRF-Token header) is not the session's; and a form too large to read. The body is read
    here once and handed on unchanged to the route.

    `refuse(status, label, **values)` makes the error page's ASGI app."""

    def __init__(self, app: ASGIApp, refuse: Callable[..., ASGIApp], trusted_hosts: Iterable[str] = ()):
        self.app = app
        self.refuse = refuse
        self.trusted_hosts = frozenset(host_name(host) or host for host in trusted_hosts)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] in SAFE_METHODS:
            await self.app(scope, receive, send)
            return
        headers = Headers(scope=scope)
        if not self._same_site(headers):
            await self.refuse(403, "error_other_site")(scope, receive, send)
            return
        too_large = self.refuse(413, "error_413", total_mb=MAX_FORM_BYTES // 2**20)
        length = headers.get("content-length", "")
        if length.isdigit() and int(length) > MAX_FORM_BYTES:  # said before a byte of it is read
            await too_large(scope, receive, send)
            return
        body = await _read_body(receive)
        if body is None:
            await too_large(scope, _replay(b""), send)
            return
        expected = HTTPConnection(scope).session.get(CSRF_SESSION_KEY)
        try:
            given = await _token(scope, body) if isinstance(expected, str) and expected else None
        except _Unreadable:
            await self.refuse(400, "error_form_limits", fields=MAX_FORM_FIELDS,
                              field_mb=MAX_FIELD_BYTES // 2**20)(scope, _replay(b""), send)
            return
        if given is None or not hmac.compare_digest(given.encode(), expected.encode()):
            await self.refuse(403, "error_csrf")(scope, _replay(body), send)
            return
        await self.app(scope, _replay(body), send)

    def _same_site(self, headers: Headers) -> bool:
        """No Origin or Referer (a client that is not a page, such as a script with the token) or one
        naming this very host, or a name the workbench is also reached by (a TLS proxy in front)."""
        source = headers.get("origin") or headers.get("referer")
        if source is None:
            return True
        netloc = urlsplit(source).netloc.lower()
        return netloc == headers.get("host", "").lower() or host_name(netloc) in self.trusted_hosts


class _Unreadable(Exception):
    """A form Starlette will not read: too many fields, a field too large, or malformed."""


async def _read_body(receive: Receive) -> bytes | None:
    """The request's body; None when it is larger than MAX_FORM_BYTES."""
    chunks, size = [], 0
    while True:
        message = await receive()
        if message["type"] == "http.disconnect":
            return b""
        chunk = message.get("body", b"")
        size += len(chunk)
        if size > MAX_FORM_BYTES:
            return None
        chunks.append(chunk)
        if not message.get("more_body", False):
            return b"".join(chunks)


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
        async with request.form(max_fields=MAX_FORM_FIELDS, max_files=MAX_FORM_FIELDS,
                                max_part_size=MAX_FIELD_BYTES) as form:
            value = form.get(CSRF_FIELD)
    except (HTTPException, MultiPartException, ValueError) as error:  # Starlette's 400 for a form past its limits
        raise _Unreadable from error
    return value if isinstance(value, str) else None
