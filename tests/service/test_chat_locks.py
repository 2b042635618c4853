"""A chat's lock across processes sharing PostgreSQL: one process at a time holds it, a
process that goes away lets go of it, and other chats are never held up."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import pytest

from db.chat_locks import ChatLocks
from db.engine import create_engine
from db.unit_of_work import Database
from tests.service.conftest import CHAT, OTHER_CHAT

_OF_THIS_DATABASE = "database = (SELECT oid FROM pg_database WHERE datname = current_database())"


async def until_a_process_waits_for_a_chat(database_url: str, timeout: float = 10) -> None:
    """Returns once a connection waits for an advisory lock (a chat's)."""
    engine = create_engine(database_url)
    query = (
        "SELECT count(*) FROM pg_locks "
        f"WHERE locktype = 'advisory' AND NOT granted AND {_OF_THIS_DATABASE}"
    )
    try:
        async with asyncio.timeout(timeout):
            while True:
                async with engine.connect() as connection:
                    if (await connection.exec_driver_sql(query)).scalar_one():
                        return
                # PostgreSQL tells nobody when a lock is waited for: look again shortly.
                await asyncio.sleep(0.02)
    finally:
        await engine.dispose()


@pytest.fixture
async def two_processes(database_url: str) -> AsyncIterator[tuple[ChatLocks, ChatLocks]]:
    """The chat locks of two processes: each its own engine on the shared database."""
    if database_url.startswith("sqlite"):
        pytest.skip("one process at a time uses an SQLite database: it has no chat locks")
    first, second = Database(create_engine(database_url)), Database(create_engine(database_url))
    try:
        assert first.chat_locks is not None and second.chat_locks is not None
        yield first.chat_locks, second.chat_locks
    finally:
        await first.dispose()
        await second.dispose()


async def test_sqlite_has_no_chat_locks() -> None:
    database = Database(create_engine("sqlite+aiosqlite:///:memory:"))
    try:
        assert database.chat_locks is None
    finally:
        await database.dispose()


async def test_a_chat_held_by_one_process_is_taken_by_another_only_after_it_lets_go(
    two_processes: tuple[ChatLocks, ChatLocks], database_url: str
) -> None:
    first, second = two_processes
    events: list[str] = []

    async def next_update_in_the_second() -> None:
        async with second.holding(CHAT):
            events.append("second took the chat")

    async with first.holding(CHAT):
        waiting = asyncio.create_task(next_update_in_the_second())
        await until_a_process_waits_for_a_chat(database_url)
        # Another chat is not held up by it, in either process.
        async with second.holding(OTHER_CHAT), first.holding(OTHER_CHAT + 1):
            events.append("other chats ran")
        events.append("first let go")
    await waiting
    assert events == ["other chats ran", "first let go", "second took the chat"]
    # And back: the first process takes the chat again.
    async with first.holding(CHAT):
        events.append("first took it again")
    assert events[-1] == "first took it again"


async def test_a_process_that_went_away_lets_go_of_its_chats(
    two_processes: tuple[ChatLocks, ChatLocks], database_url: str
) -> None:
    first, second = two_processes
    taken = asyncio.Event()

    async def next_update_in_the_second() -> None:
        async with second.holding(CHAT):
            taken.set()

    async with first.holding(CHAT):
        waiting = asyncio.create_task(next_update_in_the_second())
        await until_a_process_waits_for_a_chat(database_url)
        # What PostgreSQL sees when a process is killed: its connection ends.
        admin = create_engine(database_url)
        try:
            async with admin.connect() as connection:
                await connection.exec_driver_sql(
                    "SELECT pg_terminate_backend(pid) FROM pg_locks "
                    f"WHERE locktype = 'advisory' AND granted AND {_OF_THIS_DATABASE}"
                )
        finally:
            await admin.dispose()
        await taken.wait()
    await waiting
    # The first process goes on: its next update takes the chat on a new connection.
    async with first.holding(CHAT):
        pass
