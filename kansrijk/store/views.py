"""What the store hands out: plain, immutable results, never ORM objects."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from kansrijk.case import Case


@dataclass(frozen=True)
class AssessmentSummary:
    id: int
    collaboration_id: int
    date: dt.date | None
    version: int


@dataclass(frozen=True)
class CollaborationSummary:
    id: int
    name: str
    language: str
    notes: str
    last: AssessmentSummary | None  # the last of its assessments in their order (by date, undated last)
    count: int


@dataclass(frozen=True)
class CollaborationView:
    id: int
    name: str
    language: str
    notes: str
    version: int
    assessments: list[AssessmentSummary]  # by date, then id; undated last
    updated_at: dt.datetime  # the last save, in UTC


@dataclass(frozen=True)
class AssessmentView:
    id: int
    collaboration_id: int
    version: int
    date: dt.date | None
    case: Case  # name and language are the collaboration's
    updated_at: dt.datetime  # the last save, in UTC


def in_order(assessments: list[AssessmentSummary]) -> list[AssessmentSummary]:
    """By date, then id (the order they were entered); undated ones last."""
    return sorted(assessments, key=lambda a: (a.date is None, a.date or dt.date.min, a.id))
