"""Alembic's environment: runs the migrations over the connection kansrijk.store.migrate passes in."""

from alembic import context

from kansrijk.store.schema import Base

connection = context.config.attributes["connection"]
# batch mode: SQLite can alter a table only by copying it, which Alembic's batch operations do
context.configure(connection=connection, target_metadata=Base.metadata, render_as_batch=True)
with context.begin_transaction():
    context.run_migrations()
