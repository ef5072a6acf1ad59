"""Read YAML and JSON input with the line of every key, and turn pydantic errors into Problems.

Every file is read within the bounds of kansrijk/limits.py: its size, how deep it nests, how many
keys it has and how long its numbers are; YAML aliases are refused. JSON is parsed once, by the
json module; the lines of its keys are found only when a message needs one.
"""

from __future__ import annotations

import bisect
import contextlib
import gc
import json
import re
import sys
import types
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ValidationError

from kansrijk import limits
from kansrijk.errors import InputError, MessageError, Msg, Problem, hints_bounded, or_list

Loc = tuple[Any, ...]
STDIN = "<stdin>"


# libyaml's parser when PyYAML was built with it (its wheels are): several times faster.
_BaseLoader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_INT_TAG = "tag:yaml.org,2002:int"
_TIMESTAMP_TAG = "tag:yaml.org,2002:timestamp"
_PLAIN_REASONS = {_INT_TAG, "tag:yaml.org,2002:float"}


class _UniqueKeyLoader(_BaseLoader):
    """A safe loader that refuses duplicate keys instead of silently keeping the last one, and
    values Python cannot hold (a 5,000-digit number) with their line."""


def _construct_mapping(loader: _UniqueKeyLoader, node: yaml.MappingNode, deep: bool = False) -> dict:
    seen: dict[Any, int] = {}
    for key_node, _ in node.value:
        key = loader.construct_object(key_node, deep=True)
        if key in seen:  # keys are scalars (checked before construction), so hashable
            raise yaml.constructor.ConstructorError(
                None, None, Msg("duplicate_key", key=key, line=seen[key]), key_node.start_mark
            )
        seen[key] = key_node.start_mark.line + 1
    return loader.construct_mapping(node, deep=deep)


def _guarded(construct):
    """A constructor that turns whatever Python makes of a value it cannot hold (a 5,000-digit
    number, `!!bool maybe`, `!!map x`) into a ConstructorError at its line."""

    def guarded(loader: _UniqueKeyLoader, node: yaml.Node) -> Any:
        if node.tag == _INT_TAG and isinstance(node.value, str) and len(node.value) > limits.MAX_DIGITS:
            raise yaml.constructor.ConstructorError(
                None, None, Msg("limit.digits", digits=len(node.value), limit=limits.MAX_DIGITS), node.start_mark)
        with _as_constructor_error(node):
            try:
                result = construct(loader, node)
            except ValueError:  # a day that does not exist (2026-13-45) stays text: the key that wants
                if node.tag != _TIMESTAMP_TAG:  # a date then says so, in the file's language, with
                    raise  # what it allows
                return node.value
        if isinstance(result, types.GeneratorType):  # collections are filled in after they are made
            return _guarded_generator(result, node)
        return result

    return guarded


def _guarded_generator(generator, node: yaml.Node):
    with _as_constructor_error(node):
        yield from generator


@contextlib.contextmanager
def _as_constructor_error(node: yaml.Node) -> Iterator[None]:
    try:
        yield
    except (yaml.YAMLError, InputError):
        raise
    except Exception as exc:  # noqa: BLE001  ValueError, KeyError, TypeError... from a constructor
        value = _short(node.value) if isinstance(node, yaml.ScalarNode) else node.tag
        tag = "!!" + str(node.tag).rsplit(":", 1)[-1]
        # Python's reason where it speaks to the reader (a number it cannot make), else the tag
        plain = isinstance(exc, (ValueError, OverflowError)) and node.tag in _PLAIN_REASONS
        reason = str(exc) if plain and str(exc) else tag
        raise yaml.constructor.ConstructorError(None, None, Msg("not_a_value", value=value, reason=reason),
                                                node.start_mark) from None


_UniqueKeyLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)
for _tag, _construct in list(_UniqueKeyLoader.yaml_constructors.items()):
    _UniqueKeyLoader.add_constructor(_tag, _guarded(_construct))


def _short(value: Any, width: int = 40) -> str:
    text = str(value)
    return text if len(text) <= width else text[: width - 1] + "…"


class _Limits:
    """Counts keys and depth while the line map is built; the first problem stops the reading."""

    def __init__(self, name: str):
        self.name = name
        self.keys = 0

    def fail(self, message: Msg, line: int | None, key: str = "", allowed: Any = None) -> None:
        raise InputError(self.name, [Problem(key, message, line=line, allowed=allowed)])

    def depth(self, path: Loc, line: int | None) -> None:
        if len(path) > limits.MAX_DEPTH:
            self.fail(Msg("limit.depth", limit=limits.MAX_DEPTH), line, dotted(path[: limits.MAX_DEPTH + 1]))

    def count(self, keys: int, path: Loc, line: int | None) -> None:
        self.keys += keys
        if self.keys > limits.MAX_KEYS:
            self.fail(Msg("limit.keys", limit=limits.MAX_KEYS), line, dotted(path))


def _line_map(root: yaml.Node | None, name: str) -> dict[Loc, int]:
    """The line of every key path; refuses aliases, keys that are lists or mappings, and files
    that nest too deeply or have too many keys, before anything is constructed from the nodes."""
    lines: dict[Loc, int] = {}
    if root is None:
        return lines
    check = _Limits(name)
    seen: set[int] = set()
    lines[()] = root.start_mark.line + 1
    # depth first, in the order of the text: an anchor is met before the aliases that repeat it
    stack: list[tuple[yaml.Node, Loc, int]] = [(root, (), root.start_mark.line + 1)]
    while stack:
        node, path, line = stack.pop()
        if id(node) in seen:  # the same node twice: an alias (PyYAML shares the node)
            check.fail(Msg("limit.alias"), line, dotted(path), Msg("limit.alias_allowed"))
        seen.add(id(node))
        check.depth(path, line)
        children = []
        if isinstance(node, yaml.MappingNode):
            check.count(len(node.value), path, line)
            for key_node, value_node in node.value:
                key_line = key_node.start_mark.line + 1
                if not isinstance(key_node, yaml.ScalarNode):
                    kind = Msg("limit.kind_list" if isinstance(key_node, yaml.SequenceNode) else "limit.kind_mapping")
                    check.fail(Msg("key_not_text", kind=kind), key_line, dotted(path), Msg("key_allowed"))
                if id(key_node) in seen:
                    check.fail(Msg("limit.alias"), key_line, dotted(path), Msg("limit.alias_allowed"))
                seen.add(id(key_node))
                key = key_node.value
                lines[path + (key,)] = key_line
                children.append((value_node, path + (key,), key_line))
        elif isinstance(node, yaml.SequenceNode):
            for index, item in enumerate(node.value):
                # an alias's node carries the anchor's position: say the line of the list instead
                item_line = line if id(item) in seen else item.start_mark.line + 1
                lines.setdefault(path + (index,), item_line)
                children.append((item, path + (index,), item_line))
        stack.extend(reversed(children))
    return lines


@contextlib.contextmanager
def _no_gc() -> Iterator[None]:
    """Without the cyclic garbage collector while a file is parsed: it would scan the growing
    tree again and again (half the time of a large case); the tree has no cycles to collect."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def _key_events_over_limit(text: str, name: str) -> None:
    """Counts the keys of a YAML text from the parser's events, without building its nodes, and
    stops at the first key past MAX_KEYS: composing half a million keys takes seconds."""
    parser = _BaseLoader(text)
    starts, ends = (yaml.MappingStartEvent, yaml.SequenceStartEvent), (yaml.MappingEndEvent, yaml.SequenceEndEvent)
    nodes = (yaml.ScalarEvent, yaml.AliasEvent, *starts)
    stack: list[list] = []  # per open collection: [is a mapping, children so far]
    top = [False, 0]  # the open collection (the stream, outside any)
    keys = 0
    try:
        while parser.check_event():
            event = parser.get_event()
            kind = type(event)
            if kind in ends:
                top = stack.pop()
                continue
            if kind not in nodes:
                continue
            if top[0]:
                top[1] += 1
                if top[1] % 2:
                    keys += 1
                    if keys > limits.MAX_KEYS:
                        raise InputError(name, [Problem("", Msg("limit.keys", limit=limits.MAX_KEYS),
                                                        line=event.start_mark.line + 1)])
            if kind in starts:
                stack.append(top)
                top = [kind is yaml.MappingStartEvent, 0]
    except yaml.YAMLError:
        return  # said by the parse itself, with its line
    finally:
        parser.dispose()


def _key_bound(text: str) -> int:
    """At least the number of keys a YAML text can have: every key has a ':' or a '?' after or
    before it, or is one of a flow mapping's entries, each after a '{' or a ','."""
    return text.count(":") + text.count("?") + text.count(",") + text.count("{")


def _parse_yaml(text: str, name: str) -> Document:
    if _key_bound(text) > limits.MAX_KEYS:
        with _no_gc():
            _key_events_over_limit(text, name)
    loader = _UniqueKeyLoader(text)
    try:
        with _no_gc():
            # one parse: the node tree gives the lines (and is checked), the constructor the data
            node = loader.get_single_node()
            lines = _line_map(node, name)
            data = loader.construct_document(node) if node is not None else None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark else None
        reason = getattr(exc, "problem", None) or str(exc)
        if isinstance(reason, Msg):
            raise InputError(name, [Problem("", reason, line=line)]) from None
        raise InputError(name, [_yaml_problem(reason, text, line)]) from None
    except RecursionError:  # the pure-Python parser, where libyaml is missing, recurses per level
        raise InputError(name, [Problem("", Msg("limit.depth", limit=limits.MAX_DEPTH))]) from None
    finally:
        loader.dispose()
    return Document(name, data, lines)


def _yaml_problem(reason: str, text: str, line: int | None) -> Problem:
    """The parser's reason, or plainly "a tab" when the line it stopped at has one: its own
    words ("found character that cannot start any token") do not say what to do."""
    lines = text.splitlines()
    if line is not None and line <= len(lines) and "\t" in lines[line - 1]:
        return Problem("", Msg("vocab.yaml_tab"), line=line, allowed=Msg("vocab.yaml_tab_allowed"))
    return Problem("", Msg("not_valid_yaml", reason=reason), line=line)


class _NumberTooLong(ValueError):
    def __init__(self, digits: str):
        super().__init__(digits)
        self.digits = digits


def _parse_int(digits: str) -> int:
    if len(digits) > limits.MAX_DIGITS:
        raise _NumberTooLong(digits)
    return int(digits)


def _parse_json(text: str, name: str) -> Document:
    try:
        with _no_gc():
            data = json.loads(text, parse_int=_parse_int)
    except json.JSONDecodeError as exc:
        raise InputError(name, [Problem("", Msg("not_valid_json", reason=exc.msg), line=exc.lineno)]) from None
    except _NumberTooLong as exc:
        line = text[: text.find(exc.digits)].count("\n") + 1
        raise InputError(name, [Problem("", Msg("limit.digits", digits=len(exc.digits), limit=limits.MAX_DIGITS),
                                        line=line)]) from None
    except RecursionError:
        raise InputError(name, [Problem("", Msg("limit.depth", limit=limits.MAX_DEPTH))]) from None
    doc = Document(name, data, json_text=text)
    keys = 0
    stack: list[tuple[Any, Loc]] = [(data, ())]
    while stack:
        value, path = stack.pop()
        if len(path) > limits.MAX_DEPTH:
            loc = path[: limits.MAX_DEPTH + 1]
            raise InputError(name, [Problem(dotted(loc), Msg("limit.depth", limit=limits.MAX_DEPTH),
                                            line=_json_lines(text, stop_at=loc).get(loc))])
        if isinstance(value, dict):
            keys += len(value)
            if keys > limits.MAX_KEYS:
                raise InputError(name, [Problem(dotted(path), Msg("limit.keys", limit=limits.MAX_KEYS))])
            stack.extend((item, path + (key,)) for key, item in value.items())
        elif isinstance(value, list):
            stack.extend((item, path + (index,)) for index, item in enumerate(value))
    return doc


_JSON_SPACE = re.compile(r"[ \t\n\r]*")
_JSON_ATOM = re.compile(r"-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][-+]?\d+)?|true|false|null|NaN|-?Infinity")


def _json_lines(text: str, stop_at: Loc | None = None) -> dict[Loc, int]:
    """The line of every key path of a JSON text the json module has read: its positions, found
    by walking the text with the json module's own string scanner. Only for messages."""
    newlines = [index for index, char in enumerate(text) if char == "\n"]

    def line(position: int) -> int:
        return bisect.bisect_left(newlines, position) + 1

    lines: dict[Loc, int] = {}
    space = _JSON_SPACE.match
    stack: list[list] = []  # per open container: [path, is an object, index of the next item]
    position = space(text, 0).end()
    path: Loc = ()
    lines[path] = line(position)
    try:
        while True:
            # a value at `position`, for `path`
            char = text[position]
            if char in "{[":
                is_object = char == "{"
                position = space(text, position + 1).end()
                if text[position] in "}]":  # empty
                    position += 1
                else:
                    stack.append([path, is_object, 0])
                    path, position = _json_item(text, position, stack[-1], lines, line)
                    if path == stop_at:
                        return lines
                    continue
            elif char == '"':
                position = json.decoder.scanstring(text, position + 1)[1]
            else:
                position = _JSON_ATOM.match(text, position).end()
            # after a value: the next item of the enclosing container, or its end
            while stack:
                position = space(text, position).end()
                if text[position] == ",":
                    position = space(text, position + 1).end()
                    stack[-1][2] += 1
                    path, position = _json_item(text, position, stack[-1], lines, line)
                    break
                stack.pop()  # } or ]
                position += 1
            else:
                return lines
            if path == stop_at:
                return lines
    except (IndexError, AttributeError, ValueError):  # not the JSON that was read: keep what was found
        return lines


def _json_item(text: str, position: int, container: list, lines: dict[Loc, int], line) -> tuple[Loc, int]:
    """The path of the next item of container and the position of its value."""
    parent, is_object, index = container
    if not is_object:
        lines.setdefault(parent + (index,), line(position))
        return parent + (index,), position
    key, end = json.decoder.scanstring(text, position + 1)
    path = parent + (key,)
    lines[path] = line(position)
    colon = _JSON_SPACE.match(text, end).end()
    return path, _JSON_SPACE.match(text, colon + 1).end()


class Document:
    """Parsed data of one file plus the line on which each key path starts (for JSON, found
    when a message first asks for one)."""

    def __init__(self, name: str, data: Any, lines: dict[Loc, int] | None = None, json_text: str | None = None):
        self.name = name
        self.data = data
        self._lines = lines
        self._json_text = json_text

    @property
    def lines(self) -> dict[Loc, int]:
        if self._lines is None:
            self._lines = _json_lines(self._json_text) if self._json_text is not None else {}
        return self._lines

    def line(self, loc: Loc) -> int | None:
        """The line of the deepest known prefix of loc."""
        lines = self.lines
        for end in range(len(loc), -1, -1):
            if loc[:end] in lines:
                return lines[loc[:end]]
        return None

    def problem(self, loc: Loc, message: str, allowed: str | None = None) -> Problem:
        return Problem(key=dotted(loc), message=message, line=self.line(loc), allowed=allowed)


def dotted(loc: Loc) -> str:
    """('scores', 'interests.real_dialogue') -> 'scores.interests.real_dialogue'; list items as [i]."""
    text = ""
    for part in loc:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text


def _looks_like_json(text: str, name: str) -> bool:
    return name.lower().endswith(".json") or (name == STDIN and text.lstrip()[:1] in ("{", "["))


def parse_text(text: str, name: str) -> Document:
    """Parse YAML, or JSON (a .json file, or standard input that starts like JSON) with the json
    module alone; within the bounds of kansrijk/limits.py."""
    text = text.removeprefix("\ufeff")
    if not text.strip():
        raise InputError(name, [Problem("", Msg("file_empty"))])
    if _looks_like_json(text, name):
        try:
            return _parse_json(text, name)
        except InputError:
            if name.lower().endswith(".json"):
                raise
            # standard input in YAML's flow style ({name: x}) is not JSON but is a case
    return _parse_yaml(text, name)


def read_bytes(path: Path | str) -> bytes:
    """The bytes of a file, refused past limits.max_input_bytes() (read no further than that)."""
    path, limit = Path(path), limits.max_input_bytes()
    try:
        with path.open("rb") as file:
            data = file.read(limit + 1)
    except FileNotFoundError:
        raise InputError(str(path), [Problem("", Msg("no_such_file"))]) from None
    except OSError as exc:
        raise InputError(str(path), [Problem("", Msg("os_error", reason=exc.strerror or str(exc)))]) from None
    return _bounded(data, str(path), limit)


def _bounded(data: bytes, name: str, limit: int) -> bytes:
    if len(data) > limit:
        size = limits.megabytes(limit)
        raise InputError(name, [Problem("", Msg("limit.size", size=size),
                                        allowed=Msg("limit.size_allowed", size=size, env=limits.MAX_INPUT_ENV))])
    return data


def decode(data: bytes, name: str) -> str:
    """UTF-8 text (a byte-order mark dropped); not_utf8 with the line of the first bad byte."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise InputError(name, [Problem("", Msg("not_utf8"), line=line)]) from None


def read_stdin() -> str:
    """Standard input as text, with the same bounds as a file."""
    limit = limits.max_input_bytes()
    stream = getattr(sys.stdin, "buffer", None)
    if stream is not None:
        data = stream.read(limit + 1)
    else:  # a text stream without bytes beneath (a test's): undecodable bytes come back as they were
        data = sys.stdin.read(limit + 1).encode("utf-8", "surrogateescape")
    return decode(_bounded(data, STDIN, limit), STDIN)


def read_document(path: Path | str) -> Document:
    return parse_text(decode(read_bytes(path), str(path)), str(path))


def top_level_keys(model: type[BaseModel] | None) -> list[str]:
    if model is None or not hasattr(model, "model_fields"):
        return []
    return [field.alias or name for name, field in model.model_fields.items()]


def problems_from(error: ValidationError, doc: Document, base: Loc = (), model: type[BaseModel] | None = None) -> list[Problem]:
    """One Problem per pydantic error, located in the document: the first MAX_PROBLEMS of them."""
    out = []
    for err in error.errors(include_url=False)[: limits.MAX_PROBLEMS]:  # the rest are counted, not shown
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
        elif kind.startswith("date_"):  # pydantic's "valid date or datetime" says more than a case allows
            message = Msg("not_a_date", value=_short(value))
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
        for bound in ("min_length", "max_length"):
            if bound in ctx:
                ctx["plural"] = "" if ctx[bound] == 1 else "s"
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
        with hints_bounded():
            return model.model_validate(data, context=context)
    except ValidationError as exc:
        problems = problems_from(exc, doc, base, model)
        raise InputError(doc.name, problems, omitted=exc.error_count() - len(problems)) from None
