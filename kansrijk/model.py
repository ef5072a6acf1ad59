"""The loaded model — knowledge, rules, policy — and the one call that turns a case into a report."""

from __future__ import annotations

import gc
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from kansrijk.advice import Advisor, Report
from kansrijk.case import Case
from kansrijk.disclosure import shown_divergences, withheld_inputs
from kansrijk.engine.inference import Evidence, Reasoner
from kansrijk.group import condition_means, indicator_means, organisations
from kansrijk.engine.record import Inference
from kansrijk.knowledgebase import KnowledgeBase, Policy, default_dir, load_knowledge, load_policy
from kansrijk.phases import load_phases
from kansrijk.rulebook import RuleBook, load_rules
from kansrijk.text import Language


@dataclass(frozen=True)
class Model:
    kb: KnowledgeBase
    book: RuleBook
    policy: Policy
    reasoner: Reasoner
    advisor: Advisor

    def evidence(self, case: Case, previous: Case | None = None,
                 overrides: dict[str, int | None] | None = None) -> Evidence:
        """What the engine gets from a case. With respondents, each indicator's score is the mean of
        all answers (the adviser's own `scores` count as one more answer) and divergences between
        the organisations that may be shown become facts of their own (kansrijk/disclosure.py). With a previous assessment, the change of every
        indicator and condition scored in both becomes a trend fact. `overrides` set an indicator's
        score outright (None: unknown), as `kansrijk whatif --set` does."""
        scores = self.scores(case)
        for indicator, value in (overrides or {}).items():
            if value is None:
                scores.pop(indicator, None)
            else:
                scores[indicator] = value
        gaps = shown_divergences(self.kb, self.policy, organisations(self.kb, case.respondents), case.min_group)
        trends = {}
        if previous is not None:
            before = self.scores(previous)
            now, then = scores | condition_means(self.kb, scores), before | condition_means(self.kb, before)
            trends = {key: round(now[key] - then[key], 4) for key in now if key in then}
        return Evidence(
            scores=scores,
            observations=observation_weights(case),
            characteristics=dict(case.characteristics),
            divergences={g.id: g for g in gaps},
            trends=trends,
            withheld=withheld_inputs(self.kb, case, previous, overrides),
            from_respondents=bool(case.respondents),
        )

    def scores(self, case: Case) -> dict[str, float]:
        """indicator -> the case's score: the mean of all answers given."""
        answers = [r.scores for r in case.respondents]
        if case.scores:
            answers.append(case.scores)
        return indicator_means(self.kb, answers)

    def infer(self, case: Case, previous: Case | None = None,
              overrides: dict[str, int | None] | None = None) -> Inference:
        return self.reasoner.run(self.evidence(case, previous, overrides))

    def report(self, case: Case, inference: Inference, lang: Language, trace: bool = True) -> Report:
        orgs = organisations(self.kb, case.respondents)
        group = self.advisor.group(orgs, case.min_group, lang)
        return self.advisor.report(case, inference, lang, group, trace)

    def advise(self, case: Case, lang: Language | None = None, trace: bool = True) -> Report:
        return self.report(case, self.infer(case), lang or case.language, trace)


def observation_weights(case: Case) -> dict[str, float]:
    """1.0 for what the adviser saw; for what only respondents marked, the share of them who did."""
    return {item: 1.0 if seen is None else round(seen[0] / seen[1], 4) for item, seen in case.observers().items()}


@cache
def load_model() -> Model:
    """The model of the installed knowledge and rules, built once per process and, between
    processes, kept in the disk cache (kansrijk/cache.py)."""
    model = cached_model()
    gc.freeze()  # what is loaded by now lives as long as the process: later collections skip it
    return model


def cached_model(knowledge: Path | None = None, rules: Path | None = None) -> Model:
    """The model from the cache when its entry was built from these very files (and this code),
    else built and stored. Any knowledge/*.yaml or rules/*.yaml counts, so an edit rebuilds it."""
    from kansrijk.cache import cached
    from kansrijk.engine.compat import experta

    knowledge = knowledge or default_dir("kansrijk.knowledge")
    rules = rules or default_dir("kansrijk.rules")
    files = [*knowledge.glob("*.yaml"), *rules.glob("*.yaml")]
    return cached("model", files, lambda: build_model(knowledge, rules), [f"experta {experta.__version__}"])


def build_model(knowledge: Path | None = None, rules: Path | None = None) -> Model:
    """Read, validate and compile the knowledge (knowledge/*.yaml) and the rules (rules/*.yaml)."""
    kb = load_knowledge(knowledge)
    book = load_rules(kb, rules)
    policy = load_policy(knowledge)
    kb.require("method", policy.default_method, "policy.yaml: default_method")
    return Model(kb, book, policy, Reasoner(kb, book), Advisor(kb, book, policy, load_phases(kb, knowledge)))
