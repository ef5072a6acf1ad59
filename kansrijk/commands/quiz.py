"""`kansrijk quiz`: practise diagnosing a case vignette, with verdicts from the engine."""

from __future__ import annotations

import click

from kansrijk.commands.common import FORMATS_DATA, LANG, UsageProblem
from kansrijk.errors import InputError, Msg, Problem, error_language, suggest

# the model, the quiz and the renderer are imported in the command's body: --help needs none of them


@click.command()
@click.option("--condition", help="Build the case around this condition (id); default: chosen by the seed.")
@click.option("--seed", type=int, help="Case number: the same seed gives the same case. Default: a new one.")
@click.option("--lang", type=LANG, default="nl", show_default=True)
@click.option("--answers", help="Answer non-interactively: three answers (option number or id), comma-separated.")
@click.option("--format", "fmt", type=click.Choice(FORMATS_DATA), default="text", show_default=True)
def quiz(condition, seed, lang, answers, fmt) -> None:
    """Practise diagnosing: a case vignette, three questions, verdicts from the engine.

    Asks for the dynamic that threatens most, the condition to work on first and the first
    intervention, then explains each answer with the model's chain of rules. Exit code 0
    whenever the quiz ran, whatever the score.

    \b
    Example:
      kansrijk quiz --seed 7 --lang en
      kansrijk quiz --seed 7 --answers 2,interests,reopen_interest_dialogue --format json
    """
    import random

    from kansrijk.model import load_model
    from kansrijk.quiz import build, grade, resolve_answer
    from kansrijk.render import labels, render, to_json
    from kansrijk.vocabulary import condition_id

    model = load_model()
    if condition is not None:
        condition = condition_id(model.kb, condition, "--condition")
    seed = random.SystemRandom().randrange(1, 10_000) if seed is None else seed
    settings = list(labels().root["quiz"]["settings"])
    built = build(model, seed, lang, condition, settings)
    context = {
        "describe": lambda item: model.kb.item_of_node(f"observed:{item}").name(lang),
        "question_of": lambda indicator: model.kb.by_id["indicator"][indicator].question(lang),
        "name_of": lambda kind, ident: model.kb.by_id[kind][ident].name(lang),
    }
    if answers is not None:
        given = [a.strip() for a in answers.split(",")]
        if len(given) != len(built.questions):
            raise InputError("--answers", [Problem("", Msg("quiz.answer_count", count=len(given)),
                                                   allowed=Msg("quiz.answer_count_allowed", count=len(built.questions)))])
        for question, answer in zip(built.questions, given):
            if resolve_answer(question, answer) is None:
                options = [o.id for o in question.options]
                raise InputError("--answers", [Problem(question.id, Msg("quiz.not_an_option", answer=answer,
                                                                        hint=suggest(answer, options)),
                                                       allowed=Msg("quiz.options_allowed", options=", ".join(options)))])
        graded = grade(model, built, given)
        if fmt == "json":
            click.echo(to_json(graded.model_dump(mode="json")), nl=False)
            return
        click.echo(render("quiz_vignette.text.j2", lang, quiz=graded, **context), nl=False)
        for number, question in enumerate(graded.questions, start=1):
            click.echo(render("quiz_question.text.j2", lang, q=question, number=number), nl=False)
            click.echo(render("quiz_feedback.text.j2", lang, q=question, **context), nl=False)
        click.echo(render("quiz_score.text.j2", lang, quiz=graded), nl=False)
        return
    if fmt == "json":
        raise UsageProblem(Msg("quiz.json_needs_answers"))
    t = labels().resolve(lang)
    click.echo(render("quiz_vignette.text.j2", lang, quiz=built, **context), nl=False)
    given = []
    for number, question in enumerate(built.questions, start=1):
        click.echo(render("quiz_question.text.j2", lang, q=question, number=number), nl=False)
        answer = click.prompt(t["quiz"]["answer_prompt"],
                              value_proc=lambda raw, q=question: _option(q, raw, resolve_answer))
        given.append(answer)
        marked = grade(model, built, given).questions[number - 1]
        click.echo(render("quiz_feedback.text.j2", lang, q=marked, **context), nl=False)
    click.echo(render("quiz_score.text.j2", lang, quiz=grade(model, built, given)), nl=False)


def _option(question, raw: str, resolve) -> str:
    if resolve(question, raw) is None:
        # click.prompt prints the message as it is: render it now, in the language of error output
        message = Msg("quiz.bad_prompt_answer", raw=raw, count=len(question.options),
                      options=" | ".join(o.id for o in question.options))
        raise click.BadParameter(message.render(error_language(click.get_current_context(silent=True))))
    return raw
