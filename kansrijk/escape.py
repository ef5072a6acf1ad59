"""Text from the user made safe for each output format, one helper per format.

Whatever a case or a command line brings in (a case's name and notes, organisation labels, survey
and file names) is data, never markup or a terminal command. The templates apply these helpers as
Jinja filters (registered in kansrijk/render.py): `plain` in text templates, `md` in markdown
templates. JSON needs none (the encoder escapes), HTML has autoescape.
"""

from __future__ import annotations

import re
from typing import Any

# C0 and C1 control characters but newline and tab (an ESC starts a terminal escape sequence, a
# carriage return overwrites the line), and the bidirectional overrides and isolates that make a
# terminal show text in another order than it is written
_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
_LINE_BREAK = re.compile(r"[ \t]*[\n\u2028\u2029][ \t\n\u2028\u2029]*")

# HTML-significant characters as entities; link, image, code and table syntax with a backslash;
# the backslash itself first, so that text cannot cancel an escape
_MARKDOWN = {"\\": "\\\\", "&": "&amp;", "<": "&lt;", ">": "&gt;", "[": "\\[", "]": "\\]", "(": "\\(",
             ")": "\\)", "`": "\\`", "|": "\\|"}
_MARKDOWN_SPECIAL = re.compile("[" + re.escape("".join(_MARKDOWN)) + "]")


def plain_text(value: Any) -> str:
    """For text output: the text without control characters, newline and tab excepted."""
    return _CONTROL.sub("", str(value))


def markdown_text(value: Any, inline: bool = True) -> str:
    """For markdown output: the text as inert characters. Raw HTML (`<script>`, `<img onerror>`),
    links and images (`[x](javascript:…)`), code spans and table pipes are escaped; control
    characters go as in plain_text. `inline` (a name, a table cell): line breaks become a space;
    else (notes) they stay."""
    text = plain_text(value)
    if inline:
        text = _LINE_BREAK.sub(" ", text)
    return _MARKDOWN_SPECIAL.sub(lambda m: _MARKDOWN[m.group()], text)
