"""The tutor: vignettes from the rule base, verdicts from the engine, no answer key."""

import json
import shutil
from pathlib import Path

import pytest

from kansrijk.engine.inference import Reasoner
from kansrijk.model import Model
from kansrijk.quiz import build, grade
from kansrijk.rulebook import load_rules
from tests.conftest import kansrijk

RULES = Path(__file__).resolve().parent.parent / "rules"


def test_same_seed_same_quiz():
    first = kansrijk("quiz", "--seed", "11", "--answers", "1,1,1", "--format", "json")
    second = kansrijk("quiz", "--seed", "11", "--answers", "1,1,1", "--format", "json")
    assert first.exit_code == 0 and first.output == second.output


def test_expected_answers_are_the_engines_conclusions(model):
    quiz = build(model, 5, "en")
    from kansrijk.case import Case

    case = Case.model_validate({"name": "q", "observations": quiz.vignette.observations,
                                "scores": quiz.vignette.scores}, context={"kb": model.kb})
    report = model.advise(case, "en")
    dynamic, condition, intervention = (q.expected for q in quiz.questions)
    threats = [d for d in report.dynamics if d.polarity == "negative" and not d.observed]
    assert dynamic == max(threats, key=lambda d: (d.certainty, d.id)).id
    assert condition == report.focus
    assert intervention == report.advice[0].intervention
    assert all(q.expected in [o.id for o in q.options] for q in quiz.questions)


def test_right_answers_score_three_and_exit_0():
    quiz = json.loads(kansrijk("quiz", "--seed", "3", "--answers", "1,1,1", "--format", "json").output)
    right = ",".join(q["expected"] for q in quiz["questions"])
    result = kansrijk("quiz", "--seed", "3", "--answers", right, "--format", "json")
    assert result.exit_code == 0
    graded = json.loads(result.output)
    assert graded["score"] == 3 and all(q["correct"] for q in graded["questions"])


def test_wrong_answers_still_exit_0_and_are_explained():
    quiz = json.loads(kansrijk("quiz", "--seed", "3", "--answers", "1,1,1", "--format", "json").output)
    wrong = []
    for q in quiz["questions"]:
        wrong.append(next(o["id"] for o in q["options"] if o["id"] != q["expected"]))
    result = kansrijk("quiz", "--seed", "3", "--answers", ",".join(wrong), "--lang", "en")
    assert result.exit_code == 0
    assert "Score: 0/3" in result.output
    assert "the model says" in result.output and "How the model reasons" in result.output


def test_interactive_quiz_reprompts_on_a_bad_answer():
    result = kansrijk("quiz", "--seed", "3", "--lang", "en", input="9\n1\n1\n1\n")
    assert result.exit_code == 0
    assert "Error: '9'" in result.output
    assert "Score:" in result.output


def test_condition_option_builds_the_case_around_it(model):
    quiz = build(model, 1, "nl", condition="organisation")
    assert quiz.vignette.condition == "organisation"
    signals = [o for o in quiz.vignette.observations if o in model.kb.by_id["signal"]]
    assert any(model.kb.by_id["signal"][s].condition == "organisation" for s in signals)
    assert all(quiz.vignette.scores[i.id] <= 3 for i in model.kb.indicators_of("organisation"))


@pytest.mark.parametrize("args, message", [
    (["--answers", "1,2"], "2 answers given"),
    (["--answers", "1,2,zz"], "'zz' is not one of the options"),
    (["--condition", "procces"], "did you mean 'process'?"),
])
def test_bad_quiz_input_exits_2(args, message):
    result = kansrijk("quiz", "--seed", "3", *args)
    assert result.exit_code == 2
    assert message in result.output


def test_changing_a_rule_changes_the_expected_answer(model, tmp_path):
    """The verdicts follow the rules: weaken the rule behind the expected dynamic and the answer moves."""
    quiz = build(model, 3, "en")
    expected = quiz.questions[0].expected
    target = f"dynamic: {expected}"
    rules = tmp_path / "rules"
    shutil.copytree(RULES, rules)
    changed = 0
    for path in rules.glob("*.yaml"):
        text = path.read_text(encoding="utf-8")
        blocks = text.split("\n- id: ")
        for n, block in enumerate(blocks):
            if f"then:\n    {target}\n" in block and "certainty: -" not in block:
                lines = block.splitlines()
                lines = [("  certainty: 0.01" if line.startswith("  certainty:") else line) for line in lines]
                blocks[n] = "\n".join(lines) + ("\n" if block.endswith("\n") else "")
                changed += 1
        path.write_text("\n- id: ".join(blocks), encoding="utf-8")
    assert changed
    book = load_rules(model.kb, rules)
    altered = Model(model.kb, book, model.policy, Reasoner(model.kb, book), type(model.advisor)(model.kb, book, model.policy,
                                                                                        model.advisor.phases))
    assert grade(model, quiz, [expected, "1", "1"]).questions[0].correct
    regraded = grade(altered, quiz, [expected, "1", "1"])
    assert regraded.questions[0].expected != expected
    assert not regraded.questions[0].correct
