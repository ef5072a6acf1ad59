"""The assessment editor: the twenty indicators of Table 1, the characteristics, the observations,
the date, min_group and notes of one assessment, as a form.

The form is checked by the very model and context the command line reads a case file with
(kansrijk/case.py), so a mistake reads here as it does in a terminal; each problem is shown beside
its field and the form comes back with what was entered. A save carries the version the form was
loaded with: an edit made meanwhile is said, never silently overwritten. A group assessment's
respondents never enter the page: only how many there are; a save keeps them as stored.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from functools import cache
from typing import Any

from starlette.concurrency import run_in_threadpool
from starlette.datastructures import FormData
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from kansrijk import vocabulary
from kansrijk.case import Case, with_allowed
from kansrijk.errors import InputError, Msg, Problem, text
from kansrijk.knowledgebase import LEVELS, KnowledgeBase
from kansrijk.limits import MAX_PROBLEMS
from kansrijk.render import labels as report_labels
from kansrijk.store import StaleEdit
from kansrijk.web.forms import FORM, whole_number
from kansrijk.web.pages import date_in, get_model, get_store, render, ui_labels, ui_language
from kansrijk.yamlfile import Document, validate

DONT_KNOW = ""  # the value of a score's or a characteristic's "don't know" choice
SCORES = tuple(str(score) for score in vocabulary.SCORES)  # the values of a score's choices


@dataclass
class Entry:
    """The form as the text of its fields: what the adviser entered, kept as it is on an error."""

    scores: dict[str, str] = field(default_factory=dict)  # indicator -> "" (don't know) or the value sent
    characteristics: dict[str, str] = field(default_factory=dict)  # characteristic -> "" or the level sent
    observations: list[str] = field(default_factory=list)
    date: str = ""
    min_group: str = ""
    notes: str = ""
    version: str = ""

    @classmethod
    def of_case(cls, case: Case | None, version: int | None = None) -> Entry:
        if case is None:
            return cls(min_group=str(Case.model_fields["min_group"].default), version="")
        return cls(
            scores={key: DONT_KNOW if value is None else str(value) for key, value in case.scores.items()},
            characteristics=dict(case.characteristics),
            observations=list(case.observations),
            date=case.date.isoformat() if case.date else "",
            min_group=str(case.min_group),
            notes=case.notes,
            version="" if version is None else str(version),
        )

    @classmethod
    def of_form(cls, form: FormData) -> Entry:
        """Every field the form can send, by its name; a field this form does not have (or a file
        where text belongs) is ignored. A field name with an unknown id is kept, for its message."""
        entry = cls()
        for name, value in form.multi_items():
            if not isinstance(value, str):
                continue
            kind, _, ident = name.partition(".")
            if kind == "score" and ident:
                entry.scores[ident] = value.strip()
            elif kind == "characteristic" and ident:
                entry.characteristics[ident] = value.strip()
            elif name == "observation" and value.strip():
                entry.observations.append(value.strip())
            elif name in ("date", "min_group", "version"):
                setattr(entry, name, value.strip())
            elif name == "notes":
                entry.notes = value.replace("\r\n", "\n")  # browsers send a textarea's lines with CR LF
        return entry

    def case_data(self, name: str, language: str, stored: Case | None) -> dict[str, Any]:
        """The data of a case file made of the form, with the stored case's respondents: what
        kansrijk/case.py validates. A "don't know" the stored case wrote as null stays null."""
        unknown = {key for key, value in stored.scores.items() if value is None} if stored else set()
        data: dict[str, Any] = {
            "name": name,
            "language": language,
            "characteristics": {key: level for key, level in self.characteristics.items() if level != DONT_KNOW},
            "scores": {key: value for key, value in self.scores.items() if value != DONT_KNOW}
            | {key: None for key, value in self.scores.items() if value == DONT_KNOW and key in unknown},
            "observations": self.observations,
            "respondents": list(stored.respondents) if stored else [],
            "date": self.date or None,
            "notes": self.notes,
        }
        if self.min_group:  # empty: the case's default
            try:
                data["min_group"] = whole_number(self.min_group, "min_group")
            except InputError:  # as typed: the case's own check says what is wrong, as for a file
                data["min_group"] = self.min_group
        return data


@dataclass(frozen=True)
class Checked:
    """What the form's check found: each problem beside its field and in the summary."""

    beside: dict[str, list[str]]  # field name -> messages
    summary: list[tuple[str | None, str, str]]  # (id of the control to go to, the field's label or "", message)


def check(kb: KnowledgeBase, data: dict[str, Any], lang: str) -> Case | Checked:
    """The case, or its problems in the reader's language, worded as the command line words them."""
    try:
        return validate(Case, Document(FORM, data), context={"kb": kb})
    except InputError as error:
        problems = [with_allowed(problem) for problem in error.problems]
        beside: dict[str, list[str]] = {}
        summary: list[tuple[str | None, str, str]] = []
        for problem in problems:
            name = field_of(problem, kb)
            message = problem.said(lang)
            if name is not None:
                beside.setdefault(name, []).append(message)
            # what is allowed is said beside the field; a problem no field shows says it here, its
            # message naming what was sent
            summary.append((first_control(name, kb), field_label(name, kb, lang), text(problem.message, lang))
                           if name else (None, "", message))
        if error.omitted:
            summary.append((None, "", Msg("limit.more_problems", count=error.omitted, limit=MAX_PROBLEMS).render(lang)))
        return Checked(beside, summary)


def field_of(problem: Problem, kb: KnowledgeBase) -> str | None:
    """The form field a problem of the case is about: `scores.ambition.shared` -> `score.ambition.shared`;
    None for a key no field shows (an unknown indicator sent in a field's name)."""
    top, _, rest = problem.key.partition(".")
    top = top.split("[")[0]
    if top == "scores" and rest in kb.by_id["indicator"]:
        return f"score.{rest}"
    if top == "characteristics" and rest in kb.by_id["characteristic"]:
        return f"characteristic.{rest}"
    if top == "observations":
        return "observation"
    if top in ("date", "min_group", "notes"):
        return top
    return None


def field_label(name: str, kb: KnowledgeBase, lang: str) -> str:
    """What the form calls a field: the indicator's or characteristic's name, else its label."""
    kind, _, ident = name.partition(".")
    if kind == "score":
        return kb.by_id["indicator"][ident].name(lang)
    if kind == "characteristic":
        return kb.by_id["characteristic"][ident].name(lang)
    return ui_labels(lang).editor["observations" if name == "observation" else name]


def control_id(name: str, value: str | None = None) -> str:
    """The id of a field's control (of one choice of a group): `f-score.ambition.shared-3`."""
    return f"f-{name}" if value is None else f"f-{name}-{value or 'unknown'}"


def first_control(name: str | None, kb: KnowledgeBase) -> str | None:
    """Where a link to a field goes: its control, or the first choice of its group."""
    if name is None:
        return None
    if name.startswith("score."):
        return control_id(name, SCORES[0])
    if name.startswith("characteristic."):
        return control_id(name, DONT_KNOW)
    if name == "observation":  # the first box of the form
        return control_id(name, observation_groups(kb)[0].kinds[0][1][0].id)
    return control_id(name)


@dataclass(frozen=True)
class ObservationGroup:
    """A condition's observables, by kind: what the form shows as one group of checkboxes."""

    condition: Any
    kinds: tuple[tuple[str, tuple], ...]  # (label key of advice_templates/labels.yaml `browse:`, items)


def observation_groups(kb: KnowledgeBase) -> list[ObservationGroup]:
    """Per condition: the dynamics that threaten, their antecedent signals, the dynamics that show
    attention (a case may list any of them)."""
    groups = []
    for condition in kb.conditions:
        kinds = (
            ("negative_dynamics", tuple(d for d in kb.dynamics if d.condition == condition.id and d.polarity == "negative")),
            ("signals", tuple(s for s in kb.signals if s.condition == condition.id)),
            ("positive_dynamics", tuple(d for d in kb.dynamics if d.condition == condition.id and d.polarity == "positive")),
        )
        groups.append(ObservationGroup(condition, tuple((key, items) for key, items in kinds if items)))
    return groups


@cache
def _report_texts(lang: str) -> dict[str, Any]:
    """The report's words (levels, "don't know", the kinds of observation) in one language."""
    return report_labels().resolve(lang)


def changed_at(view, lang: str) -> str:
    """When the stored assessment was last saved: the day in words and the time to the minute, in
    the server's time zone, named (the adviser's browser may be elsewhere)."""
    local = view.updated_at.astimezone()
    return ui_labels(lang).editor.changed_at.format(date=date_in(local.date(), lang), time=local.strftime("%H:%M"),
                                                    zone=local.tzname())


def _form_page(request: Request, *, collaboration, entry: Entry, action: str, cancel: str,
               stored: Case | None = None, assessment=None, checked: Checked | None = None,
               stale: str | None = None, prefilled_from=None, status_code: int = 200) -> Response:
    kb = get_model(request).kb
    lang = ui_language(request)
    respondents = stored.respondents if stored is not None else []
    return render(request, "editor_form.html.j2", {
        "kb": kb,
        "rt": _report_texts(lang),
        "collaboration": collaboration,
        "assessment": assessment,
        "entry": entry,
        "action": action,
        "cancel": cancel,
        "beside": checked.beside if checked else {},
        "summary": checked.summary if checked else [],
        "stale": stale,
        "prefilled_from": prefilled_from,
        "respondents": len(respondents),
        "organisations": len({r.organisation for r in respondents}),
        "groups": observation_groups(kb),
        "scores": SCORES,
        "dont_know": DONT_KNOW,
        "levels": LEVELS,
        "control_id": control_id,
    }, status_code=status_code)


async def new_assessment(request: Request) -> Response:
    store = get_store(request)
    cid = request.path_params["cid"]
    collaboration = await run_in_threadpool(store.collaboration, cid)
    action, cancel = request.url.path, f"/collaborations/{cid}"
    if request.method == "GET":
        latest = collaboration.assessments[-1] if collaboration.assessments else None
        entry = Entry.of_case(None)
        entry.date = dt.date.today().isoformat()
        if latest is not None:  # the characteristics change slowly (§2): start from the last ones
            entry.characteristics = dict((await run_in_threadpool(store.assessment, latest.id)).case.characteristics)
        return _form_page(request, collaboration=collaboration, entry=entry, action=action, cancel=cancel,
                          prefilled_from=latest if latest and entry.characteristics else None)
    entry = Entry.of_form(await request.form())
    entry.version = ""
    result = check(get_model(request).kb, entry.case_data(collaboration.name, collaboration.language, None),
                   ui_language(request))
    if isinstance(result, Checked):
        return _form_page(request, collaboration=collaboration, entry=entry, action=action, cancel=cancel,
                          checked=result, status_code=400)
    aid = await run_in_threadpool(store.save_assessment, cid, result)
    return _saved(aid)


def _with_version_problem(result: Case | Checked, sent: str, lang: str) -> tuple[Case | Checked, int]:
    """The form's check with a problem of its version when that field is missing or was changed:
    said beside it (a 400), not taken for another adviser's edit. The version read otherwise."""
    try:
        return result, whole_number(sent, "version", 1)
    except InputError as error:
        checked = result if isinstance(result, Checked) else Checked({}, [])
        message = error.problems[0].said(lang)
        checked.beside["version"] = [message]
        checked.summary.insert(0, (None, ui_labels(lang).editor.version, message))
        return checked, 0


async def edit_assessment(request: Request) -> Response:
    store = get_store(request)
    aid = request.path_params["aid"]
    view = await run_in_threadpool(store.assessment, aid)
    collaboration = await run_in_threadpool(store.collaboration, view.collaboration_id)
    page = dict(collaboration=collaboration, action=request.url.path, cancel=f"/assessments/{aid}",
                stored=view.case, assessment=view)
    if request.method == "GET":
        return _form_page(request, entry=Entry.of_case(view.case, view.version), **page)
    entry = Entry.of_form(await request.form())
    lang = ui_language(request)
    result = check(get_model(request).kb, entry.case_data(collaboration.name, collaboration.language, view.case), lang)
    result, version = _with_version_problem(result, entry.version, lang)
    if isinstance(result, Checked):
        if "version" in result.beside:  # the form now carries the stored version: saving again is a choice
            entry.version = str(view.version)
            result.beside["version"].append(ui_labels(lang).editor.version_replaced.format(when=changed_at(view, lang)))
        return _form_page(request, entry=entry, checked=result, status_code=400, **page)
    try:
        await run_in_threadpool(store.save_assessment, view.collaboration_id, result, aid, version)
    except StaleEdit:
        current = await run_in_threadpool(store.assessment, aid)
        # what was entered stays; the form now carries the current version, so saving it again
        # is a deliberate choice to replace the other edit, said on the page
        entry.version = str(current.version)
        page.update(stored=current.case, assessment=current)
        return _form_page(request, entry=entry, stale=changed_at(current, lang), status_code=409, **page)
    return _saved(aid)


def _saved(aid: int) -> Response:
    """After a save, the assessment's advice page, which then says that it was saved."""
    return RedirectResponse(f"/assessments/{aid}?saved=1", status_code=303)


async def delete_assessment(request: Request) -> Response:
    """Asks first (a page with the question); deletes only when confirmed, for the version asked about."""
    store = get_store(request)
    aid = request.path_params["aid"]
    form = await request.form()
    view = await run_in_threadpool(store.assessment, aid)
    collaboration = await run_in_threadpool(store.collaboration, view.collaboration_id)
    stale = problem = None
    lang = ui_language(request)
    try:
        version = whole_number(str(form.get("version", "")), "version", 1)
    except InputError as error:  # a missing or changed field: said, and the question asked again
        problem = f"{ui_labels(lang).editor.version}: {error.problems[0].said(lang)}"
    else:
        if form.get("confirm") == "yes":
            try:
                await run_in_threadpool(store.delete_assessment, aid, version)
            except StaleEdit:
                view = await run_in_threadpool(store.assessment, aid)
                stale = changed_at(view, lang)
            else:
                return RedirectResponse(f"/collaborations/{collaboration.id}", status_code=303)
        elif view.version != version:  # the form asked about an older version
            stale = changed_at(view, lang)
    return render(request, "editor_delete.html.j2", {
        "collaboration": collaboration, "assessment": view, "stale": stale, "problem": problem,
    }, status_code=400 if problem else 409 if stale else 200)


routes = [
    Route("/collaborations/{cid:int}/assessments/new", new_assessment, methods=["GET", "POST"], name="assessment_new"),
    Route("/assessments/{aid:int}/edit", edit_assessment, methods=["GET", "POST"], name="assessment_edit"),
    Route("/assessments/{aid:int}/delete", delete_assessment, methods=["POST"], name="assessment_delete"),
]
