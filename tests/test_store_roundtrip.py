"""Every bundled example through the store and back: `kansrijk store import`, `kansrijk store export`,
and `kansrijk advise --format json` on each exported file is byte-identical to the original's."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest
from click.testing import CliRunner

from kansrijk.cli import main
from kansrijk.store import Store
from kansrijk.store.exchange import case_data, file_names, import_files
from tests.conftest import ROOT

EXAMPLES = ROOT / "examples"
CASES = sorted(EXAMPLES.glob("*.yaml")) + sorted((EXAMPLES / "monitoring").glob("*.yaml"))
SURVEYS = sorted((EXAMPLES / "survey").glob("*.csv")) + sorted((EXAMPLES / "survey").glob("*.xlsx"))
MAPPING = EXAMPLES / "survey" / "mapping.yaml"


def test_every_example_is_here():
    """The examples this file covers are all there are: a new kind would need its own round trip."""
    covered = {*CASES, *SURVEYS, MAPPING}
    assert {p for p in EXAMPLES.rglob("*") if p.is_file()} == covered
    assert len(CASES) >= 10 and len(SURVEYS) == 2


def kansrijk(*args: str, code: int = 0) -> str:
    result = CliRunner().invoke(main, [str(a) for a in args], catch_exceptions=False)
    assert result.exit_code == code, result.output
    return result.output


def advice_json(path: Path) -> str:
    return kansrijk("advise", path, "--format", "json")


def original(path: Path, tmp_path: Path) -> Path:
    """The case file itself, or for a survey export the case file `kansrijk import` makes of it."""
    if path.suffix not in (".csv", ".xlsx"):
        return path
    target = tmp_path / f"{path.stem}{path.suffix.replace('.', '_')}.yaml"
    kansrijk("import", path, "--map", MAPPING, "-o", target)
    return target


@pytest.mark.parametrize("path", CASES + SURVEYS, ids=lambda p: p.name)
def test_an_example_comes_back_with_the_same_advice(path, tmp_path):
    db = f"sqlite:///{tmp_path / 'one.sqlite3'}"
    extra = ["--map", MAPPING] if path in SURVEYS else []
    kansrijk("store", "import", "--db", db, path, *extra)
    kansrijk("store", "export", "--db", db, "-o", tmp_path / "out")
    (exported,) = (tmp_path / "out").iterdir()
    assert advice_json(exported) == advice_json(original(path, tmp_path))


def test_all_examples_in_one_database_come_back_one_file_each(tmp_path, model):
    store = Store(f"sqlite:///{tmp_path / 'all.sqlite3'}")
    imported = import_files(store, [str(p) for p in CASES], model) + import_files(
        store, [str(p) for p in SURVEYS], model, mapping=str(MAPPING))
    assert len({i.assessment_id for i in imported}) == len(CASES) + len(SURVEYS)
    # the CSV and XLSX exports of one survey: one collaboration, two assessments of the same day
    assert imported[-1].collaboration_id == imported[-2].collaboration_id
    db = store.url
    store.close()
    out = tmp_path / "out"
    kansrijk("store", "export", "--db", db, "-o", out)
    files = sorted(out.iterdir())
    assert len(files) == len(imported)
    originals = [original(p, tmp_path) for p in CASES + SURVEYS]
    assert Counter(advice_json(f) for f in files) == Counter(advice_json(p) for p in originals)


def test_export_is_deterministic_and_never_overwrites_without_force(tmp_path):
    db = f"sqlite:///{tmp_path / 'x.sqlite3'}"
    kansrijk("store", "import", "--db", db, *CASES[:3])
    first, second = tmp_path / "first", tmp_path / "second"
    kansrijk("store", "export", "--db", db, "-o", first)
    kansrijk("store", "export", "--db", db, "-o", second)
    assert {p.name: p.read_bytes() for p in first.iterdir()} == {p.name: p.read_bytes() for p in second.iterdir()}
    *others, victim = sorted(first.iterdir())
    for other in others:
        other.unlink()
    victim.write_text("mine\n", encoding="utf-8")
    output = kansrijk("store", "export", "--db", db, "-o", first, code=2)
    assert victim.name in output and "--force" in output
    assert list(first.iterdir()) == [victim] and victim.read_text(encoding="utf-8") == "mine\n"  # nothing written
    kansrijk("store", "export", "--db", db, "-o", first, "--force")
    assert {p.name: p.read_bytes() for p in first.iterdir()} == {p.name: p.read_bytes() for p in second.iterdir()}


def test_file_names_come_from_the_collaboration_and_the_date_with_the_id_only_when_needed():
    import datetime as dt

    day = dt.date(2026, 3, 15)
    names = file_names([("Zorg & Welzijn — Noord", day, 1), ("Zorg & Welzijn — Noord", day, 2),
                        ("Zorg & Welzijn — Noord", None, 3), ("Coöperatie", None, 4), ("???", None, 5)])
    assert names == ["zorg_welzijn_noord-2026-03-15-1.yaml", "zorg_welzijn_noord-2026-03-15-2.yaml",
                     "zorg_welzijn_noord.yaml", "cooperatie.yaml", "case.yaml"]
    # a name that looks like another's name with an id added stays apart
    names = file_names([("a", None, 5), ("a", None, 6), ("a 5", None, 7)])
    assert len(set(names)) == 3


def test_a_case_file_holds_only_what_differs_from_the_defaults(make_case):
    data = case_data(make_case(scores={"relationship.trust": None}))
    assert data == {"name": "test", "language": "nl", "scores": {"relationship.trust": None}}


def test_a_bad_file_stores_nothing_and_says_what_the_command_line_says(tmp_path):
    db = f"sqlite:///{tmp_path / 'x.sqlite3'}"
    bad = tmp_path / "bad.yaml"
    bad.write_text("name: x\nscores:\n  interests.real_dialog: 2\n", encoding="utf-8")
    said = kansrijk("store", "import", "--db", db, CASES[0], bad, code=2)
    assert said == kansrijk("advise", bad, code=2)
    assert "interests.real_dialogue" in said
    assert Store(db).collaborations() == []
    survey = tmp_path / "survey.csv"
    survey.write_text("organisatie;relationship.trust\nA;7\n", encoding="utf-8")
    said = kansrijk("store", "import", "--db", db, survey, code=2)
    assert said == kansrijk("import", survey, "-o", tmp_path / "case.yaml", code=2)


def test_messages_come_in_dutch_and_english(tmp_path):
    db = f"sqlite:///{tmp_path / 'x.sqlite3'}"
    dutch = kansrijk("store", "import", "--db", db, CASES[0], "--lang", "nl")
    english = kansrijk("store", "import", "--db", db, CASES[0], "--lang", "en")
    assert "samenwerking 1, meting 1" in dutch and "geïmporteerd" in dutch
    assert "collaboration 1, assessment 2" in english and "imported into" in english
    assert "holds no assessments" in kansrijk("store", "export", "--db", f"sqlite:///{tmp_path / 'empty.sqlite3'}",
                                              "-o", tmp_path / "none", "--lang", "en")
    assert not (tmp_path / "none").exists()


def test_a_database_that_cannot_be_opened_is_bad_input(tmp_path):
    said = kansrijk("store", "export", "--db", f"sqlite:///{tmp_path / 'missing' / 'x.sqlite3'}", "-o", tmp_path,
                    code=2)
    assert "cannot open the database" in said and "sqlite:///" in said
    said = kansrijk("store", "import", "--db", "postgresql://someone:secret@127.0.0.1:1/kansrijk", CASES[0], code=2)
    assert "cannot open the database" in said and "secret" not in said


def newer_database(tmp_path) -> str:
    """A database a newer kansrijk made: stamped with a revision these migrations do not hold."""
    from sqlalchemy import create_engine

    db = f"sqlite:///{tmp_path / 'newer.sqlite3'}"
    Store(db).close()
    engine = create_engine(db)
    with engine.begin() as connection:
        connection.exec_driver_sql("UPDATE alembic_version SET version_num = '9999_future'")
    engine.dispose()
    return db


def test_a_database_from_a_newer_kansrijk_is_bad_input_naming_both_revisions(tmp_path):
    db = newer_database(tmp_path)
    for command in (["store", "export", "--db", db, "-o", tmp_path / "out"], ["store", "import", "--db", db, CASES[0]],
                    ["serve", "--db", db]):  # the workbench does not start either
        said = kansrijk(*command, "--lang", "en", code=2)
        assert "made by a newer kansrijk (revision 9999_future)" in said and "up to 0001" in said, said
        assert "bug" not in said
    assert "nieuwere kansrijk (revisie 9999_future)" in kansrijk("store", "export", "--db", db, "-o", tmp_path,
                                                                 "--lang", "nl", code=2)
    assert not (tmp_path / "out").exists()


def test_export_refuses_a_file_as_its_folder(tmp_path):
    db = f"sqlite:///{tmp_path / 'x.sqlite3'}"
    kansrijk("store", "import", "--db", db, CASES[0])
    said = kansrijk("store", "export", "--db", db, "-o", CASES[0], code=2)
    assert "is a file" in said


def test_help_has_examples():
    for args in (["store"], ["store", "import"], ["store", "export"]):
        assert "Example:" in kansrijk(*args, "--help")
