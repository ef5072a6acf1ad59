"""The conditions as the workbench's pages offer and name them."""

from __future__ import annotations

from kansrijk.advice import Report
from kansrijk.knowledgebase import KnowledgeBase


def condition_choices(kb: KnowledgeBase, lang: str) -> list[tuple[str, str]]:
    """(id, name) of every condition in the order of work: a select's options, a chart's legend."""
    return [(c.id, c.name(lang)) for c in kb.conditions]


def condition_names(report: Report) -> dict[str, str]:
    """id -> name of the conditions as a report names them (in its own language)."""
    return {c.id: c.name for c in report.conditions}
