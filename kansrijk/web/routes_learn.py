"""Learn: the rule base as a causal graph to explore (GET /learn) and the quiz (GET|POST /learn/quiz).

The pages only present: the graph is kansrijk.graph.causal_graph laid out by kansrijk.graph_layout;
what fired for an assessment is the engine's record of Model.infer on the stored case (highlighted
rules are its firings, a node's chain is whatif.chain_firings, its steps Advisor.chain, as the
command line's explain shows them); the quiz is kansrijk.quiz's build, resolve_answer and grade, as
`kansrijk quiz` runs them.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from starlette.concurrency import run_in_threadpool
from starlette.datastructures import FormData
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from kansrijk.engine.record import Inference
from kansrijk.errors import InputError, Msg, Problem, suggest
from kansrijk.graph import Graph, causal_graph
from kansrijk.graph_layout import layout
from kansrijk.model import Model
from kansrijk.quiz import Quiz, build, grade, resolve_answer
from kansrijk.render import labels as report_labels
from kansrijk.report_html import coord, html_environment
from kansrijk.rulebook import instance_key
from kansrijk.store import MAX_ID
from kansrijk.text import Language
from kansrijk.vocabulary import condition_id
from kansrijk.web.conditions import condition_choices
from kansrijk.web.forms import whole_number
from kansrijk.web.pages import date_in, get_model, get_store, render, ui_labels, ui_language
from kansrijk.whatif import chain_firings

ALL = "all"  # ?condition=all: the whole graph
MAX_SEED = 999_999_999  # a quiz's case number; the command line picks new ones below 10,000
PARTIAL = "panel"  # ?partial=panel: only the node's panel, for learn.js


def _report_words(lang: Language) -> dict[str, Any]:
    """The report's labels (`kt`) and its way of saying a fact (`m`: advice_templates/_macros.j2, made
    HTML by report_html's environment as the advice page's parts are), so a step reads as in the advice."""
    kt = report_labels().resolve(lang)
    return {"kt": kt, "m": html_environment().get_template("_macros.j2").make_module({"t": kt, "lang": lang})}


class Refused(Exception):
    """A request the page cannot answer as asked: its status and the problem, said in the reader's language."""

    def __init__(self, status: int, error: InputError):
        super().__init__(str(error))
        self.status, self.error = status, error


@dataclass(frozen=True)
class Assessment:
    """The assessment whose firings the graph shows: what the page says about it and the engine's record."""

    id: int
    collaboration: str
    date: str | None  # in words: '3 september 2026'
    inference: Inference
    focus: str | None
    insufficient: int | None  # too little information to advise: the indicators per condition that would do (coverage)


# --- the graph ---------------------------------------------------------------------------------


def learn_graph(request: Request) -> Response:  # sync: Starlette runs it in a worker thread, the engine off the event loop
    model, lang = get_model(request), ui_language(request)
    params = request.query_params
    try:
        assessment = _assessment(request, model, params.get("assessment", ""))
        condition = _condition(model, params.get("condition", ""), assessment)
        whole = causal_graph(model)  # a node's rules are all its rules, whatever the view
        selected = _node(request, whole, params.get("node", ""))
    except Refused as refused:
        message = refused.error.render(lang)
        if params.get("partial") == PARTIAL:
            return render(request, "_learn_problem.html.j2", {"message": message}, refused.status)
        return render(request, "learn_problem.html.j2", {"message": message}, refused.status)

    graph = whole if condition is None else causal_graph(model, condition)
    fired = {instance_key(f.rule, f.binding) for f in assessment.inference.firings} if assessment else set()
    chain = {instance_key(*pair) for pair in chain_firings(assessment.inference, selected)} \
        if assessment and selected else set()
    chosen = params.get("condition", "") and (condition or ALL)
    link = _linker(chosen, assessment)
    context = {
        "panel": _panel(model, whole, selected, assessment, lang, fired) if selected else None,
        "link": link, "selected": selected, "assessment": assessment, "chain": chain, **_report_words(lang),
    }
    if params.get("partial") == PARTIAL:
        return render(request, "_learn_panel.html.j2", context)
    context.update({
        "graph": graph, "drawing": layout(graph, lang), "coord": coord, "condition": condition,
        "conditions": condition_choices(model.kb, lang), "all": ALL,
        "fired": fired,
        "fired_nodes": {n for e in graph.edges if fired.intersection(e.rules) for n in (e.source, e.target)},
        "chain_nodes": {n for e in graph.edges if chain.intersection(e.rules) for n in (e.source, e.target)},
    })
    return render(request, "learn_graph.html.j2", context)


def _assessment(request: Request, model: Model, raw: str) -> Assessment | None:
    """The stored assessment ?assessment= names and the engine's record of its case; the store's
    NotFound for an unknown id becomes the 404 page."""
    if not raw:
        return None
    aid = _whole_number("assessment", raw, 1, MAX_ID)
    store = get_store(request)
    view = store.assessment(aid)
    inference = model.infer(view.case)
    lang = ui_language(request)
    report = model.report(view.case, inference, lang, trace=False)
    coverage = report.coverage
    return Assessment(aid, store.collaboration(view.collaboration_id).name, date_in(report.date, lang), inference,
                      report.focus, None if coverage.sufficient else coverage.min_answered)


def _condition(model: Model, raw: str, assessment: Assessment | None) -> str | None:
    """The condition to show: ?condition= (an id or its Dutch word), `all` for the whole graph (None).
    By default the publication's point of application: an assessment's focus (§5.3), else the first
    condition in the order of work, where the key lies (§3.5)."""
    if raw == ALL:
        return None
    return _chosen_condition(model, raw) or (assessment and assessment.focus) or model.kb.condition_ids()[0]


def _chosen_condition(model: Model, raw: str) -> str | None:
    """?condition= as a condition's id (it may be its Dutch word); None when not given."""
    if not raw:
        return None
    try:
        return condition_id(model.kb, raw, "condition")
    except InputError as error:
        raise Refused(400, error) from None


def _node(request: Request, graph: Graph, raw: str) -> str | None:
    if not raw:
        return None
    if raw not in graph.by_id:
        known = [n.id for n in graph.nodes]
        allowed = ui_labels(ui_language(request)).learn.node_allowed
        raise Refused(404, InputError("node", [Problem("", Msg("unknown", what=Msg("what.id"), value=raw,
                                                                   hint=suggest(raw, known)), allowed=allowed)]))
    return raw


def _whole_number(field: str, raw: str, low: int, high: int) -> int:
    try:
        return whole_number(raw, field, low, high)
    except InputError as error:
        raise Refused(400, error) from None


def _linker(chosen: str, assessment: Assessment | None):
    """link(node) -> the URL of this view with that node selected (None: no node)."""
    base = {"condition": chosen} if chosen else {}
    if assessment:
        base["assessment"] = assessment.id

    def link(node: str | None = None, with_assessment: bool = True) -> str:
        query = {k: v for k, v in base.items() if with_assessment or k != "assessment"}
        query.update({"node": node} if node else {})
        return "/learn" + ("?" + urlencode(query) if query else "")

    return link


@dataclass(frozen=True)
class PanelRule:
    key: str  # rule instance, e.g. 'SCO-01[ambition]'
    claim: str
    basis: str
    basis_note: str | None
    sections: list[str]
    certainty: float  # the rule's own certainty factor; negative: counter-evidence
    others: tuple[tuple[str, bool], ...]  # (node, negated): its premises, or the node it concludes
    fired: bool


def _panel(model: Model, graph: Graph, node_id: str, assessment: Assessment | None, lang, fired: set[str]) -> dict:
    """What the panel says of one node: the knowledge item, the rules that conclude it (with their
    premises) and the rules that read it (with what they conclude), and for an assessment what the
    engine's record holds for it."""
    node = graph.by_id[node_id]
    item = model.kb.item_of_node(node_id)
    instances = {i.key: i for i in model.book.instances}
    into: dict[str, list[tuple[str, bool]]] = {}
    out: dict[str, list[tuple[str, bool]]] = {}
    for e in graph.edges:  # in the graph's order of edges and of rules on an edge
        for key in e.rules:
            if e.target == node_id:
                into.setdefault(key, []).append((e.source, e.negated))
            if e.source == node_id:
                out.setdefault(key, []).append((e.target, e.negated))

    def rules(found: dict[str, list[tuple[str, bool]]]) -> list[PanelRule]:
        made = []
        for key, others in found.items():
            record = instances[key].record
            made.append(PanelRule(key, record.claim(lang), record.basis,
                                  record.basis_note(lang) if record.basis_note else None, list(record.sections),
                                  record.certainty, tuple(others), key in fired))
        return made

    panel = {
        "node": node, "description": _description(item, lang),
        "sections": list(item.sections), "concluded_by": rules(into), "read_by": rules(out),
        "condition_name": model.kb.by_id["condition"][node.condition].name(lang) if node.condition else None,
        "name_of": lambda other: graph.by_id[other].name(lang),
        "kind_of": lambda other: graph.by_id[other].kind,
    }
    if assessment:
        inference = assessment.inference
        certainty = inference.certainty(node_id)
        panel.update({
            "given": model.advisor.matched_item(inference, node_id, inference.inputs[node_id], lang)
            if node_id in inference.inputs else None,
            "certainty": certainty,
            "likelihood": model.advisor.likelihood(certainty) if certainty is not None else None,
            "steps": model.advisor.chain(inference, node_id, lang),
        })
    return panel


def _description(item, lang) -> str | None:
    """What the knowledge base says a node is: a description, a condition's summary, an indicator's question."""
    for field in ("description", "summary", "question"):
        if hasattr(item, field):
            return getattr(item, field)(lang)
    return None


# --- the quiz ----------------------------------------------------------------------------------


async def learn_quiz(request: Request) -> Response:
    form = await request.form() if request.method == "POST" else None
    return await run_in_threadpool(_quiz, request, form)  # the engine runs up to 50 times: off the event loop


def _quiz(request: Request, form: FormData | None) -> Response:
    model, lang = get_model(request), ui_language(request)
    params = request.query_params
    try:
        condition = _chosen_condition(model, params.get("condition", ""))
        if not params.get("seed", "").strip():
            # a new case, as `kansrijk quiz` without --seed; its URL then gives the same case again
            seed = random.SystemRandom().randrange(1, 10_000)
            return RedirectResponse(_quiz_url(seed, condition), status_code=303)
        seed = _whole_number("seed", params["seed"], 0, MAX_SEED)
    except Refused as refused:
        return render(request, "learn_problem.html.j2", {"message": refused.error.render(lang)}, refused.status)

    built = build(model, seed, lang, condition, list(report_labels().root["quiz"]["settings"]))
    given: dict[str, str] = {}
    errors: dict[str, str] = {}
    graded: Quiz | None = None
    if form is not None:
        for question in built.questions:
            raw = str(form.get(f"answer.{question.id}", "")).strip()
            given[question.id] = raw
            errors.update(_answer_error(request, question, raw))
        if not errors:
            graded = grade(model, built, [given[q.id] for q in built.questions])
    context = {
        "quiz": graded or built, "graded": graded is not None, "given": given, "errors": errors,
        "seed": seed, "condition": condition or "", "action": _quiz_url(seed, condition),
        "conditions": condition_choices(model.kb, lang), **_report_words(lang),
        "describe": lambda item: model.kb.item_of_node(f"observed:{item}").name(lang),
        "question_of": lambda indicator: model.kb.by_id["indicator"][indicator].question(lang),
        "name_of": lambda kind, ident: model.kb.by_id[kind][ident].name(lang),
    }
    return render(request, "learn_quiz.html.j2", context, 400 if errors else 200)


def _quiz_url(seed: int, condition: str | None) -> str:
    return "/learn/quiz?" + urlencode({"seed": seed, **({"condition": condition} if condition else {})})


def _answer_error(request: Request, question, raw: str) -> dict[str, str]:
    """{question id: message} when raw is not one of its options; the command line's wording for a wrong one."""
    lang = ui_language(request)
    if not raw:
        return {question.id: ui_labels(lang).learn.quiz_choose}
    if resolve_answer(question, raw) is not None:
        return {}
    options = [o.id for o in question.options]
    problem = Problem("", Msg("quiz.not_an_option", answer=raw, hint=suggest(raw, options)),
                      allowed=Msg("quiz.options_allowed", options=", ".join(options)))
    return {question.id: InputError(f"answer.{question.id}", [problem]).render(lang)}


routes = [
    Route("/learn", learn_graph, methods=["GET"], name="learn"),
    Route("/learn/quiz", learn_quiz, methods=["GET", "POST"], name="learn_quiz"),
]
