"""The collaborations: the list (search, create, import) and one collaboration's page (its
assessments, the chart of the five conditions over them, compare any two, edit its name,
language and notes).

Every band, focus and mean shown is the engine's, read off the report of each assessment as
`kansrijk advise` makes it (disclosure included); the comparison is `kansrijk compare`'s
(kansrijk/monitor.py). Store calls and the engine run in the thread pool, so that the event loop
stays free for other requests (the app's model runs one case at a time, kansrijk/web/app.py).
"""

from __future__ import annotations

import datetime as dt
import secrets
import tempfile
from collections import OrderedDict
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from starlette.concurrency import run_in_threadpool
from starlette.datastructures import FormData, UploadFile
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from kansrijk.advice import Report
from kansrijk.case import Case, with_allowed
from kansrijk.errors import InputError, Msg, Problem
from kansrijk.model import Model
from kansrijk.monitor import compare_cases
from kansrijk.render import labels as report_labels
from kansrijk.store import StaleEdit
from kansrijk.store.exchange import Imported, import_files
from kansrijk.text import LANGUAGES
from kansrijk.web.advice_cache import advise_cached
from kansrijk.web.conditions import condition_choices, condition_names
from kansrijk.web.forms import FORM, whole_number
from kansrijk.web.pages import date_in, get_model, get_store, render, ui_labels, ui_language
from kansrijk.web.report_parts import change_parts, report_parts
from kansrijk.web.trend import trend_chart
from kansrijk.yamlfile import Document, validate

MAX_UPLOADS = 100  # case files in one import (kansrijk/limits.py bounds each file's size when it is read)
# what an upload may be, by the end of its name: case files and survey exports (read by
# kansrijk/store/exchange.py), and the survey's mapping; the name itself is never used as a path
CASE_SUFFIXES = (".yaml", ".yml", ".json", ".csv", ".xlsx")
MAPPING_SUFFIXES = (".yaml", ".yml", ".json")
MAX_STEM_BYTES = 200  # of an upload's name as stored here (a file system's names hold 255)
IMPORT_RESULT = "import_result"  # session key: the token of the import result the list shows next
MAX_KEPT_RESULTS = 100  # import results kept for their list page; the oldest go first


@dataclass(frozen=True)
class Row:
    """One assessment as the pages list it: when, its focus and its five bands."""

    id: int
    date: dt.date | None
    label: str  # its date, or its place in the order when undated
    report: Report

    @property
    def focus_name(self) -> str | None:
        return next((c.name for c in self.report.conditions if c.id == self.report.focus), None)


def rows(model: Model, assessments: list[tuple], lang: str) -> list[Row]:
    """(summary, case) pairs as rows, each with the report `kansrijk advise` gives on its case
    (kept by the advice cache: a page shown again runs the engine only for what changed)."""
    return [Row(summary.id, summary.date, date_in(summary.date, lang) or f"#{place}",
                advise_cached(model, summary, case, lang))
            for place, (summary, case) in enumerate(assessments, start=1)]


def last_rows(model: Model, found: list[tuple], lang: str) -> list[tuple]:
    """Store.last_cases' (collaboration, case of its last assessment) as (collaboration, its row)."""
    return [(summary, rows(model, [(summary.last, case)], lang)[0] if case is not None else None)
            for summary, case in found]


def check_collaboration(form, model: Model, lang: str) -> tuple[dict[str, str], dict[str, str]]:
    """The form's name, language and notes as typed, and a message per field that is wrong:
    checked as a case file's name, language and notes are, in the command line's words."""
    values = {key: str(form.get(key, "")) for key in ("name", "language", "notes")}
    values["notes"] = values["notes"].replace("\r\n", "\n")  # browsers send a textarea's lines with CR LF
    errors: dict[str, str] = {}
    try:
        validate(Case, Document(FORM, values), context={"kb": model.kb})
    except InputError as error:
        for problem in error.problems:
            key = problem.key.split(".")[0]
            errors[key] = with_allowed(problem).said(lang)
    return values, errors


@dataclass(frozen=True)
class ImportedFile:
    """One imported file as the list reports it: its name as the user gave it, what it became,
    and the assessment the collaboration already had with the same date and content, if any."""

    name: str
    item: Imported
    identical_to: int | None


def identical_before(store, done: list[Imported]) -> list[int | None]:
    """Per imported assessment, an earlier assessment of its collaboration with an equal case (the
    same date and content: most likely the same file imported twice), else None."""
    cases = {cid: store.cases(cid) for cid in {item.collaboration_id for item in done}}
    found = []
    for item in done:
        mine = next(case for summary, case in cases[item.collaboration_id] if summary.id == item.assessment_id)
        found.append(min((summary.id for summary, case in cases[item.collaboration_id]
                          if summary.id < item.assessment_id and case == mine), default=None))
    return found


def _kept_results(request: Request) -> OrderedDict:
    """Import results waiting for the list page that shows them once, by token, in this process:
    a hundred files' names would not fit in the session's cookie (a browser keeps 4 kB)."""
    state = request.app.state
    if not hasattr(state, "import_results"):
        state.import_results = OrderedDict()
    return state.import_results


def keep_result(request: Request, imported: list[ImportedFile]) -> None:
    """Keep the result for the next list page of this session (its token in the session)."""
    kept = _kept_results(request)
    token = secrets.token_urlsafe(16)
    kept[token] = imported
    while len(kept) > MAX_KEPT_RESULTS:
        kept.popitem(last=False)
    request.session[IMPORT_RESULT] = token


def take_result(request: Request) -> list[ImportedFile] | None:
    """The result of this session's last import, once: a reload shows the list without it."""
    token = request.session.pop(IMPORT_RESULT, None)
    return _kept_results(request).pop(token, None) if isinstance(token, str) else None


# -- the list -------------------------------------------------------------------------------------

async def list_page(request: Request, form: dict | None = None, errors: dict | None = None,
                    import_error: str | None = None, status_code: int = 200) -> Response:
    store, model, lang = get_store(request), get_model(request), ui_language(request)
    search = request.query_params.get("q", "").strip()
    imported = take_result(request) if request.method == "GET" else None
    items = await run_in_threadpool(last_rows, model, await run_in_threadpool(store.last_cases, search), lang)
    return render(request, "collaborations_list.html.j2", {
        "q": search, "items": items, "rt": report_labels().resolve(lang), "conditions": condition_choices(model.kb, lang),
        "form": form or {"name": "", "language": lang, "notes": ""}, "errors": errors or {},
        "imported": imported, "import_error": import_error, "languages": LANGUAGES,
    }, status_code=status_code)


async def index(request: Request) -> Response:
    return await list_page(request)


async def create(request: Request) -> Response:
    model, lang = get_model(request), ui_language(request)
    values, errors = check_collaboration(await request.form(), model, lang)
    if errors:
        return await list_page(request, form=values, errors=errors, status_code=400)
    cid = await run_in_threadpool(get_store(request).create_collaboration, values["name"].strip(),
                                  values["language"], values["notes"])
    return RedirectResponse(f"/collaborations/{cid}", status_code=303)


async def import_files_page(request: Request) -> Response:
    """Case files and survey exports imported as `kansrijk store import` imports them (the same
    library function): every file is read first, and when one is bad its problems are shown in
    the command line's words and nothing is stored. What was imported the list shows after a
    redirect, once, with a warning where an assessment repeats one its collaboration had."""
    lang = ui_language(request)
    try:
        form = await request.form(max_files=MAX_UPLOADS + 1)  # the files and the mapping
    except HTTPException:  # past max_files (or a body no browser's form sends): the limit said
        too_many = ui_labels(lang).collaborations.import_too_many.format(limit=MAX_UPLOADS)
        return await list_page(request, errors={"files": too_many}, status_code=400)
    try:
        return await _import(request, form, lang)
    finally:
        await form.close()  # the uploads' temporary files


async def _import(request: Request, form: FormData, lang: str) -> Response:
    uploads = [u for u in form.getlist("files") if isinstance(u, UploadFile) and u.filename]
    mapping = form.get("mapping")
    mapping = mapping if isinstance(mapping, UploadFile) and mapping.filename else None
    t = ui_labels(lang).collaborations
    if not uploads or len(uploads) > MAX_UPLOADS:
        message = t.import_none if not uploads else t.import_too_many.format(limit=MAX_UPLOADS)
        return await list_page(request, errors={"files": message}, status_code=400)
    with tempfile.TemporaryDirectory(prefix="kansrijk-import-") as folder:
        names: dict[str, str] = {}  # the file as stored here -> as the user named it
        try:
            paths = [await keep(folder, number, upload, CASE_SUFFIXES, names) for number, upload in enumerate(uploads)]
            mapping_path = await keep(folder, len(paths), mapping, MAPPING_SUFFIXES, names) if mapping else None
            done = await run_in_threadpool(import_files, get_store(request), paths, get_model(request), mapping_path)
        except InputError as error:
            error.file = names.get(error.file, error.file)
            return await list_page(request, import_error=error.render(lang), status_code=400)
    identical = await run_in_threadpool(identical_before, get_store(request), done)
    keep_result(request, [ImportedFile(names[item.source], item, same) for item, same in zip(done, identical)])
    # Post/Redirect/Get: the list shows the result once, and reloading it imports nothing again
    return RedirectResponse("/", status_code=303)


async def keep(folder: str, number: int, upload: UploadFile, suffixes: tuple[str, ...], names: dict[str, str]) -> str:
    """The upload as `<folder>/<number>/<stem><suffix>`, in a folder of its own so that two of the
    same name do not meet. The suffix says the format: one of suffixes, or an InputError naming
    the file. The stem is the last part of the user's name when that is a plain name a file may
    have (a survey without a mapping names its collaboration after it, as `kansrijk store import`
    does), else 'upload': no name sent ('..', 'a/..', 300 characters) is a path here."""
    name = upload.filename or ""
    last = PurePosixPath(name.replace("\\", "/")).name
    suffix = PurePosixPath(last).suffix
    if suffix.lower() not in suffixes:
        kinds = "web.case_kinds_allowed" if suffixes == CASE_SUFFIXES else "web.mapping_kinds_allowed"
        raise InputError(name, [Problem("", Msg("web.upload_kind"), allowed=Msg(kinds))])
    stem = last.removesuffix(suffix)
    if not (stem.isprintable() and len(stem.encode()) <= MAX_STEM_BYTES):
        stem = "upload"
    path = Path(folder, str(number), stem + suffix.lower())
    path.parent.mkdir()
    path.write_bytes(await upload.read())
    names[str(path)] = name
    return str(path)


# -- one collaboration ----------------------------------------------------------------------------

async def collaboration_page(request: Request, cid: int, *, form: dict | None = None, errors: dict | None = None,
                             stale: bool = False, compare_error: str | None = None,
                             status_code: int = 200) -> Response:
    store, model, lang = get_store(request), get_model(request), ui_language(request)
    view = await run_in_threadpool(store.collaboration, cid)
    assessments = await run_in_threadpool(rows, model, await run_in_threadpool(store.cases, cid), lang)
    chart = trend_chart([row.label for row in assessments], [row.report for row in assessments])
    return render(request, "collaborations_detail.html.j2", {
        "collaboration": view, "assessments": assessments, "chart": chart, "rt": report_labels().resolve(lang),
        "conditions": condition_choices(model.kb, lang), "languages": LANGUAGES,
        "form": form or {"name": view.name, "language": view.language, "notes": view.notes},
        "version": view.version, "errors": errors or {}, "stale": stale, "compare_error": compare_error,
        "old": request.query_params.get("old"), "new": request.query_params.get("new"),
    }, status_code=status_code)


async def collaboration(request: Request) -> Response:
    return await collaboration_page(request, request.path_params["cid"])


async def edit(request: Request) -> Response:
    """Name, language and notes; a save over an edit made meanwhile is refused and the form comes
    back with what was typed, the current version beside it."""
    cid = request.path_params["cid"]
    store, model, lang = get_store(request), get_model(request), ui_language(request)
    form = await request.form()
    values, errors = check_collaboration(form, model, lang)
    try:
        version = whole_number(str(form.get("version", "")), "version", 1)
    except InputError as error:  # a missing or changed field: said beside it, not "changed meanwhile"
        errors["version"] = error.problems[0].said(lang)
    if errors:
        return await collaboration_page(request, cid, form=values, errors=errors, status_code=400)
    try:
        await run_in_threadpool(store.update_collaboration, cid, version, name=values["name"].strip(),
                                language=values["language"], notes=values["notes"])
    except StaleEdit:
        return await collaboration_page(request, cid, form=values, stale=True, status_code=409)
    return RedirectResponse(f"/collaborations/{cid}", status_code=303)


async def compare(request: Request) -> Response:
    """Two assessments compared as `kansrijk compare OLD NEW` compares them (kansrijk/monitor.py)."""
    cid = request.path_params["cid"]
    store, model, lang = get_store(request), get_model(request), ui_language(request)
    cases = {summary.id: (summary, case) for summary, case in await run_in_threadpool(store.cases, cid)}
    chosen = []
    for key in ("old", "new"):
        try:
            chosen.append(cases[whole_number(request.query_params.get(key, ""), key, 1)])
        except (InputError, KeyError):  # not a number, or no assessment of this collaboration
            message = ui_labels(lang).collaborations.compare_choose
            return await collaboration_page(request, cid, compare_error=message, status_code=400)
    (old, old_case), (new, new_case) = chosen
    result = await run_in_threadpool(compare_cases, model, old_case, new_case, lang)
    view = await run_in_threadpool(store.collaboration, cid)
    return render(request, "collaborations_compare.html.j2", {
        "collaboration": view, "c": result, "report": result.after, "old": old, "new": new,
        "rt": report_labels().resolve(lang), "s": report_parts(result.after),
        "names": condition_names(result.after), "ch": change_parts(model, lang, result.after),
    })


routes = [
    Route("/", index, methods=["GET"], name="collaborations"),
    Route("/collaborations", create, methods=["POST"], name="create_collaboration"),
    Route("/import", import_files_page, methods=["POST"], name="import"),
    Route("/collaborations/{cid:int}", collaboration, methods=["GET"], name="collaboration"),
    Route("/collaborations/{cid:int}", edit, methods=["POST"], name="edit_collaboration"),
    Route("/collaborations/{cid:int}/compare", compare, methods=["GET"], name="compare"),
]
