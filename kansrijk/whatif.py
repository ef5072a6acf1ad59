"""What-if: the advice for a case before and after changing some of its facts, and what changed why.

Both runs are the engine's; a change is attributed to the rules whose firings differ between
the two records in the chain behind the changed conclusion.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from kansrijk.advice import BANDS, Report
from kansrijk.case import Case
from kansrijk.engine.record import Inference
from kansrijk.errors import InputError, MessageError, Msg, Problem, suggest
from kansrijk.rulebook import instance_key
from kansrijk.text import Strict
from kansrijk.vocabulary import score_value
from kansrijk.yamlfile import Document, validate

if TYPE_CHECKING:
    from kansrijk.model import Model
    from kansrijk.text import Language


class Edit(Strict):
    """One change to the case, as given on the command line."""

    option: str  # set | add | remove
    key: str
    value: int | None = None


# the bands from best to worst: a status that moves up this list improves
BAND_ORDER = tuple(b for b in BANDS.values() if b != "unknown")  # better to worse


class Change(Strict):
    """One difference between two reports. The numbers (certainties, neglect) are for JSON and
    --detail; people read the words beside them: a band per status, a likelihood per dynamic."""

    kind: str  # focus | status | dynamic | advice
    id: str | None
    change: str  # appeared | disappeared | moved | changed
    before: str | float | int | None
    after: str | float | int | None
    rules: list[str]  # rules whose firings differ between the two runs, behind this change
    # for a status: the neglect certainty behind it, and its band, before and after
    before_neglect: float | None = None
    after_neglect: float | None = None
    before_band: str | None = None  # strong | discuss | concern | unknown
    after_band: str | None = None
    # for a dynamic: whether it threatens or helps, and its likelihood before and after
    polarity: str | None = None  # negative | positive
    before_likelihood: str | None = None  # certain | likely | possible | doubtful
    after_likelihood: str | None = None
    # for the focus: why each report chose it (Focus.reason)
    before_reason: str | None = None
    after_reason: str | None = None

    def in_words(self) -> bool:
        """Whether the change shows without numbers: a status changes band, a dynamic appears,
        disappears or changes likelihood; a change of certainty alone shows only in --detail."""
        if self.kind == "status":
            return self.before_band != self.after_band
        if self.kind == "dynamic" and self.change == "changed":
            return self.before_likelihood != self.after_likelihood
        return True

    def direction(self) -> str:
        """better | worse for a status that changes band, more | less for a dynamic that changes
        likelihood, else changed: the word a person reads beside the before and after."""
        if self.kind == "status" and self.in_words() and {self.before_band, self.after_band} <= set(BAND_ORDER):
            return "better" if BAND_ORDER.index(self.after_band) < BAND_ORDER.index(self.before_band) else "worse"
        if self.kind == "dynamic" and self.change == "changed" and self.in_words():
            return "more" if self.after > self.before else "less"
        return "changed"


class WhatIf(Strict):
    case: str
    edits: list[Edit]
    before: Report
    after: Report
    changes: list[Change]

    def same_focus(self) -> bool:
        """Whether the point of application stays as it was (when there is one)."""
        return self.before.focus is not None and self.before.focus == self.after.focus

    def same_first(self, top: int) -> bool:
        """Whether the first `top` interventions stay as they were, in their order (when there are any)."""
        first = [[item.intervention for item in r.advice[:top]] for r in (self.before, self.after)]
        return bool(first[0]) and first[0] == first[1]


def parse_edits(sets: tuple[str, ...], adds: tuple[str, ...], removes: tuple[str, ...]) -> list[Edit]:
    """--set INDICATOR=VALUE (VALUE in the one vocabulary of kansrijk/vocabulary.py: 1..5, an answer
    such as 'mee eens', or none / ? / weet niet for don't know), --add ID, --remove ID."""
    edits = []
    for text in sets:
        key, sep, value = text.partition("=")
        if not sep or not key:
            raise InputError("--set", [Problem("", Msg("whatif.not_an_edit", text=text), allowed=Msg("whatif.edit_example"))])
        try:
            # the one vocabulary: 1..5, 'mee eens', 'agree', none / ? / weet niet / don't know
            number = score_value(value)
        except MessageError as problem:
            raise InputError("--set", [Problem(key.strip(), problem.msg, allowed=Msg("whatif.score_allowed"))]) from None
        edits.append(Edit(option="set", key=key.strip(), value=number))
    edits += [Edit(option="add", key=item) for item in adds]
    edits += [Edit(option="remove", key=item) for item in removes]
    return edits


def apply_edits(case: Case, edits: list[Edit], kb) -> tuple[Case, dict[str, int | None]]:
    """The case with its observations edited, and the scores to set: they replace an indicator's
    score as the engine gets it (also in a group case, where it is otherwise a mean of answers).
    Both are validated like a case file, so bad values stop with exit 2."""
    data = case.model_dump()
    observed = sorted(case.observed())
    overrides: dict[str, int | None] = {}
    for edit in edits:
        if edit.option == "set":
            overrides[edit.key] = edit.value
        elif edit.option == "add":
            if edit.key in observed:
                raise InputError("--add", [Problem(edit.key, Msg("whatif.already_observed"))])
            data["observations"].append(edit.key)
            observed.append(edit.key)
        elif edit.key not in observed:
            raise InputError("--remove", [Problem(
                edit.key, Msg("whatif.not_observed", hint=suggest(edit.key, observed)),
                allowed=", ".join(observed) or Msg("whatif.no_observations"))])
        else:  # an observation goes whoever made it: the adviser or a respondent
            data["observations"] = [o for o in data["observations"] if o != edit.key]
            for respondent in data["respondents"]:
                respondent["observations"] = [o for o in respondent["observations"] if o != edit.key]
            observed.remove(edit.key)
    checked = validate(Case, Document("--set", {"name": "set", "scores": overrides}, {}), context={"kb": kb})
    return validate(Case, Document("--add/--remove", data, {}), context={"kb": kb}), dict(checked.scores)


def chain_firings(inference: Inference, node: str) -> set[tuple[str, str]]:
    """(rule, binding) of every firing behind node."""
    found: set[tuple[str, str]] = set()
    todo = [node]
    while todo:
        belief = inference.beliefs.get(todo.pop())
        if belief is None:
            continue
        for firing in belief.firings:
            if (firing.rule, firing.binding) not in found:
                found.add((firing.rule, firing.binding))
                todo.extend(m.node for m in firing.matched)
    return found


def _rules(before: Inference, after: Inference, *nodes: str) -> list[str]:
    """Rules behind nodes that fired in one run and not at all in the other."""
    fired_before = {(f.rule, f.binding) for f in before.firings}
    fired_after = {(f.rule, f.binding) for f in after.firings}
    gone = set().union(*(chain_firings(before, n) for n in nodes)) - fired_after
    new = set().union(*(chain_firings(after, n) for n in nodes)) - fired_before
    return sorted({instance_key(r, b) for r, b in gone | new})


def compare(before_report: Report, after_report: Report, before: Inference, after: Inference) -> list[Change]:
    changes: list[Change] = []
    if before_report.focus != after_report.focus:
        nodes = [f"neglect:{c}" for c in (before_report.focus, after_report.focus) if c]
        changes.append(Change(kind="focus", id=None, change="changed", before=before_report.focus,
                              after=after_report.focus, rules=_rules(before, after, *nodes),
                              before_reason=before_report.focus_detail.reason,
                              after_reason=after_report.focus_detail.reason))
    for old, new in zip(before_report.conditions, after_report.conditions):
        if old.status != new.status or old.neglect != new.neglect:
            changes.append(Change(kind="status", id=old.id, change="changed", before=old.status, after=new.status,
                                  before_neglect=old.neglect, after_neglect=new.neglect,
                                  before_band=old.band, after_band=new.band,
                                  rules=_rules(before, after, f"neglect:{old.id}")))
    old_dyn = {d.id: d for d in before_report.dynamics}
    new_dyn = {d.id: d for d in after_report.dynamics}
    for ident in sorted(old_dyn.keys() | new_dyn.keys()):
        a, b = old_dyn.get(ident), new_dyn.get(ident)
        if a and b and a.certainty == b.certainty:
            continue
        change = "appeared" if a is None else "disappeared" if b is None else "changed"
        changes.append(Change(kind="dynamic", id=ident, change=change, before=a and a.certainty,
                              after=b and b.certainty, polarity=(a or b).polarity,
                              before_likelihood=a and a.likelihood, after_likelihood=b and b.likelihood,
                              rules=_rules(before, after, f"dynamic:{ident}")))
    old_adv = {a.intervention: a for a in before_report.advice}
    new_adv = {a.intervention: a for a in after_report.advice}
    order = [a.intervention for a in after_report.advice] + [a.intervention for a in before_report.advice]
    for ident in sorted(old_adv.keys() | new_adv.keys(), key=order.index):
        a, b = old_adv.get(ident), new_adv.get(ident)
        if a and b and a.rank == b.rank:
            continue
        change = "appeared" if a is None else "disappeared" if b is None else "moved"
        changes.append(Change(kind="advice", id=ident, change=change, before=a and a.rank, after=b and b.rank,
                              rules=_rules(before, after, f"advise:{ident}")))
    return changes


def what_if(model: Model, case: Case, edits: list[Edit], lang: Language,
            now: tuple[Inference, Report] | None = None) -> WhatIf:
    """The engine's advice on case before and after the edits, and what changed why: what
    `kansrijk whatif` prints and the workbench's what-if panel shows. Nothing is saved. `now`: the
    engine's record and report of case in lang, when the caller has them already."""
    changed, overrides = apply_edits(case, edits, model.kb)
    if now is None:
        inference = model.infer(case)
        now = inference, model.report(case, inference, lang)
    before, before_report = now
    after = model.infer(changed, overrides=overrides)
    after_report = model.report(changed, after, lang)
    return WhatIf(case=case.name, edits=edits, before=before_report, after=after_report,
                  changes=compare(before_report, after_report, before, after))
