"""MYCIN's certainty factors: how evidence from several rules for one conclusion is combined.

Positive and negative evidence are each pooled first and only then set against each other,
which makes the result independent of the order in which the evidence arrived (MYCIN's
pairwise formula for mixed signs is not associative on its own).
"""

from __future__ import annotations

from math import prod
from typing import Iterable

# Certainties carry no meaning beyond a few decimals; rounding away float noise keeps a value
# that is 0.2 on paper (0.5 x 0.4) from landing at 0.19999999999999998, under a 0.2 threshold.
PRECISION = 10


def pool(strengths: Iterable[float]) -> float:
    """1 - (1-a)(1-b)...: independent pieces of evidence that each make a conclusion likely."""
    return 1 - prod(1 - s for s in sorted(strengths))


def combine(certainties: Iterable[float]) -> float:
    """Combine certainty factors in [-1, 1] into one."""
    return round(_combine(list(certainties)), PRECISION)


def _combine(values: list[float]) -> float:
    for_ = pool(c for c in values if c > 0)
    against = pool(-c for c in values if c < 0)
    if not against:
        return for_
    if not for_:
        return -against
    if for_ == against == 1:
        return 0.0  # fully certain evidence both ways cancels out
    return (for_ - against) / (1 - min(for_, against))


def conclude(rule_certainty: float, premise_certainties: Iterable[float]) -> float:
    """The certainty a rule lends its conclusion: its own certainty times its weakest premise."""
    return round(rule_certainty * min(premise_certainties, default=1.0), PRECISION)
