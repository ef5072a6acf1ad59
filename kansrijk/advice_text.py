"""The advice as people read it, in text or markdown: one page first, the rule trace on demand.

The report object (kansrijk/advice.py) is the one source; this module only chooses what a reader
sees of it. The summary names the focus and why, a band per condition with what it rests on, how
to go about it (§5), the top interventions with their two best questions and a one-line reason,
and briefly the threatening dynamics and the characteristics to heed. `detail` adds the trace of
every item: the decisive chain first, evidence for and against apart, with rule ids, bases and
certainty numbers. A report for the partners leaves out the adviser's notes and the rule trace.
"""

from __future__ import annotations

from typing import Literal

from kansrijk.advice import Report
from kansrijk.formats import DEFAULT_TOP, EXT
from kansrijk.knowledgebase import KnowledgeBase
from kansrijk.render import render
from kansrijk.text import first_sentence

Audience = Literal["adviser", "partners"]
WIDTH = 100  # the text summary fits a screen of this width (tests/test_advice_output.py)


def for_audience(report: Report, audience: Audience) -> Report:
    """The report as the audience may see it: for the partners without the adviser's notes and
    without the rule trace (`why`) of advice, ways of working and characteristics."""
    if audience == "adviser":
        return report
    return report.model_copy(update={
        "notes": "",
        "advice": [a.model_copy(update={"why": []}) for a in report.advice],
        "methods": [m.model_copy(update={"why": []}) for m in report.methods],
        "heed": [h.model_copy(update={"why": []}) for h in report.heed],
    })


def render_advice(report: Report, kb: KnowledgeBase, fmt: str, top: int | None = DEFAULT_TOP,
                  detail: bool = False, traced: int | None = None, audience: Audience = "adviser") -> str:
    """The text or markdown advice for a report. `top`: how many interventions the summary
    shows (None: all); `detail`: add the trace of the first `traced` interventions (None: all),
    of the ways of working and of the characteristics to heed."""
    if detail and audience != "adviser":
        raise ValueError("the rule trace is for the adviser; a report for the partners leaves it out")
    report = for_audience(report, audience)
    lang = report.language
    return render(
        f"advice.{EXT[fmt]}.j2", lang, report=report, shown=report.advice[:top], detail=detail,
        traced=report.advice[:traced], audience=audience,
        names={c.id: c.name(lang) for c in kb.conditions},
        name_of=lambda node: kb.item_of_node(node).name(lang), first_sentence=first_sentence, width=WIDTH,
    )
