"""Alembic environment: the connection is always given by adapters.db.migrate (already inside a
transaction); offline SQL generation is not supported."""

from __future__ import annotations

from alembic import context

from adapters.db.schema import metadata

connection = context.config.attributes.get("connection")
if connection is None:
    raise RuntimeError("run migrations with `ortho-fiscal db upgrade` (adapters.db.migrate.upgrade)")

context.configure(
    connection=connection,
    target_metadata=metadata,
    render_as_batch=connection.dialect.name == "sqlite",
    compare_type=True,
)
with context.begin_transaction():
    context.run_migrations()
