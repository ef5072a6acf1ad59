"""`kansrijk whatif`: the advice before and after changing scores or observations."""

from __future__ import annotations

import click

from kansrijk.commands.common import LANG, UsageProblem, before_and_after_json
from kansrijk.errors import Msg
from kansrijk.formats import FORMATS


@click.command()
@click.argument("case")
@click.option("--set", "sets", multiple=True, metavar="INDICATOR=VALUE", help="Change a score (1..5, or none).")
@click.option("--add", "adds", multiple=True, metavar="ID", help="Add an observed dynamic or signal.")
@click.option("--remove", "removes", multiple=True, metavar="ID", help="Remove an observation of the case.")
@click.option("--lang", type=LANG, help="Output language; default: the case's `language`.")
@click.option("--format", "fmt", type=click.Choice(FORMATS), default="text", show_default=True)
@click.option("--detail", is_flag=True, help="Text and markdown: also the numbers (certainty, neglect, priority).")
@click.option("-o", "--output", help="Write to this file instead of standard output.")
@click.option("--force", is_flag=True, help="Overwrite the output file if it exists.")
def whatif(case, sets, adds, removes, lang, fmt, detail, output, force) -> None:
    """Advice for CASE before and after changing scores or observations, side by side.

    Every change in focus, status, dynamics and advice names the rules behind it; a new focus
    comes with its reason. Text says statuses as bands and dynamics as likelihoods; the
    certainties stay in --format json, and --detail adds them to the text.

    \b
    Example:
      kansrijk whatif examples/zorgalliantie.yaml --set interests.real_dialogue=4 --remove rushed_to_contract
    """
    from kansrijk.case import load_case
    from kansrijk.model import load_model
    from kansrijk.output import write_output
    from kansrijk.formats import EXT
    from kansrijk.render import naming, render
    from kansrijk.whatif import parse_edits, what_if

    model = load_model()
    loaded = load_case(case, model.kb)
    edits = parse_edits(sets, adds, removes)
    if not edits:
        raise UsageProblem(Msg("whatif.nothing"))
    lang = lang or loaded.language
    result = what_if(model, loaded, edits, lang)
    if fmt == "json":
        text = before_and_after_json(result)
    else:
        text = render(f"whatif.{EXT[fmt]}.j2", lang, w=result, report=result.after, detail=detail,
                      **naming(model, lang))
    write_output(text, output, force, inputs=[case])
