"""docs/rules.md, generated from the rule records: the rules per basis, the section table and every rule in full."""

from __future__ import annotations

from collections import defaultdict

from kansrijk.model import Model
from kansrijk.render import labels, render
from kansrijk.rulebook import BASES, RuleRecord
from kansrijk.text import section_sort_key


def premise_text(premise) -> str:
    """A premise as the YAML writes it, e.g. 'not score interests.real_dialogue ≥ 4'."""
    text = f"{premise.kind} {premise.target}"
    if premise.at_least is not None:
        text += f" ≥ {premise.at_least:g}"
    if premise.at_most is not None:
        text += f" ≤ {premise.at_most:g}"
    if premise.level is not None:
        text += f" ≥ {premise.level}"
    if premise.level_at_most is not None:
        text += f" ≤ {premise.level_at_most}"
    return ("not " if premise.negated else "") + text


def section_table(model: Model) -> list[tuple[str, list[str]]]:
    """Each section of the publication cited by a rule, in the publication's order, with its rules."""
    by_section: dict[str, list[str]] = defaultdict(list)
    for record in model.book.records:
        for section in record.sections:
            by_section[section].append(record.id)
    return [(s, sorted(by_section[s])) for s in sorted(by_section, key=section_sort_key)]


def basis_table(model: Model) -> list[tuple[str, list[str]]]:
    """Each basis (publication, reading, calibration) with the ids of the rules that rest on it."""
    return [(basis, sorted(r.id for r in model.book.records if r.basis == basis)) for basis in BASES]


def rules_markdown(model: Model) -> str:
    files: dict[str, list[RuleRecord]] = defaultdict(list)
    for record in model.book.records:
        files[model.book.files[record.id]].append(record)
    return render(
        "rules.md.j2", "en",
        sections=section_table(model), bases=basis_table(model), files=dict(sorted(files.items())),
        premise_text=premise_text,
        book=model.book,
        basis_labels=labels().root["basis"],  # both languages: the page is bilingual
    )
