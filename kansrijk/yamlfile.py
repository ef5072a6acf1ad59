"""Read YAML and JSON input with the line of every key, and turn pydantic errors into Problems."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ValidationError

from kansrijk.errors import InputError, MessageError, Msg, Problem, or_list

Loc = tuple[Any, ...]


# libyaml's parser when PyYAML was built with it (its wheels are): several times faster.
_BaseLoader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class _UniqueKeyLoader(_BaseLoader):
    """A safe loader that refuses duplicate keys instead of silently keeping the last one."""


def _construct_mapping(loader: _UniqueKeyLoader, node: yaml.MappingNode, deep: bool = False) -> dict:
    seen: dict[Any, int] = {}
    for key_node, _ in node.value:
        key = loader.construct_object(key_node, deep=True)
        if key in seen:
            raise yaml.constructor.ConstructorError(
                None, None, Msg("duplicate_key", key=key, line=seen[key]), key_node.start_mark
            )
        seen[key] = key_node.start_mark.line + 1
    return loader.construct_mapping(node, deep=deep)


_UniqueKeyLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)


def _line_map(node: yaml.Node | None, path: Loc = (), lines: dict[Loc, int] | None = None) -> dict[Loc, int]:
    lines = {} if lines is None else lines
    if node is None:
        return lines
    lines.setdefault(path, node.start_mark.line + 1)
    if isinstance(node, yaml.MappingNode):
        for key_node, value_node in node.value:
            key = key_node.value
            lines[path + (key,)] = key_node.start_mark.line + 1
            _line_map(value_node, path + (key,), lines)
    elif isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            _line_map(item, path + (index,), lines)
    return lines


class Document:
    """Parsed data of one file plus the line on which each key path starts."""

    def __init__(self, name: str, data: Any, lines: dict[Loc, int]):
        self.name = name
        self.data = data
        self.lines = lines

    def line(self, loc: Loc) -> int | None:
        """The line of the deepest known prefix of loc."""
        for end in range(len(loc), -1, -1):
            if loc[:end] in self.lines:
                return self.lines[loc[:end]]
        return None

    def problem(self, loc: Loc, message: str, allowed: str | None = None) -> Problem:
        return Problem(key=dotted(loc), message=message, line=self.line(loc), allowed=allowed)


def dotted(loc: Loc) -> str:
    """('scores', 'interests.real_dialogue') -> 'scores.interests.real_dialogue'; list items as [i]."""
    text = ""
    for part in loc:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text


def parse_text(text: str, name: str) -> Document:
    """Parse YAML (or JSON, which is read by the json module for exact errors)."""
    if not text.strip():
        raise InputError(name, [Problem("", Msg("file_empty"))])
    if name.endswith(".json"):
        try:
            data = json.loads(text)
        except json.JSONDecodeError as exc:
            raise InputError(name, [Problem("", Msg("not_valid_json", reason=exc.msg), line=exc.lineno)]) from None
    loader = _UniqueKeyLoader(text)
    try:
        # one parse: the node tree gives the lines, the constructor the data
        node = loader.get_single_node()
        loaded = loader.construct_document(node) if node is not None else None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        reason = getattr(exc, "problem", None) or str(exc)
        raise InputError(name, [Problem("", Msg("not_valid_yaml", reason=reason), line=mark.line + 1 if mark else None)]) from None
    finally:
        loader.dispose()
    if not name.endswith(".json"):
        data = loaded
    return Document(name, data, _line_map(node))


def read_document(path: Path | str) -> Document:
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise InputError(str(path), [Problem("", Msg("no_such_file"))]) from None
    except UnicodeDecodeError:
        raise InputError(str(path), [Problem("", Msg("not_utf8"))]) from None
    except OSError as exc:
        raise InputError(str(path), [Problem("", Msg("os_error", reason=exc.strerror or str(exc)))]) from None
    return parse_text(text, str(path))


def top_level_keys(model: type[BaseModel] | None) -> list[str]:
    if model is None or not hasattr(model, "model_fields"):
        return []
    return [field.alias or name for name, field in model.model_fields.items()]


def problems_from(error: ValidationError, doc: Document, base: Loc = (), model: type[BaseModel] | None = None) -> list[Problem]:
    """One Problem per pydantic error, located in the document."""
    out = []
    for err in error.errors(include_url=False):
        # pydantic marks errors in a dict's keys with a trailing '[key]'; the key itself says enough.
        loc = base + tuple(part for part in err["loc"] if part != "[key]")
        kind, value, ctx = err["type"], err.get("input"), err.get("ctx") or {}
        allowed = None
        if kind == "literal_error":
            message, allowed = Msg("not_allowed", value=value), or_list(str(ctx.get("expected")))
        elif kind == "extra_forbidden":
            message = Msg("unknown_key")
            # the allowed keys are known here for the model's own level; deeper levels name theirs in their docs
            allowed = ", ".join(top_level_keys(model)) if len(err["loc"]) == 1 else None
        elif kind == "missing":
            message = Msg("missing_key")
        elif kind in ("less_than_equal", "greater_than_equal", "less_than", "greater_than"):
            message = Msg("out_of_range", value=value)
        elif kind in ("int_type", "int_from_float", "int_parsing"):
            message = Msg("not_whole_number", value=repr(value))
        elif isinstance(ctx.get("error"), MessageError):
            message = ctx["error"].msg
        else:
            message = _pydantic_message(err)
        out.append(doc.problem(loc, message, allowed))
    return out


def _pydantic_message(err: dict) -> Msg:
    """pydantic's own message from the catalogue when it has the error type, else as pydantic wrote it."""
    # pydantic prefixes messages of custom validators with "Value error, ".
    msg = err["msg"].removeprefix("Value error, ")
    ctx = dict(err.get("ctx") or {})
    ident = f"pydantic.{err['type']}"
    try:
        if "field_type" in ctx:
            ctx["field_type"] = Msg(f"field_type.{ctx['field_type']}")
        if "min_length" in ctx:
            ctx["plural"] = "" if ctx["min_length"] == 1 else "s"
        message = Msg(ident, **ctx)
    except (KeyError, IndexError):  # a type or a parameter the catalogue does not have
        return Msg("pydantic_other", msg=msg)
    # the catalogue's English must be pydantic's; if a pydantic version words it otherwise, keep pydantic's
    return message if message == msg else Msg("pydantic_other", msg=msg)


def validate(model: type[BaseModel], doc: Document, context: dict | None = None, base: Loc = ()) -> BaseModel:
    """Validate doc.data (or a part of it) as model; raise InputError that points at file, key and line."""
    data = doc.data
    for part in base:
        data = data[part]
    try:
        return model.model_validate(data, context=context)
    except ValidationError as exc:
        raise InputError(doc.name, problems_from(exc, doc, base, model)) from None
