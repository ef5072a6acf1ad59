"""The case file an adviser writes: what they observed in one collaboration."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from pathlib import Path
from typing import Annotated, Literal

from pydantic import AfterValidator, Field, StrictInt, ValidationInfo, field_validator

from kansrijk.errors import InputError, MessageError, Msg, Problem, suggest
from kansrijk.text import Language, NonEmpty, Strict
from kansrijk.yamlfile import parse_text, read_document, read_stdin, validate


def _known_id(kind: str, what: str):
    """A validator that checks an id against the knowledge base passed in the validation context."""

    def check(value: str, info: ValidationInfo) -> str:
        kb = info.context["kb"]
        known = kb.observable_ids() if kind == "observable" else list(kb.by_id[kind])
        if value not in known:
            raise MessageError(Msg("unknown", what=Msg(f"what.{what}"), value=value, hint=suggest(value, known)))
        return value

    return AfterValidator(check)


IndicatorId = Annotated[str, _known_id("indicator", "indicator")]
CharacteristicId = Annotated[str, _known_id("characteristic", "characteristic")]
ObservableId = Annotated[str, _known_id("observable", "dynamic_or_signal")]
ScoreValue = Annotated[StrictInt, Field(ge=1, le=5)]
LevelName = Literal["low", "medium", "high"]


class Respondent(Strict):
    """One partner's answers. Their name is never shown in any output (survey privacy)."""

    name: str | None = None
    organisation: NonEmpty
    scores: dict[IndicatorId, ScoreValue | None] = {}
    observations: list[ObservableId] = []


class Case(Strict):
    name: NonEmpty
    language: Language = "nl"
    characteristics: dict[CharacteristicId, LevelName] = {}
    # None means "don't know": the indicator counts as unanswered.
    scores: dict[IndicatorId, ScoreValue | None] = {}
    observations: list[ObservableId] = []
    # the partners' own answers, beside or instead of `scores` (see kansrijk/group.py)
    respondents: list[Respondent] = []
    # an organisation's own scores are shown only when at least this many of its people answered
    min_group: Annotated[StrictInt, Field(ge=1)] = 3
    # the day of the assessment, shown on the report
    date: dt.date | None = None
    notes: str = ""

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


def allowed_for(key: str):
    return "nl, en" if ALLOWED[key] is None else Msg(ALLOWED[key])


def load_case(source: str, kb) -> Case:
    """Read a case from a path, or from stdin when source is '-'."""
    # standard input bounded like a file, and checked to be UTF-8
    doc = parse_text(read_stdin(), "<stdin>") if source == "-" else read_document(Path(source))
    if not isinstance(doc.data, dict):
        raise InputError(doc.name, [doc.problem((), Msg("case.not_a_mapping", keys=", ".join(ALLOWED)))])
    try:
        return validate(Case, doc, context={"kb": kb})
    except InputError as error:
        error.problems = [_with_allowed(p) for p in error.problems]
        raise


def _with_allowed(problem: Problem) -> Problem:
    top = problem.key.split(".")[0].split("[")[0]
    if problem.allowed is None and top in ALLOWED:
        return replace(problem, allowed=allowed_for(top))
    return problem
