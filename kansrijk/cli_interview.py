"""`kansrijk interview`: a guided intake in the terminal that writes a valid case file."""

from __future__ import annotations

from pathlib import Path

import click

from kansrijk.cli import LANG, main
from kansrijk.knowledgebase import load_knowledge
from kansrijk.output import write_output
from kansrijk.render import labels, render


def _ask(prompt: str) -> str:
    # default "" so that an empty answer is returned (don't know, skip, none) instead of re-asked
    return click.prompt(prompt, default="", show_default=False, prompt_suffix="")


def _say(text: str) -> None:
    click.echo(text, nl=False)


@main.command()
@click.option("-o", "--output", required=True, help="The case file to write (YAML).")
@click.option("--force", is_flag=True, help="Overwrite the case file if it exists.")
@click.option("--lang", type=LANG, default="nl", show_default=True,
              help="Language of the questions; also the case's `language`.")
@click.pass_context
def interview(ctx: click.Context, output: str, force: bool, lang: str) -> None:
    """A guided intake: asks for the case name, the five characteristics (§2), the twenty
    indicators of Table 1 (1..5, ? for don't know), the observed dynamics and signals and notes,
    and writes a case file for `kansrijk advise`. Ctrl-C or Ctrl-D stops without writing anything.

    \b
    Example:
      kansrijk interview -o mijn-casus.yaml
      kansrijk interview -o my-case.yaml --lang en
    """
    from kansrijk.interview import case_yaml, run_interview  # here: only this command needs it
    t = labels().resolve(lang)["interview"]
    if output != "-":
        # refuse before asking anything: a long interview must not end in an unwritable file
        path = Path(output)
        problem = None
        if path.is_dir():
            problem = t["is_folder"]
        elif path.exists() and not force:
            problem = t["exists"]
        elif not path.parent.is_dir():
            problem = t["no_folder"]
        if problem:
            click.echo(f"{t['error']}: {output}: {problem}", err=True)
            ctx.exit(2)
    kb = load_knowledge()
    try:
        data = run_interview(kb, lang, _ask, _say)
    except (click.Abort, KeyboardInterrupt, EOFError):
        click.echo(f"\n{t['aborted']}", err=True)
        ctx.exit(1)
    write_output(case_yaml(data), output, force)
    if output != "-":
        click.echo(render("interview_done.text.j2", lang, path=output,
                          scores=sum(v is not None for v in data["scores"].values()), total_scores=len(kb.indicators),
                          characteristics=len(data["characteristics"]), total_characteristics=len(kb.characteristics),
                          observations=len(data["observations"])), nl=False)
