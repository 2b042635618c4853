"""Alembic environment: migrations run on the connection the application hands over."""

from __future__ import annotations

from alembic import context
from sqlalchemy import Connection, create_engine

from db.models import Base

target_metadata = Base.metadata


def _run(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


connection = context.config.attributes.get("connection")
if connection is not None:
    _run(connection)
else:
    # Used by `alembic revision --autogenerate` with a plain sync URL.
    url = context.config.get_main_option("sqlalchemy.url") or "sqlite:///hourglass.sqlite3"
    with create_engine(url).connect() as sync_connection:
        _run(sync_connection)
        sync_connection.commit()
