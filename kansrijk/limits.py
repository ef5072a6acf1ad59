"""The bounds on what kansrijk reads: each input is refused with a clear message past these.

They keep a small hostile file from taking minutes or gigabytes (an alias bomb, /dev/zero, a
cell in the last column of a spreadsheet) while leaving real cases far below them: a case with
10,000 respondents is about 6 MB, 230,000 keys and 5 levels deep. The README's "Limits and
privacy" lists them; tests/test_limits.py has a test per limit.
"""

from __future__ import annotations

import os

MB = 1024 * 1024

# an input file (a case, a mapping, a survey export; standard input too), in bytes
MAX_INPUT_BYTES = 20 * MB
MAX_INPUT_ENV = "KANSRIJK_MAX_INPUT_MB"  # a larger (or smaller) bound, in whole megabytes

# how deep mappings and lists may nest in a YAML or JSON file (a case needs 5)
MAX_DEPTH = 32

# how many keys a YAML or JSON file may have, counted over all its mappings
MAX_KEYS = 300_000

# how many digits a number in a YAML or JSON file may have (Python refuses more than 4,300)
MAX_DIGITS = 100

# how many problems one error message lists; the rest are counted ("... and 12 more")
MAX_PROBLEMS = 50

# a name (of a collaboration, an organisation): a line on a page, not a document
MAX_NAME_LENGTH = 200

# a value longer than this gets no "did you mean": no id is near it, and comparing it with every
# known id costs time that grows with its length squared (a long URL to the workbench, say)
MAX_HINT_LENGTH = 100

# a survey export: rows (header and empty rows included) and columns
MAX_SURVEY_ROWS = 10_000
MAX_SURVEY_COLUMNS = 1_000

# YAML aliases (*name, and the merge key <<: *name) are refused in every file kansrijk reads:
# they are what makes an alias bomb, and nothing in a case needs them.


def max_input_bytes() -> int:
    """MAX_INPUT_BYTES, or $KANSRIJK_MAX_INPUT_MB megabytes when that is a whole number >= 1."""
    value = os.environ.get(MAX_INPUT_ENV, "").strip()
    if value.isdigit() and len(value) <= 6 and int(value) >= 1:
        return int(value) * MB
    return MAX_INPUT_BYTES


def megabytes(size: int) -> str:
    """20971520 -> '20 MB'."""
    return f"{size / MB:g} MB"
