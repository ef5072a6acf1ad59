"""A tutor in the spirit of GUIDON: a case vignette built from the rule base, three questions,
and verdicts that come from running the engine on the vignette — there is no answer key.

1. Which dynamic threatens most?   -> the negative dynamic the engine is most certain of
2. Which condition comes first?    -> the engine's focus (§5.3)
3. Which intervention first?       -> the advice ranked first
"""

from __future__ import annotations

import random

from kansrijk.advice import Report, Step, r4
from kansrijk.case import Case
from kansrijk.engine.record import Inference
from kansrijk.model import Model
from kansrijk.text import Language, Strict

OPTIONS = 5  # answers to choose from per question
ATTEMPTS = 50  # vignettes tried until one has a threatening dynamic, a focus and advice
# question -> the kind of conclusion that answers it
NODE_KIND = {"dynamic": "dynamic", "condition": "neglect", "intervention": "advise"}


class Option(Strict):
    number: int
    id: str
    name: str


class Question(Strict):
    id: str  # dynamic | condition | intervention
    options: list[Option]
    expected: str | None  # the engine's answer; None if the engine concludes nothing for it
    answer: str | None = None
    correct: bool | None = None
    close: bool | None = None  # not the expected answer, but also concluded by the engine
    why: list[Step] = []  # the engine's chain for the expected answer
    answer_certainty: float | None = None  # what the engine concluded for the learner's answer


class Vignette(Strict):
    setting: str  # id of a setting in labels.yaml (quiz.settings)
    condition: str  # the condition the vignette was built around (not told to the learner)
    observations: list[str]
    scores: dict[str, int]


class Quiz(Strict):
    seed: int
    language: Language
    vignette: Vignette
    questions: list[Question]
    score: int = 0
    total: int = 3


def build(model: Model, seed: int, lang: Language, condition: str | None = None, settings: list[str] = ()) -> Quiz:
    """A vignette and its three questions, with the expected answers taken from the engine."""
    rng = random.Random(seed)
    kb = model.kb
    for _ in range(ATTEMPTS):
        target = condition or rng.choice(kb.condition_ids())
        signals = [s.id for s in kb.signals if s.condition == target]
        chosen = rng.sample(signals, k=min(2, len(signals)))
        others = [s.id for s in kb.signals if s.condition != target]
        if rng.random() < 0.5:
            chosen.append(rng.choice(others))
        scores = {}
        for indicator in kb.indicators:
            if indicator.condition == target:
                scores[indicator.id] = rng.choice([1, 2, 2, 3])
            elif rng.random() < 0.4:
                scores[indicator.id] = rng.choice([2, 3, 4, 4, 5])
        vignette = Vignette(setting=rng.choice(list(settings)) if settings else "", condition=target,
                            observations=sorted(chosen), scores=scores)  # scores in Table 1 order
        inference, key, report = answer_key(model, vignette, lang)
        if all(key):
            break
    else:  # pragma: no cover - the rule base always yields a vignette within a few attempts
        raise RuntimeError("no vignette found")
    pools = [[d.id for d in kb.dynamics if d.polarity == "negative"], kb.condition_ids(),
             list(kb.by_id["intervention"])]
    prefer = [[], [], [a.intervention for a in report.advice[1:]]]
    questions = [_question(model, rng, kind, expected, pool, inference, lang, preferred)
                 for kind, expected, pool, preferred in zip(NODE_KIND, key, pools, prefer)]
    return Quiz(seed=seed, language=lang, vignette=vignette, questions=questions)


def answer_key(model: Model, vignette: Vignette, lang: Language) -> tuple[Inference, list[str | None], Report]:
    """Run the engine on the vignette: the most certain threatening dynamic, the focus, the first advice."""
    case = Case.model_validate({"name": "quiz", "observations": vignette.observations, "scores": vignette.scores},
                               context={"kb": model.kb})
    inference = model.infer(case)
    report = model.report(case, inference, lang)
    threats = [d for d in report.dynamics if d.polarity == "negative" and not d.observed]
    top = max(threats, key=lambda d: (d.certainty, d.id)).id if threats else None
    return inference, [top, report.focus, report.advice[0].intervention if report.advice else None], report


def _question(model, rng, kind, expected, pool, inference: Inference, lang, prefer) -> Question:
    # distractors: what the engine also concluded makes the choice real; fill up from the pool
    concluded = [x for x in pool if x != expected and f"{NODE_KIND[kind]}:{x}" in inference.beliefs]
    distractors = list(dict.fromkeys([*prefer[:2], *rng.sample(concluded, k=min(2, len(concluded)))]))
    rest = [x for x in pool if x != expected and x not in distractors]
    distractors += rng.sample(rest, k=max(0, OPTIONS - 1 - len(distractors)))
    ids = distractors[: OPTIONS - 1] + [expected]
    rng.shuffle(ids)
    table = {"dynamic": "dynamic", "condition": "condition", "intervention": "intervention"}[kind]
    options = [Option(number=n, id=i, name=model.kb.by_id[table][i].name(lang)) for n, i in enumerate(ids, start=1)]
    return Question(id=kind, options=options, expected=expected,
                    why=model.advisor.chain(inference, f"{NODE_KIND[kind]}:{expected}", lang))


def grade(model: Model, quiz: Quiz, answers: list[str]) -> Quiz:
    """Mark the answers (an option number or an id each) by running the engine on the vignette."""
    inference, key, _ = answer_key(model, quiz.vignette, quiz.language)
    graded = []
    for question, raw, expected in zip(quiz.questions, answers, key):
        answer = resolve_answer(question, raw)
        certainty = inference.certainty(f"{NODE_KIND[question.id]}:{answer}") if answer else None
        certainty = None if certainty is None else r4(certainty)
        correct = answer == expected
        graded.append(question.model_copy(update={
            "expected": expected, "answer": answer, "correct": correct, "answer_certainty": certainty,
            "why": model.advisor.chain(inference, f"{NODE_KIND[question.id]}:{expected}", quiz.language),
            "close": not correct and certainty is not None and certainty >= model.policy.advice_threshold,
        }))
    graded += quiz.questions[len(graded):]
    return quiz.model_copy(update={"questions": graded, "score": sum(1 for q in graded if q.correct)})


def resolve_answer(question: Question, raw: str) -> str | None:
    """'2' -> the id of option 2; an id of one of the options -> itself; anything else -> None (wrong)."""
    raw = raw.strip()
    for option in question.options:
        if raw == str(option.number) or raw == option.id:
            return option.id
    return None
