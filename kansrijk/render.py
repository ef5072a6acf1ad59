"""Every text the user reads is rendered here, from the Jinja2 templates in advice_templates/."""

from __future__ import annotations

import json
from functools import cache
from typing import Any

from jinja2 import Environment, FileSystemLoader, StrictUndefined
from pydantic import RootModel, model_validator

from kansrijk.errors import MessageError, Msg
from kansrijk.knowledgebase import default_dir
from kansrijk.text import LANGUAGES, Language, Text
from kansrijk.yamlfile import read_document, validate

FORMATS = ("text", "markdown", "json")
EXT = {"text": "text", "markdown": "md"}  # template name part per output format


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


@cache
def environment() -> Environment:
    directory = default_dir("kansrijk.advice_templates")
    # StrictUndefined: a variable missing from a template's context fails loudly instead of printing blank.
    return Environment(
        loader=FileSystemLoader(str(directory)), undefined=StrictUndefined, keep_trailing_newline=True,
        autoescape=False,
    )


@cache
def labels() -> Labels:
    return validate(Labels, read_document(default_dir("kansrijk.advice_templates") / "labels.yaml"))


def render(template: str, lang: Language, **context: Any) -> str:
    return environment().get_template(template).render(t=labels().resolve(lang), lang=lang, **context)


def to_json(data: Any) -> str:
    return json.dumps(data, ensure_ascii=False, indent=2) + "\n"
