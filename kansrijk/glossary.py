"""The glossary (knowledge/glossary.yaml): one Dutch and one English term per concept, and the
variants to avoid. Templates get the terms of the output's language as `g`; tests check output by it."""

from __future__ import annotations

from functools import cache

from pydantic import Field, RootModel, model_validator

from kansrijk.cache import cached
from kansrijk.errors import MessageError, Msg
from kansrijk.knowledgebase import default_dir
from kansrijk.text import Language, NonEmpty, Strict
from kansrijk.yamlfile import read_document, validate


class Avoid(Strict):
    """Variants of a term that must not appear in output of that language."""

    nl: list[NonEmpty] = Field(default_factory=list)
    en: list[NonEmpty] = Field(default_factory=list)


class Term(Strict):
    """One concept: its Dutch and its English term, the variants to avoid, and a note for editors."""

    nl: NonEmpty
    en: NonEmpty
    avoid: Avoid = Field(default_factory=Avoid)
    note: str | None = None

    def __call__(self, lang: Language) -> str:
        return getattr(self, lang)

    @model_validator(mode="after")
    def _avoid_is_not_the_term(self) -> "Term":
        for lang in ("nl", "en"):
            if getattr(self, lang).lower() in (v.lower() for v in getattr(self.avoid, lang)):
                raise MessageError(Msg("glossary.avoid_is_term", term=getattr(self, lang)))
        return self


class Glossary(RootModel[dict[str, Term]]):
    """knowledge/glossary.yaml: concept id -> Term."""

    def terms(self, lang: Language) -> dict[str, str]:
        """Every concept's term in one language: what templates receive as `g`."""
        return {concept: term(lang) for concept, term in self.root.items()}

    def avoided(self, lang: Language) -> dict[str, str]:
        """Every variant to avoid in output of `lang`, with the concept id whose term to use instead."""
        return {variant: concept for concept, term in self.root.items() for variant in getattr(term.avoid, lang)}


@cache
def glossary() -> Glossary:
    path = default_dir("kansrijk.knowledge") / "glossary.yaml"
    return cached("glossary", [path], lambda: validate(Glossary, read_document(path)))
