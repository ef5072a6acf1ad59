"""The store on a real PostgreSQL: Debian's server, started in a temporary folder for these tests
(as the user postgres when the tests run as root, which initdb refuses), reached over a unix
socket in that folder only, and stopped afterwards. Skipped, with the reason, where it is not installed."""

from __future__ import annotations

import glob
import os
import shutil
import socket
import subprocess
import tempfile
from pathlib import Path

import pytest
from sqlalchemy import create_engine, inspect

from kansrijk.batch import Options, advice_text
from kansrijk.case import load_case
from kansrijk.store import MAX_ID, InvalidValue, NotFound, StaleEdit, Store
from kansrijk.store.exchange import export_all, import_files
from tests.conftest import ROOT
from tests.test_store import GROUP, check_migrations

INITDB = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"))
# util-linux's runuser is in /usr/sbin, which a shell's PATH may leave out
RUNUSER = shutil.which("runuser") or next((p for p in ("/usr/sbin/runuser", "/sbin/runuser") if os.path.exists(p)), None)


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Server:
    """A PostgreSQL cluster in a temporary folder, listening only on a unix socket there."""

    def __init__(self, bin_dir: Path):
        self.bin = bin_dir
        self.folder = Path(tempfile.mkdtemp(prefix="kansrijk-pg-"))
        self.data = self.folder / "data"
        self.port = _free_port()  # names the socket file; nothing listens on TCP
        # the server refuses to run as root: then it runs as postgres, in a folder that user owns
        self.as_user = [RUNUSER, "-u", "postgres", "--"] if os.geteuid() == 0 else []
        if self.as_user:
            shutil.chown(self.folder, "postgres", "postgres")

    def run(self, *args: str) -> None:
        done = subprocess.run([*self.as_user, *args], capture_output=True, text=True, timeout=120)
        if done.returncode != 0:
            log = self.folder / "server.log"
            raise RuntimeError(f"{args[0]} failed: {done.stdout}{done.stderr}"
                               f"{log.read_text() if log.exists() else ''}")

    def start(self) -> None:
        self.run(str(self.bin / "initdb"), "-D", str(self.data), "-U", "postgres", "--auth=trust",
                 "--encoding=UTF8", "--no-sync")
        options = f"-k {self.folder} -p {self.port} -c listen_addresses='' -c fsync=off"
        self.run(str(self.bin / "pg_ctl"), "-D", str(self.data), "-o", options, "-l",
                 str(self.folder / "server.log"), "-w", "start")

    def stop(self) -> None:
        if (self.data / "postmaster.pid").exists():
            self.run(str(self.bin / "pg_ctl"), "-D", str(self.data), "-m", "immediate", "-w", "stop")
        shutil.rmtree(self.folder, ignore_errors=True)

    def url(self, database: str) -> str:
        # the plain scheme, as a user would give it: the store maps it to psycopg 3
        return f"postgresql://postgres@/{database}?host={self.folder}&port={self.port}"

    def new_database(self, name: str) -> str:
        engine = create_engine(self.url("postgres").replace("postgresql://", "postgresql+psycopg://"),
                               isolation_level="AUTOCOMMIT")
        with engine.connect() as connection:
            connection.exec_driver_sql(f'CREATE DATABASE "{name}"')
        engine.dispose()
        return self.url(name)


@pytest.fixture(scope="module")
def postgres(request) -> Server:
    if not INITDB:
        pytest.skip("PostgreSQL is not installed here (no /usr/lib/postgresql/*/bin/initdb)")
    if os.geteuid() == 0 and RUNUSER is None:
        pytest.skip("running as root, and there is no runuser to start PostgreSQL as the user postgres")
    server = Server(Path(INITDB[-1]).parent)
    request.addfinalizer(server.stop)  # also when starting fails halfway
    server.start()
    return server


def test_migrations_go_up_to_the_orm_schema_and_down_again(postgres):
    engine = create_engine(postgres.new_database("migrations").replace("postgresql://", "postgresql+psycopg://"))
    assert inspect(engine).get_table_names() == []
    check_migrations(engine)
    engine.dispose()


def test_examples_come_back_with_the_same_advice(postgres, model, tmp_path):
    store = Store(postgres.new_database("roundtrip"))
    assert store.url.startswith("postgresql+psycopg://")
    sources = [GROUP, ROOT / "examples" / "zorgalliantie.yaml"]
    imported = import_files(store, [str(p) for p in sources], model)
    exported = export_all(store, tmp_path / "out", force=False)
    options = Options("json")
    assert sorted(advice_text(model, load_case(str(p), model.kb), options) for p in exported) == sorted(
        advice_text(model, load_case(str(p), model.kb), options) for p in sources)
    # PostgreSQL checks the row version too
    view = store.assessment(imported[0].assessment_id)
    store.save_assessment(view.collaboration_id, view.case, view.id, view.version)
    with pytest.raises(StaleEdit):
        store.save_assessment(view.collaboration_id, view.case, view.id, view.version)
    assert [c.name for c in store.collaborations("ZORGALLIANTIE WEST")] == [imported[0].name]
    store.close()


def test_ids_beyond_the_integer_column_and_a_nul_are_refused_before_the_database(postgres, make_case):
    # PostgreSQL itself would fail on both: an id above 2**31-1 is out of range, a NUL cannot be stored
    store = Store(postgres.new_database("refusals"))
    cid = store.create_collaboration("A", "nl")
    aid = store.save_assessment(cid, make_case())
    for ident in (MAX_ID + 1, 10**23):
        for call in (lambda: store.assessment(ident), lambda: store.collaboration(ident),
                     lambda: store.save_assessment(cid, make_case(), ident, 1), lambda: store.delete_assessment(ident, 1)):
            with pytest.raises(NotFound):
                call()
    for name, notes in (("a\x00b", ""), ("A", "a\x00b")):
        with pytest.raises(InvalidValue):
            store.create_collaboration(name, "nl", notes)
        with pytest.raises(InvalidValue):
            store.update_collaboration(cid, 1, name=name, language="nl", notes=notes)
    with pytest.raises(InvalidValue):
        store.save_assessment(cid, make_case().model_copy(update={"notes": "a\x00b"}), aid, 1)
    assert store.collaboration(cid).version == 1 and store.assessment(aid).version == 1
    store.close()
