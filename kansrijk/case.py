"""The case file an adviser writes: what they observed in one collaboration."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from pathlib import Path
from typing import Annotated, Literal

from pydantic import AfterValidator, BeforeValidator, Field, StrictInt, ValidationInfo, field_validator

from kansrijk.errors import INPUT_LANGUAGE, InputError, MessageError, Msg, Problem, hint_allowed
from kansrijk.limits import MAX_NAME_LENGTH
from kansrijk.text import LANGUAGES, Language, Name, Storable, Strict
from kansrijk.vocabulary import level_value, score_value, suggest_id
from kansrijk.yamlfile import parse_text, read_document, read_stdin, validate


def _known_id(kind: str, what: str):
    """A validator that checks an id against the knowledge base passed in the validation context."""

    def check(value: str, info: ValidationInfo) -> str:
        kb = info.context["kb"]
        known = kb.observable_ids() if kind == "observable" else kb.by_id[kind]
        if value not in known:
            expected = ("dynamic", "signal") if kind == "observable" else (kind,)
            hint = suggest_id(value, kb, expected, say_kind=False) if hint_allowed() else ""  # the first MAX_PROBLEMS only
            raise MessageError(Msg("unknown", what=Msg(f"what.{what}"), value=value, hint=hint))
        return value

    return AfterValidator(check)


IndicatorId = Annotated[str, _known_id("indicator", "indicator")]
CharacteristicId = Annotated[str, _known_id("characteristic", "characteristic")]
ObservableId = Annotated[str, _known_id("observable", "dynamic_or_signal")]
ScoreValue = Annotated[StrictInt, Field(ge=1, le=5)]
LevelName = Literal["low", "medium", "high"]


def _empty_when_none(empty):
    """An empty key (`scores:` with nothing after it) means none, not an error."""
    return BeforeValidator(lambda value: empty() if value is None else value)


def _known_levels(value: dict[str, str | None]) -> dict[str, str]:
    """A characteristic whose level is not known is left out, as if it were not given."""
    return {key: level for key, level in value.items() if level is not None}


# scores and levels in any form of the one vocabulary (kansrijk/vocabulary.py): 4, "mee eens",
# "weet niet" or "?" (null); "hoog", "high", "h". Loaded as 1..5 or None, and low | medium | high.
Score = Annotated[ScoreValue | None, BeforeValidator(score_value)]
Level = Annotated[LevelName | None, BeforeValidator(level_value)]
Scores = Annotated[dict[IndicatorId, Score], _empty_when_none(dict)]
Characteristics = Annotated[dict[CharacteristicId, Level], _empty_when_none(dict), AfterValidator(_known_levels)]
Observations = Annotated[list[ObservableId], _empty_when_none(list)]


class Respondent(Strict):
    """One partner's answers. Their name is never shown in any output (survey privacy)."""

    name: Storable | None = None
    organisation: Name
    scores: Scores = {}
    observations: Observations = []


class Case(Strict):
    name: Name
    language: Language = "nl"
    characteristics: Characteristics = {}
    # None means "don't know": the indicator counts as unanswered.
    scores: Scores = {}
    observations: Observations = []
    # the partners' own answers, beside or instead of `scores` (see kansrijk/group.py)
    respondents: Annotated[list[Respondent], _empty_when_none(list)] = []
    # an organisation's own scores are shown only when at least this many of its people answered
    min_group: Annotated[StrictInt, Field(ge=1)] = 3
    # the day of the assessment, shown on the report
    date: dt.date | None = None
    notes: Annotated[Storable, _empty_when_none(str)] = ""

    @field_validator("observations")
    @classmethod
    def _once_each(cls, value: list[str]) -> list[str]:
        twice = sorted({item for item in value if value.count(item) > 1})
        if twice:
            raise MessageError(Msg("listed_twice", items=", ".join(twice)))
        return value

    def observed(self) -> frozenset[str]:
        """What the adviser and the respondents observed, together."""
        return frozenset(self.observations).union(*(r.observations for r in self.respondents))

    def observers(self) -> dict[str, tuple[int, int] | None]:
        """Who saw each observation: None when the adviser recorded it (certain), else
        (how many respondents marked it, how many respondents the case has)."""
        out: dict[str, tuple[int, int] | None] = {}
        for item in sorted(self.observed()):
            if item in self.observations:
                out[item] = None
            else:
                out[item] = (sum(item in r.observations for r in self.respondents), len(self.respondents))
        return out


# what each key of a case allows, for messages (advice_templates/errors.yaml); made into messages
# only when an error needs them, so reading a good case never loads the message catalogue
ALLOWED = {
    "name": "case.allowed.name",
    "language": None,
    "characteristics": "case.allowed.characteristics",
    "scores": "case.allowed.scores",
    "observations": "case.allowed.observations",
    "respondents": "case.allowed.respondents",
    "min_group": "case.allowed.min_group",
    "date": "case.allowed.date",
    "notes": "case.allowed.notes",
}


def allowed_for(key: str, table: dict[str, str | None] = ALLOWED):
    """What key allows, from a table like ALLOWED: a message of the catalogue, or None for a language."""
    return "nl, en" if table[key] is None else Msg(table[key], max_length=MAX_NAME_LENGTH)


def load_case(source: str, kb) -> Case:
    """Read a case from a path, or from stdin when source is '-'."""
    # standard input is bounded like a file, and checked to be UTF-8
    doc = parse_text(read_stdin(), "<stdin>") if source == "-" else read_document(Path(source))
    if not isinstance(doc.data, dict):
        raise InputError(doc.name, [doc.problem((), Msg("case.not_a_mapping", keys=", ".join(ALLOWED)))])
    # errors from here on in the case's language, when it names one (the last case read counts)
    INPUT_LANGUAGE.set(doc.data["language"] if doc.data.get("language") in LANGUAGES else None)
    try:
        return validate(Case, doc, context={"kb": kb})
    except InputError as error:
        error.problems = [with_allowed(p) for p in error.problems]
        raise


def with_allowed(problem: Problem, table: dict[str, str | None] = ALLOWED) -> Problem:
    """The problem with what its top-level key allows (in a case, or in the file table describes,
    like ALLOWED), unless it says so itself."""
    top = problem.key.split(".")[0].split("[")[0]
    if problem.allowed is None and top in table:
        return replace(problem, allowed=allowed_for(top, table))
    return problem
