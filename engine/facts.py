"""The facts the engine works on. Case data enters as the first six; rules add beliefs.

Every fact has a `node`: its name in the rule graph ('score:relationship.trust',
'neglect:ambition'), which is how explanations refer to it.
"""

from __future__ import annotations

from kansrijk.engine.compat import experta

Fact = experta.Fact


class Observed(Fact):
    """This dynamic or signal was observed (node 'observed:<id>'); `cf` is 1.0 when the adviser
    recorded it, else the share of the respondents who marked it, so one tick in ten counts for 0.1."""


class Score(Fact):
    """An indicator's score, 1..5 (node 'score:<indicator>')."""


class Mean(Fact):
    """The mean score of a condition's answered indicators (node 'mean:<condition>')."""


class Level(Fact):
    """How strongly a §2 characteristic is present: level low, medium or high (node 'characteristic:<id>')."""


class Divergence(Fact):
    """The organisations' means differ by `gap` on a condition or indicator, `high` and `low` the
    organisations furthest apart (node 'divergence:<id>')."""


class Trend(Fact):
    """How much a condition's or indicator's score moved since the previous assessment (node 'trend:<id>')."""


class Belief(Fact):
    """A conclusion some rule reads, with the certainty combined from all the evidence for it: node, cf."""


def value_of(fact: Fact) -> object:
    """What a matched fact contributed: the score, mean, level or certainty (of a belief or an observation)."""
    if isinstance(fact, Observed):
        return fact["cf"]
    if isinstance(fact, Level):
        return fact["level"]
    if isinstance(fact, Belief):
        return fact["cf"]
    if isinstance(fact, Divergence):
        return fact["gap"]
    if isinstance(fact, Trend):
        return fact["delta"]
    return fact["value"]
