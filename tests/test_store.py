"""The workbench's database: migrations, the Store API, optimistic locking and transactions."""

from __future__ import annotations

import datetime as dt

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect

from kansrijk.case import load_case
from kansrijk.store import MAX_ID, InvalidValue, NotFound, StaleEdit, Store, default_url
from kansrijk.store import database, migrate
from kansrijk.store.schema import Base
from tests.conftest import HEALTHCARE, ROOT

GROUP = ROOT / "examples" / "regionale_zorg_groep.yaml"  # a case with respondents


def migration_differences(engine) -> list:
    """What the migrated database lacks or has beyond the ORM's metadata (empty: they match)."""
    with engine.connect() as connection:
        return compare_metadata(MigrationContext.configure(connection), Base.metadata)


def check_migrations(engine) -> None:
    """Up to head matches the ORM, down to base leaves no table of ours, and up again works."""
    migrate.upgrade(engine)
    assert migration_differences(engine) == []
    migrate.downgrade(engine)
    assert set(inspect(engine).get_table_names()) <= {"alembic_version"}
    migrate.upgrade(engine)
    assert set(Base.metadata.tables) <= set(inspect(engine).get_table_names())


@pytest.fixture
def store(tmp_path) -> Store:
    opened = Store(f"sqlite:///{tmp_path / 'store.sqlite3'}")
    yield opened
    opened.close()


def test_an_empty_database_migrates_up_to_the_orm_schema_and_down_again(tmp_path):
    from sqlalchemy import create_engine

    engine = create_engine(f"sqlite:///{tmp_path / 'empty.sqlite3'}")
    assert inspect(engine).get_table_names() == []
    check_migrations(engine)
    engine.dispose()


def test_opening_a_store_upgrades_its_database(tmp_path):
    store = Store(f"sqlite:///{tmp_path / 'new.sqlite3'}")
    assert migration_differences(store.engine) == []
    store.close()


def test_default_url_is_the_environment_or_a_file_in_the_user_data_folder(monkeypatch, tmp_path):
    monkeypatch.setenv("KANSRIJK_DB", "sqlite:///elsewhere.sqlite3")
    assert default_url() == "sqlite:///elsewhere.sqlite3"
    monkeypatch.delenv("KANSRIJK_DB")
    monkeypatch.setenv("KANSRIJK_DATA_DIR", str(tmp_path / "chosen"))
    assert default_url() == f"sqlite:///{tmp_path / 'chosen' / 'kansrijk.sqlite3'}"
    monkeypatch.delenv("KANSRIJK_DATA_DIR")
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    url = default_url()
    assert url == f"sqlite:///{tmp_path / 'data' / 'kansrijk' / 'kansrijk.sqlite3'}"
    assert (tmp_path / "data" / "kansrijk").is_dir()


def test_a_plain_postgresql_url_goes_through_psycopg_3():
    assert database.engine_url("postgresql://u:p@host/db") == "postgresql+psycopg://u:p@host/db"
    assert database.engine_url("postgres://host/db") == "postgresql+psycopg://host/db"
    assert database.engine_url("postgresql+psycopg://host/db") == "postgresql+psycopg://host/db"
    assert database.engine_url("sqlite:///x.sqlite3") == "sqlite:///x.sqlite3"


def test_sqlite_enforces_foreign_keys(store):
    with store.engine.connect() as connection:
        assert connection.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1


def test_collaborations_are_sorted_by_name_and_searched_in_any_case(store):
    ids = {name: store.create_collaboration(name, "nl") for name in ("Zorgnetwerk Oost", "alliantie Ödeveen",
                                                                      "Buurtteams")}
    assert [c.name for c in store.collaborations()] == ["alliantie Ödeveen", "Buurtteams", "Zorgnetwerk Oost"]
    assert [c.id for c in store.collaborations("ÖDEV")] == [ids["alliantie Ödeveen"]]
    assert [c.name for c in store.collaborations("  NETWERK ")] == ["Zorgnetwerk Oost"]
    assert store.collaborations("nothing like it") == []


def test_assessments_come_by_date_then_entry_with_undated_last(store, model):
    case = load_case(str(HEALTHCARE), model.kb)
    cid = store.create_collaboration("Zorg", "en", notes="three hospitals")
    later = store.save_assessment(cid, case.model_copy(update={"date": dt.date(2026, 5, 1)}))
    undated = store.save_assessment(cid, case.model_copy(update={"date": None}))
    earlier = store.save_assessment(cid, case.model_copy(update={"date": dt.date(2025, 1, 1)}))
    same_day = store.save_assessment(cid, case.model_copy(update={"date": dt.date(2026, 5, 1)}))
    view = store.collaboration(cid)
    assert [a.id for a in view.assessments] == [earlier, later, same_day, undated]
    assert (view.name, view.language, view.notes) == ("Zorg", "en", "three hospitals")
    (summary,) = store.collaborations()
    assert summary.count == 4 and summary.last.id == undated
    assert [s.id for s, _ in store.cases(cid)] == [earlier, later, same_day, undated]
    assert [c.date for _, c in store.cases(cid)] == [dt.date(2025, 1, 1), dt.date(2026, 5, 1), dt.date(2026, 5, 1), None]


def test_an_assessment_is_named_and_worded_by_its_collaboration(store, model):
    case = load_case(str(HEALTHCARE), model.kb)
    cid = store.create_collaboration("Another name", "en")
    aid = store.save_assessment(cid, case)
    view = store.assessment(aid)
    assert (view.case.name, view.case.language) == ("Another name", "en")
    assert view.case.model_copy(update={"name": case.name, "language": case.language}) == case
    assert (view.collaboration_id, view.date, view.version) == (cid, case.date, 1)


def test_import_case_matches_a_collaboration_by_name_and_language(store, model):
    case = load_case(str(HEALTHCARE), model.kb)
    first = store.import_case(case)
    second = store.import_case(case)
    english = store.import_case(case.model_copy(update={"language": "en"}))
    assert first[0] == second[0] != english[0]
    assert len({first[1], second[1], english[1]}) == 3
    assert store.export_case(second[1]) == case


def test_a_group_case_keeps_its_respondents_in_order(store, model):
    case = load_case(str(GROUP), model.kb)
    _, aid = store.import_case(case)
    back = store.export_case(aid)
    assert back == case
    assert [r.organisation for r in back.respondents] == [r.organisation for r in case.respondents]
    reversed_case = case.model_copy(update={"respondents": case.respondents[::-1]})
    _, other = store.import_case(reversed_case)
    assert store.export_case(other).respondents == case.respondents[::-1]


def test_editing_replaces_every_part_and_counts_a_version(store, model, make_case):
    case = load_case(str(GROUP), model.kb)
    cid, aid = store.import_case(case)
    smaller = make_case(scores={"relationship.trust": None, "ambition.shared": 2}, observations=["subgroups"],
                        characteristics={"diversity": "high"}, min_group=5, notes="later")
    saved = store.assessment(aid).updated_at
    store.save_assessment(cid, smaller, aid, version=1)
    view = store.assessment(aid)
    assert view.version == 2
    assert saved < view.updated_at <= dt.datetime.now(dt.timezone.utc)
    assert view.case == smaller.model_copy(update={"name": case.name, "language": case.language})
    assert list(view.case.scores) == ["relationship.trust", "ambition.shared"]


def test_a_stale_save_is_refused_and_changes_nothing(store, model, make_case):
    case = load_case(str(HEALTHCARE), model.kb)
    cid, aid = store.import_case(case)
    mine = store.assessment(aid)
    theirs = store.assessment(aid)
    store.save_assessment(cid, make_case(notes="theirs"), aid, theirs.version)
    with pytest.raises(StaleEdit):
        store.save_assessment(cid, make_case(notes="mine"), aid, mine.version)
    assert store.assessment(aid).case.notes == "theirs"
    with pytest.raises(StaleEdit):
        store.delete_assessment(aid, mine.version)
    collaboration = store.collaboration(cid)
    store.update_collaboration(cid, collaboration.version, name="Renamed", language="en", notes="n")
    with pytest.raises(StaleEdit):
        store.update_collaboration(cid, collaboration.version, name="Mine", language="nl", notes="")
    assert store.collaboration(cid).name == "Renamed"
    assert store.collaboration(cid).version == collaboration.version + 1


def test_a_write_between_reading_and_saving_is_caught_by_the_row_version(store, tmp_path, model, make_case,
                                                                        monkeypatch):
    """Two servers on one database: the other one saves after this one checked the version."""
    cid, aid = store.import_case(load_case(str(HEALTHCARE), model.kb))
    other = Store(store.engine.url.render_as_string(hide_password=False))
    fill = database.fill

    def meanwhile(session, row, case):
        monkeypatch.setattr(database, "fill", fill)
        other.save_assessment(cid, make_case(notes="other"), aid, 1)
        fill(session, row, case)

    monkeypatch.setattr(database, "fill", meanwhile)
    with pytest.raises(StaleEdit):
        store.save_assessment(cid, make_case(notes="mine"), aid, 1)
    assert store.assessment(aid).case.notes == "other"
    other.close()


def test_a_failing_write_rolls_back_entirely(store, model, make_case, monkeypatch):
    case = load_case(str(GROUP), model.kb)
    cid, aid = store.import_case(case)
    fill = database.fill

    def half(session, row, new):
        fill(session, row, new)
        session.flush()  # the new rows are written...
        raise RuntimeError("disk full")  # ...and then the write fails

    monkeypatch.setattr(database, "fill", half)
    with pytest.raises(RuntimeError):
        store.save_assessment(cid, make_case(notes="half"), aid, 1)
    with pytest.raises(RuntimeError):
        store.save_assessment(cid, make_case(notes="new"))
    with pytest.raises(RuntimeError):
        store.import_case(case.model_copy(update={"name": "Brand new"}))
    view = store.assessment(aid)
    assert view.version == 1 and view.case == case
    assert [c.name for c in store.collaborations()] == [case.name]
    assert store.collaboration(cid).assessments == [store.collaboration(cid).assessments[0]]


def test_unknown_ids_are_not_found(store, make_case):
    cid = store.create_collaboration("A", "nl")
    aid = store.save_assessment(cid, make_case())
    other = store.create_collaboration("B", "nl")
    for call in (lambda: store.collaboration(999), lambda: store.assessment(999), lambda: store.cases(999),
                 lambda: store.export_case(999), lambda: store.save_assessment(999, make_case()),
                 lambda: store.save_assessment(cid, make_case(), 999, 1), lambda: store.delete_assessment(999, 1),
                 lambda: store.update_collaboration(999, 1, name="x", language="nl", notes=""),
                 # an assessment edited under another collaboration's id
                 lambda: store.save_assessment(other, make_case(), aid, 1)):
        with pytest.raises(NotFound):
            call()


@pytest.mark.parametrize("ident", [0, -1, MAX_ID + 1, 10**23])
def test_ids_no_row_can_have_are_not_found(store, make_case, ident):
    # asked of the database, 10**23 overflows SQLite's integer and MAX_ID + 1 PostgreSQL's
    cid = store.create_collaboration("A", "nl")
    aid = store.save_assessment(cid, make_case())
    for call in (lambda: store.collaboration(ident), lambda: store.assessment(ident), lambda: store.cases(ident),
                 lambda: store.export_case(ident), lambda: store.save_assessment(ident, make_case()),
                 lambda: store.save_assessment(cid, make_case(), ident, 1), lambda: store.delete_assessment(ident, 1),
                 lambda: store.update_collaboration(ident, 1, name="x", language="nl", notes="")):
        with pytest.raises(NotFound):
            call()
    assert store.assessment(aid).version == 1


def test_last_cases_reads_every_collaboration_s_last_case_in_a_fixed_number_of_queries(store, model, make_case):
    from sqlalchemy import event

    queries = []
    event.listen(store.engine, "before_cursor_execute", lambda *args: queries.append(args[2]))
    group = load_case(str(GROUP), model.kb)

    def count(search: str = "") -> int:
        queries.clear()
        store.last_cases(search)
        return len(queries)

    def add(number: int) -> None:
        cid = store.create_collaboration(f"Netwerk {number}", "nl")
        store.save_assessment(cid, make_case(date=dt.date(2026, 1, 2), notes="last"))
        store.save_assessment(cid, group)  # undated: the last in the order
        store.save_assessment(cid, make_case(date=dt.date(2025, 1, 2), notes="first"))

    empty = store.create_collaboration("Zonder metingen", "en")
    add(1)
    few = count()
    for number in range(2, 31):
        add(number)
    assert count() == few
    listed = store.last_cases()
    assert [summary for summary, _ in listed] == store.collaborations()
    assert [(summary.id, case) for summary, case in listed if summary.id == empty] == [(empty, None)]
    for summary, case in listed:
        if summary.last is not None:
            assert case == store.assessment(summary.last.id).case
            assert case.respondents == group.respondents and case.name == summary.name
    assert [summary.name for summary, _ in store.last_cases("netwerk 3")] == ["Netwerk 3", "Netwerk 30"]


def test_deleting_an_assessment_removes_it_and_its_rows(store, model):
    case = load_case(str(GROUP), model.kb)
    cid, aid = store.import_case(case)
    store.delete_assessment(aid, 1)
    with pytest.raises(NotFound):
        store.assessment(aid)
    assert store.collaboration(cid).assessments == []
    with store.engine.connect() as connection:
        for table in ("assessment_score", "respondent", "respondent_score", "respondent_observation"):
            assert connection.exec_driver_sql(f"SELECT count(*) FROM {table}").scalar() == 0


def test_a_collaboration_needs_a_name_and_a_language(store):
    with pytest.raises(InvalidValue) as empty:
        store.create_collaboration("  ", "nl")
    with pytest.raises(InvalidValue) as german:
        store.create_collaboration("A", "de")
    assert (empty.value.problem.key, german.value.problem.key) == ("name", "language")
    assert store.collaborations() == []


@pytest.mark.parametrize(("field", "name", "notes"), [("name", "a\x00b", ""), ("notes", "A", "a\x00b")])
def test_the_store_refuses_a_nul_whoever_calls_it(store, make_case, field, name, notes):
    # PostgreSQL cannot store a NUL at all; the forms and case files refuse these first
    cid = store.create_collaboration("Kept", "nl", "line one\n\tline two")
    for call in (lambda: store.create_collaboration(name, "nl", notes),
                 lambda: store.update_collaboration(cid, 1, name=name, language="nl", notes=notes)):
        with pytest.raises(InvalidValue) as refused:
            call()
        assert refused.value.problem.key == field and "NUL" in refused.value.problem.said("en")
    view = store.collaboration(cid)
    assert (view.name, view.notes, view.version) == ("Kept", "line one\n\tline two", 1)
    # a case built without validation (model_construct) is not trusted either
    unchecked = make_case().model_copy(update={"notes": notes or "x\x00"})
    with pytest.raises(InvalidValue):
        store.save_assessment(cid, unchecked)
    with pytest.raises(InvalidValue):
        store.import_case(unchecked)
    assert store.collaboration(cid).assessments == []


def test_the_url_shown_hides_the_password():
    assert "secret" not in database.masked("postgresql://user:secret@host/db")
