"""The command line: each command parses its options and calls one function of the library."""

from __future__ import annotations

import atexit
import gc
import sys

import click
from click.core import ParameterSource

# Only what --help needs is imported here: each command imports the library it uses (pydantic,
# Jinja, experta) in its body, so `kansrijk --help` and `kansrijk CMD --help` start at once.
from kansrijk.commands.common import FORMATS_DATA, LANG, Group, UsageProblem, set_debug, summary
from kansrijk.errors import DEBUG_ENV, INPUT_LANGUAGE, InputError, Msg, Problem, either, error_language
from kansrijk.formats import AUDIENCES, DEFAULT_TOP, FORMATS

# A command's objects (modules, classes, the model and its engine) live until the process ends;
# the collector's last pass over all of them at exit would take longer than an advice (~0.1 s).
atexit.register(gc.freeze)


@click.group(cls=Group)
@click.version_option(package_name="kansrijk")
@click.option("--debug", is_flag=True, expose_value=False, callback=set_debug,
              help=f"Show the Python trace of an unexpected error (also {DEBUG_ENV}=1).")
def main() -> None:
    """kansrijk: prioritised, explained advice for inter-organisational collaborations,
    from the model of the conditions for promising collaboration."""
    INPUT_LANGUAGE.set(None)  # a new command: no case read yet (errors follow the one it reads)


@main.command()
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

    if top is not None and show_all:
        raise UsageProblem(Msg("advise.top_and_all"))
    if detail and audience == "partners":
        raise UsageProblem(Msg("advise.detail_for_partners"))
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


def resolve_target(model, option: str, value: str) -> str:
    """The node an --dynamic/--condition/--why-not id names; unknown ids stop with a suggestion."""
    kinds = {
        "dynamic": [("dynamic", "dynamic")],
        "condition": [("condition", "neglect")],
        "why-not": [("intervention", "advise"), ("dynamic", "dynamic"), ("condition", "neglect")],
    }[option]
    from kansrijk.vocabulary import condition_alias, suggest_id

    for table, kind in kinds:
        # a condition also by its Dutch word: --condition belangen
        ident = condition_alias(value) if table == "condition" else value.strip()
        if ident in model.kb.by_id[table]:
            return f"{kind}:{ident}"
    allowed = either([Msg(f"ids.{t}") for t, _ in kinds])
    hint = suggest_id(value, model.kb, [t for t, _ in kinds])
    raise InputError(f"--{option}", [Problem("", Msg("unknown", what=Msg("what.id"), value=value, hint=hint),
                                             allowed=allowed)])


@main.command()
@click.argument("case")
@click.option("--advice", "rank", type=int, help="Explain the advice item with this rank.")
@click.option("--dynamic", help="Explain a dynamic (id).")
@click.option("--condition", help="Explain a condition's status (id).")
@click.option("--why-not", "why_not", help="Why an intervention, a dynamic or a condition's neglect was not concluded.")
@click.option("--lang", type=LANG, help="Output language; default: the case's `language`.")
@click.option("--format", "fmt", type=click.Choice(FORMATS), default="text", show_default=True)
@click.option("-o", "--output", help="Write to this file instead of standard output.")
@click.option("--force", is_flag=True, help="Overwrite the output file if it exists.")
def explain(case, rank, dynamic, condition, why_not, lang, fmt, output, force) -> None:
    """The justification of advice for CASE, from the engine's record of what fired.

    Without an option every advice item is explained, in rank order. Each step names the rule,
    its claim, its sections, its certainty and the facts it matched, down to the case's own facts.

    \b
    Example:
      kansrijk explain examples/zorgalliantie.yaml --advice 1
      kansrijk explain examples/zorgalliantie.yaml --why-not organise_encounters
    """
    from kansrijk.case import load_case
    from kansrijk.explain import Explainer
    from kansrijk.model import load_model
    from kansrijk.output import write_output
    from kansrijk.formats import EXT
    from kansrijk.render import labels, number, render, to_json

    chosen = [name for name, value in (("advice", rank), ("dynamic", dynamic), ("condition", condition),
                                       ("why-not", why_not)) if value is not None]
    if len(chosen) > 1:
        raise UsageProblem(Msg("explain.choose_one"))
    model = load_model()
    loaded = load_case(case, model.kb)
    lang = lang or loaded.language
    inference = model.infer(loaded)
    report = model.report(loaded, inference, lang)
    explainer = Explainer(model.advisor)
    t = labels().resolve(lang)
    if why_not is not None:
        result = explainer.why_not(inference, resolve_target(model, "why-not", why_not), lang)
        if fmt == "json":
            text = to_json({"case": loaded.name, "why_not": result.model_dump(mode="json")})
        else:
            text = render(f"whynot.{EXT[fmt]}.j2", lang, w=result, case=loaded.name)
        write_output(text, output, force, inputs=[case])
        return
    items = []
    if rank is not None:
        if not 1 <= rank <= len(report.advice):
            allowed = f"1..{len(report.advice)}" if report.advice else Msg("explain.no_advice")
            raise InputError("--advice", [Problem("", Msg("explain.no_advice_item", rank=rank), allowed=allowed)])
        targets = [report.advice[rank - 1]]
    elif dynamic is not None or condition is not None:
        node = resolve_target(model, "dynamic" if dynamic else "condition", dynamic or condition)
        targets = [node]
    else:
        targets = report.advice
    for target in targets:
        if isinstance(target, str):
            kind, ident = target.split(":", 1)
            if kind == "neglect":
                status = next(c for c in report.conditions if c.id == ident).status
                heading = f"{model.advisor.name_of(target, lang)}: {t['explain']['condition_status']} {t['status'][status]}"
            else:
                heading = f"{t['kinds'][kind]} {model.advisor.name_of(target, lang)}"
            node = target
        else:
            heading = (f"{t['explain']['advice_rank']} {target.rank}: {target.name} "
                       f"({t['priority']} {number(target.priority, 1, lang)})")
            node = f"advise:{target.intervention}"
        tree = explainer.justify(inference, node, lang) if node in inference.beliefs else None
        items.append({"heading": heading, "node": node, "tree": tree})
    if fmt == "json":
        text = to_json({"case": loaded.name, "explanations": [
            {"node": i["node"], "heading": i["heading"], "tree": i["tree"] and i["tree"].model_dump(mode="json")}
            for i in items]})
    else:
        text = render(f"explain.{EXT[fmt]}.j2", lang, items=items, case=loaded.name)
    write_output(text, output, force, inputs=[case])


@main.command()
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
    from kansrijk.render import render, to_json
    from kansrijk.whatif import WhatIf, apply_edits, compare, parse_edits

    model = load_model()
    loaded = load_case(case, model.kb)
    edits = parse_edits(sets, adds, removes)
    if not edits:
        raise UsageProblem(Msg("whatif.nothing"))
    changed, overrides = apply_edits(loaded, edits, model.kb)
    lang = lang or loaded.language
    before, after = model.infer(loaded), model.infer(changed, overrides=overrides)
    reports = [model.report(c, i, lang) for c, i in ((loaded, before), (changed, after))]
    result = WhatIf(case=loaded.name, edits=edits, before=reports[0], after=reports[1],
                    changes=compare(reports[0], reports[1], before, after))
    if fmt == "json":
        text = to_json(result.model_dump(mode="json", exclude={"before", "after"}) | {
            "before": summary(reports[0]), "after": summary(reports[1])})
    else:
        names = {c.id: c.name(lang) for c in model.kb.conditions}
        text = render(f"whatif.{EXT[fmt]}.j2", lang, w=result, report=result.after, names=names, detail=detail,
                      name_of=lambda node: model.advisor.name_of(node, lang))
    write_output(text, output, force, inputs=[case])


@main.command()
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
    from kansrijk.render import render, to_json

    model = load_model()
    earlier, later = load_case(old, model.kb), load_case(new, model.kb)
    lang = lang or later.language
    result = compare_cases(model, earlier, later, lang)
    if fmt == "json":
        text = to_json(result.model_dump(mode="json", exclude={"before", "after"}) | {
            "before": summary(result.before), "after": summary(result.after)})
    else:
        names = {c.id: c.name(lang) for c in model.kb.conditions}
        text = render("compare.text.j2", lang, c=result, report=result.after, names=names, detail=detail,
                      name_of=lambda node: model.advisor.name_of(node, lang), first_sentence=first_sentence)
    write_output(text, output, force, inputs=[old, new])


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
    from kansrijk.model import load_model
    from kansrijk.output import write_output

    write_output(rules_markdown(load_model()), output, force)


from kansrijk import cli_model  # noqa: E402,F401  (registers the commands that show the model)
from kansrijk import cli_survey  # noqa: E402,F401  (registers `kansrijk import`)
from kansrijk import cli_interview  # noqa: E402,F401
from kansrijk import cli_report  # noqa: E402,F401
from kansrijk import cli_portfolio  # noqa: E402,F401  (registers `kansrijk portfolio`)

if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
