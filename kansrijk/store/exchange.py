"""Files in and out of the store: case files and survey exports imported, every assessment
exported as a case file that `kansrijk advise` reads (used by `kansrijk store` and the web app)."""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from kansrijk.case import Case, load_case
from kansrijk.errors import InputError, Msg, Problem
from kansrijk.store.database import Store

# survey exports, read by kansrijk/survey.py (which names the old .xls format in its message);
# everything else is read as a case file
SURVEY_SUFFIXES = (".csv", ".txt", ".xlsx", ".xlsm", ".xls")


@dataclass(frozen=True)
class Imported:
    source: str  # the file as given
    collaboration_id: int
    assessment_id: int
    name: str
    date: dt.date | None


def read_case(path: str, model, mapping: str | None = None) -> Case:
    """The case in a case file, or read from a survey export (with the mapping file, if any), as
    `kansrijk advise` and `kansrijk import` read them; InputError with their messages otherwise."""
    if Path(path).suffix.lower() not in SURVEY_SUFFIXES:
        return load_case(path, model.kb)
    from kansrijk.survey import import_survey

    result = import_survey(path, mapping, model.kb)
    return Case.model_validate(result.case, context={"kb": model.kb})


def import_files(store: Store, paths: list[str], model, mapping: str | None = None) -> list[Imported]:
    """Every file as a new assessment (see Store.import_case). All files are read first: one bad
    file raises its InputError and nothing is stored."""
    cases = [read_case(str(path), model, mapping) for path in paths]
    ids = store.import_cases(cases)
    return [Imported(str(path), cid, aid, case.name, case.date) for path, case, (cid, aid) in zip(paths, cases, ids)]


def case_data(case: Case) -> dict:
    """A case as the data of its file: name and language always, the rest only where it differs
    from the default (no empty lists, no `min_group: 3`)."""
    return {"name": case.name, "language": case.language} | case.model_dump(exclude_defaults=True)


def case_file_text(case: Case) -> str:
    from kansrijk.interview import case_yaml

    return case_yaml(case_data(case))


def _slug(name: str) -> str:
    """A name as a file name: lower-case ASCII letters and digits joined by _ (never a -)."""
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode("ascii")
    return "_".join(re.findall(r"[a-z0-9]+", ascii_name.lower()))[:80].strip("_") or "case"


def file_names(entries: list[tuple[str, dt.date | None, int]]) -> list[str]:
    """The file of each (collaboration name, date, assessment id): name-date.yaml; the assessment
    id is added to every name that would otherwise be used twice. Slugs hold no -, so a name with
    the id added cannot be another's name."""
    bases = [_slug(name) + (f"-{date.isoformat()}" if date else "") for name, date, _ in entries]
    return [f"{base}-{ident}.yaml" if bases.count(base) > 1 else f"{base}.yaml"
            for base, (_, _, ident) in zip(bases, entries)]


def export_all(store: Store, folder: str | Path, force: bool) -> list[Path]:
    """Every assessment as a case file in folder (created when missing), collaborations by name,
    assessments by date. Every target is checked before anything is written: an existing file is
    replaced only with force. Returns the files written, in that order."""
    from kansrijk.output import check_output, write_file

    folder = Path(folder)
    if folder.exists() and not folder.is_dir():
        raise InputError(str(folder), [Problem("", Msg("store.export_not_folder"), allowed=Msg("store.export_allowed"))])
    if not folder.exists() and not folder.parent.is_dir():
        raise InputError(str(folder), [Problem("", Msg("output.no_folder", folder=str(folder.parent)),
                                               allowed=Msg("store.export_allowed"))])
    cases = [(summary, case) for collaboration in store.collaborations()
             for summary, case in store.cases(collaboration.id)]
    if not cases:
        return []
    names = file_names([(case.name, summary.date, summary.id) for summary, case in cases])
    targets = [folder / name for name in names]
    if folder.exists():  # a new folder holds no file yet
        for target in targets:
            check_output(str(target), force)
    try:
        folder.mkdir(exist_ok=True)
        for target, (_, case) in zip(targets, cases):
            write_file(target, case_file_text(case))
    except OSError as exc:
        raise InputError(str(exc.filename or folder), [Problem("", Msg("output.cannot_write", reason=exc.strerror or str(exc)),
                                                               allowed=Msg("output.allowed_writable"))]) from None
    return targets
