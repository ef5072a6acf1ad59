"""The command line: each command parses its options and calls one function of the library."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import click

from kansrijk.case import load_case
from kansrijk.errors import InputError
from kansrijk.model import load_model
from kansrijk.render import FORMATS, TEMPLATE_OF, render, to_json

LANG = click.Choice(["nl", "en"])


class Group(click.Group):
    """Bad input anywhere becomes a clear message and exit code 2, never a traceback."""

    def invoke(self, ctx: click.Context):
        try:
            return super().invoke(ctx)
        except InputError as error:
            click.echo(f"Error: {error}", err=True)
            ctx.exit(2)


@click.group(cls=Group)
@click.version_option(package_name="kansrijk")
def main() -> None:
    """kansrijk: prioritised, explained advice for inter-organisational collaborations,
    from the model of the conditions for promising collaboration."""


def write_output(text: str, output: str | None, force: bool) -> None:
    if output is None or output == "-":
        click.echo(text, nl=False)
        return
    path = Path(output)
    if path.exists() and not force:
        raise click.UsageError(f"{output} exists; add --force to overwrite it")
    tmp = path.with_name(f".{path.name}.tmp")
    tmp.write_text(text, encoding="utf-8")
    os.replace(tmp, path)  # atomic: never a half-written file


@main.command()
@click.argument("case")
@click.option("--lang", type=LANG, help="Output language; default: the case's `language`.")
@click.option("--format", "fmt", type=click.Choice(FORMATS), default="text", show_default=True)
@click.option("-o", "--output", help="Write to this file instead of standard output.")
@click.option("--force", is_flag=True, help="Overwrite the output file if it exists.")
def advise(case: str, lang: str | None, fmt: str, output: str | None, force: bool) -> None:
    """Prioritised advice per condition for CASE (a YAML or JSON file; - reads stdin).

    \b
    Example:
      kansrijk advise examples/zorgalliantie.yaml --lang en --format markdown
    """
    model = load_model()
    loaded = load_case(case, model.kb)
    report = model.advise(loaded, lang)
    if fmt == "json":
        text = to_json(report.model_dump(mode="json"))
    else:
        names = {c.id: c.name(report.language) for c in model.kb.conditions}
        text = render(TEMPLATE_OF[fmt], report.language, report=report, names=names)
    write_output(text, output, force)


@main.command()
@click.option("-o", "--output", help="Write to this file instead of standard output.")
@click.option("--force", is_flag=True, help="Overwrite the output file if it exists.")
def docs(output: str | None, force: bool) -> None:
    """The rule documentation (docs/rules.md), generated from the rule records.

    \b
    Example:
      kansrijk docs -o docs/rules.md --force
    """
    from kansrijk.docs import rules_markdown

    write_output(rules_markdown(load_model()), output, force)


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
