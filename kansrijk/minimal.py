"""A smallest case on which a rule fires, found by chaining backwards over the rule graph.

Candidates are built from the premises (an observation, a score at the threshold, a
characteristic at its level, or — for a belief — the inputs of a rule that concludes it) and
tried smallest first on the engine; the first on which the rule really fires is the answer.
"""

from __future__ import annotations

from functools import cache
from itertools import islice, product
from math import ceil, floor

from kansrijk.case import Case
from kansrijk.model import Model
from kansrijk.rulebook import Premise, RuleInstance

# a candidate case: frozenset of ('observed', id, True) | ('score', indicator, n) | ('characteristic', id, level)
# | ('divergence', condition or indicator, None) | ('trend', condition or indicator, +1 or -1)
Candidate = frozenset
MAX_ALTERNATIVES = 6  # per premise; the graph is shallow, so a few alternatives reach every rule
MAX_TRIES = 400
# a divergence or a trend asks more of a reader (two organisations, an earlier assessment) than
# an observation, a score or a level: among equally small cases the simplest is the example
COST = {"divergence": 2, "trend": 2}


def simplest(candidate: Candidate) -> tuple:
    return (len(candidate), sum(COST.get(kind, 1) for kind, _, _ in candidate), sorted(candidate))


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
            return (Candidate({("characteristic", target, premise.example_level)}),)
        if kind == "divergence":
            return (Candidate({("divergence", target, None)}),)
        if kind == "trend":  # the change nearest to none that satisfies the premise
            if premise.at_least is not None and premise.at_least > 0:
                step = ceil(premise.at_least)
            elif premise.at_most is not None and premise.at_most < 0:
                step = floor(premise.at_most)
            else:
                step = 0
            return (Candidate({("trend", target, step)}),)
        if kind in ("score", "mean"):
            value = floor(premise.at_most) if premise.at_most is not None else ceil(premise.at_least)
            indicators = [target] if kind == "score" else [i.id for i in self.kb.indicators_of(target)]
            return tuple(Candidate({("score", i, value)}) for i in indicators[:1])
        found: list[Candidate] = []
        for instance in sorted(self.concluders.get(premise.node, []), key=lambda i: (len(i.premises), i.key)):
            found.extend(islice(self.inputs_for(instance), MAX_ALTERNATIVES))
        return tuple(sorted(set(found), key=simplest)[:MAX_ALTERNATIVES])

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
        candidates = sorted(islice(self.inputs_for(instance), MAX_TRIES), key=simplest)
        for candidate in candidates:
            data = to_case(self.kb, candidate)
            firings = infer_example(self.model, data).firings
            if any(f.rule == instance.id and f.binding == instance.binding for f in firings):
                return to_case(self.kb, candidate)
        return None


def infer_example(model: Model, data: dict):
    """Run an example case (with its `previous` assessment, if any) through the engine."""
    data = dict(data)
    previous = data.pop("previous", None)
    case = Case.model_validate({"name": "example", **data}, context={"kb": model.kb})
    earlier = None if previous is None else Case.model_validate({"name": "before", **previous},
                                                                context={"kb": model.kb})
    return model.infer(case, earlier)


def to_case(kb, candidate: Candidate) -> dict:
    """A case file's data for a candidate; a divergence becomes two organisations at opposite ends,
    each of as many people as may be shown (kansrijk/disclosure.py), a trend an earlier assessment
    one point away."""
    case: dict = {}
    characteristics = {key: value for kind, key, value in candidate if kind == "characteristic"}
    scores = {key: value for kind, key, value in candidate if kind == "score"}
    observations = sorted(key for kind, key, _ in candidate if kind == "observed")
    apart = sorted(key for kind, key, _ in candidate if kind == "divergence")
    if characteristics:
        case["characteristics"] = dict(sorted(characteristics.items()))
    if scores:
        case["scores"] = dict(sorted(scores.items()))
    if observations:
        case["observations"] = observations
    if apart:
        first = [key if key in kb.by_id["indicator"] else kb.indicators_of(key)[0].id for key in apart]
        people = Case.model_fields["min_group"].default
        case["respondents"] = [{"organisation": organisation, "scores": {i: score for i in first}}
                               for organisation, score in (("A", 1), ("B", 5)) for _ in range(people)]
    moved = sorted((key, step) for kind, key, step in candidate if kind == "trend")
    if moved:
        indicators = {(key if key in kb.by_id["indicator"] else kb.indicators_of(key)[0].id): step
                      for key, step in moved}
        # the current score stays the candidate's own where it has one; else a fall to 3 or a rise to 5
        now = {i: case.get("scores", {}).get(i, 3 if step < 0 else 5) for i, step in indicators.items()}
        case["scores"] = dict(sorted((case.get("scores", {}) | now).items()))
        case["previous"] = {"scores": {i: now[i] - step for i, step in indicators.items()}}
    return case
