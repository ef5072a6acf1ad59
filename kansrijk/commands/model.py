"""Commands that show the model itself: the rules, one rule in full, the model for teaching, the graph."""

from __future__ import annotations

import click

from kansrijk.commands.common import FORMATS_DATA, LANG
from kansrijk.errors import InputError, Msg, Problem, suggest

# each command imports the model, the renderer and the vocabulary in its body: --help needs none of them


@click.command()
@click.option("--condition", help="Only rules that touch this condition (id, or its Dutch word: belangen).")
@click.option("--section", help="Only rules that cite this section, e.g. §4.2, 4.2, 'Tabel 1' or 'Table 1'.")
@click.option("--lang", type=LANG, default="nl", show_default=True)
@click.option("--format", "fmt", type=click.Choice(FORMATS_DATA), default="text", show_default=True)
def rules(condition, section, lang, fmt) -> None:
    """List the rules: id, sections and claim.

    \b
    Example:
      kansrijk rules --condition interests --section §4.2 --lang en
    """
    from kansrijk.model import load_model
    from kansrijk.render import render, to_json
    from kansrijk.vocabulary import condition_id
    from kansrijk.vocabulary import section as canonical_section

    model = load_model()
    if condition is not None:
        condition = condition_id(model.kb, condition, "--condition")
    if section is not None:
        given, section = section, canonical_section(section)  # 4.2, § 4.2, Table 1 -> §4.2, Tabel 1
        if section is None:
            raise InputError("--section", [Problem("", Msg("not_a_section", value=given),
                                                   allowed=Msg("rules.section_allowed"))])
    selected = []
    for record in model.book.records:
        if section is not None and section not in record.sections:
            continue
        if condition is not None:
            nodes = {n for i in model.book.instances if i.id == record.id
                     for n in [i.conclusion.node, *(p.node for p in i.premises)]}
            if condition not in {model.kb.condition_of_node(n) for n in nodes}:
                continue
        selected.append(record)
    if fmt == "json":
        text = to_json([{"id": r.id, "sections": r.sections, "claim": r.claim(lang), "basis": r.basis,
                         "basis_note": r.basis_note(lang) if r.basis_note else None} for r in selected])
    else:
        text = render("rules.text.j2", lang, rules=selected)
    click.echo(text, nl=False)


@click.command()
@click.argument("rule_id")
@click.option("--lang", type=LANG, default="nl", show_default=True)
@click.option("--format", "fmt", type=click.Choice(FORMATS_DATA), default="text", show_default=True)
def rule(rule_id, lang, fmt) -> None:
    """Show one rule in full: claim, premises, conclusion, certainty, sections, the rules that
    feed it and that it feeds, and a smallest example case on which it fires.

    \b
    Example:
      kansrijk rule INT-03 --lang en
    """
    import yaml

    from kansrijk.minimal import MinimalCases, infer_example
    from kansrijk.model import load_model
    from kansrijk.render import labels, render, to_json

    model = load_model()
    record = model.book.by_id.get(rule_id.upper())
    if record is None:
        known = list(model.book.by_id)
        raise InputError("rule", [Problem("", Msg("unknown", what=Msg("what.rule"), value=rule_id,
                                                  hint=suggest(rule_id.upper(), known)),
                                          allowed=Msg("rule.id_allowed"))])
    instance = next(i for i in model.book.instances if i.id == record.id)
    case = MinimalCases(model).case_for(instance)
    firing = next(f for f in infer_example(model, case).firings
                  if f.rule == record.id and f.binding == instance.binding)
    example = {"binding": instance.binding, "case": case, "certainty": round(firing.certainty, 4),
               "yaml": yaml.safe_dump({"name": f"{labels().resolve(lang)['browse']['example_name']} {record.id}", **case},
                                  sort_keys=False, allow_unicode=True)}
    if fmt == "json":
        text = to_json({
            **record.model_dump(mode="json", by_alias=True), "file": model.book.files[record.id],
            "fed_by": model.book.feeding(record.id), "feeds": model.book.fed(record.id),
            "example": {k: example[k] for k in ("binding", "case", "certainty")},
        })
    else:
        text = render("rule.text.j2", lang, r=record, file=model.book.files[record.id],
                      fed_by=model.book.feeding(record.id), feeds=model.book.fed(record.id), example=example,
                      name_of=lambda kind, target: model.advisor.name_of(f"{kind}:{target}", lang))
    click.echo(text, nl=False)


@click.command(name="model")
@click.argument("condition", required=False)
@click.option("--lang", type=LANG, default="nl", show_default=True)
@click.option("--format", "fmt", type=click.Choice(FORMATS_DATA), default="text", show_default=True)
@click.option("-o", "--output", help="Write to this file instead of standard output.")
@click.option("--force", is_flag=True, help="Overwrite the output file if it exists.")
def model_command(condition, lang, fmt, output, force) -> None:
    """The model itself, for teaching: the characteristics of §2, and per condition its indicators,
    the dynamics its neglect and its attention bring, the signals and the interventions, with sections.

    \b
    Example:
      kansrijk model interests --lang en
    """
    from kansrijk.model import load_model
    from kansrijk.output import write_output
    from kansrijk.render import render, to_json
    from kansrijk.vocabulary import condition_id

    model = load_model()
    kb = model.kb
    if condition is not None:
        condition = condition_id(kb, condition, "model")
    conditions = [c for c in kb.conditions if condition in (None, c.id)]
    if fmt == "json":
        wanted = {c.id for c in conditions}
        data = {
            "conditions": [c.model_dump(mode="json") for c in conditions],
            "indicators": [i.model_dump(mode="json") for i in kb.indicators if i.condition in wanted],
            "dynamics": [d.model_dump(mode="json") for d in kb.dynamics if d.condition in wanted],
            "signals": [s.model_dump(mode="json") for s in kb.signals if s.condition in wanted],
            "interventions": [i.model_dump(mode="json") for i in kb.interventions if i.condition in wanted],
        }
        if condition is None:
            data["characteristics"] = [c.model_dump(mode="json") for c in kb.characteristics]
            data["sources"] = [s.model_dump(mode="json") for s in kb.sources]
        text = to_json(data)
    else:
        names = {c.id: c.name(lang) for c in kb.conditions}
        text = render("model.text.j2", lang, kb=kb, conditions=conditions, only=condition is not None, names=names)
    write_output(text, output, force)


@click.command()
@click.option("--format", "fmt", type=click.Choice(["mermaid", "dot", "svg"]), default="mermaid", show_default=True)
@click.option("--condition", help="Only the part of the graph that touches this condition (id).")
@click.option("--lang", type=LANG, default="nl", show_default=True)
@click.option("-o", "--output", help="Write to this file instead of standard output.")
@click.option("--force", is_flag=True, help="Overwrite the output file if it exists.")
def graph(fmt, condition, lang, output, force) -> None:
    """The causal graph of the rule base: signals and scores -> dynamics -> conditions ->
    interventions, each edge labelled with its rule ids. SVG needs Graphviz's `dot`.

    \b
    Example:
      kansrijk graph --condition organisation --format dot -o organisation.dot
    """
    from kansrijk.graph import causal_graph, to_dot, to_mermaid, to_svg
    from kansrijk.model import load_model
    from kansrijk.output import write_output
    from kansrijk.vocabulary import condition_id

    model = load_model()
    if condition is not None:
        condition = condition_id(model.kb, condition, "--condition")
    built = causal_graph(model, condition)
    if fmt == "mermaid":
        text = to_mermaid(built, lang)
    else:
        text = to_dot(built, lang)
        if fmt == "svg":
            text = to_svg(text)
    write_output(text, output, force)
