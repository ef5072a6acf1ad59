"""Conflict resolution: experta's depth strategy made fully deterministic.

experta orders the agenda by salience, then by the recency of the matched facts; two
activations with equal keys keep the order in which the matcher produced them, which can
vary between runs. Adding the rule's name as the last key makes every run fire the same
rules in the same order, so the same case always gives the same record.
"""

from functools import lru_cache

from kansrijk.engine.compat import experta  # noqa: F401  (experta must be patched first)
from experta.strategies import DepthStrategy


class DeterministicStrategy(DepthStrategy):
    @lru_cache()
    def get_key(self, activation):
        salience, facts = super().get_key(activation)
        return (salience, facts, activation.rule.__name__)
