"""The store: collaborations and their dated assessments in a database (SQLite or PostgreSQL).

Every write is one transaction; a save names the version of the row it edits, and a row that
changed meanwhile is refused (StaleEdit) instead of overwritten. Advice is never stored: it is
computed from an assessment's case whenever it is wanted.
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import platformdirs
from sqlalchemy import Engine, create_engine, event, select
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session, selectinload, sessionmaker
from sqlalchemy.orm.exc import StaleDataError

from kansrijk.case import Case, allowed_for
from kansrijk.errors import InputError, Msg, Problem
from kansrijk.limits import MAX_NAME_LENGTH
from kansrijk.store import migrate
from kansrijk.store.errors import InvalidValue, NewerDatabase, NotFound, StaleEdit
from kansrijk.store.rows import fill, to_case
from kansrijk.store.schema import Assessment, Collaboration, Respondent, now
from kansrijk.store.views import (AssessmentSummary, AssessmentView, CollaborationSummary, CollaborationView,
                                  in_order)
from kansrijk.text import LANGUAGES, nul_character

DB_ENV = "KANSRIJK_DB"
DATA_ENV = "KANSRIJK_DATA_DIR"  # another data folder (the tests' own)
MAX_ID = 2**31 - 1  # the largest id an Integer column holds on PostgreSQL; any id above it names no row
ID_BATCH = 500  # ids asked for in one IN (...): far below any database's limit of parameters


def data_folder() -> Path:
    """$KANSRIJK_DATA_DIR, else the user's data folder for kansrijk (created when missing): the
    default database and the workbench's session key live there."""
    folder = Path(os.environ.get(DATA_ENV, "").strip() or platformdirs.user_data_dir("kansrijk"))
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def default_url() -> str:
    """$KANSRIJK_DB, else a SQLite file in the data folder."""
    url = os.environ.get(DB_ENV, "").strip()
    if url:
        return url
    return f"sqlite:///{data_folder() / 'kansrijk.sqlite3'}"


def engine_url(url: str) -> str:
    """A plain postgresql:// URL goes through psycopg 3 (SQLAlchemy would look for psycopg2)."""
    for plain in ("postgresql://", "postgres://"):
        if url.startswith(plain):
            return "postgresql+psycopg://" + url[len(plain):]
    return url


def masked(url: str) -> str:
    """The URL as shown to people: without its password."""
    return make_url(url).render_as_string(hide_password=True)


def open_store(url: str | None = None) -> Store:
    """Store(url), with a database that cannot be opened (a malformed URL, an unknown driver, a
    server that does not answer, a file in a missing folder, a database a newer kansrijk made) said
    as bad input naming the URL."""
    from sqlalchemy.exc import ArgumentError, DBAPIError, NoSuchModuleError

    url = url or default_url()
    try:
        return Store(url)
    except NewerDatabase as error:
        raise InputError(masked(url), [Problem("", Msg("store.newer_database", revision=error.revision, head=error.head),
                                               allowed=Msg("store.newer_allowed"))]) from None
    except (ArgumentError, NoSuchModuleError, DBAPIError) as error:
        reason = str(getattr(error, "orig", None) or error).strip().splitlines()[0]
        try:
            shown = masked(url)
        except ArgumentError:  # not a URL at all: shown as given (it holds no password to hide)
            shown = url
        raise InputError(shown, [Problem("", Msg("store.cannot_open", reason=reason),
                                         allowed=Msg("store.url_allowed"))]) from None


def _foreign_keys_on(dbapi_connection, connection_record) -> None:
    # SQLite checks foreign keys (and cascades deletes) only when asked, per connection
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.close()


def _utc(moment: dt.datetime) -> dt.datetime:
    """A stored time as UTC: SQLite gives back the time without its zone (it was written in UTC)."""
    return moment.replace(tzinfo=dt.timezone.utc) if moment.tzinfo is None else moment.astimezone(dt.timezone.utc)


def _summary(assessment: Assessment) -> AssessmentSummary:
    return AssessmentSummary(assessment.id, assessment.collaboration_id, assessment.date, assessment.version)


class Store:
    def __init__(self, url: str | None = None):
        url = engine_url(url or default_url())
        self.engine: Engine = create_engine(url)
        if self.engine.dialect.name == "sqlite":
            event.listen(self.engine, "connect", _foreign_keys_on)
        self.url = masked(url)
        try:
            migrate.upgrade(self.engine)
        except Exception:  # a database that cannot be opened or is not ours to upgrade: no pool is left open
            self.engine.dispose()
            raise
        self._sessions = sessionmaker(self.engine, expire_on_commit=False)

    def close(self) -> None:
        self.engine.dispose()

    @contextmanager
    def _transaction(self) -> Iterator[Session]:
        """A session whose work is committed when the block ends, rolled back on any error; a row
        whose version changed between reading and writing is a StaleEdit."""
        with self._sessions() as session:
            try:
                with session.begin():
                    yield session
            except StaleDataError as error:  # another writer got there between our read and write
                raise StaleEdit() from error

    # -- reading ----------------------------------------------------------------------------

    def collaborations(self, search: str = "") -> list[CollaborationSummary]:
        """Every collaboration whose name holds search (any case), by name."""
        with self._sessions() as session:
            return _summaries(session, search)

    def last_cases(self, search: str = "") -> list[tuple[CollaborationSummary, Case | None]]:
        """collaborations(search), each with the case of its last assessment (None without one, or
        when it was deleted between the two reads): what the list page shows, read in a fixed
        number of queries however many collaborations there are."""
        with self._sessions() as session:
            summaries = _summaries(session, search)
            wanted = [summary.last.id for summary in summaries if summary.last is not None]
            cases = {}
            for start in range(0, len(wanted), ID_BATCH):
                rows = session.scalars(_with_children(select(Assessment))
                                       .options(selectinload(Assessment.collaboration))
                                       .where(Assessment.id.in_(wanted[start:start + ID_BATCH]))).all()
                cases.update((row.id, to_case(row.collaboration, row)) for row in rows)
        return [(summary, None if summary.last is None else cases.get(summary.last.id)) for summary in summaries]

    def collaboration(self, collaboration_id: int) -> CollaborationView:
        with self._sessions() as session:
            row = self._collaboration(session, collaboration_id)
            return CollaborationView(row.id, row.name, row.language, row.notes, row.version,
                                     in_order([_summary(a) for a in row.assessments]), _utc(row.updated_at))

    def assessment(self, assessment_id: int) -> AssessmentView:
        with self._sessions() as session:
            row = self._assessment(session, assessment_id)
            return AssessmentView(row.id, row.collaboration_id, row.version, row.date,
                                  to_case(row.collaboration, row), _utc(row.updated_at))

    def cases(self, collaboration_id: int) -> list[tuple[AssessmentSummary, Case]]:
        """Every assessment of a collaboration with its case, by date (undated last)."""
        with self._sessions() as session:
            collaboration = self._collaboration(session, collaboration_id)
            rows = session.scalars(_with_children(select(Assessment))
                                   .where(Assessment.collaboration_id == collaboration_id)).all()
            by_summary = {_summary(row): to_case(collaboration, row) for row in rows}
        return [(summary, by_summary[summary]) for summary in in_order(list(by_summary))]

    def export_case(self, assessment_id: int) -> Case:
        """The case an assessment holds, as `kansrijk store export` writes it: assessment(id).case,
        for a caller that wants only the case (one that holds the view already uses view.case)."""
        return self.assessment(assessment_id).case

    # -- writing ----------------------------------------------------------------------------

    def create_collaboration(self, name: str, language: str, notes: str = "") -> int:
        with self._transaction() as session:
            row = Collaboration(**_checked(name, language, notes))
            session.add(row)
            session.flush()
            return row.id

    def update_collaboration(self, collaboration_id: int, version: int, *, name: str, language: str,
                             notes: str) -> None:
        with self._transaction() as session:
            row = self._collaboration(session, collaboration_id)
            _same_version(row, version, "collaboration")
            checked = _checked(name, language, notes)
            row.name, row.language, row.notes = checked["name"], checked["language"], checked["notes"]

    def save_assessment(self, collaboration_id: int, case: Case, assessment_id: int | None = None,
                        version: int | None = None) -> int:
        """A new assessment (assessment_id None) or a new version of one; the case's name and
        language are the collaboration's and are not read."""
        with self._transaction() as session:
            self._collaboration(session, collaboration_id)
            if assessment_id is None:
                row = Assessment(collaboration_id=collaboration_id)
                session.add(row)
            else:
                row = self._assessment(session, assessment_id)
                if row.collaboration_id != collaboration_id:
                    raise NotFound("assessment", assessment_id)
                _same_version(row, version, "assessment")
                # one new version, also when only child rows change: the row itself is written
                row.updated_at = now()
            fill(session, row, _checked_case(case))
            session.flush()
            return row.id

    def delete_assessment(self, assessment_id: int, version: int) -> None:
        with self._transaction() as session:
            row = self._assessment(session, assessment_id)
            _same_version(row, version, "assessment")
            session.delete(row)

    def import_case(self, case: Case) -> tuple[int, int]:
        """Store a case as a new assessment of the collaboration with its name and language (the
        oldest of them when there are several), created when there is none."""
        return self.import_cases([case])[0]

    def import_cases(self, cases: list[Case]) -> list[tuple[int, int]]:
        """import_case for each case, in one transaction: all are stored, or none."""
        out = []
        with self._transaction() as session:
            for case in cases:
                collaboration = session.scalars(
                    select(Collaboration)
                    .where(Collaboration.name == case.name, Collaboration.language == case.language)
                    .order_by(Collaboration.id).limit(1)).first()
                if collaboration is None:
                    collaboration = Collaboration(**_checked(case.name, case.language, ""))
                    session.add(collaboration)
                    session.flush()
                row = Assessment(collaboration_id=collaboration.id)
                session.add(row)
                fill(session, row, _checked_case(case))
                session.flush()
                out.append((collaboration.id, row.id))
        return out

    # -- rows -------------------------------------------------------------------------------

    @staticmethod
    def _collaboration(session: Session, collaboration_id: int) -> Collaboration:
        row = session.get(Collaboration, collaboration_id) if _possible(collaboration_id) else None
        if row is None:
            raise NotFound("collaboration", collaboration_id)
        return row

    @staticmethod
    def _assessment(session: Session, assessment_id: int) -> Assessment:
        row = (session.scalars(_with_children(select(Assessment)).where(Assessment.id == assessment_id)).first()
               if _possible(assessment_id) else None)
        if row is None:
            raise NotFound("assessment", assessment_id)
        return row


def _summaries(session: Session, search: str) -> list[CollaborationSummary]:
    needle = search.strip().casefold()
    rows = session.execute(select(Collaboration.id, Collaboration.name, Collaboration.language,
                                  Collaboration.notes)).all()
    # filtered here, not in SQL: casefold() knows every alphabet, SQLite's lower() only ASCII
    rows = [row for row in rows if needle in row.name.casefold()]
    found = session.execute(select(Assessment.id, Assessment.collaboration_id, Assessment.date,
                                   Assessment.version)).all()
    assessments: dict[int, list[AssessmentSummary]] = {row.id: [] for row in rows}
    for row in found:
        if row.collaboration_id in assessments:
            assessments[row.collaboration_id].append(AssessmentSummary(*row))
    out = []
    for row in sorted(rows, key=lambda row: (row.name.casefold(), row.id)):
        ordered = in_order(assessments[row.id])
        out.append(CollaborationSummary(row.id, row.name, row.language, row.notes,
                                        ordered[-1] if ordered else None, len(ordered)))
    return out


def _possible(ident: int) -> bool:
    """Whether a row could have this id: asking the database for one outside 1..MAX_ID fails
    (an overflow on SQLite, an out-of-range value on PostgreSQL) instead of finding nothing."""
    return 1 <= ident <= MAX_ID


def _with_children(query):
    """Load an assessment's child rows in a few queries, not one per respondent."""
    return query.options(
        selectinload(Assessment.scores), selectinload(Assessment.characteristics),
        selectinload(Assessment.observations),
        selectinload(Assessment.respondents).options(selectinload(Respondent.scores),
                                                     selectinload(Respondent.observations)))


def _same_version(row, version: int | None, kind: str) -> None:
    if version != row.version:
        raise StaleEdit(kind, row.id)


def _checked(name: str, language: str, notes: str) -> dict[str, str]:
    """A collaboration's name, language and notes as stored; the forms and case files check them
    first, the store again, as it trusts no caller (PostgreSQL cannot even store a NUL)."""
    name = name.strip()
    if not name:
        raise InvalidValue(Problem("name", Msg("store.name_empty"), allowed=allowed_for("name")))
    if len(name) > MAX_NAME_LENGTH:
        raise InvalidValue(Problem("name", Msg("pydantic.string_too_long", max_length=MAX_NAME_LENGTH, plural="s"),
                                   allowed=allowed_for("name")))
    if language not in LANGUAGES:
        raise InvalidValue(Problem("language", Msg("not_allowed", value=language), allowed=", ".join(LANGUAGES)))
    _storable("name", name)
    _storable("notes", notes)
    return {"name": name, "language": language, "notes": notes}


def _checked_case(case: Case) -> Case:
    """A case's texts checked as Case checks them, also for a case built without validation."""
    _storable("notes", case.notes)
    for place, respondent in enumerate(case.respondents):
        _storable(f"respondents[{place}].organisation", respondent.organisation)
        _storable(f"respondents[{place}].name", respondent.name or "")
    return case


def _storable(key: str, value: str) -> None:
    problem = nul_character(value)
    if problem is not None:
        raise InvalidValue(Problem(key, problem))
