"""Cases written in YAML beside the tests, one test each: the vignettes (tests/vignettes/) and the
rule fixtures (tests/fixtures/rules/). Here is what the two share: reading the files, a case's test
id, its strict xfail and the checks of its keys. What a case says, and how it is run, is its
runner's (tests/test_vignettes.py, tests/test_rule_fixtures.py).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, ClassVar, TypeVar

import pytest

from kansrijk.yamlfile import read_document


@dataclass(frozen=True)
class YamlCase:
    """One case of a file: `group` is the first part of its test id (a theme, a rule id)."""

    file: str  # the file's name, e.g. phase_order.yaml
    group: str
    index: int  # its place in the group's list
    entry: dict[str, Any] = field(hash=False, compare=False)
    unnamed: ClassVar[str] = "case"  # the name of a case without one: case0, case1, ...

    @property
    def name(self) -> str:
        return str(self.entry.get("name", f"{self.unnamed}{self.index}"))

    @property
    def id(self) -> str:
        return f"{self.group}-{self.name}"

    @property
    def where(self) -> str:
        return f"{self.file}: {self.id}"

    @property
    def xfail(self) -> str | None:
        return self.entry.get("xfail")

    def param(self):
        """The test's parameter; a case the engine is known to get wrong is a strict xfail, so that
        a fix is noticed."""
        marks = [pytest.mark.xfail(reason=self.xfail, strict=True)] if self.xfail else []
        return pytest.param(self, id=self.id, marks=marks)

    def key_problems(self, allowed: set[str], required: set[str]) -> list[str]:
        keys = set(self.entry)
        problems = []
        if keys - allowed:
            problems.append(f"{self.where}: unknown keys {sorted(keys - allowed)} (allowed: {sorted(allowed)})")
        if required - keys:
            problems.append(f"{self.where}: missing keys {sorted(required - keys)}")
        if "xfail" in keys and not (isinstance(self.xfail, str) and self.xfail.strip()):
            problems.append(f"{self.where}: xfail takes the reason as text")
        return problems


T = TypeVar("T", bound=YamlCase)


def load(kind: type[T], directory: Path, by_group: bool = False) -> tuple[list[T], list[str]]:
    """Every case of directory/*.yaml in file order, plus the problems that keep a file or a case
    from being read at all. A file is a non-empty list of cases, grouped under the file's name; or,
    by_group, a mapping from each group (a rule id) to such a list."""
    cases: list[T] = []
    problems: list[str] = []
    for path in sorted(directory.glob("*.yaml")):
        data = read_document(path).data  # refuses duplicate keys, so a group cannot silently appear twice
        if by_group and not isinstance(data, dict):
            problems.append(f"{path.name}: a file maps ids to lists of cases")
            continue
        for group, entries in data.items() if by_group else [(path.stem, data)]:
            where = f"{path.name}: {group}" if by_group else path.name
            if not isinstance(entries, list) or not entries:
                problems.append(f"{where}: expected a non-empty list of cases")
                continue
            for index, entry in enumerate(entries):
                if isinstance(entry, dict):
                    cases.append(kind(path.name, str(group), index, entry))
                else:
                    problems.append(f"{where}[{index}]: a case is a mapping")
    return cases, problems


def used_twice(cases: list[YamlCase]) -> list[str]:
    """Each test id can name one case only."""
    seen: set[str] = set()
    problems = []
    for case in cases:
        if case.id in seen:
            problems.append(f"{case.where} is used twice")
        seen.add(case.id)
    return problems
