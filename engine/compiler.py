"""Rule records -> an experta KnowledgeEngine class.

Each rule instance becomes an experta Rule whose patterns are its premises; experta does all
matching, chaining and conflict resolution. The right-hand side records the firing and its
evidence for the conclusion. Salience is layered by the rule graph (see RuleBook.levels): the
rules that conclude on one level fire before any rule that reads their conclusions, and
between two levels one closing rule combines the evidence of the level just completed into
one belief per node (MYCIN's combination), declared once.

Patterns test by equality only, so that experta shares one alpha branch between all the
premises that test the same: whether a fact passes a premise's test is computed once, with
Premise.accepts (which why-not explanations use too), when the fact is declared, into a field
named after the test ('at_most 2', 'level high', 'at_least 0.2'); the pattern asks for True.
"""

from __future__ import annotations

import inspect

from kansrijk.engine.certainty import combine, conclude
from kansrijk.engine.compat import experta
from kansrijk.engine.facts import Belief, Divergence, Level, Mean, Observed, Score, Trend, value_of
from kansrijk.engine.matcher import TrackingMatcher
from kansrijk.engine.record import Belief as BeliefRecord
from kansrijk.engine.record import Firing, Matched
from kansrijk.engine.strategy import DeterministicStrategy
from kansrijk.rulebook import BELIEF_KINDS, Premise, RuleBook, RuleInstance, node

AS, NOT, Rule = experta.AS, experta.NOT, experta.Rule

# node -> the name of the field that holds the outcome of each test premises make on it -> a
# premise making that test; a node is in here if and only if some premise reads it
Tests = dict[str, dict[str, Premise]]


def test_field(premise: Premise) -> str:
    """The field of a fact that says whether it passes this premise's test ('at_most 2')."""
    if premise.kind in BELIEF_KINDS or premise.kind == "observed":
        return f"at_least {premise.threshold}"
    bounds = {"at_least": premise.at_least, "at_most": premise.at_most, "level": premise.level,
              "level_at_most": premise.level_at_most}
    return ", ".join(f"{name} {value}" for name, value in bounds.items() if value is not None) or "any value"


def pattern(premise: Premise):
    """The experta pattern that matches facts satisfying the premise (negation aside)."""
    kind, target = premise.kind, premise.target
    test = {test_field(premise): True}
    if kind == "observed":
        return Observed(item=target, **test)
    if kind == "score":
        return Score(indicator=target, **test)
    if kind == "mean":
        return Mean(condition=target, **test)
    if kind == "characteristic":
        return Level(id=target, **test)
    if kind == "divergence":
        return Divergence(target=target, **test)
    if kind == "trend":
        return Trend(target=target, **test)
    return Belief(node=premise.node, **test)


def tests_of(book: RuleBook) -> Tests:
    tests: Tests = {}
    for instance in book.instances:
        for premise in instance.premises:
            fields = tests.setdefault(premise.node, {})
            fields.setdefault(test_field(premise), premise)
    return tests


def outcomes(tests: Tests, fact) -> None:
    """Add to a fact, before it is declared, whether it passes each test a premise makes on it."""
    value = value_of(fact)
    for field, premise in tests.get(fact_node(fact), {}).items():
        fact[field] = premise.accepts(value)


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
    """An experta engine that keeps every firing and combines the evidence into beliefs."""

    __matcher__ = TrackingMatcher
    __strategy__ = DeterministicStrategy
    tests: Tests = {}  # set by compile_engine

    def __init__(self):
        super().__init__()
        self.reset_record()

    def reset(self, **kwargs):
        super().reset(**kwargs)
        self.reset_record()

    def get_deffacts(self):
        # experta looks the deffacts up among all the engine's members (every rule) at each reset
        if "_deffacts" not in self.__dict__:
            self._deffacts = super().get_deffacts()
        return self._deffacts

    def reset_record(self) -> None:
        self.firings: list[Firing] = []
        self.pending: dict[str, list[tuple[int, float]]] = {}  # node -> (firing, cf) not yet combined
        self.beliefs: dict[str, BeliefRecord] = {}

    def declare_inputs(self, facts: list) -> None:
        """Declare the case's facts that some premise reads, each with the outcome of the tests
        premises make on it. A fact no pattern reads could not change what fires, nor the order
        (recency orders facts relative to each other); the record lists all inputs anyway."""
        read = [fact for fact in facts if fact_node(fact) in self.tests]
        for fact in read:
            outcomes(self.tests, fact)
        if read:
            self.declare(*read)

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
        self.pending.setdefault(firing.concludes, []).append((firing.seq, certainty))

    def close_level(self) -> None:
        """Combine the evidence for every node concluded on the level just completed into its belief.

        A belief some premise reads is declared as a Belief fact, in the order in which the last
        evidence for each arrived: the recency experta orders later firings by is then what it
        would be had every belief been updated at each firing. Advice, heed and method beliefs,
        which no rule reads, are kept in the record only."""
        pending, self.pending = self.pending, {}
        facts = []
        for node, pieces in sorted(pending.items(), key=lambda item: item[1][-1][0]):
            pieces.sort()
            cf = combine(c for _, c in pieces)
            self.beliefs[node] = BeliefRecord(node, cf, tuple(self.firings[seq - 1] for seq, _ in pieces))
            if node in self.tests:
                fact = Belief(node=node, cf=cf)
                outcomes(self.tests, fact)
                facts.append(fact)
        if facts:
            self.declare(*facts)


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


def _close_rule(level: int):
    def close(engine):
        engine.close_level()

    close.__name__ = close.__qualname__ = f"close level {level}"
    return Rule(salience=_closing_salience(level))(close)


def _salience(book: RuleBook, instance: RuleInstance) -> int:
    # RuleBook's layering (-level of the conclusion) spread out to leave room for the closing rules
    return 2 * book.salience_of(instance)


def _closing_salience(level: int) -> int:
    return -2 * level - 1  # after every rule concluding on this level, before any rule above it


def compile_engine(book: RuleBook) -> type[RecordingEngine]:
    """A RecordingEngine subclass with one experta rule per rule instance, and per level of the
    rule graph one rule that turns the evidence concluded on that level into beliefs."""
    rules: dict[str, object] = {f"rule {i.key}": _rule_for(i, _salience(book, i)) for i in book.instances}
    for level in sorted({book.levels[i.conclusion.node] for i in book.instances}):
        rules[f"close level {level}"] = _close_rule(level)
    return type("KansrijkEngine", (RecordingEngine,), rules | {"tests": tests_of(book)})
