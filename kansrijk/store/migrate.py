"""Alembic, configured from the package itself: no alembic.ini is needed to open a database."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from alembic.util.exc import CommandError
from sqlalchemy import Connection, Engine

from kansrijk.store.errors import NewerDatabase

MIGRATIONS = Path(__file__).parent / "migrations"


def config(connection: Connection) -> Config:
    """An Alembic configuration whose env.py migrates over this connection."""
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    cfg.attributes["connection"] = connection
    return cfg


def upgrade(engine: Engine, revision: str = "head") -> None:
    with engine.begin() as connection:
        cfg = config(connection)
        _known(connection, ScriptDirectory.from_config(cfg))
        command.upgrade(cfg, revision)


def downgrade(engine: Engine, revision: str = "base") -> None:
    with engine.begin() as connection:
        command.downgrade(config(connection), revision)


def _known(connection: Connection, scripts: ScriptDirectory) -> None:
    """Refuse a database stamped with a revision these migrations do not hold: a newer kansrijk
    made it (Alembic would only say it cannot locate the revision)."""
    for revision in MigrationContext.configure(connection).get_current_heads():
        try:
            scripts.get_revision(revision)
        except CommandError:
            raise NewerDatabase(revision, ", ".join(scripts.get_heads())) from None
