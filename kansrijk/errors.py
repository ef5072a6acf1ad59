"""Errors about what the user gave us: they name the file, the key, the line and what is allowed."""

from __future__ import annotations

import difflib
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Problem:
    """One thing wrong with an input file."""

    key: str
    message: str
    line: int | None = None
    allowed: str | None = None

    def render(self, file: str) -> str:
        where = f"{file}:{self.line}" if self.line else file
        text = f"{where}: {self.key}: {self.message}" if self.key else f"{where}: {self.message}"
        if self.allowed:
            text += f" (allowed: {self.allowed})"
        return text


@dataclass
class InputError(Exception):
    """Raised for bad input; the CLI prints it and exits with code 2."""

    file: str
    problems: list[Problem] = field(default_factory=list)

    def __str__(self) -> str:
        return "\n".join(p.render(self.file) for p in self.problems)


def suggest(value: str, known: list[str] | tuple[str, ...]) -> str:
    """A ' — did you mean X?' tail for an unknown id, or '' when nothing is close."""
    close = difflib.get_close_matches(value, known, n=1, cutoff=0.6)
    return f"; did you mean '{close[0]}'?" if close else ""
