"""Disclosure control for group results: the one place every number derived from respondents'
answers passes before any output shows it.

The rule: every number shown that is derived from respondents' answers rests on at least
`min_group` answers from the group it describes, and no combination of the numbers shown pins
down a smaller group. So:

- answers are counted per indicator: an indicator fewer than `min_group` respondents answered is
  withheld, with every condition mean and change built on it (a case with fewer respondents than
  `min_group` therefore shows no respondent-derived number at all);
- an organisation is shown only with at least `min_group` people, and the hidden organisations
  together must have at least `min_group` — else the whole case's means minus the shown ones would
  give them away — so the smallest shown organisations are hidden too;
- a divergence exists — for the engine and so for every output — only between organisations that
  are shown, on means that rest on enough of their people's answers: then it says no more than two
  means that may be shown. Between a hidden organisation and any other, even "at least the
  threshold" would describe the hidden group (a small one, or one hidden so that the whole case's
  means minus the shown ones give nothing away), so such a gap is no fact at all; the report names
  a divergence's ends and its gap, explanations only the threshold it reached;
- a comparison of two assessments whose respondents differ by fewer than `min_group` people shows
  no per-indicator or condition numbers, since their difference would be those people's answers;
- group means are shown to one decimal.

The engine reasons on every fact but those divergences (whose mere existence would say what may not
be shown); of the rest only what is shown is controlled. An adviser's own assessment (no
respondents) is the adviser's, and nothing of it is withheld.
"""

from __future__ import annotations

from dataclasses import replace

from kansrijk.case import Case
from kansrijk.engine.record import Inference
from kansrijk.group import Gap, Organisation, divergences
from kansrijk.knowledgebase import KnowledgeBase, Policy
from kansrijk.text import round_half_up

GROUP_DECIMALS = 1  # a group mean is shown to one decimal
RESPONDENT_KINDS = ("score", "mean", "trend")  # the inputs that can rest on respondents' answers


def withheld_inputs(kb: KnowledgeBase, case: Case, previous: Case | None = None,
                    overrides: dict[str, int | None] | None = None) -> frozenset[str]:
    """The input nodes of a run whose values may not be shown. A score set by what-if is the
    adviser's; a change against an assessment whose respondents differ by too few people is withheld
    whole."""
    hidden: set[str] = set()
    for source in (case, previous):
        if source is None or not source.respondents:
            continue
        answers = [r.scores for r in source.respondents] + ([source.scores] if source.scores else [])
        for indicator in kb.indicators:
            given = sum(1 for a in answers if a.get(indicator.id) is not None)
            if 0 < given < case.min_group and indicator.id not in (overrides or {}):
                hidden.add(indicator.id)
    for condition in kb.condition_ids():
        if any(i.id in hidden for i in kb.indicators_of(condition)):
            hidden.add(condition)
    nodes = {f"{kind}:{target}" for target in hidden for kind in RESPONDENT_KINDS}
    if previous is not None and too_close(previous, case):
        nodes |= {f"trend:{target}" for target in [*kb.condition_ids(), *(i.id for i in kb.indicators)]}
    return frozenset(nodes)


def too_close(old: Case, new: Case) -> bool:
    """Whether two group assessments differ by fewer than min_group respondents (but some): then
    any difference between their numbers is those few people's answers."""
    if not old.respondents or not new.respondents:
        return False
    names = [r.name for r in old.respondents + new.respondents]
    if all(names):  # named respondents: who came and who went
        before, after = sorted(r.name for r in old.respondents), sorted(r.name for r in new.respondents)
        differ = sum(1 for n in set(names) if before.count(n) != after.count(n))
    else:
        differ = abs(len(old.respondents) - len(new.respondents))
    return 0 < differ < new.min_group


def shown_value(inference: Inference, policy: Policy, kb: KnowledgeBase, node: str, value: object) -> object:
    """What an output may show of an input's value: None when withheld or absent; a divergence's
    threshold, never its gap; a group mean to one decimal."""
    if node in inference.withheld or value is None:
        return None
    kind, target = node.split(":", 1)
    if kind == "divergence":
        return divergence_threshold(policy, kb, target)
    if inference.from_respondents and kind in RESPONDENT_KINDS and isinstance(value, (int, float)):
        return group_mean(value)
    return value


def divergence_threshold(policy: Policy, kb: KnowledgeBase, target: str) -> float:
    """The published gap from which organisations' means on a condition or indicator diverge."""
    return getattr(policy.divergence, "indicator" if target in kb.by_id["indicator"] else "condition")


def group_mean(value: float) -> float:
    """A group mean as shown: one decimal, halves rounded up (3.25 -> 3.3), never a float artefact."""
    return round_half_up(value, GROUP_DECIMALS)


def shown_organisations(orgs: list[Organisation], min_group: int) -> set[str]:
    """The organisations whose own figures may be shown (see the module's rule)."""
    shown = {o.name for o in orgs if o.respondents >= min_group}
    hidden_total = sum(o.respondents for o in orgs if o.name not in shown)
    for o in sorted((o for o in orgs if o.name in shown), key=lambda o: (o.respondents, o.name)):
        if not 0 < hidden_total < min_group:
            break
        shown.discard(o.name)
        hidden_total += o.respondents
    return shown


def shown_divergences(kb: KnowledgeBase, policy: Policy, orgs: list[Organisation], min_group: int) -> list[Gap]:
    """The divergences the engine may reason on and every output may show (see the module's rule):
    those between the shown organisations, each on its means that rest on enough of its answers."""
    shown = shown_organisations(orgs, min_group)
    return divergences(kb, policy, [_enough_answers(kb, o, min_group) for o in orgs if o.name in shown])


def _enough_answers(kb: KnowledgeBase, org: Organisation, min_group: int) -> Organisation:
    """The organisation with only its means that rest on at least min_group of its people's answers."""
    return replace(
        org, indicators={i: v for i, v in org.indicators.items() if org.answers.get(i, 0) >= min_group},
        conditions={c: v for c, v in org.conditions.items()
                    if not thin(org, [i.id for i in kb.indicators_of(c)], min_group)})


def thin(org: Organisation, indicators: list[str], min_group: int) -> bool:
    """Whether any of these indicators was answered by some, but too few, of the organisation's people."""
    return any(0 < org.answers.get(i, 0) < min_group for i in indicators)
