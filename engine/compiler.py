"""Rule records -> an experta KnowledgeEngine class.

Each rule instance becomes an experta Rule whose patterns are its premises; experta does
all matching, chaining and conflict resolution. The right-hand side only records the firing
and declares an Evidence fact. Two generic rules fold Evidence into Beliefs with MYCIN's
combination. Salience is layered by the rule graph (see RuleBook.levels) so that every
belief is complete before any rule reads it, and combination always runs first.
"""

from __future__ import annotations

import inspect

from kansrijk.engine.certainty import combine, conclude
from kansrijk.engine.compat import experta
from kansrijk.engine.facts import Belief, Divergence, Evidence, Level, Mean, Observed, Score, Trend, value_of
from kansrijk.engine.record import Firing, Matched
from kansrijk.engine.strategy import DeterministicStrategy
from kansrijk.rulebook import Premise, RuleBook, RuleInstance, node

AS, MATCH, NOT, P, TEST, Rule = experta.AS, experta.MATCH, experta.NOT, experta.P, experta.TEST, experta.Rule

COMBINE_SALIENCE = 1000


def pattern(premise: Premise):
    """The experta pattern that matches facts satisfying the premise (negation aside)."""
    kind, target = premise.kind, premise.target
    test = P(premise.accepts)
    if kind == "observed":
        return Observed(item=target)
    if kind == "score":
        return Score(indicator=target, value=test)
    if kind == "mean":
        return Mean(condition=target, value=test)
    if kind == "characteristic":
        return Level(id=target, level=test)
    if kind == "divergence":
        return Divergence(target=target, gap=test)
    if kind == "trend":
        return Trend(target=target, delta=test)
    return Belief(node=premise.node, cf=test)


def fact_node(fact) -> str:
    if isinstance(fact, Observed):
        return node("observed", fact["item"])
    if isinstance(fact, Score):
        return node("score", fact["indicator"])
    if isinstance(fact, Mean):
        return node("mean", fact["condition"])
    if isinstance(fact, Level):
        return node("characteristic", fact["id"])
    if isinstance(fact, Divergence):
        return node("divergence", fact["target"])
    if isinstance(fact, Trend):
        return node("trend", fact["target"])
    return fact["node"]


class RecordingEngine(experta.KnowledgeEngine):
    """An experta engine that keeps every firing and folds evidence into beliefs."""

    __strategy__ = DeterministicStrategy

    def __init__(self):
        super().__init__()
        self.firings: list[Firing] = []

    def reset(self, **kwargs):
        super().reset(**kwargs)
        self.firings = []

    def fire(self, instance: RuleInstance, matched: list) -> None:
        # an observation by some of the respondents weighs like a belief of that certainty
        certainty = conclude(instance.record.certainty,
                             [f["cf"] for f in matched if isinstance(f, (Belief, Observed))])
        firing = Firing(
            seq=len(self.firings) + 1,
            rule=instance.id,
            binding=instance.binding,
            matched=tuple(Matched(fact_node(f), value_of(f)) for f in matched),
            concludes=instance.conclusion.node,
            certainty=certainty,
        )
        self.firings.append(firing)
        self.declare(Evidence(node=firing.concludes, firing=firing.seq, cf=certainty))

    @Rule(AS.evidence << Evidence(node=MATCH.node), NOT(Belief(node=MATCH.node)), salience=COMBINE_SALIENCE)
    def open_belief(self, evidence, node):
        self.declare(Belief(node=node, cf=evidence["cf"], evidence=((evidence["firing"], evidence["cf"]),)))

    @Rule(
        AS.belief << Belief(node=MATCH.node),
        AS.evidence << Evidence(node=MATCH.node),
        TEST(lambda belief, evidence: (evidence["firing"], evidence["cf"]) not in belief["evidence"]),
        salience=COMBINE_SALIENCE,
    )
    def add_evidence(self, belief, evidence, node):
        pieces = tuple(sorted(belief["evidence"] + ((evidence["firing"], evidence["cf"]),)))
        self.modify(belief, evidence=pieces, cf=combine(cf for _, cf in pieces))


def _fire_shape(engine, **context):  # the signature every compiled right-hand side has
    pass


FIRE_SIGNATURE = inspect.signature(_fire_shape)


def _rule_for(instance: RuleInstance, salience: int):
    patterns, aliases = [], []
    for index, premise in enumerate(instance.premises):
        if premise.negated:
            patterns.append(NOT(pattern(premise)))
        else:
            alias = f"f{index}"
            aliases.append(alias)
            patterns.append(getattr(AS, alias) << pattern(premise))

    def fire(engine, **context):
        engine.fire(instance, [context[a] for a in aliases])

    # experta names firings after the function; the deterministic strategy breaks ties on it.
    fire.__name__ = fire.__qualname__ = instance.key
    # experta inspects the signature each time it copies a rule while building its network; every
    # right-hand side has this same one, so computing it once saves a good part of the start-up.
    fire.__signature__ = FIRE_SIGNATURE
    return Rule(*patterns, salience=salience)(fire)


def compile_engine(book: RuleBook) -> type[RecordingEngine]:
    """A RecordingEngine subclass with one experta rule per rule instance."""
    rules = {f"rule {i.key}": _rule_for(i, book.salience_of(i)) for i in book.instances}
    return type("KansrijkEngine", (RecordingEngine,), rules)
