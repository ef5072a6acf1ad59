"""Run the compiled rules on one case and return the engine's record."""

from __future__ import annotations

import threading
from dataclasses import dataclass, field

from kansrijk.engine.compiler import RecordingEngine, compile_engine, fact_node
from kansrijk.engine.facts import Divergence, Level, Mean, Observed, Score, Trend, value_of
from kansrijk.engine.record import Inference
from kansrijk.group import Gap, condition_means
from kansrijk.knowledgebase import KnowledgeBase
from kansrijk.rulebook import RuleBook


@dataclass(frozen=True)
class Evidence:
    """What a case tells the engine, already validated against the knowledge base."""

    scores: dict[str, float] = field(default_factory=dict)  # indicator -> 1..5 (a mean for group cases)
    observations: dict[str, float] = field(default_factory=dict)  # id -> 1.0, or the share of respondents who saw it
    characteristics: dict[str, str] = field(default_factory=dict)  # id -> low|medium|high
    divergences: dict[str, Gap] = field(default_factory=dict)  # condition or indicator -> the gap between organisations
    trends: dict[str, float] = field(default_factory=dict)  # condition or indicator -> change since the last assessment
    # input nodes whose values rest on too few answers to be shown (min_group); the engine reasons
    # on them like on any fact, explanations show that they are withheld
    withheld: frozenset[str] = frozenset()
    from_respondents: bool = False  # scores are means of respondents' answers (kansrijk/disclosure.py)


def input_facts(kb: KnowledgeBase, evidence: Evidence) -> list:
    """The case as experta facts, in one canonical order whatever the order of the case file."""
    facts: list = []
    kinds = {d.id: "dynamic" for d in kb.dynamics} | {s.id: "signal" for s in kb.signals}
    for item in sorted(evidence.observations):
        facts.append(Observed(item=item, kind=kinds[item], cf=evidence.observations[item]))
    for indicator in sorted(evidence.scores):
        facts.append(Score(indicator=indicator, value=evidence.scores[indicator]))
    for condition, mean in condition_means(kb, evidence.scores).items():
        answered = sum(1 for i in kb.indicators_of(condition) if i.id in evidence.scores)
        facts.append(Mean(condition=condition, value=mean, answered=answered))
    for characteristic in sorted(evidence.characteristics):
        facts.append(Level(id=characteristic, level=evidence.characteristics[characteristic]))
    for target in sorted(evidence.divergences):
        gap = evidence.divergences[target]
        # the confusion of tongues with who is furthest apart; explanations show only the gap
        facts.append(Divergence(target=target, gap=gap.gap, high=gap.high, low=gap.low))
    for target in sorted(evidence.trends):
        facts.append(Trend(target=target, delta=evidence.trends[target]))
    return facts


class Reasoner:
    """A rule book compiled once, run on as many cases as you like."""

    def __init__(self, kb: KnowledgeBase, book: RuleBook):
        self.kb = kb
        self.book = book
        # Building experta's network is the costly part; reset() clears facts and agenda but keeps it.
        self.engine: RecordingEngine = compile_engine(book)()
        self._running = threading.Lock()

    # the lock is not pickled with the model (kansrijk/cache.py); each process makes its own
    def __getstate__(self) -> dict:
        return {key: value for key, value in self.__dict__.items() if key != "_running"}

    def __setstate__(self, state: dict) -> None:
        self.__dict__.update(state)
        self._running = threading.Lock()

    def run(self, evidence: Evidence) -> Inference:
        # one engine, one case at a time: the workbench serves requests from several threads
        with self._running:
            return self._run(evidence)

    def _run(self, evidence: Evidence) -> Inference:
        engine = self.engine
        engine.reset()
        facts = input_facts(self.kb, evidence)
        engine.declare_inputs(facts)
        engine.run()
        if engine.pending:  # every level has a closing rule; evidence left over would be lost
            raise RuntimeError(f"evidence never combined for {sorted(engine.pending)}")
        inputs = {fact_node(f): value_of(f) for f in facts}
        return Inference(inputs=inputs, firings=tuple(engine.firings), beliefs=dict(sorted(engine.beliefs.items())),
                         withheld=evidence.withheld & inputs.keys(), from_respondents=evidence.from_respondents)
