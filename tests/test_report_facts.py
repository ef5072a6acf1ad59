"""A rule's premise reads the same in the HTML report (_report_summary.html.j2 fact) as in the text
outputs (_macros.j2 fact): a divergence "≥ threshold", a score, mean or trend "= value"."""

from __future__ import annotations

import pytest

from kansrijk.advice import MatchedItem
from kansrijk.model import load_model
from kansrijk.render import environment, labels
from kansrijk.web.report_parts import report_parts
from tests.web_support import example_case

FACTS = [
    MatchedItem(node="divergence:process", kind="divergence", name="A joint process", value=1.5),
    MatchedItem(node="trend:process", kind="trend", name="A joint process", value=-1.25),
    MatchedItem(node="mean:process", kind="mean", name="A joint process", value=3.75),
    MatchedItem(node="score:process.results", kind="score", name="Results", value=2),
    MatchedItem(node="characteristic:size", kind="characteristic", name="Size", value="high"),
    MatchedItem(node="mean:ambition", kind="mean", name="Ambition", value=None, withheld=True),
]


def text_fact(item: MatchedItem, lang: str) -> str:
    macros = environment().get_template("_macros.j2").make_module(dict(t=labels().resolve(lang), lang=lang))
    return str(macros.fact(item))


@pytest.mark.parametrize("lang", ["en", "nl"])
def test_html_premise_says_what_the_text_says(lang):
    html = report_parts(load_model().advise(example_case("zorgalliantie.yaml"), lang))
    for item in FACTS:
        assert str(html.fact(item)) == text_fact(item, lang)
    said = {"en": "difference between partners on A joint process ≥ 1.50",
            "nl": "verschil tussen partners over A joint process ≥ 1,50"}[lang]
    assert text_fact(FACTS[0], lang) == said
