"""`kansrijk compare`: monitoring, an earlier assessment against a later one (§5.4)."""

from __future__ import annotations

import click

from kansrijk.commands.common import FORMATS_DATA, LANG, before_and_after_json


@click.command()
@click.argument("old")
@click.argument("new")
@click.option("--lang", type=LANG, help="Output language; default: the new case's `language`.")
@click.option("--format", "fmt", type=click.Choice(FORMATS_DATA), default="text", show_default=True)
@click.option("--detail", is_flag=True, help="Text: also the numbers (certainty, neglect, priority).")
@click.option("-o", "--output", help="Write to this file instead of standard output.")
@click.option("--force", is_flag=True, help="Overwrite the output file if it exists.")
def compare(old, new, lang, fmt, detail, output, force) -> None:
    """Monitoring (§5.4): compare an earlier assessment OLD with a later one NEW.

    Shows the dates of both, the change per indicator and condition, the dynamics that now
    threaten or were resolved (emerged or gone, for a strength), and the advice that appeared,
    disappeared or changed rank, each with the rules behind it; then the new assessment's focus
    with its reason, its ways of working and its advice. The new assessment is run with the old
    one as its baseline, so the trend rules can fire. An OLD not dated before NEW gets a note.
    Text says statuses as bands and dynamics as likelihoods; the certainties stay in
    --format json, and --detail adds them to the text.

    \b
    Example:
      kansrijk compare examples/monitoring/sociaal_domein_voorjaar.yaml examples/monitoring/sociaal_domein_najaar.yaml
    """
    from kansrijk.text import first_sentence
    from kansrijk.case import load_case
    from kansrijk.model import load_model
    from kansrijk.monitor import compare_cases
    from kansrijk.output import write_output
    from kansrijk.render import naming, render

    model = load_model()
    earlier, later = load_case(old, model.kb), load_case(new, model.kb)
    lang = lang or later.language
    result = compare_cases(model, earlier, later, lang)
    if fmt == "json":
        text = before_and_after_json(result)
    else:
        text = render("compare.text.j2", lang, c=result, report=result.after, detail=detail,
                      first_sentence=first_sentence, **naming(model, lang))
    write_output(text, output, force, inputs=[old, new])
