"""Every text the user reads is rendered here, from the Jinja2 templates in advice_templates/."""

from __future__ import annotations

import json
from functools import cache
from typing import Any

from jinja2 import Environment, FileSystemLoader, StrictUndefined, pass_context
from pydantic import RootModel, model_validator

from kansrijk.cache import cached, template_cache
from kansrijk.errors import MessageError, Msg
from kansrijk.escape import markdown_text, plain_text
from kansrijk.glossary import glossary
from kansrijk.knowledgebase import default_dir
from kansrijk.text import LANGUAGES, Language, Text
from kansrijk.yamlfile import read_document, validate


class Labels(RootModel[dict[str, Any]]):
    """labels.yaml: nested mappings whose leaves are {nl, en} texts."""

    @model_validator(mode="after")
    def _leaves_are_texts(self) -> "Labels":
        def walk(value: Any, path: str) -> None:
            if isinstance(value, dict) and set(value) == set(LANGUAGES):
                Text.model_validate(value)
            elif isinstance(value, dict):
                for key, item in value.items():
                    walk(item, f"{path}.{key}" if path else key)
            else:
                raise MessageError(Msg("labels_leaf", path=path))

        walk(self.root, "")
        return self

    def resolve(self, lang: Language, value: Any = None) -> Any:
        value = self.root if value is None else value
        if set(value) == set(LANGUAGES):
            return value[lang]
        return {key: self.resolve(lang, item) for key, item in value.items()}


# The publication's figure and table, named in the reader's language (the ids stay Dutch).
SECTION_NAMES = {"en": {"Tabel 1": "Table 1", "Figuur 1": "Figure 1", "Figuur 2": "Figure 2"}}


def number(value: float | int, digits: int = 2, lang: Language = "en") -> str:
    """A number as the reader writes it: 3,25 in Dutch, 3.25 in English."""
    text = f"{value:.{digits}f}"
    return text.replace(".", ",") if lang == "nl" else text


def section(value: str, lang: Language = "en") -> str:
    return SECTION_NAMES.get(lang, {}).get(value, value)


@cache
def environment() -> Environment:
    directory = default_dir("kansrijk.advice_templates")
    # StrictUndefined: a variable missing from a template's context fails loudly instead of printing blank.
    env = Environment(
        loader=FileSystemLoader(str(directory)), undefined=StrictUndefined, keep_trailing_newline=True,
        autoescape=False, bytecode_cache=template_cache("text"),
    )
    env.filters.update(language_filters())
    # text from the user (a case's name, notes, organisation labels, file names), per output format
    env.filters["plain"] = plain_text
    env.filters["md"] = markdown_text
    return env


def language_filters() -> dict:
    """The number and section formats of every output, each reading the template's `lang`."""
    return {
        "num": _in_language(number),
        "section": _in_language(section),
        "sections": _in_language(lambda values, lang: ", ".join(section(v, lang) for v in values)),
    }


def _in_language(function):
    """A filter that reads the language from the template's context: `{{ 3.25|num }}`, `{{ s|section }}`."""
    @pass_context
    def filter_(context, value, *args):
        return function(value, *args, lang=context["lang"])

    return filter_


@cache
def labels() -> Labels:
    path = default_dir("kansrijk.advice_templates") / "labels.yaml"
    return cached("labels", [path], lambda: validate(Labels, read_document(path)))


def render(template: str, lang: Language, **context: Any) -> str:
    """Every template gets the labels (`t`) and the glossary's terms (`g`) of its language, and `lang`."""
    return environment().get_template(template).render(
        t=labels().resolve(lang), g=glossary().terms(lang), lang=lang, **context)


def naming(model, lang: Language) -> dict:
    """What the templates of what changed (whatif, compare) name things with: the conditions by
    id, and any node of the model."""
    return {"names": {c.id: c.name(lang) for c in model.kb.conditions},
            "name_of": lambda node: model.advisor.name_of(node, lang)}


def to_json(data: Any) -> str:
    return json.dumps(data, ensure_ascii=False, indent=2) + "\n"
