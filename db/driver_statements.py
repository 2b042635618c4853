"""Statements handed to the database driver with the least of SQLAlchemy's work around them.

Every ``/log`` runs about ten statements. Through a session each costs several times its work
in SQLAlchemy: compiling or finding the compiled form, converting values, setting up the
result, and the session's own bookkeeping (about 0.25 ms of CPU for a one-row INSERT that
SQLite runs in a few microseconds). The statements an update runs every time, and the reads
of the digest's batches (their workspace ids one parameter: ``db.reads``), are module
constants, so here each is compiled once for the engine's dialect; its values are converted
by their columns' own types, and the rows it returns by the types of what it returns (only
the columns whose type converts anything).

- ``LoneStatements``: a statement in a transaction of its own (the inbox's store and done mark,
  the workspace's version: outside the handler's unit of work). On SQLite one call that also
  commits (``db.sqlite_driver``); on PostgreSQL one statement in autocommit.
- ``TransactionStatements``: a statement inside a unit of work's transaction. On SQLite one
  call on the session's connection; on PostgreSQL SQLAlchemy's Core execution on that
  connection (there the round trip to the server costs more than SQLAlchemy's work).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from operator import itemgetter
from typing import Any

from sqlalchemy import Connection, Engine, select, true
from sqlalchemy.engine import Dialect
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession
from sqlalchemy.sql import ClauseElement, Executable
from sqlalchemy.sql.compiler import SQLCompiler
from sqlalchemy.sql.dml import UpdateBase
from sqlalchemy.util.concurrency import greenlet_spawn

from db.reads import Gathered
from db.sqlite_driver import OneCallConnection

# ``Session.info`` key: the transaction wrote something (``db.unit_of_work`` counts it).
WROTE = "hourglass.wrote"

_Convert = Callable[[Any], Any] | None


def in_place(rows: list[tuple[Any, ...]], places: Sequence[int]) -> list[tuple[Any, ...]]:
    """``rows`` in the order of their ``places`` (1, 2, …): as they came when that is already
    their order, as it almost always is."""
    if places == list(range(1, len(places) + 1)):
        return rows
    return [row for _place, row in sorted(zip(places, rows, strict=True), key=itemgetter(0))]


@dataclass(frozen=True)
class _Compiled:
    sql: str
    # The statement's parameters in the order the SQL takes them, each with its type's
    # conversion (None: the value goes as it is).
    parameters: tuple[tuple[str, _Convert], ...]
    # Values the statement carries itself (``literal``), by parameter name.
    carried: dict[str, Any]
    # The columns it returns that need converting, by position: most need none.
    converted: tuple[tuple[int, Callable[[Any], Any]], ...]

    def values(self, given: Mapping[str, Any]) -> list[Any]:
        if self.carried:
            given = {**self.carried, **given}
        return [
            given[name] if convert is None else convert(given[name])
            for name, convert in self.parameters
        ]

    def rows(self, fetched: Sequence[Sequence[Any]]) -> list[tuple[Any, ...]]:
        if not self.converted or not fetched:
            return list(map(tuple, fetched))
        # Column by column: the loops over the rows run in C, not in Python for each value.
        return self.from_columns(list(zip(*fetched, strict=True)))

    def from_columns(self, columns: Sequence[Iterable[Any]]) -> list[tuple[Any, ...]]:
        """The rows of these columns (each the same length), converted."""
        converting = list(columns)
        for index, convert in self.converted:
            converting[index] = map(convert, converting[index])
        return list(zip(*converting, strict=True))


class _Compiler:
    """Statements compiled once for a dialect, kept by identity (they are module constants)."""

    def __init__(self, dialect: Dialect) -> None:
        self._dialect = dialect
        self._compiled: dict[int, tuple[Executable | Gathered, _Compiled]] = {}
        self._gatherings: dict[tuple[int, ...], Executable] = {}

    def __call__(self, statement: Executable) -> _Compiled:
        return self._kept(statement, statement)

    def rows_of(self, read: Gathered) -> _Compiled:
        """How the rows of a gathered read are converted: as its statement's, but for the
        columns it leaves out on SQLite (None there; on PostgreSQL as the driver decodes them)."""
        return self._kept(read, read.plain, read.left_out)

    def gathering(self, reads: Sequence[Gathered]) -> Executable:
        """One statement of a value per read (``TransactionStatements.gather``), in this
        dialect's form, made once for each sequence of reads."""
        key = tuple(map(id, reads))
        known = self._gatherings.get(key)
        if known is None:
            forms = [
                read.on_sqlite if self._dialect.name == "sqlite" else read.on_postgresql
                for read in reads
            ]
            # Each read's subquery is one row: joined, they are one row still.
            joined = forms[0]
            for form in forms[1:]:
                joined = joined.join(form, true())
            known = select(*(column for form in forms for column in form.c)).select_from(joined)
            # The reads are module constants: their ids stay theirs.
            self._gatherings[key] = known
        return known

    def _kept(
        self, key: Executable | Gathered, statement: Executable, left_out: tuple[int, ...] = ()
    ) -> _Compiled:
        known = self._compiled.get(id(key))
        if known is not None and known[0] is key:
            return known[1]
        made = self._made(statement, left_out)
        self._compiled[id(key)] = (key, made)
        return made

    def _made(self, statement: Executable, left_out: tuple[int, ...] = ()) -> _Compiled:
        assert isinstance(statement, ClauseElement)
        dialect = self._dialect
        compiled = statement.compile(dialect=dialect)
        assert isinstance(compiled, SQLCompiler) and compiled.positiontup is not None
        parameters = tuple(
            (name, compiled.binds[name].type.dialect_impl(dialect).bind_processor(dialect))
            for name in compiled.positiontup
        )
        returned = getattr(statement, "exported_columns", ())
        converts = (
            None
            if index in left_out
            else column.type.dialect_impl(dialect).result_processor(dialect, None)
            for index, column in enumerate(returned)
        )
        converted = tuple(
            (index, convert) for index, convert in enumerate(converts) if convert is not None
        )
        carried = {
            name: bind.effective_value
            for name, bind in ((name, compiled.binds[name]) for name in compiled.positiontup)
            if not bind.required
        }
        return _Compiled(str(compiled), parameters, carried, converted)


class LoneStatements:
    def __init__(self, engine: AsyncEngine) -> None:
        self._engine = engine
        self.on_sqlite = engine.dialect.name == "sqlite"
        self.compile = _Compiler(engine.dialect)

    async def run(self, statement: Executable, values: Mapping[str, Any]) -> list[tuple[Any, ...]]:
        """Runs ``statement`` (its parameters named by ``bindparam``) with ``values`` and
        commits; the rows it returns."""
        compiled = self.compile(statement)
        parameters = compiled.values(values)
        _announce(self._engine.sync_engine, None, compiled.sql, parameters)
        # The pool's connection itself: an SQLAlchemy Connection around it costs four times
        # what the checkout does. It goes back with no transaction open, so its reset is free.
        raw = await self._engine.raw_connection()
        try:
            if self.on_sqlite:
                adapted = raw.dbapi_connection
                assert isinstance(adapted, OneCallConnection)
                return compiled.rows(await adapted.run_alone(compiled.sql, parameters))
            driver = raw.driver_connection
            assert driver is not None
            return compiled.rows(await driver.fetch(compiled.sql, *parameters))
        finally:
            # In a greenlet: past the pool's size the connection is closed, not kept, and
            # closing it is a trip to its thread.
            await greenlet_spawn(raw.close)


def _announce(
    events: Connection | Engine, connection: Connection | None, sql: str, parameters: list[Any]
) -> None:
    """What listens to SQLAlchemy's ``before_cursor_execute`` (statement logs and counts) sees
    these statements too, with no cursor or execution context (and no Connection for a lone
    statement)."""
    listeners = events.dispatch.before_cursor_execute
    if listeners:
        for listener in listeners:
            listener(connection, None, sql, parameters, None, False)


@dataclass(frozen=True)
class Ran:
    # Tuples; on PostgreSQL SQLAlchemy's rows, which unpack, index and compare as tuples do
    # (copying each into a tuple was a good part of the CPU of a digest batch's reads).
    rows: Sequence[Sequence[Any]]
    rowcount: int


class TransactionStatements:
    """``uow.statements``: statements in the unit of work's transaction."""

    def __init__(self, session: AsyncSession, lone: LoneStatements) -> None:
        self._session = session
        self._compile = lone.compile
        self._sqlite = lone.on_sqlite

    async def run(self, statement: Executable, values: Mapping[str, Any]) -> Ran:
        """Runs ``statement`` with one set of ``values`` (its parameters named by
        ``bindparam``); a write is noted for the unit of work's commit."""
        if isinstance(statement, UpdateBase):
            self._session.info[WROTE] = True
        if not self._sqlite:
            # Core execution on the session's connection: in its transaction, begun by it.
            connection = await self._session.connection()
            result = await connection.execute(statement, values)
            return Ran(result.all() if result.returns_rows else [], result.rowcount)
        compiled = self._compile(statement)
        parameters = compiled.values(values)
        adapted = await self._sqlite_connection(compiled.sql, parameters)
        _description, fetched, rowcount, _lastrowid, _open = await adapted.run(
            compiled.sql, parameters, False
        )
        return Ran(compiled.rows(fetched or []), rowcount)

    async def begin(self) -> None:
        """Begins the unit of work's transaction now: the connection taken from the pool and,
        on PostgreSQL, the transaction begun (SQLAlchemy would begin it with the first
        statement, a trip to the server before that statement is sent)."""
        if not self._sqlite:
            connection = await self._session.connection()
            await connection.exec_driver_sql("SELECT 1")
            return
        adapted = await self._sqlite_connection()
        await adapted.run("BEGIN", None, False)

    async def gather(
        self, reads: Sequence[Gathered], values: Mapping[str, Any]
    ) -> list[Sequence[Sequence[Any]]]:
        """The rows of several reads (``db.reads.gathered``, all taking ``values``), each as its
        statement would return them; on SQLite the columns it leaves out are None.

        They go as one statement. On SQLite it runs in the connection's thread, in the unit of
        work's transaction (begun there if none is open), while the event loop's thread goes
        on; on PostgreSQL the server builds it while this process does other work. After
        ``begin``, either is under way before the first wait."""
        # One statement: on SQLite one step, for which the connection's thread takes the
        # interpreter lock once before and once after.
        combined = self._compile.gathering(reads)
        if not self._sqlite:
            (arrays,) = (await self.run(combined, values)).rows
            return self._from_arrays(reads, arrays, placed=True)
        compiled = self._compile(combined)
        parameters = compiled.values(values)
        adapted = await self._sqlite_connection(compiled.sql, parameters)
        texts = await adapted.gather(compiled.sql, parameters)
        return self._from_arrays(reads, [json.loads(text) for text in texts], placed=False)

    def _from_arrays(
        self, reads: Sequence[Gathered], arrays: Sequence[Any], *, placed: bool
    ) -> list[Sequence[Sequence[Any]]]:
        """Each read's rows from the row of arrays (``db.reads.Gathered``): a column's values
        each, then, when ``placed``, the rows' places."""
        found: list[Sequence[Sequence[Any]]] = []
        start = 0
        for read in reads:
            end = start + len(read.on_sqlite.c)
            columns = arrays[start:end]
            start = end + 1 if placed else end
            if columns[0] is None:  # no rows: every aggregate is NULL (PostgreSQL)
                found.append([])
                continue
            rows = self._compile.rows_of(read).from_columns(columns)
            found.append(in_place(rows, arrays[end]) if placed else rows)
        return found

    async def _sqlite_connection(
        self, sql: str | None = None, parameters: list[Any] | None = None
    ) -> OneCallConnection:
        """The unit of work's SQLite connection; what listens to SQLAlchemy's
        ``before_cursor_execute`` is told of ``sql``, the statement about to run on it."""
        connection = await self._session.connection()
        sync = connection.sync_connection
        assert sync is not None
        if sql is not None:
            _announce(sync, sync, sql, parameters or [])
        adapted = sync.connection.dbapi_connection
        assert isinstance(adapted, OneCallConnection)
        return adapted

    @property
    def gathers_apart(self) -> bool:
        """Whether ``gather`` leaves out the columns its reads name (SQLite's JSON would round
        them): they come back None, to be read apart. On PostgreSQL every column is read."""
        return self._sqlite
