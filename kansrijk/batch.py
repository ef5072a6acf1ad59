"""Many cases at once: which files the command line names, and the advice for each of them.

`case_paths` turns what the user typed (files, folders, globs) into the ordered list of case
files; `advise portfolio`-like commands use it as `advise` does. The rules:

- a file is taken as it is (any name; a missing one stays in the list, so that reading it reports
  it with its name, as for a single case); `-` is standard input;
- a folder gives the `*.yaml`, `*.yml` and `*.json` files directly inside it (not its subfolders;
  hidden files left out), sorted by name;
- a glob (`*`, `?`, `[...]`; `**` for any depth) gives the files it matches, sorted; a folder it
  matches counts as a folder;
- a folder or glob that gives no case is an error (most likely a typo), reported before any work;
- the order is the order of the arguments; a file named twice is taken once, where it first comes.
"""

from __future__ import annotations

import glob
import os
from collections.abc import Iterable
from pathlib import Path

from kansrijk.errors import InputError, Msg, Problem

CASE_SUFFIXES = (".yaml", ".yml", ".json")
STDIN = "-"


def case_paths(sources: Iterable[str]) -> list[str]:
    """The case files that sources (files, folders, globs, or '-') name, in order, each once."""
    paths: list[str] = []
    seen: set[str] = set()
    for source in sources:
        for path in _expand(source):
            key = path if path == STDIN else os.path.realpath(path)
            if key not in seen:
                seen.add(key)
                paths.append(path)
    return paths


def is_many(sources: Iterable[str]) -> bool:
    """Whether sources ask for a batch: more than one, or a folder or a glob (which may name any
    number of cases, so a script gets the same kind of output for one as for a hundred)."""
    sources = list(sources)
    return len(sources) > 1 or any(_is_pattern(s) or os.path.isdir(s) for s in sources)


def _expand(source: str) -> list[str]:
    if source == STDIN:
        return [STDIN]
    if os.path.isdir(source):
        found = _cases_in(source)
        if not found:
            raise InputError(source, [Problem("", Msg("batch.empty_folder"), allowed=Msg("batch.allowed_folder"))])
        return found
    if _is_pattern(source) and not os.path.exists(source):
        found = []
        for match in sorted(glob.glob(source, recursive=True)):
            if os.path.isdir(match):
                found.extend(_cases_in(match))
            elif os.path.isfile(match):
                found.append(match)
        if not found:
            raise InputError(source, [Problem("", Msg("batch.no_match"), allowed=Msg("batch.allowed_folder"))])
        return found
    return [source]


def _cases_in(folder: str) -> list[str]:
    names = sorted(entry.name for entry in os.scandir(folder)
                   if not entry.name.startswith(".") and entry.name.lower().endswith(CASE_SUFFIXES)
                   and entry.is_file())
    return [str(Path(folder) / name) for name in names]


def _is_pattern(source: str) -> bool:
    return glob.has_magic(source)
