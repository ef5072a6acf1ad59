"""The five ways a respondent's answers or a small group's mean could be recovered from the output,
each tried for real on the command line's JSON (the same report every format renders), and each
required to fail: nothing within 0.1 of the truth (kansrijk/disclosure.py states the rule)."""

import html
import json
import re
from pathlib import Path

import pytest
import yaml

from kansrijk.case import load_case
from kansrijk.disclosure import group_mean
from kansrijk.group import divergences, organisations
from kansrijk.render import labels, number
from tests.conftest import kansrijk

ROOT = Path(__file__).resolve().parent.parent
GROUP = ROOT / "examples" / "regionale_zorg_groep.yaml"
SMALL = "Huisartsencoöperatie Kust"  # 2 respondents, min_group 3


def advise_json(path, *args) -> dict:
    result = kansrijk("advise", path, "--format", "json", "--all", *args)
    assert result.exit_code == 0, result.output
    return json.loads(result.output)


def true_means(model, path) -> dict[str, dict[str, float]]:
    case = load_case(str(path), model.kb)
    return {o.name: o.conditions for o in organisations(model.kb, case.respondents)}


def test_attack_1_a_divergence_with_a_hidden_end(model):
    """Where a divergence runs to a hidden organisation, even "at least the threshold" describes
    that organisation — here one of two people — and with the whole case's means it narrows their
    answers down. Such a gap is no fact: the engine never reasons on it and no output says it."""
    case = load_case(str(GROUP), model.kb)
    all_gaps = divergences(model.kb, model.policy, organisations(model.kb, case.respondents))
    assert any(SMALL in (g.high, g.low) for g in all_gaps), "the example's organisations do diverge"
    assert not model.evidence(case).divergences
    data = advise_json(GROUP)
    assert data["divergences"] == []
    steps = [m for item in data["advice"] + data["methods"] for s in item["why"] for m in s["matched"]]
    assert steps and not [m for m in steps if m["kind"] == "divergence"]
    assert all(part["id"] != "divergence" or part["value"] == 0 for a in data["advice"] for part in a["contributions"])


def test_a_divergence_between_shown_organisations_names_its_ends_but_explains_only_its_threshold(model, survey):
    """With every organisation shown, a divergence is the difference of two means that may be
    shown: the report names its ends and gap, and the explanations still only the threshold."""
    path = survey(3)
    data = advise_json(path)
    case = load_case(str(path), model.kb)
    real = {g.id: g for g in model.evidence(case).divergences.values()}
    assert data["divergences"] and {d["id"] for d in data["divergences"]} == set(real)
    names = {o.name for o in organisations(model.kb, case.respondents)}
    for d in data["divergences"]:
        assert {d["high"], d["low"]} <= names and d["gap"] == group_mean(real[d["id"]].gap)
    thresholds = {"condition": model.policy.divergence.condition, "indicator": model.policy.divergence.indicator}
    matched = [m for item in data["advice"] + data["methods"] for s in item["why"] for m in s["matched"]
               if m["kind"] == "divergence"]
    assert matched
    for m in matched:
        target = m["node"].split(":")[1]
        assert m["value"] == thresholds[real[target].level] != real[target].gap


def test_attack_2_whole_case_minus_the_shown_organisations(model):
    """The whole case's means times its size, minus each shown organisation's, leaves the hidden."""
    truths = true_means(model, GROUP)
    case = load_case(str(GROUP), model.kb)
    data = advise_json(GROUP)
    shown = [o for o in data["organisations"] if o["shown"]]
    hidden_size = len(case.respondents) - sum(o["respondents"] for o in shown)
    assert hidden_size >= case.min_group, "the hidden organisations together are not a small group"
    # what the subtraction yields is the mean of all hidden organisations together, never one small
    # organisation's alone: every hidden organisation below min_group is mixed with at least one other
    assert any(c["score"] is not None for c in data["conditions"]) and shown, "the attack has figures to use"
    for name in truths:
        size = sum(1 for r in case.respondents if r.organisation == name)
        if name not in {o["label"] for o in shown}:
            assert hidden_size > size, f"{name}'s own mean would follow"


def test_attack_3_compare_with_and_without_one_respondent(model, tmp_path):
    """Two assessments that differ by one respondent: their difference is that person's answers."""
    data = yaml.safe_load(GROUP.read_text(encoding="utf-8"))
    gone = data["respondents"].pop()
    fewer = tmp_path / "fewer.yaml"
    fewer.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    result = kansrijk("compare", GROUP, fewer, "--format", "json")
    assert result.exit_code == 0, result.output
    comparison = json.loads(result.output)
    assert comparison["withheld"]
    # the person's answer would be before × n − after × (n − 1): neither side is shown
    answered = [row for row in comparison["scores"] if gone["scores"].get(row["id"]) is not None]
    assert answered
    assert all(row["before"] is None and row["after"] is None and row["delta"] is None for row in answered)
    text = kansrijk("compare", GROUP, fewer, "--lang", "en").output
    assert "Not shown: the respondents of the two assessments differ by only a few people" in text


def test_attack_4_one_answer_inside_a_shown_organisation(model, tmp_path):
    """min_group counts answers: where one of a shown organisation's people answered an indicator,
    its mean, the case's mean and any divergence end built on it would be that person's answer."""
    respondents = [{"organisation": "A", "scores": {"ambition.shared": 4, **({"relationship.trust": 1} if n == 0 else {})}}
                   for n in range(4)] + [{"organisation": "B", "scores": {"ambition.shared": 2, "relationship.trust": 5}}
                                          for _ in range(4)]
    path = tmp_path / "thin.yaml"
    path.write_text(yaml.safe_dump({"name": "thin", "min_group": 3, "respondents": respondents}), encoding="utf-8")
    data = advise_json(path, "--lang", "en")
    a = next(o for o in data["organisations"] if o["label"] == "A")
    assert a["shown"] and a["conditions"]["relationship"] is None
    # trust: A's one answer 1 against B's four 5s reaches the threshold, but A's end is that one
    # person: no divergence on trust (or its condition) exists, only on what A's four people answered
    real = divergences(model.kb, model.policy, organisations(model.kb, load_case(str(path), model.kb).respondents))
    assert {g.id for g in real} >= {"relationship", "relationship.trust"}
    assert {d["id"] for d in data["divergences"]} == {"ambition", "ambition.shared"}
    assert not [m for item in data["advice"] + data["methods"] for s in item["why"] for m in s["matched"]
                if m["node"] in ("divergence:relationship", "divergence:relationship.trust")]


def test_attack_5_a_case_of_one_respondent(model, tmp_path):
    """With one respondent the case's means are that person's answers: none is shown."""
    answers = {i.id: 1 + n % 5 for n, i in enumerate(model.kb.indicators)}
    path = tmp_path / "one.yaml"
    path.write_text(yaml.safe_dump({"name": "one", "respondents": [{"organisation": "A", "scores": answers}]}),
                    encoding="utf-8")
    data = advise_json(path, "--lang", "en")
    assert all(c["score"] is None and c["score_withheld"] for c in data["conditions"])
    matched = [m for item in data["advice"] for s in item["why"] for m in s["matched"]
               if m["kind"] in ("score", "mean")]
    assert matched and all(m["value"] is None and m["withheld"] for m in matched)
    result = kansrijk("explain", path, "--format", "json")
    assert result.exit_code == 0, result.output
    shown = list(nodes(json.loads(result.output)))
    scores = [n for n in shown if n["node"].startswith("score:")]
    means = [n for n in shown if n["node"].startswith("mean:")]
    assert scores and means, "the explanations reason on the person's scores and the case's means"
    assert {n["node"].removeprefix("score:") for n in scores} <= set(answers)
    assert all(n["kind"] in ("score", "mean") and n["value"] is None and n["withheld"] is True for n in scores + means)


def nodes(tree):
    """Every node of an explain --format json answer: its trees and, within them, every premise."""
    if isinstance(tree, dict):
        if "node" in tree:
            yield tree
        for value in tree.values():
            yield from nodes(value)
    elif isinstance(tree, list):
        for value in tree:
            yield from nodes(value)


def test_group_means_are_shown_to_one_decimal(model):
    data = advise_json(GROUP)
    shown = [c["score"] for c in data["conditions"] if c["score"] is not None]
    assert shown and all(round(v, 1) == v for v in shown)
    for o in data["organisations"]:
        assert all(v is None or round(v, 1) == v for v in o["conditions"].values())


SURVEY = ROOT / "examples" / "survey"


@pytest.fixture(scope="module")
def survey(tmp_path_factory):
    """survey(min_group) -> the path of the bundled survey imported as a case with that min_group.
    Its organisations have 5, 5 and 4 people: with min_group 5 only one of them is shown."""
    folder = tmp_path_factory.mktemp("survey")
    imported = folder / "imported.yaml"
    result = kansrijk("import", SURVEY / "zorgalliantie_enquete.csv", "--map", SURVEY / "mapping.yaml", "-o", imported)
    assert result.exit_code == 0, result.output

    def at(min_group: int) -> Path:
        path = folder / f"min_group_{min_group}.yaml"
        data = yaml.safe_load(imported.read_text(encoding="utf-8")) | {"min_group": min_group}
        path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
        return path

    return at


# every command line output of one case; {case} and {other} are filled in. What-if is not among
# them: its edits change the case's own scores, never a respondent's, so no divergence comes or goes
# and no change it shows is put down to one, whatever min_group is (nothing there could fail)
OUTPUTS = [
    ["advise", "{case}", "--detail"], ["advise", "{case}", "--detail", "--format", "markdown"],
    ["advise", "{case}", "--format", "json", "--all"], ["report", "{case}", "-o", "{html}", "--force"],
    ["explain", "{case}"], ["explain", "{case}", "--format", "markdown"], ["explain", "{case}", "--format", "json"],
    ["compare", "{other}", "{case}"], ["compare", "{other}", "{case}", "--format", "json"],
]
WHY_NOT = ["deepen_ambition", "reopen_interest_dialogue", "interests"]  # what the DIV-* rules conclude


def run_output(args: list[str], case: Path, tmp_path: Path, lang: str) -> str:
    html = tmp_path / "report.html"
    # the same people, each answering 3 to everything: no divergence, so what compare shows changed
    # from it includes what the case's divergences bring (no respondent differs: nothing withheld)
    other = tmp_path / "earlier.yaml"
    data = yaml.safe_load(case.read_text(encoding="utf-8"))
    for r in data["respondents"]:
        r["scores"] = {i: None if v is None else 3 for i, v in r["scores"].items()}
    other.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    filled = [a.format(case=case, html=html, other=other) for a in args] + ["--lang", lang]
    result = kansrijk(*filled)
    assert result.exit_code == 0, result.output
    return html.read_text(encoding="utf-8") if "report" in args else result.output


def divergence_rules(model) -> set[str]:
    """The rules with a divergence premise: naming one as a reason says that a divergence exists."""
    return {r.id for r in model.book.records if any(p.kind == "divergence" for p in r.premises)}


def says_a_divergence(output: str, lang: str, rules: set[str]) -> bool:
    """Whether an output says that organisations' means on something diverge (JSON, words, a
    threshold, or a rule that needs a divergence given as a reason)."""
    t = labels().resolve(lang)
    return ('"divergence:' in output or t["kinds"]["divergence"] in output
            or any(f"≥ {number(v, 2, lang)}" in output for v in (1.5, 2.0))
            or any(re.search(rf"\b{rule}\b", output) for rule in rules))


@pytest.mark.parametrize("lang", ["nl", "en"])
@pytest.mark.parametrize("args", OUTPUTS, ids=lambda a: " ".join(a[:1] + a[2:]))
def test_with_one_organisation_shown_no_output_says_a_divergence(survey, model, tmp_path, args, lang):
    """The reviewer's case: one organisation shown (n = 5), the other two hidden. Every output said
    "difference between partners on Respect for each other's interests ≥ 1.50" and on "Value for
    each partner ≥ 2.00", although a divergence needs two means and only one may be shown — here
    the lowest end was the four people of the hidden 4-person organisation, who all answered 1."""
    rules = divergence_rules(model)
    assert rules
    assert says_a_divergence(run_output(args, survey(3), tmp_path, lang), lang, rules), \
        "with min_group 3 every organisation is shown and the divergences are said"
    assert not says_a_divergence(run_output(args, survey(5), tmp_path, lang), lang, rules)


@pytest.mark.parametrize("lang", ["nl", "en"])
@pytest.mark.parametrize("fmt", ["text", "markdown", "json"])
@pytest.mark.parametrize("target", WHY_NOT)
def test_why_not_says_no_divergence_between_the_organisations_shown(survey, target, fmt, lang):
    """Why-not on what a DIV-* rule concludes: the divergence premise fails, said as "no difference
    that large between the organisations shown", with the threshold the rule needs and no value."""
    t = labels().resolve(lang)["explain"]
    result = kansrijk("explain", survey(5), "--why-not", target, "--format", fmt, "--lang", lang)
    assert result.exit_code == 0, result.output
    if fmt == "json":
        premises = [p for c in json.loads(result.output)["why_not"]["candidates"] for p in c["premises"] if p["kind"] == "divergence"]
        assert premises and all(p["value"] is None and not p["holds"] and p["at_least"] for p in premises)
        return
    lines = [line for line in result.output.splitlines() if labels().resolve(lang)["kinds"]["divergence"] in line]
    assert lines and all(t["absent_divergence"] in line and f"{t['needs']} {t['at_least']} " in line for line in lines)
    assert "≥" not in result.output


@pytest.mark.parametrize("lang", ["nl", "en"])
def test_web_pages_say_no_divergence_with_one_organisation_shown(survey, model, tmp_path, lang):
    """The workbench shows the same reports: the advice page, the what-if answer, the report
    download (in the collaboration's language, and in the page's as its link to the other language
    gives it) and the why-not pages. Each is read in its own language. The same pages for
    min_group 3, where every organisation is shown, do say the divergences."""
    from tests.web_support import make_workbench

    def pages(min_group: int) -> list[str]:
        folder = tmp_path / str(min_group)
        folder.mkdir()
        with make_workbench(folder) as client:
            _, aid = client.store.import_case(load_case(str(survey(min_group)), model.kb))
            answers = [client.get(f"/assessments/{aid}?lang={lang}&all=1"),
                       client.post_form(f"/assessments/{aid}/whatif?lang={lang}", {"set.ambition.shared": "1"}),
                       client.get(f"/assessments/{aid}/report.html?lang={lang}"),
                       client.get(f"/assessments/{aid}/report.html?lang={lang}&report_lang={lang}"),
                       *[client.get(f"/assessments/{aid}/whynot?target={w}&lang={lang}") for w in WHY_NOT]]
            for page in answers:
                assert page.status_code == 200, page.text
            return [html.unescape(p.text) for p in answers]

    def language(text: str) -> str:
        return re.search(r'<html lang="(\w+)"', text).group(1)

    rules = divergence_rules(model)
    shown, hidden = pages(3), pages(5)
    own = load_case(str(survey(5)), model.kb).language
    assert [language(text) for text in hidden[:4]] == [lang, lang, own, lang]
    assert all(says_a_divergence(text, language(text), rules) for text in shown[:4])
    assert not any(says_a_divergence(text, language(text), rules) for text in hidden[:4])
    t = labels().resolve(lang)
    for text in hidden[4:]:  # why-not: the premise is named, as not there
        assert text.count(t["kinds"]["divergence"]) == text.count(t["explain"]["absent_divergence"]) > 0
