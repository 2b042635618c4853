"""SQLAlchemy's aiosqlite adapter, with each statement run whole in the event loop's thread.

aiosqlite runs every call on the sqlite3 connection in a thread of its own, and each call is
a trip there and back: the event loop queues the call, the thread wakes, runs it and wakes
the loop through its self-pipe. SQLAlchemy's adapter makes three or four such trips per
statement (open a cursor, execute, fetch the rows, close the cursor) and one per commit and
per rollback, also when no transaction is open (every session's end, every return of a
connection to the pool). A ``/log`` made 36 trips; they cost more CPU than the statements.

Here a statement is one call, made in the event loop's own thread (``_inline``): it opens a
cursor, executes, reads every row, closes the cursor and says whether a transaction is open.
Commits and rollbacks still go to the connection's thread, and one with no transaction open is
known to do nothing in sqlite3 and is skipped. Rows are read in full as SQLAlchemy's own
adapter does (no server-side cursors on SQLite here). ``create_engine`` uses it for every
``sqlite+aiosqlite`` URL; the dialect is SQLAlchemy's, only the module it drives is this one.
"""

from __future__ import annotations

import asyncio
import collections
import sqlite3
from collections.abc import Callable, Sequence
from threading import Thread
from typing import Any, TypeVar

import aiosqlite
from sqlalchemy.dialects.sqlite.aiosqlite import (
    AsyncAdapt_aiosqlite_connection,
    AsyncAdapt_aiosqlite_cursor,
    AsyncAdapt_aiosqlite_dbapi,
)
from sqlalchemy.util import EMPTY_DICT
from sqlalchemy.util.concurrency import await_

# What a statement hands back: description, rows, rowcount, lastrowid, and whether a
# transaction is open afterwards.
_Outcome = tuple[Any, list[Any] | None, int, int | None, bool]
_T = TypeVar("_T")
# What a gathering hands back: the row's values, and whether a transaction is open.
_Gathered = tuple[list[Any], bool]

# How long a statement waits for another writer's lock, in pauses from the first to the
# longest, doubling.
BUSY_TIMEOUT = 30.0
_FIRST_PAUSE = 0.001
_LONGEST_PAUSE = 0.05


def _locked(error: sqlite3.OperationalError) -> bool:
    """SQLITE_BUSY or SQLITE_LOCKED, with any extended code."""
    return getattr(error, "sqlite_errorcode", 0) & 0xFF in (
        sqlite3.SQLITE_BUSY,
        sqlite3.SQLITE_LOCKED,
    )


def _run(connection: sqlite3.Connection, operation: str, parameters: Any, many: bool) -> _Outcome:
    """The whole statement, rows included."""
    cursor = connection.cursor()
    try:
        if many:
            cursor.executemany(operation, parameters)
        elif parameters is None:
            cursor.execute(operation)
        else:
            cursor.execute(operation, parameters)
        description = cursor.description
        rows = cursor.fetchall() if description else None
        return description, rows, cursor.rowcount, cursor.lastrowid, connection.in_transaction
    finally:
        cursor.close()


def _gather(connection: sqlite3.Connection, operation: str, parameters: Any) -> _Gathered:
    """The one row of one statement (``db.reads.gathered``'s values), in a read transaction
    begun here if none is open; whether a transaction is open afterwards."""
    if not connection.in_transaction:
        connection.execute("BEGIN")
    cursor = connection.execute(operation, parameters)
    try:
        return list(cursor.fetchone()), connection.in_transaction
    finally:
        cursor.close()


def _run_alone(connection: sqlite3.Connection, operation: str, parameters: Any) -> list[Any]:
    """One statement in a transaction of its own, committed."""
    cursor = connection.cursor()
    try:
        cursor.execute(operation, parameters)
        rows = cursor.fetchall() if cursor.description else []
    except BaseException:
        if connection.in_transaction:
            connection.rollback()
        raise
    finally:
        cursor.close()
    if connection.in_transaction:
        connection.commit()
    return rows


class OneCallCursor(AsyncAdapt_aiosqlite_cursor):
    """A cursor whose statement, rows and close are one call."""

    __slots__ = ("_description", "_lastrowid", "_rowcount")

    _adapt_connection: OneCallConnection

    def __init__(self, adapt_connection: OneCallConnection) -> None:
        # No sqlite3 cursor is kept between calls: each statement opens and closes its own.
        self._adapt_connection = adapt_connection
        self._connection = adapt_connection._connection
        self._cursor = None  # type: ignore[assignment]
        self._soft_closed_memoized = EMPTY_DICT
        self._rows = collections.deque()
        self._description: Any = None
        self._rowcount = -1
        self._lastrowid: int | None = None

    @property
    def description(self) -> Any:
        return self._description

    @property
    def rowcount(self) -> int:
        return self._rowcount

    @property
    def lastrowid(self) -> int:
        return self._lastrowid  # type: ignore[return-value]

    @property
    def arraysize(self) -> int:
        return 1

    @arraysize.setter
    def arraysize(self, value: int) -> None:
        """Rows are read in full by each call; there is nothing to size."""

    async def _async_soft_close(self) -> None:
        """The call closed the sqlite3 cursor already."""

    def close(self) -> None:
        self._rows.clear()

    def execute(self, operation: Any, parameters: Any = None) -> Any:
        return self._call(operation, parameters, many=False)

    def executemany(self, operation: Any, seq_of_parameters: Sequence[Any]) -> Any:
        return self._call(operation, seq_of_parameters, many=True)

    def _call(self, operation: Any, parameters: Any, *, many: bool) -> None:
        outcome = await_(self._adapt_connection.run(operation, parameters, many))
        description, rows, self._rowcount, self._lastrowid, _open = outcome
        self._description = description
        self._rows = collections.deque(rows) if rows is not None else collections.deque()


class OneCallConnection(AsyncAdapt_aiosqlite_connection):
    """Knows whether its transaction is open, so that ending none costs no trip to the
    connection's thread."""

    __slots__ = ("transaction_open",)
    _cursor_cls = OneCallCursor  # type: ignore[assignment]

    def __init__(self, dbapi: Any, connection: aiosqlite.Connection) -> None:
        super().__init__(dbapi, connection)  # type: ignore[arg-type]
        # None: not known (at first, and after a failed statement).
        self.transaction_open: bool | None = None

    async def run(self, operation: str, parameters: Any, many: bool) -> _Outcome:
        """One statement in the connection's transaction (the cursor's, and
        ``db.driver_statements``'): what it hands back; it notes whether a transaction is open."""
        async with self._execute_mutex:
            try:
                outcome: _Outcome = await self._inline(_run, operation, parameters, many)
            except Exception as error:
                self.transaction_open = None  # not known after a failure: the next end is sent
                self._handle_exception(error)
        self.transaction_open = outcome[4]
        return outcome

    async def _inline(self, step: Callable[..., _T], *args: Any) -> _T:
        """Runs ``step(sqlite3 connection, *args)`` in the event loop's own thread.

        A statement handed to the connection's thread costs the loop and that thread a wake-up
        each, and the loop's thread waits for the interpreter lock when the answer comes: the
        bot's CPU per update was a quarter lower with its statements run here. SQLite's own
        busy wait would block the loop (and with it the transaction holding the lock, if it
        is this process's), so the connection waits for no lock (``busy_timeout`` 0): a
        statement that finds the database locked by another writer is tried again after an
        asynchronous pause, for up to ``BUSY_TIMEOUT``. Only a transaction's first write can
        find it locked (later writes hold the lock), so what it began is rolled back first.
        """
        connection: aiosqlite.Connection = self._connection  # type: ignore[assignment]
        database = connection._conn
        pause, waited = _FIRST_PAUSE, 0.0
        while True:
            was_open = database.in_transaction
            try:
                return step(database, *args)
            except sqlite3.OperationalError as error:
                if was_open or not _locked(error) or waited >= BUSY_TIMEOUT:
                    raise
                if database.in_transaction:
                    database.rollback()
            await asyncio.sleep(pause)
            waited += pause
            pause = min(pause * 2, _LONGEST_PAUSE)

    async def gather(self, operation: str, parameters: Any) -> list[Any]:
        """The one row of one statement (``db.reads.gathered``'s values), read in the
        connection's thread in the connection's transaction, begun if none is open.

        There SQLite runs it whole without the interpreter lock (one step of one row), so the
        event loop's thread goes on with other work meanwhile: the digest batches compose one
        batch while the next is read. A statement of many rows would not do: each row's values
        need the lock, and a thread that waits for it while the other computes waits the
        interpreter's switch interval (5 ms) a row."""
        async with self._execute_mutex:
            # Not known until the thread answers: cancelled before that, the end is sent (a
            # transaction begun there must not outlive the unit of work).
            self.transaction_open = None
            try:
                connection: aiosqlite.Connection = self._connection  # type: ignore[assignment]
                gathered: _Gathered = await connection._execute(
                    _gather, connection._conn, operation, parameters
                )
            except Exception as error:
                self._handle_exception(error)
        values, self.transaction_open = gathered
        return values

    async def run_alone(self, operation: str, parameters: Any) -> list[Any]:
        """One statement with no transaction open before it, committed in the same call
        (``db.driver_statements``); its rows."""
        async with self._execute_mutex:
            try:
                rows: list[Any] = await self._inline(_run_alone, operation, parameters)
            except Exception as error:
                # _run_alone rolled back what the statement began.
                self.transaction_open = False
                self._handle_exception(error)
        self.transaction_open = False
        return rows

    def rollback(self) -> None:
        if self.transaction_open is False:
            return
        super().rollback()
        self.transaction_open = False

    def commit(self) -> None:
        if self.transaction_open is False:
            return
        super().commit()
        self.transaction_open = False


class OneCallDBAPI(AsyncAdapt_aiosqlite_dbapi):
    """The DBAPI module SQLAlchemy's aiosqlite dialect drives: its connections make one call a
    statement."""

    def __init__(self) -> None:
        super().__init__(aiosqlite, sqlite3)

    def connect(self, *args: Any, **kwargs: Any) -> OneCallConnection:
        connection = aiosqlite.connect(*args, **kwargs)
        # As SQLAlchemy's adapter does: the thread must not keep the process alive.
        thread = connection._thread
        assert isinstance(thread, Thread)
        thread.daemon = True
        return OneCallConnection(self, await_(connection))
