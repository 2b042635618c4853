"""The migrations build exactly the schema the models describe, on every backend."""

from __future__ import annotations

from typing import Any

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import Connection

from db.engine import create_engine
from db.models import Base


def _differences(connection: Connection) -> list[Any]:
    dialect = connection.dialect.name

    def on_this_backend(
        item: Any, _name: str | None, kind: str, reflected: bool, _compare_to: Any
    ) -> bool:
        # An index the models create on one backend only (``ddl_if``) is compared only there.
        condition = getattr(item, "_ddl_if", None)
        return not (
            kind == "index"
            and not reflected
            and condition is not None
            and condition.dialect not in (None, dialect)
        )

    context = MigrationContext.configure(
        connection, opts={"compare_type": True, "include_object": on_this_backend}
    )
    return list(compare_metadata(context, Base.metadata))


# SQLite cannot reflect an index on an expression: alembic leaves that one index out of
# SQLite's comparison (and warns); on PostgreSQL it does not exist, by design.
@pytest.mark.filterwarnings("ignore:.*expression-based index")
async def test_migrations_from_empty_agree_with_the_models(database_url: str) -> None:
    # database_url is migrated from an empty database by the Alembic migrations alone.
    engine = create_engine(database_url)
    try:
        async with engine.connect() as connection:
            differences = await connection.run_sync(_differences)
    finally:
        await engine.dispose()
    assert differences == []
