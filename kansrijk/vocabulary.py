"""One vocabulary for every way a user gives kansrijk a value: case files, `whatif --set`, the
interview, `import` and the command line's ids.

- a score: 1..5 (a number or its text), a Likert label of advice_templates/likert.yaml in Dutch
  or English ("mee eens", "in grote mate", "agree"), or don't know: null, "?", "weet niet",
  "don't know" and the other don't-know labels of likert.yaml;
- a level of a characteristic: low/medium/high, laag/middel/hoog (labels.yaml `levels:`), l/m/h;
  don't know as for a score (the characteristic is then left out);
- a condition: its id or its Dutch word (`belangen` is `interests`);
- a section: `§4.2`, `4.2`, `§ 4.2`, `Tabel 1`, `Table 1`, `Figuur 2`, `Figure 2`, any case;
- an id of any kind, with a did-you-mean that searches every kind and names the kind it found.

Words are compared with case, surrounding and repeated spaces ignored and typographic
apostrophes read as '. Canonical values (3, "high", "interests", "§4.2") take the fast path and
never load a catalogue.
"""

from __future__ import annotations

import re
from functools import cache
from typing import Any

from kansrijk.errors import MessageError, Msg, closest
from kansrijk.knowledgebase import LEVELS

SCORES = (1, 2, 3, 4, 5)
# what means "don't know" besides likert.yaml's dont_know labels and null
DONT_KNOW = ("?", "none", "null", "-", "n/a")

# the Dutch word for each condition (the glossary's term), and the English plural the glossary uses
CONDITION_ALIASES = {
    "ambitie": "ambition",
    "belangen": "interests",
    "relatie": "relationship",
    "relaties": "relationship",
    "relationships": "relationship",
    "organisatie": "organisation",
    "proces": "process",
}

# the canonical sections as the knowledge base cites them, and the words for a table or figure
_SECTION_NUMBER = re.compile(r"^(?:§|par(?:agraaf|agraph)?\.?|section|sectie)?\s*(\d(?:\.\d)?)$")
_TABLE_OR_FIGURE = re.compile(r"^(tabel|table|tab\.?|figuur|figure|fig\.?)\s*(\d)$")


def normalise(text: str) -> str:
    """The form in which words are compared: case, spacing and typographic apostrophes ignored."""
    return " ".join(text.replace("\u2019", "'").replace("\u2018", "'").split()).casefold()


@cache
def _likert() -> dict[str, int | None]:
    """normalised Likert label -> score, or None for don't know (advice_templates/likert.yaml)."""
    from kansrijk.survey import answers  # the one reader of likert.yaml

    words: dict[str, int | None] = dict(answers().labels)
    words.update({word: None for word in DONT_KNOW})
    words.update({str(n): n for n in SCORES})
    return words


@cache
def _levels() -> dict[str, str | None]:
    """normalised level word -> low | medium | high, or None for don't know."""
    from kansrijk.render import labels

    words: dict[str, str | None] = {word: None for word, value in _likert().items() if value is None}
    for level in LEVELS:
        words[level] = words[level[0]] = level
        for lang, word in labels().root["levels"][level].items():
            words[normalise(word)] = level
    return words


def score_words() -> list[str]:
    """Every word a score may be given as (for a did-you-mean)."""
    return list(_likert())


def score_value(value: Any) -> Any:
    """A score in any of the vocabulary's forms -> 1..5 or None; anything that is not text is
    returned as it is, for the type check that follows. Unknown text raises MessageError."""
    if not isinstance(value, str):
        return value
    word = normalise(value)
    words = _likert()
    if word in words:
        return words[word]
    if re.fullmatch(r"[+-]?\d+", word):  # "03" and "+3" are 3; a whole number off the scale is said so
        if int(word) in SCORES:
            return int(word)
        raise MessageError(Msg("out_of_range", value=int(word)))
    if re.fullmatch(r"[+-]?\d*[.,]\d+", word):
        raise MessageError(Msg("not_whole_number", value=repr(value)))
    raise MessageError(Msg("vocab.not_a_score", value=value.strip(), hint=_hint(word, list(words))))


def level_value(value: Any) -> Any:
    """A level in any of the vocabulary's forms -> low | medium | high, or None for don't know;
    anything that is not text as it is. Unknown text raises MessageError."""
    if value in LEVELS or not isinstance(value, str):
        return value
    word = normalise(value)
    words = _levels()
    if word in words:
        return words[word]
    raise MessageError(Msg("vocab.not_a_level", value=value.strip(), hint=_hint(word, list(words))))


def _hint(word: str, known: list[str]) -> Any:
    from kansrijk.errors import suggest

    return suggest(word, known)


def condition_alias(value: str) -> str:
    """A condition's id for its id or its Dutch word (any case); anything else as it is."""
    word = normalise(value)
    return CONDITION_ALIASES.get(word, word)


def section(value: str) -> str | None:
    """A section reference in the knowledge base's form (§4.2, Tabel 1, Figuur 2), or None."""
    from kansrijk.text import SECTION_PATTERN

    word = normalise(value)
    number = _SECTION_NUMBER.match(word)
    if number:
        canonical = f"§{number.group(1)}"
    else:
        other = _TABLE_OR_FIGURE.match(word)
        if not other:
            return None
        canonical = f"{'Tabel' if other.group(1).startswith('ta') else 'Figuur'} {other.group(2)}"
    return canonical if SECTION_PATTERN.match(canonical) else None


# -- ids of every kind -------------------------------------------------------------------------

# the kinds of ids a user may type, in the order a did-you-mean prefers them when equally close
ID_KINDS = ("condition", "indicator", "characteristic", "dynamic", "signal", "intervention", "method")


def closest_id(value: str, kb, expected: tuple[str, ...] | list[str]) -> tuple[str, str] | None:
    """(kind, id) of the known id closest to value: among the expected kinds when one is close
    enough, else among every kind; None when nothing is close."""
    value = normalise(value)
    for kinds in (tuple(expected), tuple(k for k in ID_KINDS if k not in expected)):
        # closest keeps the first of equally close words: so the words go in the order of
        # preference, the kind earlier in ID_KINDS first, then the later id (a word of two kinds
        # counts as the kind that comes first)
        candidates = sorted(((-ID_KINDS.index(kind) if kind in ID_KINDS else 0, kind, ident)
                             for kind in kinds for ident in _words_for(kb, kind)), reverse=True)
        kind_of: dict[str, str] = {}
        for _, kind, ident in candidates:
            kind_of.setdefault(ident, kind)
        ident = closest(value, list(kind_of))
        if ident is not None:
            kind = kind_of[ident]
            return kind, CONDITION_ALIASES.get(ident, ident) if kind == "condition" else ident
    return None


def _words_for(kb, kind: str) -> list[str]:
    """The ids of a kind, and for conditions their Dutch words too."""
    ids = list(kb.by_id[kind])
    return ids + [word for word in CONDITION_ALIASES if word != "relationships"] if kind == "condition" else ids


def suggest_id(value: str, kb, expected: tuple[str, ...] | list[str], say_kind: bool | None = None) -> Any:
    """The '; did you mean ...?' tail for an unknown id: with the kind it found when that is not
    an expected one, or when several are expected and say_kind is not False ("did you mean the
    intervention 'organise_encounters'?"); an id of another kind given as it is says so
    ("'split_loyalty' is a characteristic")."""
    if value.strip() and condition_alias(value) in kb.by_id["condition"] and "condition" not in expected:
        return Msg("vocab.is_kind", value=value, what=Msg("vocab.a.condition"))
    exact = [kind for kind in ID_KINDS if kind not in expected and normalise(value) in kb.by_id[kind]]
    if exact:
        return Msg("vocab.is_kind", value=normalise(value), what=Msg(f"vocab.a.{exact[0]}"))
    found = closest_id(value, kb, expected)
    if found is None:
        return ""
    kind, ident = found
    if kind in expected and not (len(expected) > 1 if say_kind is None else say_kind):
        return Msg("did_you_mean", value=ident)
    return Msg("vocab.did_you_mean_kind", value=ident, what=Msg(f"vocab.the.{kind}"))


def condition_id(kb, value: str, where: str) -> str:
    """The condition a command-line value names (id or Dutch word); an InputError with a
    suggestion from every kind of id otherwise."""
    from kansrijk.errors import InputError, Problem

    ident = condition_alias(value)
    if ident in kb.by_id["condition"]:
        return ident
    known = ", ".join(kb.by_id["condition"])
    raise InputError(where, [Problem("", Msg("unknown", what=Msg("what.condition"), value=value,
                                             hint=suggest_id(value, kb, ("condition",))),
                                     allowed=Msg("vocab.conditions_allowed", ids=known,
                                                 words=", ".join(sorted(set(CONDITION_ALIASES) - {"relationships"}))))])
