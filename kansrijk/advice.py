"""From the engine's record to advice: statuses, the focus, prioritised interventions and
their reasons. Every number here is read off the engine's beliefs and firings."""

from __future__ import annotations

from kansrijk.engine.record import Firing, Inference
from kansrijk.group import Gap, Organisation
from kansrijk.render import labels
from kansrijk.knowledgebase import KnowledgeBase, Policy
from kansrijk.rulebook import RuleBook
from kansrijk.text import Language, Strict

Status = str  # strong | attention | weak | unknown


class MatchedItem(Strict):
    """A fact a firing matched, e.g. node 'score:relationship.trust', kind 'score', value 2."""

    node: str
    kind: str
    name: str
    value: float | int | str | bool


class Step(Strict):
    """One firing in the chain behind a conclusion."""

    rule: str
    binding: str
    claim: str
    sections: list[str]
    source: str
    rule_certainty: float
    certainty: float
    matched: list[MatchedItem]
    concludes: str
    concludes_kind: str
    concludes_name: str


class ConditionResult(Strict):
    id: str
    name: str
    score: float | None
    answered: int
    status: Status
    neglect: float | None


class DynamicResult(Strict):
    id: str
    condition: str
    polarity: str
    name: str
    certainty: float
    observed: bool


class PriorityPart(Strict):
    id: str
    label: str
    value: float


class AdviceItem(Strict):
    rank: int
    condition: str
    intervention: str
    name: str
    description: str
    questions: list[str]
    sections: list[str]
    priority: float
    certainty: float
    contributions: list[PriorityPart]
    why: list[Step]


class HeedItem(Strict):
    characteristic: str
    level: str
    name: str
    asks: str
    certainty: float
    why: list[Step]


class Deferral(Strict):
    condition: str
    follows: str
    because: str
    sections: list[str]


class Focus(Strict):
    condition: str | None
    status: Status | None
    candidates: list[str]
    deferred: list[Deferral]


class OrganisationScores(Strict):
    """One organisation's means per condition; only shown when enough of its people answered."""

    label: str  # its name, or an anonymous label when it is too small to be shown
    respondents: int | None  # None for a hidden organisation: its size would let its scores be derived
    shown: bool
    conditions: dict[str, float | None]  # condition -> mean; empty when not shown


class Divergence(Strict):
    """A large difference between organisations: a confusion of tongues to analyse together."""

    level: str  # condition | indicator
    id: str
    name: str
    # None when a hidden organisation is at either end: with the other end's shown score the gap
    # would give the hidden organisation's score away; then only "at least the threshold" is said
    gap: float | None
    threshold: float
    high: str | None  # organisation labels; None where they may not be named
    low: str | None


class Report(Strict):
    case: str
    language: Language
    notes: str
    focus: str | None
    focus_detail: Focus
    conditions: list[ConditionResult]
    dynamics: list[DynamicResult]
    advice: list[AdviceItem]
    heed: list[HeedItem]
    organisations: list[OrganisationScores] = []
    divergences: list[Divergence] = []
    firings: int


def r4(value: float) -> float:
    """Certainties are shown to 4 decimals, which also hides float noise in their combination."""
    return round(value + 0.0, 4) + 0.0


class Advisor:
    def __init__(self, kb: KnowledgeBase, book: RuleBook, policy: Policy):
        self.kb = kb
        self.book = book
        self.policy = policy

    def name_of(self, node: str, lang: Language) -> str:
        """The name, in lang, of what a node is about (an indicator, a condition, a dynamic, ...)."""
        return self.kb.item_of_node(node).name(lang)

    # -- the chain behind a conclusion ---------------------------------------------------
    def chain(self, inference: Inference, node: str, lang: Language) -> list[Step]:
        """Every firing that led to node, inputs first, each once."""
        seen: set[int] = set()
        steps: list[Step] = []

        def visit(name: str) -> None:
            belief = inference.beliefs.get(name)
            if belief is None:
                return
            for firing in belief.firings:
                if firing.seq in seen:
                    continue
                for matched in firing.matched:
                    visit(matched.node)
                seen.add(firing.seq)
                steps.append(self.step(firing, lang))

        visit(node)
        return steps

    def step(self, firing: Firing, lang: Language) -> Step:
        record = self.book.by_id[firing.rule]
        return Step(
            rule=firing.rule,
            binding=firing.binding,
            claim=record.claim(lang),
            sections=list(record.sections),
            source=", ".join(record.sections),
            rule_certainty=record.certainty,
            certainty=r4(firing.certainty),
            matched=[
                MatchedItem(node=m.node, kind=m.node.split(":")[0], name=self.name_of(m.node, lang), value=_plain(m.value))
                for m in firing.matched
            ],
            concludes=firing.concludes,
            concludes_kind=firing.concludes.split(":")[0],
            concludes_name=self.name_of(firing.concludes, lang),
        )

    # -- statuses and focus --------------------------------------------------------------
    def status(self, inference: Inference, condition: str) -> Status:
        neglect = inference.certainty(f"neglect:{condition}")
        known = neglect is not None or f"mean:{condition}" in inference.inputs
        if neglect is not None and neglect >= self.policy.status.weak:
            return "weak"
        if neglect is not None and neglect >= self.policy.status.attention:
            return "attention"
        return "strong" if known else "unknown"

    def focus(self, conditions: list[ConditionResult], lang: Language) -> Focus:
        for level in ("weak", "attention"):
            candidates = [c for c in conditions if c.status == level]
            if candidates:
                break
        else:
            return Focus(condition=None, status=None, candidates=[], deferred=[])
        names = {c.id for c in candidates}
        deferred = [
            Deferral(condition=c.id, follows=f.condition, because=f.because(lang), sections=list(f.sections))
            for c in self.kb.conditions
            if c.id in names
            for f in c.follows
            if f.condition in names
        ]
        remaining = [c for c in candidates if c.id not in {d.condition for d in deferred}]
        order = self.kb.condition_ids()
        best = max(remaining, key=lambda c: (c.neglect or 0.0, -order.index(c.id)))
        return Focus(condition=best.id, status=level, candidates=[c.id for c in candidates], deferred=deferred)

    # -- advice ----------------------------------------------------------------------------
    def contributions(self, inference, intervention, certainty, statuses, focus, steps, lang) -> list[PriorityPart]:
        condition = self.kb.by_id["intervention"][intervention].condition
        status = statuses[condition]
        followers = [
            c.id for c in self.kb.conditions
            if statuses[c.id] in ("weak", "attention") and any(f.condition == condition for f in c.follows)
        ]
        observed = any(m.node.startswith("observed:") for s in steps for m in s.matched)
        divergent = any(m.node.startswith("divergence:") for s in steps for m in s.matched)
        applies = {
            "certainty": certainty,
            "weak": 1.0 if status == "weak" else 0.0,
            "attention": 1.0 if status == "attention" else 0.0,
            "focus": 1.0 if focus.condition == condition else 0.0,
            "precedes": 1.0 if followers else 0.0,
            "observed": 1.0 if observed else 0.0,
            "divergence": 1.0 if divergent else 0.0,
        }
        return [
            PriorityPart(id=c.id, label=c.label(lang), value=round(c.weight * applies[c.per], 1))
            for c in self.policy.contributions
            if applies[c.per]
        ]

    def held(self, inference: Inference, kind: str):
        """(target, certainty) of the conclusions of one kind that reach the advice threshold."""
        for target in inference.nodes(kind):
            certainty = inference.certainty(f"{kind}:{target}")
            if certainty >= self.policy.advice_threshold:
                yield target, certainty

    def group(self, orgs: list[Organisation], gaps: list[Gap], min_group: int, lang: Language):
        """Organisations and divergences as the report may show them (see kansrijk/group.py on privacy)."""
        anonymous = labels().resolve(lang)["group"]["anonymous"]
        shown = {o.name for o in orgs if o.respondents >= min_group}
        hidden = [o.name for o in orgs if o.name not in shown]
        label = {name: name for name in shown} | {name: f"{anonymous} {n}" for n, name in enumerate(hidden, start=1)}
        organisations = [
            OrganisationScores(label=label[o.name], respondents=o.respondents if o.name in shown else None,
                               shown=o.name in shown, conditions=dict(o.conditions) if o.name in shown else {})
            for o in orgs
        ]
        named = []
        for g in gaps:
            open_ = g.high in shown and g.low in shown
            named.append(Divergence(
                level=g.level, id=g.id, name=self.kb.item_of_node(f"divergence:{g.id}").name(lang),
                gap=g.gap if open_ else None, threshold=g.threshold,
                high=label[g.high] if open_ else None, low=label[g.low] if open_ else None,
            ))
        return organisations, named

    def report(self, name: str, notes: str, inference: Inference, lang: Language,
               group: tuple[list[OrganisationScores], list[Divergence]] = ([], [])) -> Report:
        kb = self.kb
        conditions = []
        for condition in kb.conditions:
            mean = inference.inputs.get(f"mean:{condition.id}")
            answered = sum(1 for i in kb.indicators_of(condition.id) if f"score:{i.id}" in inference.inputs)
            neglect = inference.certainty(f"neglect:{condition.id}")
            conditions.append(ConditionResult(
                id=condition.id, name=condition.name(lang), score=None if mean is None else round(mean, 2),
                answered=answered, status=self.status(inference, condition.id),
                neglect=None if neglect is None else r4(neglect),
            ))
        statuses = {c.id: c.status for c in conditions}
        focus = self.focus(conditions, lang)
        order = kb.condition_ids()

        dynamics = []
        for target, certainty in self.held(inference, "dynamic"):
            dynamic = kb.by_id["dynamic"][target]
            dynamics.append(DynamicResult(
                id=target, condition=dynamic.condition, polarity=dynamic.polarity, name=dynamic.name(lang),
                certainty=r4(certainty), observed=f"observed:{target}" in inference.inputs,
            ))
        dynamics.sort(key=lambda d: (d.polarity != "negative", order.index(d.condition), -d.certainty, d.id))

        items = []
        for target, certainty in self.held(inference, "advise"):
            intervention = kb.by_id["intervention"][target]
            steps = self.chain(inference, f"advise:{target}", lang)
            parts = self.contributions(inference, target, certainty, statuses, focus, steps, lang)
            items.append(dict(
                condition=intervention.condition, intervention=target, name=intervention.name(lang),
                description=intervention.description(lang), questions=[q(lang) for q in intervention.questions],
                sections=list(intervention.sections), priority=round(sum(p.value for p in parts), 1),
                certainty=r4(certainty), contributions=parts, why=steps,
            ))
        items.sort(key=lambda i: (-i["priority"], order.index(i["condition"]), i["intervention"]))
        advice = [AdviceItem(rank=n, **item) for n, item in enumerate(items, start=1)]

        heed = []
        for target, certainty in self.held(inference, "heed"):
            characteristic = kb.by_id["characteristic"][target]
            heed.append(HeedItem(
                characteristic=target, level=str(inference.inputs.get(f"characteristic:{target}", "")),
                name=characteristic.name(lang), asks=characteristic.asks(lang), certainty=r4(certainty),
                why=self.chain(inference, f"heed:{target}", lang),
            ))
        heed.sort(key=lambda h: [c.id for c in kb.characteristics].index(h.characteristic))

        return Report(
            case=name, language=lang, notes=notes, focus=focus.condition, focus_detail=focus, conditions=conditions,
            dynamics=dynamics, advice=advice, heed=heed, organisations=group[0], divergences=group[1],
            firings=len(inference.firings),
        )


def _plain(value: object) -> float | int | str | bool:
    return r4(value) if isinstance(value, float) else value
