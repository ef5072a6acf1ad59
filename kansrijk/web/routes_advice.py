"""The advice pages: an assessment's one-page summary with the justification of every item, why-not
for any intervention or dynamic, the what-if panel, and the downloads (the report for the adviser
and the one for the partners, in the collaboration's language or the other, and the case file).

Everything is computed by the library exactly as the command line computes it (Model.infer and
report, Explainer, whatif.what_if, render_html) and shown through the report's own parts
(advice_templates/_report_summary.html.j2, _explain_macros.j2, _change_macros.j2), so the page
says what the report says, disclosure-filtered the same way. Nothing here is ever saved.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import PurePath
from typing import Any

from starlette.concurrency import run_in_threadpool
from starlette.datastructures import FormData
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from kansrijk.advice import Report
from kansrijk.case import Case
from kansrijk.engine.record import Inference
from kansrijk.errors import InputError, Msg, Problem
from kansrijk.explain import Explainer, resolve_target
from kansrijk.formats import AUDIENCES, DEFAULT_TOP
from kansrijk.model import Model
from kansrijk.render import labels as report_labels
from kansrijk.render import naming
from kansrijk.report_html import render_html
from kansrijk.store import AssessmentView
from kansrijk.store.exchange import case_file_text, file_names
from kansrijk.text import LANGUAGES, Language
from kansrijk.whatif import WhatIf, parse_edits, what_if
from kansrijk.web.conditions import condition_names
from kansrijk.web.report_parts import change_parts, explain_parts, report_parts
from kansrijk.web.pages import date_in, get_model, get_store, render, ui_labels, ui_language

UNKNOWN_SCORE = "none"  # a what-if select's value for "don't know" (kansrijk/vocabulary.py reads it)
# the report download's query: `?lang=` is the page's own language (remembered in the session), so
# the report's language has a name of its own
REPORT_LANG = "report_lang"
AUDIENCE = "audience"


@dataclass(frozen=True)
class Assessed:
    """One assessment as the engine saw it, in the reader's language."""

    view: AssessmentView
    model: Model
    inference: Inference
    report: Report
    lang: Language


def assessed(request: Request) -> Assessed:
    """The assessment of the URL (an unknown id raises the store's NotFound: the 404 page) and the
    engine's record and report of it, as `kansrijk advise` makes them, in the page's language."""
    return assess(request, get_store(request).assessment(request.path_params["aid"]), ui_language(request))


def assess(request: Request, view: AssessmentView, lang: Language) -> Assessed:
    model = get_model(request)
    inference = model.infer(view.case)
    return Assessed(view, model, inference, model.report(view.case, inference, lang), lang)


def targets(model: Model, lang: Language) -> list[tuple[str, list[tuple[str, str]]]]:
    """What why-not can be asked about, grouped: (group label, [(id, name)]) per condition, the
    interventions first, then the dynamics."""
    t = ui_labels(lang).advice
    groups = []
    for table, label in (("intervention", t.whynot_interventions), ("dynamic", t.whynot_dynamics)):
        for condition in model.kb.conditions:
            items = [(i.id, i.name(lang)) for i in model.kb.by_id[table].values() if i.condition == condition.id]
            if items:
                groups.append((label.format(condition=condition.name(lang)), items))
    return groups


def whatif_fields(a: Assessed, form: FormData | None) -> list[dict[str, Any]]:
    """The what-if form per condition: each indicator with its current score as the report may
    show it (disclosure-filtered: a group's withheld mean is not shown) and the value chosen, and
    each dynamic and signal with whether it is ticked (observed now, or as the form was sent)."""
    kb, case = a.model.kb, a.view.case
    ticked = set(form.getlist("observed")) if form is not None else case.observed()
    fields = []
    for condition in kb.conditions:
        indicators = []
        for indicator in kb.indicators_of(condition.id):
            node = f"score:{indicator.id}"
            now = a.model.advisor.disclosed(a.inference, node, a.inference.inputs.get(node))
            chosen = str(form.get(f"set.{indicator.id}", "")) if form is not None else ""
            indicators.append({"id": indicator.id, "name": indicator.name(a.lang), "now": now, "chosen": chosen})
        observable = [o for o in (*kb.dynamics, *kb.signals) if o.condition == condition.id]
        observations = [{"id": o.id, "name": o.name(a.lang), "ticked": o.id in ticked} for o in observable]
        fields.append({"id": condition.id, "name": condition.name(a.lang), "indicators": indicators,
                       "observations": observations})
    return fields


def page_context(request: Request, a: Assessed) -> dict[str, Any]:
    report, rt = a.report, report_labels().resolve(a.lang)
    return {
        "a": a.view, "report": report, "s": report_parts(report), "rt": rt, "names": condition_names(report),
        "date": date_in(report.date, a.lang),
        "top": DEFAULT_TOP, "show_all": request.query_params.get("all") == "1",
        "targets": targets(a.model, a.lang), "fields": whatif_fields(a, None), "unknown_score": UNKNOWN_SCORE,
        "whatif": None, "problems": [], "download_problems": [],
        # the editor comes back here after saving (`?saved=1`)
        "saved": request.query_params.get("saved") == "1",
        "reports": report_links(a.view),
    }


def report_links(view: AssessmentView) -> list[dict[str, Any]]:
    """The report downloads, for the adviser and for the partners: each in the collaboration's
    language (the case's `language`, which the reports are for), and a link to the other language."""
    own = view.case.language
    other = next(lang for lang in LANGUAGES if lang != own)
    base = f"/assessments/{view.id}/report.html"
    return [{"audience": audience, "language": own, "other": other,
             "href": base + ("" if audience == "adviser" else f"?{AUDIENCE}={audience}"),
             "href_other": base + f"?{REPORT_LANG}={other}" + ("" if audience == "adviser" else f"&{AUDIENCE}={audience}")}
            for audience in AUDIENCES]


# -- the summary -----------------------------------------------------------------------------------

def advice_page(request: Request) -> Response:
    a = assessed(request)
    return render(request, "advice_page.html.j2", page_context(request, a))


# -- why not ---------------------------------------------------------------------------------------

def whynot_page(request: Request) -> Response:
    """Why an intervention or a dynamic was not concluded; a missing or unknown id gets the form
    again with the message (400, 404), never an error page without a way on."""
    a = assessed(request)
    target = request.query_params.get("target", "").strip()
    context = {"a": a.view, "report": a.report, "targets": targets(a.model, a.lang), "target": target,
               "rt": report_labels().resolve(a.lang), "x": explain_parts(a.lang), "result": None, "problems": []}
    if not target:
        context["problems"] = [ui_labels(a.lang).advice.whynot_missing]
        return render(request, "advice_whynot.html.j2", context, status_code=400)
    try:
        node = resolve_target(a.model.kb, target, field="target")
    except InputError as error:
        context["problems"] = problems(error, a.lang)
        return render(request, "advice_whynot.html.j2", context, status_code=404)
    context["result"] = Explainer(a.model.advisor).why_not(a.inference, node, a.lang)
    return render(request, "advice_whynot.html.j2", context)


def problems(error: InputError, lang: Language) -> list[str]:
    """Each problem as `key: message (allowed: ...)` in the reader's language, the command line's words."""
    return [f"{p.key}: {p.said(lang)}" if p.key else p.said(lang) for p in error.problems]


# -- what if ---------------------------------------------------------------------------------------

def edits_of(form: FormData, case: Case) -> tuple[tuple[str, ...], tuple[str, ...], tuple[str, ...]]:
    """The form as `kansrijk whatif`'s --set, --add and --remove: a score chosen for an indicator
    (`set.<id>`, "none" for don't know), and the observations ticked or unticked against the case.
    A form without its observation list (`observations` absent) leaves the observations alone."""
    sets = tuple(f"{key.removeprefix('set.')}={value}" for key, value in form.multi_items()
                 if key.startswith("set.") and str(value).strip())
    if "observations" not in form:
        return sets, (), ()
    ticked, observed = set(form.getlist("observed")), case.observed()
    return sets, tuple(sorted(ticked - observed)), tuple(sorted(observed - ticked))


async def whatif_page(request: Request) -> Response:
    """The advice after the form's changes, beside the advice now; nothing is saved. `?partial=1`
    (fetch from advice.js) answers the result alone, for #whatif-result; otherwise the whole page."""
    form = await request.form()
    return await run_in_threadpool(_whatif, request, form)


def _whatif(request: Request, form: FormData) -> Response:
    a = assessed(request)
    result, found, status = None, [], 200
    try:
        edits = parse_edits(*edits_of(form, a.view.case))
        if edits:
            result = what_if(a.model, a.view.case, edits, a.lang, now=(a.inference, a.report))
        else:
            found, status = [ui_labels(a.lang).advice.whatif_nothing], 400
    except InputError as error:
        found, status = problems(error, a.lang), 400
    result_context = {"whatif": result, "problems": found, **(whatif_context(a, result) if result else {})}
    if request.query_params.get("partial") == "1":
        return render(request, "_advice_whatif_result.html.j2", result_context, status_code=status)
    context = page_context(request, a) | result_context | {"fields": whatif_fields(a, form)}
    return render(request, "advice_page.html.j2", context, status_code=status)


def whatif_context(a: Assessed, result: WhatIf) -> dict[str, Any]:
    """What the answer shows beside the changes: those a person reads in words (a change in
    certainty alone is counted), what stays as it was (the focus, the first interventions), and the
    report's parts of the changed report."""
    shown = [c for c in result.changes if c.in_words()]
    after = result.after
    return {"ch": change_parts(a.model, a.lang, after), "after": report_parts(after),
            "name_of": naming(a.model, a.lang)["name_of"],
            "shown": shown, "certainty_only": len(result.changes) - len(shown),
            # said only where there is something that stays: a focus, some advice
            "same_focus": result.same_focus(), "same_top": result.same_first(DEFAULT_TOP),
            "rt": report_labels().resolve(a.lang), "names": condition_names(after), "top": DEFAULT_TOP}


# -- downloads -------------------------------------------------------------------------------------

def download_name(view: AssessmentView, suffix: str, tags: list[str] | None = None) -> str:
    """The name `kansrijk store export` gives the assessment's case file (collaboration and date),
    with these tags after a hyphen each and this suffix."""
    stem = PurePath(file_names([(view.case.name, view.date, view.id)])[0]).stem
    return "-".join([stem, *(tags or [])]) + suffix


def report_download(request: Request) -> Response:
    """The HTML report `kansrijk report` writes for this assessment, to keep or send: in the
    collaboration's language unless `?report_lang=` names the other, for the adviser unless
    `?audience=partners` (as `kansrijk report --audience partners`: without the adviser's notes and
    the rule trace). A value not allowed gets the advice page again with the message (400)."""
    query = request.query_params
    found = [Problem(key, Msg("not_allowed", value=query[key]), allowed=", ".join(allowed))
             for key, allowed in ((REPORT_LANG, LANGUAGES), (AUDIENCE, AUDIENCES))
             if key in query and query[key] not in allowed]
    if found:
        a = assessed(request)
        context = page_context(request, a) | {"download_problems": problems(InputError("", found), a.lang)}
        return render(request, "advice_page.html.j2", context, status_code=400)
    view = get_store(request).assessment(request.path_params["aid"])
    lang, audience = query.get(REPORT_LANG, view.case.language), query.get(AUDIENCE, "adviser")
    page = render_html(assess(request, view, lang).report, audience=audience)
    # the file's name says what differs from the adviser's report in the collaboration's language
    tags = [audience] * (audience != "adviser") + [lang] * (lang != view.case.language)
    return attachment(page, "text/html; charset=utf-8", download_name(view, ".html", tags))


def case_download(request: Request) -> Response:
    """The assessment as the case file `kansrijk store export` writes, which `kansrijk advise` reads.
    A group assessment's file holds every respondent's own answers, which no page shows (privacy,
    min_group): it is handed out only after a page that says so, once confirmed (`?confirm=1`)."""
    view = get_store(request).assessment(request.path_params["aid"])
    if view.case.respondents and request.query_params.get("confirm") != "1":
        return render(request, "advice_case_confirm.html.j2", {
            "a": view, "respondents": len(view.case.respondents), "name": download_name(view, ".yaml")})
    return attachment(case_file_text(view.case), "application/yaml; charset=utf-8", download_name(view, ".yaml"))


def attachment(body: str, media_type: str, filename: str) -> Response:
    return Response(body, media_type=media_type, headers={"content-disposition": f'attachment; filename="{filename}"'})


routes = [
    Route("/assessments/{aid:int}", advice_page, methods=["GET"], name="advice"),
    Route("/assessments/{aid:int}/whynot", whynot_page, methods=["GET"], name="advice_whynot"),
    Route("/assessments/{aid:int}/whatif", whatif_page, methods=["POST"], name="advice_whatif"),
    Route("/assessments/{aid:int}/report.html", report_download, methods=["GET"], name="advice_report"),
    Route("/assessments/{aid:int}/case.yaml", case_download, methods=["GET"], name="advice_case"),
]
