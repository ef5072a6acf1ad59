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


FocusReason = Literal["exploration", "phase_order", "only", "most_neglected", "none", "insufficient"]


class Focus(Strict):
    """The point of application (§5.3) and why this case gets it."""

    condition: str | None
    status: Status | None
    # exploration: the first phases were skipped; phase_order: a condition that scored worse waits
    # for this one; only: the one condition that needs work; most_neglected: the worst of several;
    # none: nothing needs work in what is known; insufficient: too little is known to choose
    reason: FocusReason
    sections: list[str]
    candidates: list[str]  # every condition that needs work
    deferred: list[Deferral]  # conditions that wait for another, and why
    instead_of: str | None = None  # phase_order: the condition that would have come first without it
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
    # a predecessor whose status rests on thin evidence (often only on rules from other
    # conditions) holds nothing up: the focus prefers what is well founded
    founded = {c.id for c in needs if not c.provisional}
    deferred = [
        Deferral(condition=c.id, follows=f.condition, because=f.because(lang), sections=list(f.sections))
        for c in kb.conditions if c.id in ids for f in c.follows if f.condition in founded
    ]

    def weight(c: Candidate) -> tuple:
        # worse level first; at the same level a well-founded condition before a provisional one
        return (LEVEL_RANK[c.status], not c.provisional, c.neglect or 0.0, -order.index(c.id))

    exploration = phases.exploration
    first = [c for c in needs if c.id in exploration.conditions]
    if skipped and first:
        pool, reason, sections = first, "exploration", list(exploration.sections)
    else:
        waiting = {d.condition for d in deferred}
        pool = [c for c in needs if c.id not in waiting] or needs
        reason, sections = "most_neglected", ["§4", "§5.3"]
    best = max(pool, key=weight)
    instead_of = None
    if reason != "exploration":
        unordered = max(needs, key=weight)
        if unordered.id != best.id:
            reason, instead_of = "phase_order", unordered.id
            sections = sorted({s for d in deferred if d.condition == unordered.id for s in d.sections} | {"§3.5"})
        elif len(needs) == 1:
            reason, sections = "only", ["§4", "§5.3"]
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
