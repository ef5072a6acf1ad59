"""Errors about what the user gave us: they name the file, the key, the line and what is allowed.

Every message comes from the catalogue advice_templates/errors.yaml (id -> {nl, en}, str.format
placeholders) as a `Msg`: a str whose value is the English text, so existing code and tests that
compare or search messages keep working, and that renders itself in either language when the
error is printed. Parameters that are Msgs themselves (a "did you mean" hint, the name of a kind
of id) are rendered in the same language; other parameters (ids, file names, numbers) are data.
"""

from __future__ import annotations

import difflib
import os
import re
import string
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from typing import Any

from kansrijk.limits import MAX_HINT_LENGTH, MAX_PROBLEMS

LANGUAGES = ("nl", "en")
LANG_ENV = "KANSRIJK_LANG"  # the language of error messages when the command has no --lang
LANG_META = "kansrijk.error_lang"  # where the CLI records an explicitly given --lang (click's ctx.meta)


def placeholders(text: str) -> set[str]:
    """The names of the str.format placeholders in text: '{value!r}{hint}' -> {'value', 'hint'}."""
    names = set()
    for _, name, _, _ in string.Formatter().parse(text):
        if name is not None:
            names.add(name.split(".")[0].split("[")[0])
    return names


def check_catalogue(data: Any, name: str = "errors.yaml") -> dict[str, dict[str, str]]:
    """The catalogue if every entry has a non-empty nl and en with the same placeholders; else ValueError."""
    if not isinstance(data, dict) or not data:
        raise ValueError(f"{name}: expected a mapping of message ids to {{nl: ..., en: ...}}")
    for ident, entry in data.items():
        if not isinstance(entry, dict) or set(entry) != set(LANGUAGES):
            raise ValueError(f"{name}: {ident}: expected {{nl: ..., en: ...}}")
        for lang in LANGUAGES:
            if not isinstance(entry[lang], str) or not entry[lang]:
                raise ValueError(f"{name}: {ident}.{lang}: expected a non-empty text")
        try:
            nl, en = placeholders(entry["nl"]), placeholders(entry["en"])
        except ValueError as exc:
            raise ValueError(f"{name}: {ident}: {exc}") from None
        if nl != en:
            raise ValueError(f"{name}: {ident}: nl and en have different placeholders ({sorted(nl)} vs {sorted(en)})")
    return data


@cache
def catalogue() -> dict[str, dict[str, str]]:
    # read with PyYAML directly: an error in reading this file cannot itself use the catalogue
    import yaml

    path = resources.files("kansrijk.advice_templates") / "errors.yaml"
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml when PyYAML has it: much faster
    return check_catalogue(yaml.load(path.read_text(encoding="utf-8"), Loader=loader), str(path))  # noqa: S506


def _render(ident: str, params: dict[str, Any], lang: str) -> str:
    values = {key: text(value, lang) for key, value in params.items()}
    return catalogue()[ident][lang].format(**values)


class Msg(str):
    """A message of the catalogue with its parameters; as a str it is the English text."""

    ident: str
    params: dict[str, Any]

    def __new__(cls, ident: str, **params: Any) -> Msg:
        self = super().__new__(cls, _render(ident, params, "en"))
        self.ident, self.params = ident, params
        return self

    def render(self, lang: str) -> str:
        return _render(self.ident, self.params, lang)

    def __reduce__(self):  # a str subclass with its own __new__ needs this to pickle or copy
        return (_msg, (self.ident, self.params))


def _msg(ident: str, params: dict[str, Any]) -> Msg:
    return Msg(ident, **params)


def text(value: Any, lang: str) -> Any:
    """A Msg in lang; anything else as it is."""
    return value.render(lang) if isinstance(value, Msg) else value


def either(items: list) -> Any:
    """'a or b or c' ('a of b of c' in Dutch) of texts or Msgs."""
    result = items[0] if items else ""
    for item in items[1:]:
        result = Msg("either", left=result, right=item)
    return result


def or_list(expected: str) -> Any:
    """pydantic's "'a', 'b' or 'c'" of a Literal with its 'or' in the catalogue."""
    rest, sep, last = expected.rpartition(" or ")
    return Msg("or_list", rest=rest, last=last) if sep else expected


class MessageError(ValueError):
    """A ValueError from a validator with a catalogue message (pydantic keeps it in the error's ctx)."""

    def __init__(self, message: Msg):
        super().__init__(message)
        self.msg = message


# the `language` of the input a command read (a case file), set by whatever reads it: errors
# follow it when no --lang was given, even when the case itself turned out to be invalid
INPUT_LANGUAGE: ContextVar[str | None] = ContextVar("kansrijk_input_language", default=None)


def error_language(ctx: Any = None) -> str:
    """The language of error output: the command's --lang when given, else the language of the
    case it read, else $KANSRIJK_LANG, else English."""
    if ctx is not None and ctx.meta.get(LANG_META) in LANGUAGES:
        return ctx.meta[LANG_META]
    if INPUT_LANGUAGE.get() in LANGUAGES:
        return INPUT_LANGUAGE.get()
    env = os.environ.get(LANG_ENV, "").strip().lower()
    return env if env in LANGUAGES else "en"


@dataclass(frozen=True)
class Problem:
    """One thing wrong with an input file. key, message and allowed may be Msgs (rendered in the
    chosen language) or plain text that reads the same in both (ids, paths, lists of ids)."""

    key: str
    message: str
    line: int | None = None
    allowed: str | None = None

    def said(self, lang: str = "en") -> str:
        """The message and what is allowed, as they follow the key (also beside a form's field)."""
        message = text(self.message, lang)
        return message + Msg("allowed", allowed=self.allowed).render(lang) if self.allowed else message

    def render(self, file: str, lang: str = "en") -> str:
        where = f"{file}:{self.line}" if self.line else file
        key = text(self.key, lang)
        return f"{where}: {key}: {self.said(lang)}" if key else f"{where}: {self.said(lang)}"


@dataclass
class InputError(Exception):
    """Raised for bad input; the CLI prints it and exits with code 2."""

    file: str
    problems: list[Problem] = field(default_factory=list)
    omitted: int = 0  # problems found beyond these and not kept (validate keeps the first MAX_PROBLEMS)

    def render(self, lang: str = "en") -> str:
        """Each problem on a line, the first MAX_PROBLEMS of them, then how many more there are."""
        lines = [p.render(self.file, lang) for p in self.problems[:MAX_PROBLEMS]]
        more = self.omitted + max(0, len(self.problems) - MAX_PROBLEMS)
        if more > 0:
            lines.append(Msg("limit.more_problems", count=more, limit=MAX_PROBLEMS).render(lang))
        return "\n".join(lines)

    def __str__(self) -> str:
        return self.render("en")


def _words(value: str) -> list[str]:
    return [word for word in re.split(r"[._\-\s]+", value.casefold()) if word]


def similarity(value: str, known: str) -> float:
    """How alike two ids or words are, 0..1: difflib's ratio of the whole; for ids of several
    words averaged with the words matched one to one (so `organise_meetings` is nearer to
    `organise_encounters` than to `organise_for_ambition` or `organisation`)."""
    if len(value) > MAX_HINT_LENGTH:
        return 0.0
    ratio = difflib.SequenceMatcher(None, value.casefold(), known.casefold()).ratio()
    mine, theirs = _words(value), _words(known)
    if len(mine) < 2 and len(theirs) < 2:
        return ratio
    pairs = sorted(((difflib.SequenceMatcher(None, a, b).ratio(), i, j)
                    for i, a in enumerate(mine) for j, b in enumerate(theirs)), reverse=True)
    used_mine, used_theirs, total = set(), set(), 0.0
    for score, i, j in pairs:
        if i not in used_mine and j not in used_theirs:
            used_mine.add(i)
            used_theirs.add(j)
            total += score
    # the words matched count as much as the whole; the whole alone a little less
    return max((ratio + total / max(len(mine), len(theirs))) / 2, ratio - 0.05)


def closest(value: str, known: list[str] | tuple[str, ...], cutoff: float = 0.6) -> str | None:
    """The known word most like value (first in `known` on a tie), or None when none reaches cutoff."""
    best, best_score = None, cutoff
    for item in known:
        score = similarity(value, item)
        if score > best_score or (best is None and score >= best_score):
            best, best_score = item, score
    return best


# how many more "did you mean" searches the current validation may make (None: no bound). Each
# search compares with every known id; only the first MAX_PROBLEMS problems are shown, so a file
# with 100,000 unknown ids needs no more than that many (kansrijk.yamlfile.validate sets it).
_HINTS_LEFT: ContextVar[int | None] = ContextVar("kansrijk_hints_left", default=None)


@contextmanager
def hints_bounded(count: int = MAX_PROBLEMS) -> Iterator[None]:
    token = _HINTS_LEFT.set(count)
    try:
        yield
    finally:
        _HINTS_LEFT.reset(token)


def hint_allowed() -> bool:
    """Whether a "did you mean" search may still be made (and counts it)."""
    left = _HINTS_LEFT.get()
    if left is None:
        return True
    _HINTS_LEFT.set(left - 1)
    return left > 0


def suggest(value: str, known: list[str] | tuple[str, ...]) -> Any:
    """A '; did you mean X?' tail (a Msg) for an unknown id, or '' when nothing is close."""
    if not hint_allowed():
        return ""
    close = closest(value, known)
    return Msg("did_you_mean", value=close) if close else ""


DEBUG_ENV = "KANSRIJK_DEBUG"  # 1: an unexpected error shows its Python trace (as --debug does)


def file_problem(error: OSError) -> Problem:
    """A file that cannot be read or written, said as a problem of that file."""
    return Problem("", Msg("file_error", reason=error.strerror or str(error)), allowed=Msg("file_error_allowed"))


def unexpected(error: Exception) -> Msg:
    """What nobody foresaw, briefly: a bug to report (the trace with DEBUG_ENV=1 or --debug)."""
    what = f"{type(error).__name__}: {error}"
    return Msg("unexpected", error=what if len(what) <= 300 else what[:299] + "…", env=DEBUG_ENV)
