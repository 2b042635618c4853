"""``INSERT … ON CONFLICT`` for the database in use: SQLite in tests and small installs,
PostgreSQL in production. Both dialects build the same statement from the same arguments."""

from __future__ import annotations

from typing import Any

from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession


def upsert_insert(session: AsyncSession, table: Any) -> Any:
    """The dialect's ``insert`` (with ``on_conflict_do_nothing``/``_do_update``) for ``table``."""
    return dialect_insert(session.get_bind().dialect.name, table)


def dialect_insert(name: str, table: Any) -> Any:
    """``upsert_insert`` for the dialect called ``name``."""
    if name == "postgresql":
        return postgresql.insert(table)
    if name == "sqlite":
        return sqlite.insert(table)
    raise NotImplementedError(f"no INSERT … ON CONFLICT for the {name} dialect")
