"""The command that writes the advice as one self-contained, printable HTML page."""

from __future__ import annotations

import click

from kansrijk.case import load_case
from kansrijk.cli import LANG, main, write_output
from kansrijk.model import load_model


@main.command()
@click.argument("case")
@click.option("--lang", type=LANG, help="Output language; default: the case's `language`.")
@click.option("-o", "--output", help="Write to this file (e.g. report.html) instead of standard output.")
@click.option("--force", is_flag=True, help="Overwrite the output file if it exists.")
def report(case: str, lang: str | None, output: str | None, force: bool) -> None:
    """The advice for CASE as one self-contained HTML page, to share or print.

    The page has the case, a radar chart of the five conditions (one line for the whole case and
    one per organisation whose scores may be shown), the statuses, the focus, the dynamics, the
    differences between partners, what the characteristics ask, and the advice items with their
    questions, priority and the chain of rules behind them. It loads nothing from the network.

    \b
    Example:
      kansrijk report examples/zorgalliantie.yaml -o zorgalliantie.html --lang en
    """
    from kansrijk.report_html import render_html

    model = load_model()
    loaded = load_case(case, model.kb)
    write_output(render_html(model.advise(loaded, lang)), output, force)
