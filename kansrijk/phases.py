"""The publication's order of work, and the point of application chosen by it.

The key to a promising collaboration lies in the first phases, where the shared ambition is
formed and the real interests are discussed (§3.5); you organise to realise the ambition, not
the other way round (§3.4). So a condition waits while a condition it follows (conditions.yaml,
`follows`) is weak or needs attention on well-founded evidence, and when the partners skipped the first phases the return
to exploration is where to start (§3.2, §4.2).
"""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import Field

from kansrijk.errors import InputError, Msg, Problem
from kansrijk.knowledgebase import KnowledgeBase, default_dir
from kansrijk.text import Section, Strict, Text
from kansrijk.yamlfile import read_document, validate

Status = str  # strong | attention | weak | unknown
NEEDS_WORK = ("weak", "attention")
LEVEL_RANK = {"weak": 2, "attention": 1}


class Exploration(Strict):
    conditions: list[str] = Field(min_length=1)
    skipped_when: list[str] = Field(min_length=1)
    return_with: list[str] = Field(min_length=1)
    because: Text
    sections: list[Section] = Field(min_length=1)


class Phases(Strict):
    exploration: Exploration


def load_phases(kb: KnowledgeBase, directory: Path | None = None) -> Phases:
    """knowledge/phases.yaml, its ids checked against the knowledge base."""
    doc = read_document((directory or default_dir("kansrijk.knowledge")) / "phases.yaml")
    phases = validate(Phases, doc)
    for key, table in (("conditions", "condition"), ("return_with", "intervention")):
        for index, value in enumerate(getattr(phases.exploration, key)):
            kb.require(table, value, f"{doc.name}: exploration.{key}[{index}]")
    for index, value in enumerate(phases.exploration.skipped_when):
        if value not in kb.observable_ids():
            kb.require("signal", value, f"{doc.name}: exploration.skipped_when[{index}]")
    _check_no_cycle(kb)
    return phases


def _check_no_cycle(kb: KnowledgeBase) -> None:
    """The order of work must have a beginning: no condition may (indirectly) follow itself."""
    follows = {c.id: [f.condition for f in c.follows] for c in kb.conditions}

    def walk(condition: str, path: list[str]) -> None:
        if condition in path:
            cycle = path[path.index(condition):] + [condition]
            raise InputError("conditions.yaml", [Problem("follows", Msg("rule.cycle", nodes=" -> ".join(cycle)))])
        for predecessor in follows[condition]:
            walk(predecessor, path + [condition])

    for condition in follows:
        walk(condition, [])


class Candidate(Strict):
    """What the choice of a focus needs to know of a condition."""

    id: str
    status: Status
    neglect: float | None
    provisional: bool


class Deferral(Strict):
    condition: str
    follows: str
    because: str
    sections: list[str]
    basis: str  # publication | reading: whether the publication says this one waits


FocusReason = Literal["exploration", "phase_order", "first_phases", "only", "most_neglected", "none", "insufficient"]


class Focus(Strict):
    """The point of application (§5.3) and why this case gets it."""

    condition: str | None
    status: Status | None
    # exploration: the first phases were skipped; phase_order: a condition that looks worse waits
    # for this one; first_phases: one that looks a little worse at the same level comes after the
    # first phases (§3.5); only: the one condition that needs work; most_neglected: the worst of several;
    # none: nothing needs work in what is known; insufficient: too little is known to choose
    reason: FocusReason
    sections: list[str]
    candidates: list[str]  # every condition that needs work
    deferred: list[Deferral]  # conditions that wait for another, and why
    instead_of: str | None = None  # phase_order, first_phases: what would have come first without the order
    exploration: list[str] = []  # exploration: the observations showing the first phases were skipped
    passed_over: list[str] = []  # provisional conditions at the same level that looked worse
    provisional: bool = False  # the focus itself rests on thin evidence


def choose_focus(kb: KnowledgeBase, phases: Phases, conditions: list[Candidate], skipped: list[str],
                 sufficient: bool, lang) -> Focus:
    """The point of application for a case whose conditions are `conditions`; `skipped` holds the
    observations of the case that show the first phases were skipped."""
    needs = [c for c in conditions if c.status in NEEDS_WORK]
    if not needs or not sufficient:
        # with too little known, no condition is singled out: the report says what to ask first
        return Focus(condition=None, status=None, reason="none" if sufficient else "insufficient",
                     sections=["§5.4"] if sufficient else ["§5.1", "Tabel 1"], candidates=[c.id for c in needs],
                     deferred=[])
    order = kb.condition_ids()
    ids = {c.id for c in needs}
    # a predecessor holds a condition up while its status is one the precedence names (weak, or
    # also attention); one that rests on thin evidence (often only on rules from other
    # conditions) holds nothing up: the focus prefers what is well founded
    holding = {c.id: c.status for c in needs if not c.provisional}
    deferred = [
        Deferral(condition=c.id, follows=f.condition, because=f.because(lang), sections=list(f.sections),
                 basis=f.basis)
        for c in kb.conditions if c.id in ids for f in c.follows if holding.get(f.condition) in f.waits_while
    ]

    exploration = phases.exploration

    def weight(c: Candidate, in_order: bool = True) -> tuple:
        # worse level first; at the same level a well-founded condition before a provisional one,
        # then (in the order of work) the first phases before the rest (§3.5), then the most neglected
        first_phase = in_order and c.id in exploration.conditions
        return (LEVEL_RANK[c.status], not c.provisional, first_phase, c.neglect or 0.0, -order.index(c.id))

    first = [c for c in needs if c.id in exploration.conditions]
    waiting = {d.condition for d in deferred}
    if skipped and first:
        pool, reason, sections = first, "exploration", list(exploration.sections)
    else:
        pool = [c for c in needs if c.id not in waiting] or needs
        reason, sections = ("only", ["§4", "§5.3"]) if len(needs) == 1 else ("most_neglected", ["§4", "§5.3"])
    best = max(pool, key=weight)
    instead_of = None
    if reason != "exploration":
        plain = max(needs, key=lambda c: weight(c, in_order=False))
        if plain.id != best.id:
            instead_of = plain.id
            holds_up = [d for d in deferred if d.condition == plain.id and d.follows == best.id]
            if holds_up:  # the worse condition waits for the focus
                reason = "phase_order"
                sections = sorted({s for d in holds_up for s in d.sections} | {"§3.5"})
            else:  # as far along as the focus, but the key lies in the first phases
                reason, sections = "first_phases", ["§3.5"]
    passed_over = [c.id for c in pool if c.id != best.id and c.status == best.status and c.provisional
                   and not best.provisional and (c.neglect or 0.0) > (best.neglect or 0.0)]
    return Focus(
        condition=best.id, status=best.status, reason=reason, sections=sections, candidates=[c.id for c in needs],
        deferred=deferred, instead_of=instead_of, exploration=list(skipped) if reason == "exploration" else [],
        passed_over=passed_over, provisional=best.provisional,
    )


def waiting_for(focus: Focus, phases: Phases) -> dict[str, set[str]]:
    """condition -> the conditions it waits for: advice on those ranks first (§3.5)."""
    if focus.reason == "exploration":
        first = set(phases.exploration.conditions)
        return {c: first for c in focus.candidates if c not in first}
    out: dict[str, set[str]] = {}
    for d in focus.deferred:
        out.setdefault(d.condition, set()).add(d.follows)
    return out
