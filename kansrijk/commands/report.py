"""The command that writes the advice as one self-contained, printable HTML page."""

from __future__ import annotations

import click

from kansrijk.commands.common import LANG, check_summary_options
from kansrijk.formats import AUDIENCES
from kansrijk.formats import DEFAULT_TOP as TOP


@click.command()
@click.argument("case")
@click.option("--lang", type=LANG, help="Output language; default: the case's `language`.")
@click.option("--top", type=click.IntRange(min=1), metavar="N",
              help=f"How many interventions the summary shows  [default: {TOP}].")
@click.option("--all", "show_all", is_flag=True, help="Show every intervention in the summary (instead of --top).")
@click.option("--detail", is_flag=True, help="Open the folded parts of the appendix (the full trace).")
@click.option("--audience", type=click.Choice(AUDIENCES), default="adviser", show_default=True,
              help="partners: a page to hand to the partners, without the adviser's notes and the rule trace.")
@click.option("-o", "--output", help="Write to this file (e.g. report.html) instead of standard output.")
@click.option("--force", is_flag=True, help="Overwrite the output file if it exists.")
def report(case: str, lang: str | None, top: int | None, show_all: bool, detail: bool, audience: str,
           output: str | None, force: bool) -> None:
    """The advice for CASE as one self-contained HTML page, to share or print.

    The page opens with a summary that prints on at most two A4 pages: where to start and why,
    each condition's band and what it rests on (with a radar chart), how to go about it, the top
    interventions with their first two questions and what they rest on, the threatening dynamics
    and what the characteristics ask. The appendix, folded on screen and printed from a new page,
    has the numbers, the differences between partners, every intervention with its priority and
    the rules behind it (decisive chain first, evidence for and against apart, each rule's basis).
    It loads nothing from the network.

    \b
    Example:
      kansrijk report examples/zorgalliantie.yaml -o zorgalliantie.html --lang en
      kansrijk report examples/zorgalliantie.yaml --audience partners --top 3 -o voor_partners.html
    """
    from kansrijk.case import load_case
    from kansrijk.model import load_model
    from kansrijk.output import write_output
    from kansrijk.report_html import render_html

    check_summary_options(top, show_all, detail, audience)
    model = load_model()
    loaded = load_case(case, model.kb)
    page = render_html(model.advise(loaded, lang), top=None if show_all else (top or TOP), audience=audience,
                       detail=detail)
    write_output(page, output, force, inputs=[case])
