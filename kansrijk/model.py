"""The loaded model — knowledge, rules, policy — and the one call that turns a case into a report."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from kansrijk.advice import Advisor, Report
from kansrijk.case import Case
from kansrijk.engine.inference import Reasoner
from kansrijk.engine.record import Inference
from kansrijk.knowledgebase import KnowledgeBase, Policy, load_knowledge, load_policy
from kansrijk.rulebook import RuleBook, load_rules
from kansrijk.text import Language


@dataclass(frozen=True)
class Model:
    kb: KnowledgeBase
    book: RuleBook
    policy: Policy
    reasoner: Reasoner
    advisor: Advisor

    def infer(self, case: Case) -> Inference:
        return self.reasoner.run(case.evidence())

    def advise(self, case: Case, lang: Language | None = None) -> Report:
        lang = lang or case.language
        return self.advisor.report(case.name, case.notes, self.infer(case), lang)


@cache
def load_model() -> Model:
    kb = load_knowledge()
    book = load_rules(kb)
    policy = load_policy()
    return Model(kb, book, policy, Reasoner(kb, book), Advisor(kb, book, policy))
