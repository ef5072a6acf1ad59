"""Monitoring (§5.4): two assessments of one collaboration compared — scores, dynamics and advice.

The new assessment is run with the old one as its baseline, so the change of every indicator and
condition becomes a trend fact that the trend rules read.
"""

from __future__ import annotations

from kansrijk.advice import Report
from kansrijk.case import Case
from kansrijk.disclosure import too_close
from kansrijk.group import condition_means
from kansrijk.model import Model
from kansrijk.text import Language, Strict
from kansrijk.whatif import Change, compare


class ScoreChange(Strict):
    level: str  # condition | indicator
    id: str
    name: str
    before: float | None
    after: float | None
    delta: float | None


class Comparison(Strict):
    old: str
    new: str
    old_date: str | None  # of each assessment, ISO, when the case carries one
    new_date: str | None
    # False when OLD is not dated before NEW: the comparison still runs, the output says so;
    # None when either is undated
    in_order: bool | None
    # the respondents of the two differ by fewer than min_group people: no numbers are shown, as
    # their difference would be those people's answers (kansrijk/disclosure.py)
    withheld: bool
    scores: list[ScoreChange]
    changes: list[Change]
    before: Report
    after: Report


def compare_cases(model: Model, old: Case, new: Case, lang: Language) -> Comparison:
    before_inference = model.infer(old)
    after_inference = model.infer(new, previous=old)
    before = model.report(old, before_inference, lang)
    after = model.report(new, after_inference, lang)
    then, now = model.scores(old), model.scores(new)
    old_means, new_means = condition_means(model.kb, then), condition_means(model.kb, now)
    # each side as its own report may show it; both withheld where the respondents differ by too few
    close = too_close(old, new)
    rows = []
    for condition in model.kb.condition_ids():  # each condition, then its indicators
        items = [("condition", condition, old_means, new_means)]
        items += [("indicator", i.id, then, now) for i in model.kb.indicators_of(condition)]
        for level, ident, old_values, new_values in items:
            a, b = old_values.get(ident), new_values.get(ident)
            if a is None and b is None:
                continue
            kind = "mean" if level == "condition" else "score"
            a = None if close or a is None else model.advisor.disclosed(before_inference, f"{kind}:{ident}", a)
            b = None if close or b is None else model.advisor.disclosed(after_inference, f"{kind}:{ident}", b)
            rows.append(ScoreChange(
                level=level, id=ident, name=model.kb.item_of_node(f"trend:{ident}").name(lang), before=a, after=b,
                delta=None if a is None or b is None else round(b - a, 2),
            ))
    dated = old.date is not None and new.date is not None
    return Comparison(old=old.name, new=new.name, old_date=before.date, new_date=after.date, withheld=close,
                      in_order=old.date < new.date if dated else None, scores=rows,
                      changes=compare(before, after, before_inference, after_inference), before=before, after=after)

