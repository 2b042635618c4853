"""Helpers shared by the test layers."""

from __future__ import annotations

import asyncio
import os
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

from experiments.roles import Actor

if TYPE_CHECKING:
    from sqlalchemy.ext.asyncio import AsyncEngine

    from db.unit_of_work import Database


class FrozenClock:
    """A clock that stands still until a test moves it."""

    def __init__(self, start: datetime) -> None:
        self.now = start

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> None:
        self.now += timedelta(**delta)


def migrated_sqlite_template(folder: Path) -> Path:
    """An SQLite file with every migration applied, made once per test session.

    Tests copy it instead of migrating their own database, so the schema is built once.
    """
    template = folder / "template.sqlite3"
    if not template.exists():
        asyncio.run(_migrate_file(template))
    return template


def copy_of_template(template: Path, target: Path) -> str:
    """Copies the migrated template to ``target``; returns its SQLAlchemy URL."""
    shutil.copyfile(template, target)
    return f"sqlite+aiosqlite:///{target}"


async def _migrate_file(path: Path) -> None:
    from db.engine import create_engine, migrate

    engine = create_engine(f"sqlite+aiosqlite:///{path}")
    try:
        await migrate(engine)
        # One self-contained file to copy: fold the write-ahead log back in.
        async with engine.connect() as connection:
            await connection.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
            await connection.exec_driver_sql("PRAGMA journal_mode=DELETE")
    finally:
        await engine.dispose()


async def recreated_postgres_schema(url: str) -> None:
    """Drops whatever the database holds and applies every migration (once per session)."""
    from db.engine import create_engine, migrate

    engine = create_engine(url)
    try:
        async with engine.begin() as connection:
            await connection.exec_driver_sql("DROP SCHEMA public CASCADE")
            await connection.exec_driver_sql("CREATE SCHEMA public")
        await migrate(engine)
    finally:
        await engine.dispose()


# One engine per database in a test process. Its dialect and its cache of compiled statements
# outlive a test (compiling them again for every test was about a tenth of the end-to-end
# tests' CPU); its connections do not, since they belong to the event loop of the test that
# opened them.
_engines: dict[str, AsyncEngine] = {}


def engine_of_this_process(url: str) -> AsyncEngine:
    """The engine this test process keeps for ``url``; dispose of it at the end of each test."""
    from db.engine import create_engine

    engine = _engines.get(url)
    if engine is None:
        engine = _engines[url] = create_engine(url)
    return engine


async def emptied_tables(engine: AsyncEngine) -> None:
    """Removes every row (and restarts PostgreSQL's sequences), so that a test starts from an
    empty schema.

    ``DELETE`` rather than ``TRUNCATE``: a test leaves a few rows, and truncating twenty tables
    makes PostgreSQL replace every table's and index's files, which costs it far more."""
    from db.models import Base

    tables = [f'DELETE FROM "{t.name}"' for t in reversed(Base.metadata.sorted_tables)]
    if engine.dialect.name != "postgresql":
        async with engine.connect() as connection:
            raw = await connection.get_raw_connection()
            # One trip to the connection's thread: the whole script, in one transaction.
            script = ";".join(["BEGIN", *tables, "COMMIT"])
            await raw.driver_connection.executescript(script)  # type: ignore[union-attr]
        return
    async with engine.begin() as connection:
        restarts = (
            "SELECT setval(c.oid, 1, false) FROM pg_class c "
            "JOIN pg_namespace n ON n.oid = c.relnamespace "
            "WHERE c.relkind = 'S' AND n.nspname = 'public'"
        )
        raw = await connection.get_raw_connection()
        # One round trip: asyncpg runs a parameterless script as one simple query.
        await raw.driver_connection.execute(";".join([*tables, restarts]))  # type: ignore[union-attr]


# A group admin: allowed every change (service tests that are not about roles use it).
ADMIN = Actor(user_id=1001, name="Alice", is_admin=True)


async def database_of_its_own(url: str, suffix: str) -> str:
    """A fresh, empty PostgreSQL database named after ``url``'s with ``suffix``; its URL."""
    from sqlalchemy.engine import make_url

    from db.engine import create_engine

    server = make_url(url)
    name = f"{server.database}_{suffix}"
    admin = create_engine(url)
    try:
        async with admin.connect() as connection:
            connection = await connection.execution_options(isolation_level="AUTOCOMMIT")
            await connection.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            await connection.exec_driver_sql(f'CREATE DATABASE "{name}"')
    finally:
        await admin.dispose()
    return server.set(database=name).render_as_string(hide_password=False)


def process_env(**settings: str) -> dict[str, str]:
    """The environment for a whole ``hourglass`` process under test: this one's, without any
    HOURGLASS_ setting of the machine, with the project importable and ``settings`` added."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("HOURGLASS_")}
    env["PYTHONPATH"] = str(Path.cwd())
    env.update(settings)
    return env


@contextmanager
def counted(database: Database) -> Iterator[list[str]]:
    """The SQL statements the engine runs inside the block."""
    from sqlalchemy import event

    statements: list[str] = []

    def record(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        statements.append(statement)

    event.listen(database.engine.sync_engine, "before_cursor_execute", record)
    try:
        yield statements
    finally:
        event.remove(database.engine.sync_engine, "before_cursor_execute", record)
