"""Why and why-not, read from the engine's record of one case.

`justify` walks back from a conclusion through the firings that made it to the case's own
facts. `why_not` lists the rules that could have concluded something and, for each, which
premises held and which failed, with the value the case had.
"""

from __future__ import annotations

from kansrijk.advice import Advisor, r4
from kansrijk.disclosure import divergence_threshold
from kansrijk.engine.record import Firing, Inference
from kansrijk.errors import InputError, Msg, Problem, either
from kansrijk.rulebook import Premise
from kansrijk.text import Language, Strict


class FactNode(Strict):
    """A fact in a justification tree: a case fact (a leaf) or a conclusion with its reasons."""

    node: str
    kind: str
    name: str
    value: float | int | str | bool | None
    withheld: bool = False  # the value rests on too few answers to be shown (min_group)
    reasons: list[Reason] = []


class Reason(Strict):
    """One firing that lent its conclusion certainty (or took it away: `against`), with the facts
    it matched."""

    rule: str
    binding: str
    claim: str
    sections: list[str]
    basis: str | None  # publication | reading | calibration
    rule_certainty: float
    certainty: float
    decisive: bool  # on the strongest chain of support for what is explained
    against: bool  # evidence against its conclusion (a negative certainty)
    premises: list[FactNode]


FactNode.model_rebuild()


class PremiseCheck(Strict):
    kind: str
    target: str
    name: str
    negated: bool
    at_least: float | None
    at_most: float | None
    level: str | None  # characteristic: at least this level
    level_at_most: str | None = None  # characteristic: at most this level
    value: float | int | str | bool | None  # what the case had; None: absent or withheld
    withheld: bool = False  # present, but resting on too few answers to be shown (min_group)
    holds: bool


class Candidate(Strict):
    """A rule that could conclude the target, and how it fared on this case."""

    rule: str
    binding: str
    claim: str
    sections: list[str]
    rule_certainty: float
    fired: bool
    certainty: float | None  # what it lent, when it fired
    premises: list[PremiseCheck]


class WhyNot(Strict):
    target: str
    kind: str
    name: str
    certainty: float | None  # the combined certainty the case reached, if any rule fired
    threshold: float
    holds: bool  # the conclusion was drawn after all (at or above the threshold)
    candidates: list[Candidate]


class Explainer:
    def __init__(self, advisor: Advisor):
        self.advisor = advisor
        self.book = advisor.book
        self.kb = advisor.kb

    def value_of(self, inference: Inference, node: str) -> object:
        """What the record holds for a node: a case fact's value or a belief's certainty."""
        if node in inference.inputs:
            return inference.inputs[node]
        belief = inference.beliefs.get(node)
        return None if belief is None else belief.certainty

    # -- why ---------------------------------------------------------------------------------
    def justify(self, inference: Inference, node: str, lang: Language, decisive: set[int] | None = None) -> FactNode:
        """node and the firings behind it, down to the case's facts. Per fact the reasons come
        decisive first, then the other evidence for, then the evidence against."""
        if decisive is None:
            decisive = {f.seq for f in self.advisor.decisive(inference, node)}
        kind = node.split(":", 1)[0]
        value = self.advisor.disclosed(inference, node, self.value_of(inference, node))
        belief = inference.beliefs.get(node)
        firings = sorted(belief.firings, key=lambda f: (f.seq not in decisive, f.certainty < 0)) if belief else []
        reasons = [self.reason(inference, f, lang, decisive) for f in firings]
        return FactNode(
            node=node, kind=kind, name=self.advisor.name_of(node, lang),
            value=r4(value) if isinstance(value, float) else value, withheld=node in inference.withheld,
            reasons=reasons,
        )

    def reason(self, inference: Inference, firing: Firing, lang: Language, decisive: set[int]) -> Reason:
        record = self.book.by_id[firing.rule]
        return Reason(
            rule=firing.rule, binding=firing.binding, claim=record.claim(lang), sections=list(record.sections),
            basis=record.basis, rule_certainty=record.certainty, certainty=r4(firing.certainty),
            decisive=firing.seq in decisive, against=firing.certainty < 0,
            premises=[self.justify(inference, m.node, lang, decisive) for m in firing.matched],
        )

    # -- why not -------------------------------------------------------------------------------
    def why_not(self, inference: Inference, node: str, lang: Language) -> WhyNot:
        threshold = self.advisor.policy.advice_threshold
        fired = {(f.rule, f.binding): f for f in inference.firings if f.concludes == node}
        candidates = []
        for instance in self.book.instances:
            if instance.conclusion.node != node:
                continue
            firing = fired.get((instance.id, instance.binding))
            record = instance.record
            candidates.append(Candidate(
                rule=instance.id, binding=instance.binding, claim=record.claim(lang), sections=list(record.sections),
                rule_certainty=record.certainty, fired=firing is not None,
                certainty=None if firing is None else r4(firing.certainty),
                premises=[self.check(inference, p, lang) for p in instance.premises],
            ))
        certainty = inference.certainty(node)
        return WhyNot(
            target=node, kind=node.split(":", 1)[0], name=self.advisor.name_of(node, lang),
            certainty=None if certainty is None else r4(certainty), threshold=threshold,
            holds=certainty is not None and certainty >= threshold, candidates=candidates,
        )

    def least(self, premise: Premise) -> float | None:
        """What a premise needs at least: a belief's threshold, a divergence's published gap, or
        the bound the rule sets."""
        if premise.kind in ("neglect", "dynamic"):
            return premise.threshold
        if premise.kind == "divergence":
            return divergence_threshold(self.advisor.policy, self.kb, premise.target)
        return premise.at_least

    def check(self, inference: Inference, premise: Premise, lang: Language) -> PremiseCheck:
        value = self.value_of(inference, premise.node)
        accepted = premise.accepts(value)
        shown = self.advisor.disclosed(inference, premise.node, value)
        at_least_level = premise.level or ("high" if premise.kind == "characteristic" and not premise.level_at_most else None)
        return PremiseCheck(
            kind=premise.kind, target=premise.target, name=self.advisor.name_of(premise.node, lang),
            negated=premise.negated,
            at_least=self.least(premise),
            at_most=premise.at_most, level=at_least_level, level_at_most=premise.level_at_most,
            value=r4(shown) if isinstance(shown, float) else shown, withheld=premise.node in inference.withheld,
            holds=accepted != premise.negated,
        )


# what "why not" can be asked about: the table an id is looked up in, and the kind of its conclusion
WHY_NOT_KINDS = (("intervention", "advise"), ("dynamic", "dynamic"), ("condition", "neglect"))


def resolve_target(kb, value: str, kinds=WHY_NOT_KINDS, field: str = "--why-not") -> str:
    """The node an id names, looked up in the tables of `kinds` in order (a condition also by its
    Dutch word); an unknown id raises InputError on `field` with a suggestion. The command line's
    --why-not/--dynamic/--condition and the workbench's why-not ask through this one function."""
    from kansrijk.vocabulary import condition_alias, suggest_id

    for table, kind in kinds:
        ident = condition_alias(value) if table == "condition" else value.strip()
        if ident in kb.by_id[table]:
            return f"{kind}:{ident}"
    allowed = either([Msg(f"ids.{t}") for t, _ in kinds])
    hint = suggest_id(value, kb, [t for t, _ in kinds])
    raise InputError(field, [Problem("", Msg("unknown", what=Msg("what.id"), value=value, hint=hint), allowed=allowed)])
