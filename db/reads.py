"""Reads past the ORM: the rows of the digest's batches, straight from the connection, and
the pieces of statements several reads share.

A batch reads the rows of up to 500 workspaces at once. Their ids go as one parameter
(``among``): ``IN (…)`` with a parameter per id made SQLAlchemy render the list anew and
convert each id on every execution, so the statement could not be compiled once
(``db.driver_statements``).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import (
    Boolean,
    Date,
    DateTime,
    Float,
    Integer,
    Numeric,
    String,
    Text,
    bindparam,
    cast,
    func,
    null,
    select,
    type_coerce,
)
from sqlalchemy.dialects.postgresql import ARRAY, aggregate_order_by
from sqlalchemy.engine import Dialect
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.orm import QueryableAttribute
from sqlalchemy.sql import ColumnElement
from sqlalchemy.sql.compiler import SQLCompiler
from sqlalchemy.sql.functions import FunctionElement
from sqlalchemy.sql.type_api import TypeEngine
from sqlalchemy.types import TypeDecorator

from db.models import Observation, UTCDateTime


async def read_rows(session: AsyncSession, query: Any) -> Any:
    """Rows of a read through the session's connection, past the ORM's result handling
    (nothing to flush: the batches read, in a unit of work of their own)."""
    connection = await session.connection()
    return await connection.execute(query)


class _Ids(TypeDecorator[Sequence[int]]):
    """A list of integer ids as one value: JSON text on SQLite, an integer array on
    PostgreSQL."""

    impl = String
    cache_ok = True

    def load_dialect_impl(self, dialect: Dialect) -> TypeEngine[Any]:
        if dialect.name == "postgresql":
            return dialect.type_descriptor(ARRAY(Integer))
        return dialect.type_descriptor(String())

    def process_bind_param(self, value: Sequence[int] | None, dialect: Dialect) -> Any:
        if value is None:
            raise ValueError("a list of ids is required, not None")
        if dialect.name == "postgresql":
            return list(value)
        return json.dumps(list(value))


class _Among(FunctionElement[bool]):
    """Its clauses: the column, then the parameter of ids."""

    inherit_cache = True
    type = Boolean()
    # A condition already: no ``= 1`` after it where booleans are integers.
    _is_implicitly_boolean = True


def among(
    column: ColumnElement[int] | QueryableAttribute[int], name: str = "ids"
) -> ColumnElement[bool]:
    """``column IN (…)`` with the ids given as the one parameter ``name`` (a sequence of ints,
    possibly empty), whatever their number."""
    return _Among(column, bindparam(name, type_=_Ids()))


def _column_and_ids(element: _Among, compiler: SQLCompiler, kw: dict[str, Any]) -> list[str]:
    return [compiler.process(clause, **kw) for clause in element.clauses]


@compiles(_Among, "sqlite")
def _among_on_sqlite(element: _Among, compiler: SQLCompiler, **kw: Any) -> str:
    column, ids = _column_and_ids(element, compiler, kw)
    return f"{column} IN (SELECT value FROM json_each({ids}))"


@compiles(_Among, "postgresql")
def _among_on_postgresql(element: _Among, compiler: SQLCompiler, **kw: Any) -> str:
    column, ids = _column_and_ids(element, compiler, kw)
    return f"{column} = ANY({ids})"


@compiles(_Among)
def _among_elsewhere(element: _Among, compiler: SQLCompiler, **kw: Any) -> str:
    # A statement printed is compiled for no database in particular ("default").
    if compiler.dialect.name != "default":
        raise NotImplementedError(f"no list of ids as one parameter on {compiler.dialect.name}")
    column, ids = _column_and_ids(element, compiler, kw)
    return f"{column} IN ({ids})"


def latest_logged_at(experiment_id: Any) -> ColumnElement[Any]:
    """When the experiment's latest result was logged, as an aware UTC moment (None without
    results): an index lookup on (experiment_id, logged_at). ``experiment_id`` is a value, a
    parameter, or the column of an enclosing statement (then correlated with it)."""
    latest = (
        select(func.max(Observation.logged_at))
        .where(Observation.experiment_id == experiment_id)
        .scalar_subquery()
    )
    return type_coerce(latest, UTCDateTime)


# Float is not a Numeric in every SQLAlchemy release: both are named.
_FRACTIONAL = (Numeric, Float)


@dataclass(frozen=True, eq=False)
class Gathered:
    """A read of many rows as one JSON value (``gathered``): the statement, and its forms."""

    plain: Any
    # SELECT json_group_array(json_array(…)) FROM (the statement): in the statement's order,
    # as SQLite feeds a sorted subquery to an aggregate. The columns left out are NULL.
    on_sqlite: Any
    # (SELECT json_agg(json_build_array(…) ORDER BY its place) FROM (the statement))::text, a
    # scalar subquery: several go in one statement. Every column is in it.
    on_postgresql: Any
    # PostgreSQL's JSON gives times, dates and decimals as text and a whole double as an
    # integer: each such column's parse, by place.
    parses: tuple[tuple[int, Callable[[Any], Any]], ...]
    left_out: tuple[int, ...]  # the places of the columns SQLite's form leaves out


def gathered(statement: Any, *, left_out: Sequence[str] = ()) -> Gathered:
    """``statement``'s rows as one JSON value: an array of the rows, each an array of its
    columns, in the statement's order (``TransactionStatements.gather`` reads it).

    A double does not survive SQLite's JSON (nor its ``printf`` or ``quote``) exactly: on SQLite
    each column holding one must be named in ``left_out`` (it comes back NULL, to be read
    apart), and a column of a fractional type that is not is refused here. PostgreSQL writes a
    double's shortest exact digits, and a decimal goes as text: there every column is read."""
    rows = statement.subquery()
    parses: list[tuple[int, Callable[[Any], Any]]] = []
    for index, (key, column) in enumerate(zip(rows.c.keys(), rows.c, strict=True)):
        base = _base(column)
        if isinstance(base, _FRACTIONAL) and key not in left_out:
            raise ValueError(f"{key} may hold a fraction, which JSON would round: leave it out")
        if isinstance(base, DateTime):
            parses.append((index, datetime.fromisoformat))
        elif isinstance(base, Date):
            parses.append((index, date.fromisoformat))
        elif isinstance(base, Float):
            parses.append((index, float))
        elif isinstance(base, Numeric):
            parses.append((index, Decimal))
    # PostgreSQL keeps no order into an aggregate unless told: each row carries its place.
    place = func.row_number().over(order_by=statement._order_by_clauses).label("place")
    placed = statement.add_columns(place).subquery()
    by_place = func.json_build_array(*_as_json(list(placed.c)[:-1]))
    return Gathered(
        statement,
        select(func.json_group_array(func.json_array(*_kept(rows, left_out)))),
        select(cast(func.json_agg(aggregate_order_by(by_place, placed.c.place)), Text))
        .select_from(placed)
        .scalar_subquery(),
        tuple(parses),
        tuple(index for index, key in enumerate(rows.c.keys()) if key in left_out),
    )


def _kept(rows: Any, left_out: Sequence[str]) -> list[Any]:
    """The columns of ``rows``, NULL in place of those left out."""
    return [null() if key in left_out else column for key, column in rows.c.items()]


def _as_json(columns: list[Any]) -> list[Any]:
    """The columns as PostgreSQL's JSON keeps them exactly: a decimal (not a double) as text."""
    kept = []
    for column in columns:
        base = _base(column)
        decimal = isinstance(base, Numeric) and not isinstance(base, Float)
        kept.append(cast(column, Text) if decimal else column)
    return kept


def _base(column: Any) -> Any:
    """The column's type, or the type a decorated one stores as."""
    return getattr(column.type, "impl", column.type)
