"""Statements run alone on the database driver, each in a transaction of its own.

Every update runs three statements outside its handler's unit of work: it is stored in the
inbox, its workspace's version is read, and it is marked done. Through a session each would
cost several times its work (a session, a transaction begun and committed, SQLAlchemy's
execution of the statement: about 1 ms of CPU for a one-row INSERT). Here a Core statement is
compiled once for the engine's dialect, its values converted by its columns' own types, and
handed to the driver in one call: on SQLite one trip to the connection's thread that also
commits (``db.sqlite_driver``), on PostgreSQL one statement in autocommit. Rows come back as
the driver gives them, unconverted: these statements return only plain integers.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy.ext.asyncio import AsyncEngine
from sqlalchemy.sql import ClauseElement
from sqlalchemy.sql.compiler import SQLCompiler

from db.sqlite_driver import OneTripConnection


@dataclass(frozen=True)
class _Compiled:
    sql: str
    # The statement's parameters in the order the SQL takes them, each with its type's
    # conversion (None: the value goes as it is).
    parameters: tuple[tuple[str, Callable[[Any], Any] | None], ...]

    def values(self, given: Mapping[str, Any]) -> list[Any]:
        return [
            given[name] if convert is None else convert(given[name])
            for name, convert in self.parameters
        ]


class LoneStatements:
    def __init__(self, engine: AsyncEngine) -> None:
        self._engine = engine
        self._dialect = engine.dialect
        self._sqlite = engine.dialect.name == "sqlite"
        self._compiled: dict[int, tuple[ClauseElement, _Compiled]] = {}

    async def run(self, statement: ClauseElement, values: Mapping[str, Any]) -> list[Sequence[Any]]:
        """Runs ``statement`` (its parameters named by ``bindparam``) with ``values`` and
        commits; the rows it returns."""
        compiled = self._compile(statement)
        parameters = compiled.values(values)
        async with self._engine.connect() as connection:
            raw = await connection.get_raw_connection()
            if self._sqlite:
                adapted = raw.dbapi_connection
                assert isinstance(adapted, OneTripConnection)
                return await adapted.run_alone(compiled.sql, parameters)
            driver = raw.driver_connection
            assert driver is not None
            rows: list[Sequence[Any]] = await driver.fetch(compiled.sql, *parameters)
            return rows

    def _compile(self, statement: ClauseElement) -> _Compiled:
        # Keyed by identity: these statements are module constants, built once.
        known = self._compiled.get(id(statement))
        if known is not None and known[0] is statement:
            return known[1]
        compiled = statement.compile(dialect=self._dialect)
        assert isinstance(compiled, SQLCompiler) and compiled.positiontup is not None
        parameters = tuple(
            (
                name,
                compiled.binds[name].type.dialect_impl(self._dialect).bind_processor(self._dialect),
            )
            for name in compiled.positiontup
        )
        made = _Compiled(str(compiled), parameters)
        self._compiled[id(statement)] = (statement, made)
        return made
