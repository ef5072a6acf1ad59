"""The guided intake behind `kansrijk interview`: asks for a case step by step and builds the
data of a valid case file. Reading and printing are passed in (`ask`, `say`), so the whole
interview runs without a terminal in tests; every word shown comes from labels.yaml
(`interview:`) and the interview_*.text.j2 templates.

Answers are read in the one vocabulary of kansrijk/vocabulary.py (a score as 1..5, 'mee eens',
'agree', '?', 'weet niet'; a level as hoog/high/h). Nothing answered is lost: the answers are
kept in the `answers` dict passed in as they are given, so that the command can save them when
the interview is interrupted; end of input at the notes ends the interview as an empty line does;
an empty answer to a score is asked again once before it counts as don't know."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import yaml

from kansrijk.case import Case
from kansrijk.errors import MessageError, closest
from kansrijk.knowledgebase import KnowledgeBase
from kansrijk.render import labels, render
from kansrijk.text import LANGUAGES, Language, nul_character
from kansrijk.vocabulary import level_value, score_value

Ask = Callable[[str], str]  # shows a prompt, returns the line typed; raises on EOF / Ctrl-C
Say = Callable[[str], None]  # prints text as is (no newline added)

KEYS = ("name", "language", "characteristics", "scores", "observations", "notes")  # order in the file


class Invalid(ValueError):
    """An answer that cannot be used; its text is what to show before asking again."""


def _norm(raw: str) -> str:
    return " ".join(raw.strip().lower().replace("\u2019", "'").split())


def _both(*path: str) -> set[str]:
    """A label in both languages, normalised: answers are accepted in either language."""
    value: Any = labels().root
    for key in path:
        value = value[key]
    return {_norm(value[lang]) for lang in LANGUAGES}


def parse_name(raw: str, hint: str, lang: Language) -> str:
    name = raw.strip()
    if not name:
        raise Invalid(hint)
    problem = nul_character(name)  # the one character a name cannot be stored with
    if problem is not None:
        raise Invalid(problem.render(lang))
    return name


def parse_level(raw: str, hint: str) -> str | None:
    """'low' | 'medium' | 'high' in any form of the vocabulary (laag/middel/hoog, l/m/h), None to
    skip (empty, 'overslaan', 'skip', or don't know)."""
    word = _norm(raw)
    if word in {""} | _both("interview", "characteristics", "skip"):
        return None
    try:
        return level_value(word)
    except MessageError:
        raise Invalid(hint) from None


def parse_score(raw: str, hint: str) -> int | None:
    """1..5, an answer such as 'mee eens' or 'agree', or None for don't know ('?', empty,
    'weet niet', "don't know")."""
    word = _norm(raw)
    if not word:
        return None
    try:
        value = score_value(word)
    except MessageError:  # score_value gives 1..5 or None for text, or says why not
        raise Invalid(hint) from None
    return value


@dataclass(frozen=True)
class Menu:
    """The numbered list of observables: negative dynamics per condition, then signals per condition."""

    numbered: tuple[str, ...]  # ids in the order they are numbered 1..n
    accepted: tuple[str, ...]  # every id a case may list: the numbered ones, then the rest (positive dynamics)
    sections: tuple  # ((label key, ((condition, ((number, item), ...)), ...)), ...) for the template


def observation_menu(kb: KnowledgeBase) -> Menu:
    numbered: list[str] = []
    sections = []
    for heading, items in (("dynamics", [d for d in kb.dynamics if d.polarity == "negative"]),
                           ("signals", list(kb.signals))):
        groups = []
        for condition in kb.conditions:
            mine = []
            for item in items:
                if item.condition == condition.id:
                    numbered.append(item.id)
                    mine.append((len(numbered), item))
            if mine:
                groups.append((condition, tuple(mine)))
        sections.append((heading, tuple(groups)))
    rest = [i for i in kb.observable_ids() if i not in numbered]
    return Menu(tuple(numbered), tuple(numbered + rest), tuple(sections))


def parse_observations(raw: str, menu: Menu, t: dict) -> list[str]:
    """Numbers or ids separated by commas, semicolons or spaces -> ids in menu order, each once."""
    chosen: set[str] = set()
    problems = []
    for token in (tok for tok in re.split(r"[,;\s]+", raw.strip()) if tok):
        if token.isdigit():
            number = int(token)
            if 1 <= number <= len(menu.numbered):
                chosen.add(menu.numbered[number - 1])
            else:
                problems.append(f"'{token}': {t['out_of_range']} {len(menu.numbered)}")
            continue
        ident = token.lower().replace("-", "_")
        if ident in menu.accepted:
            chosen.add(ident)
            continue
        message = f"'{token}': {t['unknown']}"
        close = closest(ident, menu.accepted)
        if close:
            number = menu.numbered.index(close) + 1 if close in menu.numbered else None
            message += f"; {t['did_you_mean']} '{close}'" + (f" ({number})" if number else "") + "?"
        problems.append(message)
    if problems:
        raise Invalid("\n".join(problems + [t["hint"]]))
    return [ident for ident in menu.accepted if ident in chosen]


def _ask_until(ask: Ask, say: Say, prompt: str, parse: Callable[[str], Any]) -> Any:
    while True:
        raw = ask(f"{prompt}: ")
        try:
            return parse(raw)
        except Invalid as problem:
            say(f"{problem}\n")


def _ask_score(ask: Ask, say: Say, t: dict) -> int | None:
    """A score; an empty answer is asked again once ("Enter again for don't know"), so that an
    accidental Enter does not silently record don't know."""
    empty = 0
    while True:
        raw = ask(f"{t['prompt']}: ")
        if not raw.strip():
            empty += 1
            if empty == 2:
                return None
            say(f"{t['again']}\n")
            continue
        try:
            return parse_score(raw, t["hint"])
        except Invalid as problem:
            say(f"{problem}\n")
            empty = 0


def run_interview(kb: KnowledgeBase, lang: Language, ask: Ask, say: Say, answers: dict | None = None) -> dict:
    """Ask for a whole case; the data of a valid case file, keys in the order of KEYS.

    `answers` (a dict, empty at the start) holds what was answered so far while the interview
    runs: the caller can save it as a partial case when the interview is interrupted."""
    answers = {} if answers is None else answers
    t = labels().resolve(lang)["interview"]
    say(render("interview_intro.text.j2", lang))
    answers["name"] = _ask_until(ask, say, t["name"]["prompt"], lambda raw: parse_name(raw, t["name"]["required"], lang))
    answers["language"] = lang

    say(render("interview_part.text.j2", lang, part="characteristics"))
    characteristics: dict[str, str] = answers.setdefault("characteristics", {})
    for number, item in enumerate(kb.characteristics, start=1):
        say(render("interview_characteristic.text.j2", lang, c=item, number=number, total=len(kb.characteristics)))
        level = _ask_until(ask, say, t["characteristics"]["prompt"],
                           lambda raw: parse_level(raw, t["characteristics"]["hint"]))
        if level is not None:
            characteristics[item.id] = level

    say(render("interview_part.text.j2", lang, part="indicators"))
    scores: dict[str, int | None] = answers.setdefault("scores", {})
    number = 0
    for condition in kb.conditions:
        say(render("interview_condition.text.j2", lang, c=condition))
        for indicator in kb.indicators_of(condition.id):
            number += 1
            say(render("interview_indicator.text.j2", lang, i=indicator, number=number, total=len(kb.indicators)))
            scores[indicator.id] = _ask_score(ask, say, t["indicators"])
    # Table 1 order, whatever the order of the conditions
    answers["scores"] = {i.id: scores[i.id] for i in kb.indicators}

    say(render("interview_part.text.j2", lang, part="observations"))
    menu = observation_menu(kb)
    say(render("interview_observations.text.j2", lang, menu=menu))
    answers["observations"] = _ask_until(ask, say, t["observations"]["prompt"],
                                         lambda raw: parse_observations(raw, menu, t["observations"]))

    say(render("interview_part.text.j2", lang, part="notes"))
    lines: list[str] = []
    while True:
        try:
            line = ask("> ").rstrip()
        except EOFError:  # end of input at the last, optional question: the interview is done
            say("\n")
            break
        if not line.strip():
            break
        problem = nul_character(line)
        if problem is not None:  # the line is typed again, as a wrong answer is
            say(f"{problem.render(lang)}\n")
            continue
        lines.append(line)
        answers["notes"] = "\n".join(lines)

    answers["notes"] = "\n".join(lines)
    data = {key: answers[key] for key in KEYS}
    Case.model_validate(data, context={"kb": kb})  # never write a file kansrijk would refuse
    return data


def partial_case(answers: dict, kb: KnowledgeBase) -> dict | None:
    """What was answered before an interruption as the data of a case file (the questions not
    reached are left out, so a score not asked is not a don't know), or None when not even the
    name was given."""
    if not answers.get("name"):
        return None
    data = {key: answers[key] for key in KEYS if key in answers}
    if "scores" in data:  # Table 1 order
        data["scores"] = {i.id: data["scores"][i.id] for i in kb.indicators if i.id in data["scores"]}
    return data


class _Dumper(yaml.SafeDumper):
    """Multi-line notes as a readable literal block."""


def _text(dumper: yaml.SafeDumper, value: str) -> yaml.ScalarNode:
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style="|" if "\n" in value else None)


_Dumper.add_representer(str, _text)


def case_yaml(data: dict) -> str:
    """The case file: the keys of KEYS in that order, then anything else in the order given."""
    ordered = {key: data[key] for key in KEYS if key in data} | {k: v for k, v in data.items() if k not in KEYS}
    return yaml.dump(ordered, Dumper=_Dumper, sort_keys=False, allow_unicode=True, default_flow_style=False,
                     width=100)
