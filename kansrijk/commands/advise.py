"""`kansrijk advise`: the advice for one case, or for many cases at once."""

from __future__ import annotations

import click
from click.core import ParameterSource

from kansrijk.commands.common import LANG, UsageProblem, check_summary_options
from kansrijk.errors import Msg, error_language
from kansrijk.formats import AUDIENCES, DEFAULT_TOP, FORMATS


@click.command()
@click.argument("cases", nargs=-1, required=True, metavar="CASE...")
@click.option("--lang", type=LANG, help="Output language; default: the case's `language`.")
@click.option("--format", "fmt", type=click.Choice((*FORMATS, "html", "jsonl")), default="text", show_default=True,
              help="html: the same page as `kansrijk report`; json: the whole report, numbers included; "
                   "jsonl: for many cases, one line per case (the json object and its `file`).")
@click.option("--top", type=click.IntRange(min=1), metavar="N",
              help=f"How many interventions the summary shows  [default: {DEFAULT_TOP}].")
@click.option("--all", "show_all", is_flag=True, help="Show every intervention (instead of --top).")
@click.option("--detail", is_flag=True,
              help="Add the reasoning after the summary: for every intervention (the first N with --top) its "
                   "priority and the rules behind it, decisive chain first, evidence for and against apart, "
                   "with certainties as numbers.")
@click.option("--audience", type=click.Choice(AUDIENCES), default="adviser", show_default=True,
              help="partners: a report to hand to the partners, without the adviser's notes and without "
                   "the rule trace (so --detail is refused).")
@click.option("-o", "--output", help="Write to this file instead of standard output; for many cases in text, "
                                     "markdown, json or html: the folder for their files.")
@click.option("--force", is_flag=True, help="Overwrite the output file(s) if they exist.")
@click.option("--jobs", type=click.IntRange(min=1), metavar="N",
              help="Many cases: worker processes  [default: the processor cores]; 1 works in this process.")
def advise(cases: tuple[str, ...], lang: str | None, fmt: str, top: int | None, show_all: bool, detail: bool,
           audience: str, output: str | None, force: bool, jobs: int | None) -> None:
    """Prioritised advice for CASE (a YAML or JSON file; - reads stdin).

    The text and markdown output open with one page to take into a meeting: where to start and
    why, each condition's band and what it rests on, how to go about it, the top interventions
    with their two best questions and the facts they rest on, the threatening dynamics and what
    the characteristics ask. Certainties are words there; --detail and json give the numbers.

    Many cases at once: several files, folders (their *.yaml, *.yml and *.json, not subfolders)
    and globs. Each case's result goes, in the order of the cases, to one line of --format jsonl
    (the default then; standard output or -o FILE) or to its own file in the folder -o DIR
    (named after the case, e.g. zorgalliantie.md). A case that fails is reported on standard
    error and the others still run; the exit code is then 2 (1 if only unexpected errors).

    \b
    Example:
      kansrijk advise examples/zorgalliantie.yaml --lang en
      kansrijk advise examples/zorgalliantie.yaml --top 3 --detail --format markdown
      kansrijk advise examples/zorgalliantie.yaml --audience partners -o voor_partners.md --format markdown
      kansrijk advise examples/ --format jsonl -o advice.jsonl
      kansrijk advise 'cases/*.yaml' --format markdown -o advice/ --jobs 4
    """
    from kansrijk.batch import Options, advice_text, advise_many, case_paths, default_jobs, is_many

    check_summary_options(top, show_all, detail, audience)
    if is_many(cases) or fmt == "jsonl":
        ctx = click.get_current_context()
        paths = case_paths(cases)
        if "-" in paths and len(paths) > 1:
            raise UsageProblem(Msg("batch.stdin"))
        if fmt != "jsonl" and output in (None, "-"):
            if ctx.get_parameter_source("fmt") is not ParameterSource.DEFAULT:
                raise UsageProblem(Msg("batch.needs_output"))
            fmt = "jsonl"  # many cases to standard output: one line each
        options = Options(fmt, lang, top, show_all, detail, audience)
        ctx.exit(advise_many(paths, options, output, force, jobs or default_jobs(), error_language(ctx)))
    from kansrijk.case import load_case
    from kansrijk.model import load_model
    from kansrijk.output import write_output

    (case,) = cases
    model = load_model()
    loaded = load_case(case, model.kb)
    text = advice_text(model, loaded, Options(fmt, lang, top, show_all, detail, audience))
    write_output(text, output, force, inputs=[case])
