"""The building blocks every knowledge item and rule shares: bilingual text and section references."""

from __future__ import annotations

import re
from decimal import ROUND_HALF_UP, Decimal
from typing import Annotated, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, StringConstraints, model_validator

from kansrijk.errors import MessageError, Msg
from kansrijk.limits import MAX_NAME_LENGTH

Language = Literal["nl", "en"]
LANGUAGES: tuple[Language, ...] = ("nl", "en")

NonEmpty = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1)]

# NUL is the one character a text may not hold: PostgreSQL cannot store it and no name or note
# needs it. Every other character is kept as given and made harmless per output format
# (kansrijk/escape.py), as the hardening of issue 8 decided.
def nul_character(value: str) -> Msg | None:
    """What is wrong with value as a text to store: where it holds NUL; None when it does not."""
    position = value.find("\x00")
    return None if position < 0 else Msg("text.nul", position=position + 1)


def _storable(value: str) -> str:
    problem = nul_character(value)
    if problem is not None:
        raise MessageError(problem)
    return value


Storable = Annotated[str, AfterValidator(_storable)]  # any text that can be stored: notes, a respondent's name
# a name: not empty, a line's length, storable
Name = Annotated[NonEmpty, StringConstraints(max_length=MAX_NAME_LENGTH), AfterValidator(_storable)]


SECTION_PATTERN = re.compile(r"^(§[1-7](\.[1-5])?|Tabel 1|Figuur [12])$")
SECTION_ALLOWED = "§1–§7, §3.1–§3.5, §4.1–§4.5, §5.1–§5.4, 'Tabel 1', 'Figuur 1', 'Figuur 2'"


def _check_section(value: str) -> str:
    if not SECTION_PATTERN.match(value):
        raise MessageError(Msg("not_a_section_allowed", value=value, allowed=SECTION_ALLOWED))
    return value


Section = Annotated[str, AfterValidator(_check_section)]


def section_sort_key(section: str) -> tuple:
    """§2 < §3.1 < §3.2 < ... < Tabel 1 < Figuur 2, for tables ordered like the publication."""
    if section.startswith("§"):
        return (0, *(int(part) for part in section[1:].split(".")))
    return (1, section)


class Strict(BaseModel):
    """Every model of kansrijk refuses keys it does not know and is immutable once loaded."""

    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True)


class Text(Strict):
    """A text in both languages of kansrijk."""

    nl: NonEmpty
    en: NonEmpty

    def __call__(self, lang: Language) -> str:
        return getattr(self, lang)


Basis = Literal["publication", "reading", "calibration"]


class Grounded(Strict):
    """What a claim of the model rests on: a claim the publication makes, the tool's reading of it
    (with a sentence why), or a calibration (a threshold or weight)."""

    basis: Basis
    basis_note: Text | None = None  # why a reading is the tool's; allowed with the other bases

    @model_validator(mode="after")
    def _reading_has_a_note(self):
        if self.basis == "reading" and self.basis_note is None:
            raise MessageError(Msg("rule.reading_needs_note"))
        return self


def first_sentence(text: str) -> str:
    """The first sentence of a description, what a one-page summary has room for: up to a stop
    followed by a new sentence (a capital or an opening quote), so "e.g. this" is not cut."""
    match = re.search(r"[.!?](?=\s+[A-Z\u00C0-\u024F‘'\"(])", text.strip())
    return text.strip()[:match.end()] if match else text.strip()


def round_half_up(value: float, places: int) -> float:
    """value to `places` decimals, halves up (3.25 -> 3.3), without float artefacts: the same on
    every machine."""
    return float(Decimal(repr(value)).quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP))
