"""Creating the database engine and bringing its schema up to date."""

from __future__ import annotations

import asyncio
import fcntl
import os
import sqlite3
import threading
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import UTC, datetime
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from sqlalchemy import Connection, event, make_url
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine
from sqlalchemy.pool import ConnectionPoolEntry

from db.defaults import DEFAULT_DATABASE_URL
from db.sqlite_driver import OneCallConnection, OneCallDBAPI

if TYPE_CHECKING:
    from alembic.config import Config

MIGRATIONS_DIR = Path(__file__).parent / "migrations"
SQLITE_POOL_SIZE = 20


def create_engine(
    url: str = DEFAULT_DATABASE_URL, *, echo: bool = False, pool_size: int | None = None
) -> AsyncEngine:
    """An async engine; SQLite gets WAL, foreign keys and a busy timeout for several writers.

    ``pool_size``: connections kept open (``HOURGLASS_DATABASE_POOL_SIZE``); by default 20 on
    SQLite and SQLAlchemy's 5 on PostgreSQL, whose ``max_connections`` every process shares.
    """
    options: dict[str, Any] = {"echo": echo}
    if url.startswith("sqlite"):
        # Statements run in the event loop's thread as well as the connection's own
        # (db.sqlite_driver), one at a time.
        options["connect_args"] = {"timeout": 30, "check_same_thread": False}
        if url.startswith("sqlite+aiosqlite"):
            options["module"] = OneCallDBAPI()
            # Each update takes a connection for its store, its version, its handling and its
            # done mark; with ten chats at once the default pool (5) closed and reopened
            # connections all the time (a thread, a file and the pragmas each), and /log cost
            # a third more CPU. Kept connections cost an idle thread each.
            pool_size = pool_size or SQLITE_POOL_SIZE
        if make_url(url).database in (None, "", ":memory:"):
            pool_size = None  # an in-memory database has one connection, kept
    else:
        options["pool_pre_ping"] = True
    if pool_size is not None:
        options["pool_size"] = pool_size
    engine = create_async_engine(url, **options)
    if engine.dialect.name == "sqlite":
        event.listen(engine.sync_engine, "connect", _sqlite_pragmas)
    return engine


def _sqlite_pragmas(dbapi_connection: Any, _record: ConnectionPoolEntry) -> None:
    cursor = dbapi_connection.cursor()
    _switch_to_wal(cursor)
    cursor.execute("PRAGMA foreign_keys=ON")
    # The one-call driver waits for a lock without blocking the event loop; SQLite waits
    # itself only for other drivers.
    waits = 0 if isinstance(dbapi_connection, OneCallConnection) else 30000
    cursor.execute(f"PRAGMA busy_timeout={waits}")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()
    # SQLite knows no time zones; PostgreSQL's timezone() does the same on its side.
    dbapi_connection.create_function("local_date", 2, local_date, deterministic=True)


def _switch_to_wal(cursor: Any) -> None:
    """Sets WAL, retrying while another connection switches the same fresh file.

    SQLite answers "database is locked" at once, without waiting out the busy timeout, when two
    connections switch a new file to WAL together (one holds a shared lock the other must
    upgrade past). It happens only when processes start together on a new database, so a
    short blocking wait here costs nothing in normal running.
    """
    for attempt in range(_WAL_ATTEMPTS):
        try:
            cursor.execute("PRAGMA journal_mode=WAL")
            return
        except sqlite3.OperationalError as error:
            if "locked" not in str(error) or attempt == _WAL_ATTEMPTS - 1:
                raise
            time.sleep(0.005 * (attempt + 1))


# 0.005 s × (1 + … + 60): a little over 9 s of waiting at most.
_WAL_ATTEMPTS = 60


def local_date(moment: str | None, zone: str) -> str | None:
    """The calendar day (ISO) in ``zone`` of a UTC moment as SQLite stores it."""
    if moment is None:
        return None
    parsed = datetime.fromisoformat(moment)
    aware = parsed.replace(tzinfo=UTC) if parsed.tzinfo is None else parsed
    return aware.astimezone(_zone(zone)).date().isoformat()


@lru_cache(maxsize=64)
def _zone(name: str) -> ZoneInfo:
    return ZoneInfo(name)


def alembic_config() -> Config:
    # Alembic (with Mako and Pygments) loads only when there is something to migrate.
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    return config


async def migrate(engine: AsyncEngine) -> None:
    """Applies every Alembic migration not yet applied (run at start).

    One process at a time: several processes started together on a fresh database would
    otherwise all try to create the same tables. PostgreSQL serialises them with an advisory
    lock held for the migrating transaction; SQLite with a lock on a file next to the database.
    Within one process, Alembic's global state allows one migration at a time as well.
    """
    async with engine.connect() as connection:
        if await connection.run_sync(_at_head):
            # The usual start: nothing to apply, so no lock to wait for.
            return
    async with _process_lock(), _sqlite_file_lock(engine), engine.begin() as connection:
        if connection.dialect.name == "postgresql":
            # Released with the transaction, also when the process dies.
            await connection.exec_driver_sql(f"SELECT pg_advisory_xact_lock({MIGRATION_LOCK_KEY})")
        await connection.run_sync(_upgrade_to_head)


# A fixed 64-bit key for pg_advisory_xact_lock ("hourglas" in ASCII).
MIGRATION_LOCK_KEY = int.from_bytes(b"hourglas", "big") - 2**63
_in_process = threading.Lock()


@asynccontextmanager
async def _process_lock() -> AsyncIterator[None]:
    await asyncio.to_thread(_in_process.acquire)
    try:
        yield
    finally:
        _in_process.release()


@asynccontextmanager
async def _sqlite_file_lock(engine: AsyncEngine) -> AsyncIterator[None]:
    """An exclusive lock on `<database>-migrate-lock` while migrating an SQLite file."""
    database = engine.url.database
    if engine.dialect.name != "sqlite" or not database or database == ":memory:":
        yield
        return
    # Not the database file itself: closing another descriptor of it would drop SQLite's locks.
    descriptor = os.open(f"{database}-migrate-lock", os.O_RDWR | os.O_CREAT, 0o600)
    try:
        await asyncio.to_thread(fcntl.flock, descriptor, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(descriptor, fcntl.LOCK_UN)
    finally:
        os.close(descriptor)


def migration_files() -> list[str]:
    """The names of the migration files, oldest first (they are numbered)."""
    return sorted(path.stem for path in (MIGRATIONS_DIR / "versions").glob("[0-9]*_*.py"))


@lru_cache(maxsize=1)
def _head_revision() -> str:
    """The newest migration: the migrations are one chain in the order of their numbered
    files, and the newest one's revision id is its file name (tests/unit/test_migration_files.py
    holds Alembic to it), so a start on an up-to-date database need not load Alembic."""
    return migration_files()[-1]


def _at_head(connection: Connection) -> bool:
    try:
        applied = connection.exec_driver_sql("SELECT version_num FROM alembic_version")
    except DBAPIError:
        return False  # no table yet: a new database
    return list(applied.scalars()) == [_head_revision()]


def _upgrade_to_head(connection: Connection) -> None:
    from alembic import command

    config = alembic_config()
    config.attributes["connection"] = connection
    command.upgrade(config, "head")
