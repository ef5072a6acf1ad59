"""What the engine did on one case, kept as data: every firing with the facts it matched,
and every belief with the evidence behind it. Explanations are read from here."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Matched:
    """A fact a firing matched: its node and the value it had then (score, mean, level or certainty)."""

    node: str
    value: object


@dataclass(frozen=True)
class Firing:
    seq: int  # 1 for the first rule fired on the case
    rule: str  # rule id of the record
    binding: str  # the condition or dynamic a variable rule was bound to, or ''
    matched: tuple[Matched, ...]
    concludes: str  # node
    certainty: float  # what this firing lends its conclusion


@dataclass(frozen=True)
class Belief:
    node: str
    certainty: float  # combined over all firings below
    firings: tuple[Firing, ...]


@dataclass(frozen=True)
class Inference:
    """The engine's record of one run."""

    inputs: dict[str, object]  # node -> value of every fact the case put in
    firings: tuple[Firing, ...]
    beliefs: dict[str, Belief]  # node -> belief
    withheld: frozenset[str] = frozenset()  # inputs whose values may not be shown (too few answers)
    from_respondents: bool = False  # scores are means of respondents' answers: shown rounded

    def certainty(self, node: str) -> float | None:
        belief = self.beliefs.get(node)
        return None if belief is None else belief.certainty

    def nodes(self, kind: str) -> list[str]:
        """Targets of the beliefs of one kind ('neglect', 'dynamic', 'advise', 'heed')."""
        prefix = kind + ":"
        return [n[len(prefix):] for n in self.beliefs if n.startswith(prefix)]
