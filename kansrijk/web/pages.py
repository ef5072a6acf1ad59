"""What every page of the workbench shares: the Jinja environment, the UI labels in the reader's
language, the CSRF token and the store and model the app was made with.

Templates live in kansrijk/web/templates/ and are autoescaped: text from a case or a user is data,
never markup. Labels live in kansrijk/web/labels_<area>.yaml, every key in Dutch and English.
"""

from __future__ import annotations

import datetime as dt
import secrets
from functools import cache
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from jinja2 import Environment, FileSystemLoader, StrictUndefined, pass_context
from markupsafe import Markup, escape
from starlette.datastructures import URL
from starlette.requests import HTTPConnection, Request
from starlette.responses import HTMLResponse
from starlette.routing import Match

from kansrijk.cache import template_cache
from kansrijk.knowledgebase import default_dir
from kansrijk.model import Model
from kansrijk.render import Labels, language_filters
from kansrijk.render import labels as report_labels
from kansrijk.report_html import fill, long_date
from kansrijk.text import LANGUAGES, Language, first_sentence
from kansrijk.yamlfile import read_document, validate

DEFAULT_LANGUAGE: Language = "nl"  # the advisers are Dutch; ?lang=en switches
CSRF_SESSION_KEY = "csrf"
SESSION_USER = "user"  # set in the session once the password was given
CSRF_FIELD = "csrf_token"  # the form field that carries the token
CSRF_HEADER = "x-csrf-token"  # the header fetch() sends it in


def web_dir():
    return default_dir("kansrijk.web")


@cache
def labels() -> Labels:
    """Every labels_<area>.yaml merged: {area: {key: {nl, en}}}; a file's keys under its area."""
    areas = {}
    for path in sorted(web_dir().glob("labels_*.yaml")):
        areas[path.stem.removeprefix("labels_")] = validate(Labels, read_document(path)).root
    return Labels.model_validate(areas)


@cache
def _labels_in(lang: Language) -> dict[str, Any]:
    return labels().resolve(lang)


class _Labels:
    """Labels reachable as attributes (`t.common.save`, in templates and in Python) and by key
    (`t.common["error_404"]`, `"x" in t.common`). Not a dict: a label named like a dict method
    (items, get, ...) could not be reached as an attribute of one."""

    __slots__ = ("_texts",)

    def __init__(self, texts: dict[str, Any]):
        self._texts = texts

    def __getitem__(self, key: str) -> Any:
        value = self._texts[key]
        return _Labels(value) if isinstance(value, dict) else value

    def __getattr__(self, key: str) -> Any:
        try:
            return self[key]
        except KeyError:
            raise AttributeError(key) from None

    def __contains__(self, key: str) -> bool:
        return key in self._texts


def ui_labels(lang: Language) -> _Labels:
    return _Labels(_labels_in(lang))


def ui_language(request: HTTPConnection) -> Language:
    """`?lang=` (then remembered in the session), else the session's, else Dutch."""
    asked = request.query_params.get("lang")
    if asked in LANGUAGES:
        request.session["lang"] = asked
        return asked
    remembered = request.session.get("lang")
    return remembered if remembered in LANGUAGES else DEFAULT_LANGUAGE


def csrf_token(request: HTTPConnection) -> str:
    """The session's CSRF token, made on first use; every unsafe request must send it back."""
    token = request.session.get(CSRF_SESSION_KEY)
    if not isinstance(token, str) or not token:
        token = secrets.token_urlsafe(32)
        request.session[CSRF_SESSION_KEY] = token
    return token


def get_store(request: HTTPConnection):
    return request.app.state.store


def get_model(request: HTTPConnection) -> Model:
    return request.app.state.model


def date_in(value: dt.date | str | None, lang: Language) -> str | None:
    """A date (or its ISO text) as the reports write it: '20 april 2026', '20 April 2026'; a
    moment by its day."""
    if value is None:
        return None
    day = value.date() if isinstance(value, dt.datetime) else value
    return long_date(day if isinstance(day, str) else day.isoformat(), _months(lang))


@cache
def _months(lang: Language) -> str:
    return report_labels().resolve(lang)["report"]["months"]


@pass_context
def _long_date(context, value: dt.date | str | None) -> str | None:
    return date_in(value, context["lang"])


@cache
def environment() -> Environment:
    env = Environment(
        loader=FileSystemLoader(str(web_dir() / "templates")), autoescape=True, undefined=StrictUndefined,
        bytecode_cache=template_cache("web"), trim_blocks=True, lstrip_blocks=True,
    )
    # the same number and section formats as the reports
    env.filters.update(language_filters())
    env.filters["fill"] = fill
    env.filters["first_sentence"] = first_sentence
    env.filters["long_date"] = _long_date  # every date on a page as the reports write it
    return env


def _has_get(request: Request, path: str) -> bool:
    """Whether the app answers GET at path (a route matches it fully for GET)."""
    scope = {**request.scope, "method": "GET", "path": path}
    return any(route.matches(scope)[0] is Match.FULL for route in request.app.routes)


def referring_page(request: Request) -> URL | None:
    """The page of this workbench the request was sent from (its Referer: path and query only);
    None when there is none or it is another site's."""
    referer = urlsplit(request.headers.get("referer", ""))
    path = referer.path
    # '//x' or '/\\x' would be read by a browser as another host
    if referer.netloc.lower() != request.headers.get("host", "").lower() or not path.startswith("/") \
            or path[1:2] in ("/", "\\"):
        return None
    return URL(urlunsplit(("", "", path, referer.query, "")))


def _switch_language_url(request: Request, lang: Language, switch_path: str | None) -> str:
    """The same page in language `lang`, as a path on this site (whatever Host the request named).
    A page answering a POST has no address of its own to load again: the link goes to the path a
    page names (`switch_path`), else the same path when it also answers GET, else the page the form
    was sent from (its Referer, when on this site), else the nearest path above that answers GET."""
    url = request.url
    if request.method not in ("GET", "HEAD"):
        referer = referring_page(request)
        if switch_path:
            url = URL(switch_path)
        elif _has_get(request, url.path):
            pass
        elif referer is not None and _has_get(request, referer.path):
            url = referer
        else:
            path = url.path
            while path != "/" and not _has_get(request, path):
                path = path.rsplit("/", 1)[0] or "/"
            url = URL(path)
    return url.path + "?" + str(url.include_query_params(lang=lang).query)


def render(request: Request, template: str, context: dict | None = None, status_code: int = 200) -> HTMLResponse:
    """A page: the template with the request's language, labels and CSRF token, and `context`."""
    lang = ui_language(request)
    other = "en" if lang == "nl" else "nl"
    token = csrf_token(request)
    switch = _switch_language_url(request, other, (context or {}).get("switch_path"))
    page = environment().get_template(template).render(
        request=request, lang=lang, other_lang=other, switch_language_url=switch, t=ui_labels(lang),
        csrf_token=token, csrf_field=lambda: Markup(f'<input type="hidden" name="{CSRF_FIELD}" value="{escape(token)}">'),
        url_for=request.url_for, logged_in=bool(request.session.get(SESSION_USER)),
        login_required=getattr(request.app.state, "password_hash", None) is not None,
        **(context or {}),
    )
    return HTMLResponse(page, status_code=status_code)
