"""The one-trip aiosqlite adapter (``db.sqlite_driver``): what a statement answers, what it
costs in trips to the connection's thread, that a failure still rolls back, and that a writer
waits for another's lock without holding up the event loop."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Iterator
from contextlib import contextmanager
from pathlib import Path

import aiosqlite
import pytest
from sqlalchemy import event, text
from sqlalchemy.exc import IntegrityError, OperationalError
from sqlalchemy.ext.asyncio import AsyncEngine

from db import sqlite_driver
from db.engine import create_engine


@pytest.fixture
async def engine(tmp_path: Path) -> AsyncIterator[AsyncEngine]:
    engine = create_engine(f"sqlite+aiosqlite:///{tmp_path / 'trips.sqlite3'}")
    async with engine.begin() as connection:
        await connection.exec_driver_sql(
            "CREATE TABLE note (id INTEGER PRIMARY KEY, body TEXT NOT NULL UNIQUE)"
        )
    yield engine
    await engine.dispose()


@contextmanager
def trips(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[str]]:
    """The calls queued to aiosqlite's thread inside the block, by name."""
    made: list[str] = []
    original = aiosqlite.Connection._execute

    async def counted(
        self: aiosqlite.Connection, fn: object, *args: object, **kw: object
    ) -> object:
        made.append(getattr(fn, "__name__", repr(fn)))
        return await original(self, fn, *args, **kw)  # type: ignore[arg-type]

    with monkeypatch.context() as patch:
        patch.setattr(aiosqlite.Connection, "_execute", counted)
        yield made


async def test_a_statement_answers_as_sqlite3_does(engine: AsyncEngine) -> None:
    async with engine.begin() as connection:
        inserted = await connection.execute(
            text("INSERT INTO note (body) VALUES (:a), (:b) RETURNING id, body"),
            {"a": "first", "b": "second"},
        )
        assert [tuple(row) for row in inserted] == [(1, "first"), (2, "second")]
        many = await connection.execute(
            text("INSERT INTO note (body) VALUES (:body)"), [{"body": "x"}, {"body": "y"}]
        )
        assert many.rowcount == 2
        updated = await connection.execute(text("UPDATE note SET body = body || '!'"))
        assert updated.rowcount == 4
        single = await connection.execute(text("INSERT INTO note (body) VALUES ('z')"))
        assert single.lastrowid == 5
    async with engine.connect() as connection:
        rows = await connection.execute(text("SELECT id, body FROM note ORDER BY id"))
        assert list(rows.keys()) == ["id", "body"]
        assert [tuple(row) for row in rows] == [
            (1, "first!"),
            (2, "second!"),
            (3, "x!"),
            (4, "y!"),
            (5, "z"),
        ]
        empty = await connection.execute(text("SELECT id FROM note WHERE id < 0"))
        assert empty.all() == []


async def test_a_statement_runs_in_the_loops_thread_and_ending_no_transaction_is_free(
    engine: AsyncEngine, monkeypatch: pytest.MonkeyPatch
) -> None:
    async with engine.connect() as connection:
        await connection.exec_driver_sql("SELECT 1")  # the pool's connection is made
    with trips(monkeypatch) as made:
        async with engine.connect() as connection:
            assert (await connection.execute(text("SELECT count(*) FROM note"))).scalar() == 0
        # A read opens no transaction in sqlite3: neither the block's end nor the pool's reset
        # of the connection has anything to roll back.
        assert made == []
    with trips(monkeypatch) as made:
        async with engine.begin() as connection:
            await connection.execute(text("INSERT INTO note (body) VALUES ('a')"))
        assert made == ["commit"]


async def test_a_failed_statement_still_rolls_the_transaction_back(engine: AsyncEngine) -> None:
    with pytest.raises(IntegrityError):
        async with engine.begin() as connection:
            await connection.execute(text("INSERT INTO note (body) VALUES ('kept?')"))
            await connection.execute(text("INSERT INTO note (body) VALUES ('kept?')"))
    async with engine.connect() as connection:
        assert (await connection.execute(text("SELECT count(*) FROM note"))).scalar() == 0


async def test_a_writer_waits_for_another_writers_lock_while_the_loop_runs_on(
    engine: AsyncEngine,
) -> None:
    first_wrote, second_tried = asyncio.Event(), asyncio.Event()

    async def first() -> None:
        async with engine.begin() as connection:
            await connection.execute(text("INSERT INTO note (body) VALUES ('first')"))
            first_wrote.set()
            # Holds the write lock until the second writer has found it taken.
            await second_tried.wait()
            await asyncio.sleep(0.05)

    async def second() -> None:
        await first_wrote.wait()
        async with engine.begin() as connection:
            second_tried.set()
            await connection.execute(text("INSERT INTO note (body) VALUES ('second')"))

    # SQLite's own busy wait would block the loop, and with it the first writer: neither
    # could finish until the wait ran out.
    await asyncio.wait_for(asyncio.gather(first(), second()), timeout=10)
    async with engine.connect() as connection:
        rows = await connection.execute(text("SELECT body FROM note ORDER BY id"))
        assert [row[0] for row in rows] == ["first", "second"]


async def test_a_lock_held_past_the_busy_timeout_fails_the_waiting_writer(
    engine: AsyncEngine, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(sqlite_driver, "BUSY_TIMEOUT", 0.05)
    async with engine.begin() as holder:
        await holder.execute(text("INSERT INTO note (body) VALUES ('held')"))
        with pytest.raises(OperationalError, match="locked"):
            async with engine.begin() as waiting:
                await waiting.execute(text("INSERT INTO note (body) VALUES ('late')"))
    async with engine.connect() as connection:
        rows = await connection.execute(text("SELECT body FROM note"))
        assert [row[0] for row in rows] == ["held"]


async def test_connections_for_many_chats_at_once_are_kept_not_reopened(
    engine: AsyncEngine,
) -> None:
    opened: list[object] = []
    event.listen(engine.sync_engine, "connect", lambda connection, record: opened.append(1))

    async def one_update(body: str) -> None:
        async with engine.begin() as connection:
            await connection.execute(text("INSERT INTO note (body) VALUES (:body)"), {"body": body})
            await asyncio.sleep(0)  # the others take their connections meanwhile

    await asyncio.gather(*(one_update(f"first {i}") for i in range(15)))
    first = len(opened)
    await asyncio.gather(*(one_update(f"again {i}") for i in range(15)))
    assert first >= 2 and len(opened) == first  # the second wave found them in the pool
