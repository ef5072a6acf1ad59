"""Group assessments: the partners' answers aggregated per indicator, per condition and per
organisation, and the divergences between organisations that point to a confusion of tongues.

Privacy, as collaboration surveys promise their respondents: no individual's answers leave this
module, and an organisation's own scores — and divergences that name it — are only shown when at
least `min_group` of its people answered.
"""

from __future__ import annotations

from dataclasses import dataclass
from statistics import fmean

from kansrijk.knowledgebase import KnowledgeBase, Policy


@dataclass(frozen=True)
class Organisation:
    name: str
    respondents: int
    indicators: dict[str, float]  # indicator -> mean of this organisation's answers
    conditions: dict[str, float]  # condition -> mean of its indicator means
    answers: dict[str, int]  # indicator -> how many of its people answered it


@dataclass(frozen=True)
class Gap:
    """A difference between organisations on one indicator or condition."""

    level: str  # condition | indicator
    id: str
    gap: float
    threshold: float
    high: str  # the organisation with the highest mean
    low: str  # the organisation with the lowest mean


def _mean(values: list[float]) -> float:
    """The mean to 4 decimals; a whole mean stays a whole number, so a single answer reads as given."""
    mean = round(fmean(values), 4)
    return int(mean) if mean == int(mean) else mean


def indicator_means(kb: KnowledgeBase, answers: list[dict[str, int | None]]) -> dict[str, float]:
    """indicator -> mean over every answer given (None, don't know, does not count)."""
    out = {}
    for indicator in kb.indicators:
        values = [a[indicator.id] for a in answers if a.get(indicator.id) is not None]
        if values:
            out[indicator.id] = _mean(values)
    return out


def condition_means(kb: KnowledgeBase, indicators: dict[str, float]) -> dict[str, float]:
    out = {}
    for condition in kb.condition_ids():
        values = [indicators[i.id] for i in kb.indicators_of(condition) if i.id in indicators]
        if values:
            out[condition] = _mean(values)
    return out


def organisations(kb: KnowledgeBase, respondents) -> list[Organisation]:
    """Per organisation, by name: the order of the respondents in the case changes nothing."""
    groups: dict[str, list] = {}
    for respondent in respondents:
        groups.setdefault(respondent.organisation, []).append(respondent)
    out = []
    for name, members in sorted(groups.items()):
        indicators = indicator_means(kb, [m.scores for m in members])
        answers = {i: sum(1 for m in members if m.scores.get(i) is not None) for i in indicators}
        out.append(Organisation(name, len(members), indicators, condition_means(kb, indicators), answers))
    return out


def divergences(kb: KnowledgeBase, policy: Policy, orgs: list[Organisation]) -> list[Gap]:
    """Gaps between organisations at or above the policy's thresholds, conditions first."""
    gaps = []
    levels = (("condition", kb.condition_ids(), policy.divergence.condition),
              ("indicator", [i.id for i in kb.indicators], policy.divergence.indicator))
    for level, ids, threshold in levels:
        for ident in ids:
            means = [(o.conditions if level == "condition" else o.indicators).get(ident) for o in orgs]
            scored = [(m, o.name) for m, o in zip(means, orgs) if m is not None]
            if len(scored) < 2:
                continue
            (low, low_org), (high, high_org) = min(scored), max(scored)
            if high - low >= threshold:
                gaps.append(Gap(level, ident, round(high - low, 2), threshold, high_org, low_org))
    return gaps
