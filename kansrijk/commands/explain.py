"""`kansrijk explain`: the justification of the advice from the engine's record, and why not."""

from __future__ import annotations

import click

from kansrijk.commands.common import LANG, UsageProblem
from kansrijk.errors import InputError, Msg, Problem
from kansrijk.formats import FORMATS


@click.command()
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
    from kansrijk.explain import Explainer, resolve_target
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
        result = explainer.why_not(inference, resolve_target(model.kb, why_not), lang)
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
        kinds, option = ((("dynamic", "dynamic"),), "--dynamic") if dynamic else ((("condition", "neglect"),), "--condition")
        node = resolve_target(model.kb, dynamic or condition, kinds, option)
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
