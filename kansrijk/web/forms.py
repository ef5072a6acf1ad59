"""What the workbench's pages read from a form or a query, read one way on every page."""

from __future__ import annotations

from kansrijk.errors import InputError, Msg, Problem
from kansrijk.store import MAX_ID

FORM = "form"  # the "file" the problems of a form belong to (not shown: the field is)


def whole_number(value: str, field: str, low: int = 0, high: int = MAX_ID) -> int:
    """A field's text as a whole number from low to high: ASCII digits only (str.isdigit and int()
    also take '²' or '٣', which then fail or mean another number). Otherwise an InputError named
    after the field, in the catalogue's words, with what is allowed."""
    raw = value.strip()
    allowed = Msg("web.whole_number_allowed", low=low, high=high)
    if not (raw.isascii() and raw.isdigit()):
        raise InputError(field, [Problem("", Msg("not_whole_number", value=repr(raw)), allowed=allowed)])
    # the length first: int() of thousands of digits is slow, and refused past 4,300
    if len(raw.lstrip("0")) > len(str(high)) or not low <= int(raw) <= high:
        raise InputError(field, [Problem("", Msg("out_of_range", value=raw), allowed=allowed)])
    return int(raw)
