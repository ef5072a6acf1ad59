"""`kansrijk docs`: the rule documentation, generated from the rule records."""

from __future__ import annotations

import click


@click.command()
@click.option("-o", "--output", help="Write to this file instead of standard output.")
@click.option("--force", is_flag=True, help="Overwrite the output file if it exists.")
def docs(output: str | None, force: bool) -> None:
    """The rule documentation (docs/rules.md), generated from the rule records.

    \b
    Example:
      kansrijk docs -o docs/rules.md --force
    """
    from kansrijk.docs import rules_markdown
    from kansrijk.model import load_model
    from kansrijk.output import write_output

    write_output(rules_markdown(load_model()), output, force)
