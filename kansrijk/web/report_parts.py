"""The report's own template macros, bound for a page: the summary sections, what changed and what
a rule needs, as `kansrijk report`, `whatif`, `compare` and `explain` word them (advice_templates/)."""

from __future__ import annotations

from typing import Any

from kansrijk.advice import Report
from kansrijk.glossary import glossary
from kansrijk.model import Model
from kansrijk.render import labels as report_labels
from kansrijk.render import naming
from kansrijk.report_html import html_environment, summary_context
from kansrijk.text import Language

SUMMARY = "_report_summary.html.j2"  # the report's summary sections and helpers


def report_parts(report: Report) -> Any:
    """The report's summary macros (focus, conditions, methods, dynamics, heed, because, steps)
    bound to this report's context, callable from the page's templates."""
    return html_environment().get_template(SUMMARY).make_module(summary_context(report, top=None))


def change_parts(model: Model, lang: Language, after: Report) -> Any:
    """_change_macros.j2 (what changed, in the words of `kansrijk whatif` and `compare`), for HTML."""
    return html_environment().get_template("_change_macros.j2").make_module(dict(
        t=report_labels().resolve(lang), g=glossary().terms(lang), lang=lang, **naming(model, lang),
        detail=False, report=after, width=100))


def explain_parts(lang: Language) -> Any:
    """_explain_macros.j2 (what a rule needs and what the case had, in the words of `kansrijk explain`)."""
    return html_environment().get_template("_explain_macros.j2").make_module(
        dict(t=report_labels().resolve(lang), lang=lang))
