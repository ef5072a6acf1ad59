"""A smallest case on which a rule fires, found by chaining backwards over the rule graph.

Candidates are built from the premises (an observation, a score at the threshold, a
characteristic at its level, or — for a belief — the inputs of a rule that concludes it) and
tried smallest first on the engine; the first on which the rule really fires is the answer.
"""

from __future__ import annotations

from functools import cache
from itertools import islice, product
from math import ceil, floor

from kansrijk.engine.inference import Evidence
from kansrijk.model import Model
from kansrijk.rulebook import Premise, RuleInstance

# a candidate case: frozenset of ('observed', id, True) | ('score', indicator, n) | ('characteristic', id, level)
Candidate = frozenset
MAX_ALTERNATIVES = 6  # per premise; the graph is shallow, so a few alternatives reach every rule
MAX_TRIES = 400


class MinimalCases:
    def __init__(self, model: Model):
        self.model = model
        self.kb = model.kb
        self.concluders: dict[str, list[RuleInstance]] = {}
        for instance in model.book.instances:
            if instance.record.certainty > 0:
                self.concluders.setdefault(instance.conclusion.node, []).append(instance)
        self._needs = cache(self._needs_uncached)

    def _needs_uncached(self, premise: Premise) -> tuple[Candidate, ...]:
        """Alternative sets of inputs that make a (positive) premise hold, smallest first."""
        kind, target = premise.kind, premise.target
        if kind == "observed":
            return (Candidate({("observed", target, True)}),)
        if kind == "characteristic":
            return (Candidate({("characteristic", target, premise.level or "high")}),)
        if kind in ("score", "mean"):
            value = floor(premise.at_most) if premise.at_most is not None else ceil(premise.at_least)
            indicators = [target] if kind == "score" else [i.id for i in self.kb.indicators_of(target)]
            return tuple(Candidate({("score", i, value)}) for i in indicators[:1])
        found: list[Candidate] = []
        for instance in sorted(self.concluders.get(premise.node, []), key=lambda i: (len(i.premises), i.key)):
            found.extend(islice(self.inputs_for(instance), MAX_ALTERNATIVES))
        return tuple(sorted(set(found), key=lambda c: (len(c), sorted(c)))[:MAX_ALTERNATIVES])

    def inputs_for(self, instance: RuleInstance):
        """Candidate input sets for all premises of a rule instance together."""
        options = [self._needs(p) for p in instance.premises if not p.negated]
        for combination in product(*options):
            merged = frozenset().union(*combination)
            keys = [(kind, key) for kind, key, _ in merged]
            if len(keys) == len(set(keys)):  # one value per score or characteristic
                yield merged

    def case_for(self, instance: RuleInstance) -> dict | None:
        """The smallest case (as a case file's data) on which the instance fires, or None."""
        candidates = sorted(islice(self.inputs_for(instance), MAX_TRIES), key=lambda c: (len(c), sorted(c)))
        for candidate in candidates:
            evidence = to_evidence(candidate)
            firings = self.model.reasoner.run(evidence).firings
            if any(f.rule == instance.id and f.binding == instance.binding for f in firings):
                return to_case(candidate)
        return None


def to_evidence(candidate: Candidate) -> Evidence:
    return Evidence(
        scores={key: value for kind, key, value in candidate if kind == "score"},
        observations=frozenset(key for kind, key, _ in candidate if kind == "observed"),
        characteristics={key: value for kind, key, value in candidate if kind == "characteristic"},
    )


def to_case(candidate: Candidate) -> dict:
    evidence = to_evidence(candidate)
    case: dict = {}
    if evidence.characteristics:
        case["characteristics"] = dict(sorted(evidence.characteristics.items()))
    if evidence.scores:
        case["scores"] = dict(sorted(evidence.scores.items()))
    if evidence.observations:
        case["observations"] = sorted(evidence.observations)
    return case
