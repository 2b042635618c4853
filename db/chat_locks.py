"""One process at a time handles a chat's update, across processes sharing PostgreSQL.

A guided flow's step is read before an update's handlers run and written after the reply
(``bot.conversations``), so the chat's next answer must not be looked at, by any process,
before the update in hand is finished. Within a process ``bot.concurrency`` orders a chat's
updates; across processes this lock does, held from before the flows are read until the update
is marked done.

Why session advisory locks on one connection, and not ``pg_advisory_xact_lock`` in a
transaction kept open for each update: a process handles up to 64 updates at once, most of
them slow only because a reply waits out a group's rate limit; a connection (and an open
transaction) per update would take 64 of PostgreSQL's 100 default connections per process and
starve the units of work of the pool. Here every lock this process holds lives on one
connection (``pg_try_advisory_lock``, one round trip, which never blocks it), released with
``pg_advisory_unlock``. Only a chat whose lock another process holds needs a connection of
its own while it waits: ``pg_advisory_xact_lock`` in a transaction that ends as soon as it is
granted (the holder has let go), then the try on the shared connection again. Waiting blocks
no statement of other chats, takes no sleeps, and at most ``MAX_WAITING`` pool connections
wait at once, so units of work always find one.

A process that dies loses its connection, and PostgreSQL releases its locks at once (the
kernel closes a killed process's sockets). If the shared connection breaks, it is dropped and
every lock on it with it; the updates in hand finish unlocked rather than not at all, as they
do when the lock cannot be taken because the database is unreachable.

The key is the chat id itself (a bigint; the migration's lock, ``db.engine``, is far outside
Telegram's ids). The lock orders handling, not arrival: two updates of one chat that reach two
processes at the same moment are handled one after the other, in either order.

SQLite has no such lock and needs none: one process at a time uses a database file.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from sqlalchemy import TextClause, text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

logger = logging.getLogger(__name__)

# Pool connections waiting at once for a chat another process holds (of the pool's 15).
MAX_WAITING = 4

_TRY = text("SELECT pg_try_advisory_lock(:key)")
_UNLOCK = text("SELECT pg_advisory_unlock(:key)")
_UNTIL_FREE = text("SELECT pg_advisory_xact_lock(:key)")


class ChatLocks:
    """``async with locks.holding(chat_id):`` — the chat's lock, on PostgreSQL."""

    def __init__(self, engine: AsyncEngine, *, max_waiting: int = MAX_WAITING) -> None:
        assert engine.dialect.name == "postgresql", "SQLite needs no lock across processes"
        self._engine = engine
        # The connection holding this process's locks; its statements go one at a time.
        self._holder: AsyncConnection | None = None
        self._holder_turn = asyncio.Lock()
        self._waiting = asyncio.Semaphore(max_waiting)

    @asynccontextmanager
    async def holding(self, chat_id: int) -> AsyncIterator[None]:
        try:
            holder = await self._lock(chat_id)
        except (DBAPIError, OSError):
            logger.warning("chat %s: handled without its lock across processes", chat_id)
            holder = None
        try:
            yield
        finally:
            if holder is not None:
                await self._unlock(holder, chat_id)

    async def _lock(self, key: int) -> AsyncConnection:
        while True:
            async with self._holder_turn:
                holder = await self._holder_connection()
                if await self._on_holder(holder, _TRY, key):
                    return holder
            await self._until_free(key)

    async def _unlock(self, holder: AsyncConnection, key: int) -> None:
        async with self._holder_turn:
            if holder is not self._holder:
                return  # its connection was dropped, and the lock went with it
            try:
                await self._on_holder(holder, _UNLOCK, key)
            except (DBAPIError, OSError) as error:
                # Dropped with its connection: PostgreSQL has let go of the lock already.
                logger.warning("chat %s: its lock's connection failed: %s", key, error)

    async def _until_free(self, key: int) -> None:
        """Returns once the process holding the chat let go (granted, then released)."""
        async with self._waiting, self._engine.begin() as connection:
            await connection.execute(_UNTIL_FREE, {"key": key})

    async def _holder_connection(self) -> AsyncConnection:
        if self._holder is None:
            connection = await self._engine.connect()
            # Session locks outlive transactions: none is opened, none is left idle.
            self._holder = await connection.execution_options(isolation_level="AUTOCOMMIT")
        return self._holder

    async def _on_holder(self, holder: AsyncConnection, statement: TextClause, key: int) -> bool:
        """One statement on the holding connection; a connection that failed mid-statement
        is dropped."""
        try:
            return bool((await holder.execute(statement, {"key": key})).scalar())
        except BaseException:
            await self._drop_holder()
            raise

    async def _drop_holder(self) -> None:
        """Closes the holding connection for good (not back to the pool with locks on it)."""
        holder, self._holder = self._holder, None
        if holder is not None:
            await holder.invalidate()
            await holder.close()

    async def close(self) -> None:
        """Lets go of every lock this process holds (closing their connection)."""
        async with self._holder_turn:
            await self._drop_holder()
