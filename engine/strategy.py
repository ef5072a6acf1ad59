"""Conflict resolution: experta's depth strategy made fully deterministic.

experta orders the agenda by salience, then by the recency of the matched facts; two
activations with equal keys keep the order in which the matcher produced them, which can
vary between runs. Adding the rule's name as the last key makes every run fire the same
rules in the same order, so the same case always gives the same record.

The key is DepthStrategy's, computed afresh: experta caches it per activation (lru_cache),
and an activation's hash and equality compare its rule's patterns and facts, which made the
cache cost more than the key.
"""

from kansrijk.engine.compat import experta  # noqa: F401  (experta must be patched first)
from experta.strategies import DepthStrategy


class DeterministicStrategy(DepthStrategy):
    def get_key(self, activation):
        facts = sorted((f["__factid__"] for f in activation.facts), reverse=True)
        return (activation.rule.salience, facts, activation.rule.__name__)
