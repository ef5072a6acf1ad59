"""The command that looks across many cases at once: `kansrijk portfolio`."""

from __future__ import annotations

import click

from kansrijk.commands.common import LANG

# the analysis, the model and the renderers are imported in the command's body: --help needs none of them


@click.command()
@click.argument("sources", nargs=-1, required=True, metavar="FILES|DIRS|GLOBS...")
@click.option("--format", "fmt", type=click.Choice(("text", "csv", "html")), default="text", show_default=True,
              help="csv: one row per case (name, focus, per condition band, mean and percentile); "
                   "html: one self-contained page with charts.")
@click.option("--lang", type=LANG,
              help="Output language; default: the cases' own `language` when they all have the same, else nl.")
@click.option("-o", "--output", help="Write to this file instead of standard output.")
@click.option("--force", is_flag=True, help="Overwrite the output file if it exists.")
@click.option("--jobs", type=click.IntRange(min=1), metavar="N",
              help="Worker processes that advise the cases  [default: the processor cores]; 1 works in this process.")
@click.pass_context
def portfolio(ctx: click.Context, sources: tuple[str, ...], fmt: str, lang: str | None, output: str | None,
              force: bool, jobs: int | None) -> None:
    """Many cases together: how each condition stands across them and where each case stands.

    Each case is advised on its own; the portfolio counts how often each condition is the point
    of application, the bands of each condition and the distribution of its mean, the threatening
    dynamics seen most, and per case its band, mean and percentile per condition (among the
    cases whose advice shows a mean). Folders give the *.yaml, *.yml and *.json files directly in
    them. Cases are named only by their `name` and ordered by it, whatever the order of the files;
    no answer, respondent, organisation, note or file name appears, and a mean the advice
    withholds (too few answers) stays withheld. A file that cannot be read is reported on
    standard error with its name; the others are still counted, and the exit code is then 2.

    \b
    Example:
      kansrijk portfolio examples/ --lang en
      kansrijk portfolio 'cases/**/*.yaml' --format csv -o portfolio.csv
      kansrijk portfolio examples/ --format html -o portfolio.html
    """
    from kansrijk.batch import case_paths, default_jobs
    from kansrijk.errors import error_language
    from kansrijk.model import load_model
    from kansrijk.output import check_output, write_output
    from kansrijk.portfolio import build, portfolio_language, render_csv, render_html, render_text, summarise_all

    paths = case_paths(sources)
    check_output(output, force, inputs=paths)  # before the work, not after minutes of it
    summaries, code = summarise_all(paths, jobs or default_jobs(), lang or error_language(ctx))
    failed = len(paths) - len(summaries)
    result = build(summaries, load_model().kb, lang or portfolio_language(summaries), failed)
    render = {"text": render_text, "csv": render_csv, "html": render_html}[fmt]
    write_output(render(result), output, force, inputs=paths)
    ctx.exit(code)
