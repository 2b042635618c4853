"""Reads past the ORM: the rows of the digest's batches, straight from the connection, and
the pieces of statements several reads share.

A batch reads the rows of up to 500 workspaces at once. Their ids go as one parameter
(``among``): ``IN (…)`` with a parameter per id made SQLAlchemy render the list anew and
convert each id on every execution, so the statement could not be compiled once
(``db.driver_statements``).
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import (
    Boolean,
    Float,
    Integer,
    Numeric,
    String,
    bindparam,
    func,
    null,
    select,
    type_coerce,
)
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.engine import Dialect
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.orm import QueryableAttribute
from sqlalchemy.sql import ColumnElement
from sqlalchemy.sql.compiler import SQLCompiler
from sqlalchemy.sql.functions import FunctionElement
from sqlalchemy.sql.type_api import TypeEngine
from sqlalchemy.types import NullType, TypeDecorator

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
    """A read of many rows as one row of arrays (``gathered``): the statement, and its forms.

    Each form is a subquery of one row: an array of each column's values, in the statement's
    order. Several such subqueries join in one statement."""

    plain: Any
    # json_group_array of each column: JSON text. SQLite feeds a sorted subquery to an
    # aggregate in its order. The columns left out are NULL.
    on_sqlite: Any
    # array_agg of each column, then of each row's place in the statement's order: PostgreSQL
    # does not promise an aggregate the order of a sorted subquery, so the reader checks the
    # places. The driver decodes every value in its own type.
    on_postgresql: Any
    left_out: tuple[int, ...]  # the places of the columns SQLite's form leaves out


def gathered(statement: Any, *, left_out: Sequence[str] = ()) -> Gathered:
    """``statement``'s rows as one row of arrays, a column's values each
    (``TransactionStatements.gather`` reads them back as rows, in the statement's order).

    A double does not survive SQLite's JSON (nor its ``printf`` or ``quote``) exactly: on SQLite
    each column holding one must be named in ``left_out`` (it comes back NULL, to be read
    apart), and a column of a fractional type that is not is refused here. PostgreSQL's arrays
    keep every value as the driver reads it: there every column is read."""
    if statement._distinct:
        # Each row's place would make every row distinct: GROUP BY says the same and keeps it.
        raise ValueError("a DISTINCT read cannot be gathered: group by its columns instead")
    rows = statement.subquery()
    for key, column in zip(rows.c.keys(), rows.c, strict=True):
        if isinstance(_base(column), _FRACTIONAL) and key not in left_out:
            raise ValueError(f"{key} may hold a fraction, which JSON would round: leave it out")
    place = func.row_number().over(order_by=statement._order_by_clauses).label("place")
    placed = statement.add_columns(place).subquery()
    # Numbering the rows doubled SQLite's work on a batch: there the order is taken as it is.
    kept = [null() if key in left_out else column for key, column in rows.c.items()]
    return Gathered(
        statement,
        select(*(func.json_group_array(column) for column in kept)).select_from(rows).subquery(),
        select(*(type_coerce(func.array_agg(column), NullType()) for column in placed.c))
        .select_from(placed)
        .subquery(),
        tuple(index for index, key in enumerate(rows.c.keys()) if key in left_out),
    )


def _base(column: Any) -> Any:
    """The column's type, or the type a decorated one stores as."""
    return getattr(column.type, "impl", column.type)
