"""The reports of stored assessments, kept in memory so that a page showing many of them (the
collaborations list: each one's last assessment) runs the engine only for what changed.

Advice is never stored as the truth (issue 10): this is a small cache in this process's memory,
the least recently used report dropped first. A report (without the engine's trace: the pages
that list assessments show no explanations) is kept under its assessment's id and version and its
language; a save gives the assessment a new
version, so an edit is never answered from the cache. An entry also remembers the model and the
case it was made from and answers only for those very ones: another database in the same process
may hold another case under the same id and version.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from dataclasses import dataclass
from typing import Protocol

from kansrijk.advice import Report
from kansrijk.case import Case
from kansrijk.model import Model
from kansrijk.text import Language

MAX_REPORTS = 256  # a few lists' worth; a report is 20–40 kB


class Stored(Protocol):
    """What names a stored assessment's state: an AssessmentSummary or an AssessmentView."""

    id: int
    version: int


@dataclass(frozen=True)
class _Entry:
    model: Model
    case: Case
    report: Report


class AdviceCache:
    """Reports by (assessment id, version, language), at most `size` of them; safe to use from
    several threads at once."""

    def __init__(self, size: int = MAX_REPORTS):
        self.size = size
        self._entries: OrderedDict[tuple, _Entry] = OrderedDict()
        self._lock = threading.Lock()

    def report(self, model: Model, assessment: Stored, case: Case, lang: Language) -> Report:
        """model.advise(case, lang, trace=False) for the stored assessment, from the cache when it holds it."""
        key = (assessment.id, assessment.version, lang)
        with self._lock:
            entry = self._entries.get(key)
            # `is`, not ==: a frozen dataclass's == would compare every rule of two models
            if entry is not None and entry.model is model and entry.case == case:
                self._entries.move_to_end(key)
                return entry.report
        # the engine runs outside the lock: a request for another report need not wait for it
        report = model.advise(case, lang, trace=False)
        with self._lock:
            self._entries[key] = _Entry(model, case, report)
            self._entries.move_to_end(key)
            while len(self._entries) > self.size:
                self._entries.popitem(last=False)
        return report

    def __len__(self) -> int:
        return len(self._entries)


_REPORTS = AdviceCache()  # one per process, as the model is


def advise_cached(model: Model, assessment: Stored, case: Case, lang: Language) -> Report:
    """The report `kansrijk advise` gives on a stored assessment's case, kept for its next reader."""
    return _REPORTS.report(model, assessment, case, lang)
