"""From the engine's record to advice: statuses, the focus, prioritised interventions and
their reasons. Every number here is read off the engine's beliefs and firings."""

from __future__ import annotations

import math

from kansrijk.case import Case
from kansrijk.disclosure import group_mean, shown_divergences, shown_organisations, shown_value, thin
from kansrijk.engine.record import Firing, Inference
from kansrijk.group import Organisation
from kansrijk.render import labels
from kansrijk.knowledgebase import KnowledgeBase, Policy
from kansrijk.phases import Candidate, Focus, Phases, choose_focus, waiting_for
from kansrijk.rulebook import BELIEF_THRESHOLD, RuleBook
from kansrijk.text import Language, Strict

Status = str  # strong | attention | weak | unknown
# the plain word for a status, as an adviser says it in a meeting
BANDS = {"strong": "strong", "attention": "discuss", "weak": "concern", "unknown": "unknown"}
INPUT_PREFIXES = ("observed:", "score:", "mean:", "characteristic:", "divergence:", "trend:")


class MatchedItem(Strict):
    """A fact a firing matched, e.g. node 'score:relationship.trust', kind 'score', value 2; for a
    divergence the value is the threshold it reached (see Advisor.disclosed)."""

    node: str
    kind: str
    name: str
    value: float | int | str | bool | None  # None when withheld
    withheld: bool = False  # the value rests on too few answers to be shown (min_group)


class Step(Strict):
    """One firing in the chain behind a conclusion."""

    rule: str
    binding: str
    claim: str
    sections: list[str]
    source: str
    basis: str  # publication | reading | calibration
    rule_certainty: float
    certainty: float
    matched: list[MatchedItem]
    concludes: str
    concludes_kind: str
    concludes_name: str
    decisive: bool = False  # on the strongest chain of support for the conclusion explained
    against: bool = False  # this firing argues against its conclusion


class ConditionResult(Strict):
    id: str
    name: str
    score: float | None  # the mean; None when unscored or withheld
    score_withheld: bool  # scored, but the mean rests on too few answers to be shown (min_group)
    status: Status
    band: str  # strong | discuss | concern | unknown: the status in words
    neglect: float | None
    indicators: int  # how many indicators Table 1 gives the condition
    answered: int  # how many of them the case answered
    missing: list[str]  # the indicators still unanswered: what to ask next
    observations: list[str]  # observed dynamics and signals the engine used for this status
    respondents: int | None  # group cases: how many respondents answered at least one indicator
    provisional: bool  # the status rests on fewer than half the indicators and on no observation


class Seen(Strict):
    """Who observed a dynamic or signal. by/of are None where a count would rest on fewer than
    min_group respondents."""

    adviser: bool
    by: int | None = None
    of: int | None = None
    # what the observation counts for in the engine: 1.0, or the share of respondents (None where
    # that share would single them out)
    weight: float | None


class ObservationResult(Strict):
    id: str
    kind: str  # dynamic | signal
    condition: str
    name: str
    seen: Seen
    counts: bool  # weighs enough for the engine's premises to take it (rulebook.BELIEF_THRESHOLD)


class DynamicResult(Strict):
    id: str
    condition: str
    polarity: str
    name: str
    certainty: float
    likelihood: str  # certain | likely | possible | doubtful
    observed: bool
    seen: Seen | None


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
    likelihood: str
    waits: bool  # its condition waits for a condition that comes first (§3.5)
    contributions: list[PriorityPart]
    because: list[MatchedItem]  # the case's facts on the decisive chain
    why: list[Step]  # decisive chain first


class MethodItem(Strict):
    """A way of working from §5: how to go about the focus, not an intervention on a condition."""

    id: str
    name: str
    description: str
    questions: list[str]
    sections: list[str]
    certainty: float | None  # None for the default method, which no rule concluded
    likelihood: str | None
    default: bool
    because: list[MatchedItem]
    why: list[Step]


class HeedItem(Strict):
    characteristic: str
    level: str
    name: str
    asks: str
    point: str  # what it means in this case: the claim of the rule that concluded it
    certainty: float
    likelihood: str
    why: list[Step]


class Coverage(Strict):
    """How much the case tells: whether there is enough to advise on at all."""

    sufficient: bool  # at least one condition has a status that is not provisional
    known: list[str]
    unknown: list[str]
    provisional: list[str]
    min_answered: int  # indicators per condition from which a status is not provisional


class OrganisationScores(Strict):
    """One organisation's means per condition; only shown when enough of its people answered."""

    label: str  # its name, or an anonymous label when it is too small to be shown
    respondents: int | None  # None for a hidden organisation: its size would let its scores be derived
    shown: bool
    conditions: dict[str, float | None]  # condition -> mean; empty when not shown
    withheld: list[str] = []  # conditions whose mean rests on too few of its people's answers


class Divergence(Strict):
    """A large difference between organisations: a confusion of tongues to analyse together."""

    level: str  # condition | indicator
    id: str
    name: str
    # both ends are shown organisations (kansrijk/disclosure.py): the gap is that of two shown means
    gap: float
    threshold: float
    high: str  # the organisations at either end
    low: str


class Report(Strict):
    case: str
    language: Language
    date: str | None  # of the assessment, ISO
    notes: str
    respondents: int  # 0 for an adviser's own assessment
    coverage: Coverage
    focus: str | None
    focus_detail: Focus
    conditions: list[ConditionResult]
    observations: list[ObservationResult]
    dynamics: list[DynamicResult]
    advice: list[AdviceItem]
    methods: list[MethodItem]
    heed: list[HeedItem]
    organisations: list[OrganisationScores] = []
    divergences: list[Divergence] = []
    firings: int


def r4(value: float) -> float:
    """Certainties are shown to 4 decimals, which also hides float noise in their combination."""
    return round(value + 0.0, 4) + 0.0


class Advisor:
    def __init__(self, kb: KnowledgeBase, book: RuleBook, policy: Policy, phases: Phases):
        self.kb = kb
        self.book = book
        self.policy = policy
        self.phases = phases

    def name_of(self, node: str, lang: Language) -> str:
        """The name, in lang, of what a node is about (an indicator, a condition, a dynamic, ...)."""
        return self.kb.item_of_node(node).name(lang)

    def likelihood(self, certainty: float) -> str:
        """A certainty in words: certain, likely, possible or doubtful (thresholds in policy.yaml)."""
        words = self.policy.likelihood
        for word in ("certain", "likely", "possible"):
            if certainty >= getattr(words, word):
                return word
        return "doubtful"

    # -- the chain behind a conclusion ---------------------------------------------------
    def decisive(self, inference: Inference, node: str) -> list[Firing]:
        """The strongest chain of support for node: its strongest firing, and for every belief
        that firing read, that belief's strongest chain in turn."""
        belief = inference.beliefs.get(node)
        if belief is None:
            return []
        support = [f for f in belief.firings if f.certainty > 0]
        if not support:
            return []
        best = max(support, key=lambda f: (f.certainty, -f.seq))
        chain = [best]
        for matched in best.matched:
            chain += [f for f in self.decisive(inference, matched.node) if f not in chain]
        return chain

    def behind(self, inference: Inference, node: str) -> list[Firing]:
        """Every firing that led to node, each once, inputs first."""
        seen: set[int] = set()
        firings: list[Firing] = []

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
                firings.append(firing)

        visit(node)
        return firings

    def chain(self, inference: Inference, node: str, lang: Language, memo: dict | None = None) -> list[Step]:
        """Every firing that led to node, each once: the decisive chain first (inputs first
        within it), then the rest, evidence against marked as such. `memo` shares the steps
        already made for one report (a firing is the same step under every item it supports)."""
        decisive = {f.seq for f in self.decisive(inference, node)}
        memo = {} if memo is None else memo
        steps = []
        for firing in self.behind(inference, node):
            key = (firing.seq, firing.seq in decisive)
            if key not in memo:
                memo[key] = self.step(inference, firing, lang, decisive=key[1])
            steps.append(memo[key])
        return [s for s in steps if s.decisive] + [s for s in steps if not s.decisive]

    def because(self, inference: Inference, node: str, lang: Language) -> list[MatchedItem]:
        """The case's own facts on the decisive chain of node: what a one-line reason names."""
        items: dict[str, MatchedItem] = {}
        for firing in reversed(self.decisive(inference, node)):
            for m in firing.matched:
                if m.node.startswith(INPUT_PREFIXES) and m.node not in items:
                    items[m.node] = self.matched_item(inference, m.node, m.value, lang)
        return list(items.values())

    def matched_item(self, inference: Inference, node: str, value: object, lang: Language) -> MatchedItem:
        # built from the engine's record and the validated knowledge: nothing left to validate
        return MatchedItem.model_construct(node=node, kind=node.split(":")[0], name=self.name_of(node, lang),
                           value=_plain(self.disclosed(inference, node, value)), withheld=node in inference.withheld)

    def disclosed(self, inference: Inference, node: str, value: object) -> object:
        """What an output may show of an input's value (kansrijk/disclosure.py)."""
        return shown_value(inference, self.policy, self.kb, node, value)

    def step(self, inference: Inference, firing: Firing, lang: Language, decisive: bool = False) -> Step:
        record = self.book.by_id[firing.rule]
        return Step.model_construct(  # as matched_item: nothing left to validate
            rule=firing.rule,
            binding=firing.binding,
            claim=record.claim(lang),
            sections=list(record.sections),
            source=", ".join(record.sections),
            basis=record.basis,
            rule_certainty=record.certainty,
            certainty=r4(firing.certainty),
            matched=[self.matched_item(inference, m.node, m.value, lang) for m in firing.matched],
            concludes=firing.concludes,
            concludes_kind=firing.concludes.split(":")[0],
            concludes_name=self.name_of(firing.concludes, lang),
            decisive=decisive,
            against=firing.certainty < 0,
        )

    # -- statuses and what they rest on -----------------------------------------------------
    def status(self, inference: Inference, condition: str) -> Status:
        neglect = inference.certainty(f"neglect:{condition}")
        if neglect is not None and neglect >= self.policy.status.weak:
            return "weak"
        if neglect is not None and neglect >= self.policy.status.attention:
            return "attention"
        # strong needs scores, or evidence that the condition is looked after: a little evidence
        # of neglect, too little to count, says nothing good about it
        if f"mean:{condition}" in inference.inputs or (neglect is not None and neglect < 0):
            return "strong"
        return "unknown"

    def condition_result(self, inference: Inference, condition, case: Case, lang: Language) -> ConditionResult:
        indicators = self.kb.indicators_of(condition.id)
        answered = [i.id for i in indicators if f"score:{i.id}" in inference.inputs]
        node = f"neglect:{condition.id}"
        belief = inference.beliefs.get(node)
        # the condition's own observations the engine used for this status; what reaches it only
        # through other conditions is no evidence of its own
        observations = sorted({
            m.node.split(":", 1)[1] for firing in self.behind(inference, node) for m in firing.matched
            if m.node.startswith("observed:")
            and self.kb.item_of_node(m.node).condition == condition.id
        })
        respondents = None
        if case.respondents:
            respondents = sum(1 for r in case.respondents
                              if any(r.scores.get(i.id) is not None for i in indicators))
        status = self.status(inference, condition.id)
        mean = self.disclosed(inference, f"mean:{condition.id}", inference.inputs.get(f"mean:{condition.id}"))
        provisional = status != "unknown" and len(answered) < self.min_answered(len(indicators)) and not observations
        return ConditionResult(
            id=condition.id, name=condition.name(lang), score=None if mean is None else round(mean, 2),
            score_withheld=f"mean:{condition.id}" in inference.withheld,
            status=status, band=BANDS[status], neglect=None if belief is None else r4(belief.certainty),
            indicators=len(indicators), answered=len(answered),
            missing=[i.id for i in indicators if i.id not in answered], observations=observations,
            respondents=respondents, provisional=provisional,
        )

    def min_answered(self, indicators: int) -> int:
        """Indicators to answer before a status is more than provisional: half, rounded up."""
        return math.ceil(indicators * self.policy.provisional.min_share_answered)

    def seen(self, item: str, case: Case, weight: float) -> Seen:
        observers = case.observers().get(item)
        if observers is None:
            return Seen(adviser=True, weight=weight)
        by, of = observers
        if of < case.min_group:  # a count or share of fewer than min_group respondents singles them out
            return Seen(adviser=False, weight=None)
        return Seen(adviser=False, by=by, of=of, weight=weight)

    # -- advice ----------------------------------------------------------------------------
    def contributions(self, intervention, certainty, statuses, focus, waiting, firings, lang) -> list[PriorityPart]:
        condition = self.kb.by_id["intervention"][intervention].condition
        status = statuses[condition]
        followers = [
            c.id for c in self.kb.conditions
            if statuses[c.id] in ("weak", "attention") and any(f.condition == condition for f in c.follows)
        ]
        observed = any(m.node.startswith("observed:") for f in firings for m in f.matched)
        divergent = any(m.node.startswith("divergence:") for f in firings for m in f.matched)
        returns = focus.reason == "exploration" and intervention in self.phases.exploration.return_with
        applies = {
            "certainty": certainty,
            "weak": 1.0 if status == "weak" else 0.0,
            "attention": 1.0 if status == "attention" else 0.0,
            "focus": 1.0 if focus.condition == condition or returns else 0.0,
            "returns": 1.0 if returns else 0.0,
            "precedes": 1.0 if followers and condition not in waiting else 0.0,
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

    def methods(self, inference: Inference, focus: Focus, lang: Language, memo: dict | None = None,
                trace: bool = True) -> list[MethodItem]:
        """§5's ways of working the case calls for; with a focus and none called for, the default."""
        held = dict(self.held(inference, "method"))
        items = []
        for method in self.kb.methods:
            default = not held and focus.condition is not None and method.id == self.policy.default_method
            if method.id not in held and not default:
                continue
            node = f"method:{method.id}"
            certainty = held.get(method.id)
            items.append(MethodItem(
                id=method.id, name=method.name(lang), description=method.description(lang),
                questions=[q(lang) for q in method.questions], sections=list(method.sections),
                certainty=None if default else r4(certainty), likelihood=None if default else self.likelihood(certainty),
                default=default, because=[] if default or not trace else self.because(inference, node, lang),
                why=[] if default or not trace else self.chain(inference, node, lang, memo),
            ))
        return items

    def group(self, orgs: list[Organisation], min_group: int, lang: Language):
        """Organisations and divergences as the report may show them (the rule: kansrijk/disclosure.py)."""
        if not orgs:
            return [], []
        anonymous = labels().resolve(lang)["group"]["anonymous"]
        shown = shown_organisations(orgs, min_group)
        hidden = [o.name for o in orgs if o.name not in shown]
        label = {name: name for name in shown} | {name: f"{anonymous} {n}" for n, name in enumerate(hidden, start=1)}

        def withheld(org: Organisation) -> list[str]:
            return [c for c in org.conditions if thin(org, [i.id for i in self.kb.indicators_of(c)], min_group)]

        organisations = [
            OrganisationScores(label=label[o.name], respondents=o.respondents if o.name in shown else None,
                               shown=o.name in shown,
                               conditions={c: (None if c in withheld(o) else group_mean(v)) for c, v in o.conditions.items()}
                               if o.name in shown else {},
                               withheld=withheld(o) if o.name in shown else [])
            for o in orgs
        ]
        named = [Divergence(level=g.level, id=g.id, name=self.kb.item_of_node(f"divergence:{g.id}").name(lang),
                            gap=group_mean(g.gap), threshold=g.threshold, high=g.high, low=g.low)
                 for g in shown_divergences(self.kb, self.policy, orgs, min_group)]
        return organisations, named

    def report(self, case: Case, inference: Inference, lang: Language,
               group: tuple[list[OrganisationScores], list[Divergence]] = ([], []), trace: bool = True) -> Report:
        """The report of one case. trace=False leaves out the explanations (`why`, `because`) of
        the advice, the ways of working and the characteristics, for overviews of many cases."""
        kb = self.kb
        order = kb.condition_ids()
        memo: dict = {}  # the steps made so far: one per firing, whichever item it supports
        conditions = [self.condition_result(inference, c, case, lang) for c in kb.conditions]
        coverage = Coverage(
            # one well-founded status is the least to advise on; provisional ones only say what to ask
            sufficient=any(c.status != "unknown" and not c.provisional for c in conditions),
            known=[c.id for c in conditions if c.status != "unknown"],
            unknown=[c.id for c in conditions if c.status == "unknown"],
            provisional=[c.id for c in conditions if c.provisional],
            min_answered=self.min_answered(len(kb.indicators_of(order[0]))),
        )
        statuses = {c.id: c.status for c in conditions}
        skipped = [item for item in self.phases.exploration.skipped_when
                   if float(inference.inputs.get(f"observed:{item}", 0.0)) >= BELIEF_THRESHOLD]
        focus = choose_focus(kb, self.phases, [Candidate(id=c.id, status=c.status, neglect=c.neglect,
                                                         provisional=c.provisional) for c in conditions],
                             skipped, coverage.sufficient, lang)
        waiting = waiting_for(focus, self.phases)

        observations = []
        for item in sorted(case.observed()):
            known = kb.item_of_node(f"observed:{item}")
            weight = float(inference.inputs[f"observed:{item}"])
            observations.append(ObservationResult(
                id=item, kind="dynamic" if item in kb.by_id["dynamic"] else "signal", condition=known.condition,
                name=known.name(lang), seen=self.seen(item, case, weight), counts=weight >= BELIEF_THRESHOLD,
            ))
        observations.sort(key=lambda o: (order.index(o.condition), o.id))

        dynamics = []
        for target, certainty in self.held(inference, "dynamic"):
            dynamic = kb.by_id["dynamic"][target]
            observed = f"observed:{target}" in inference.inputs
            dynamics.append(DynamicResult(
                id=target, condition=dynamic.condition, polarity=dynamic.polarity, name=dynamic.name(lang),
                certainty=r4(certainty), likelihood=self.likelihood(certainty), observed=observed,
                seen=self.seen(target, case, float(inference.inputs[f"observed:{target}"])) if observed else None,
            ))
        dynamics.sort(key=lambda d: (d.polarity != "negative", order.index(d.condition), -d.certainty, d.id))

        items = []
        for target, certainty in self.held(inference, "advise"):
            intervention = kb.by_id["intervention"][target]
            node = f"advise:{target}"
            parts = self.contributions(target, certainty, statuses, focus, waiting, self.behind(inference, node), lang)
            returns = focus.reason == "exploration" and target in self.phases.exploration.return_with
            items.append(dict(
                condition=intervention.condition, intervention=target, name=intervention.name(lang),
                description=intervention.description(lang), questions=[q(lang) for q in intervention.questions],
                sections=list(intervention.sections), priority=round(sum(p.value for p in parts), 1),
                certainty=r4(certainty), likelihood=self.likelihood(certainty),
                waits=intervention.condition in waiting and not returns, contributions=parts,
                because=self.because(inference, node, lang) if trace else [],
                why=self.chain(inference, node, lang, memo) if trace else [],
            ))
        items.sort(key=lambda i: (-i["priority"], order.index(i["condition"]), i["intervention"]))
        advice = [AdviceItem(rank=n, **item) for n, item in enumerate(in_phase_order(items, waiting), start=1)]

        heed = []
        for target, certainty in self.held(inference, "heed"):
            characteristic = kb.by_id["characteristic"][target]
            node = f"heed:{target}"
            heed.append(HeedItem(
                characteristic=target, level=str(inference.inputs.get(f"characteristic:{target}", "")),
                name=characteristic.name(lang), asks=characteristic.asks(lang),
                point=self.book.by_id[self.decisive(inference, node)[0].rule].claim(lang), certainty=r4(certainty),
                likelihood=self.likelihood(certainty),
                why=self.chain(inference, f"heed:{target}", lang, memo) if trace else [],
            ))
        heed.sort(key=lambda h: [c.id for c in kb.characteristics].index(h.characteristic))

        return Report(
            case=case.name, language=lang, date=None if case.date is None else case.date.isoformat(),
            notes=case.notes, respondents=len(case.respondents), coverage=coverage, focus=focus.condition,
            focus_detail=focus, conditions=conditions, observations=observations, dynamics=dynamics, advice=advice,
            methods=self.methods(inference, focus, lang, memo if trace else None, trace), heed=heed, organisations=group[0],
            divergences=group[1], firings=len(inference.firings),
        )


def in_phase_order(items: list[dict], waiting: dict[str, set[str]]) -> list[dict]:
    """Items in priority order, except that advice on a condition that waits comes after all
    advice on the conditions it waits for (§3.5)."""
    pending, out = list(items), []
    while pending:
        ready = next(i for i in pending if not (i["waits"] and any(
            p["condition"] in waiting.get(i["condition"], ()) for p in pending if p is not i)))
        pending.remove(ready)
        out.append(ready)
    return out


def _plain(value: object) -> float | int | str | bool:
    return r4(value) if isinstance(value, float) else value
