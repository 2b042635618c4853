"""Running totals of the results: kept with every write of a result, read by every readout.

``variant_totals`` holds one row per variant and ``variant_day_totals`` one per variant and UTC
day. The observation and import repositories call ``add``/``subtract`` in the transaction that
writes the results, and both are one ``INSERT … ON CONFLICT DO UPDATE SET x = x + excluded.x``
per table, so two processes logging at once both count. ``differences`` recomputes the sums
from the results and says where the running totals disagree; ``repair`` sets those rows right.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime
from decimal import ROUND_HALF_UP, Decimal
from functools import lru_cache
from typing import Any, NamedTuple

from sqlalchemy import (
    BigInteger,
    Date,
    String,
    Table,
    bindparam,
    case,
    cast,
    delete,
    func,
    insert,
    literal,
    null,
    or_,
    select,
    text,
    union_all,
)
from sqlalchemy.ext.asyncio import AsyncSession

from db.dialect import dialect_insert, upsert_insert
from db.driver_statements import TransactionStatements
from db.models import (
    Experiment,
    Observation,
    UTCDateTime,
    Variant,
    VariantDayTotal,
    VariantTotal,
)
from db.reads import among, gathered, latest_logged_at

# Rows per INSERT: far below SQLite's 32,766 bound parameters.
_CHUNK = 500

VARIANT_COLUMNS = (
    "visitors",
    "conversions",
    "revenue_cents",
    "revenue_observations",
    "observations",
)
DAY_COLUMNS = ("visitors", "conversions", "observations")


class CountedResult(NamedTuple):
    """What of one result the totals count."""

    experiment_id: int
    variant_id: int
    visitors: int
    conversions: int
    revenue: Decimal | None
    logged_at: datetime


@dataclass(frozen=True, slots=True)
class VariantSums:
    visitors: int
    conversions: int
    revenue: Decimal | None  # None when no result of the variant carries revenue
    observations: int


@dataclass(frozen=True, slots=True)
class ReadoutTotals:
    """What a readout reads of an experiment's totals."""

    by_variant: dict[int, VariantSums]  # by variant id; variants without results are absent
    by_day: list[tuple[date, int, int, int]]  # (UTC day, variant id, visitors, conversions)
    last_logged_at: datetime | None  # None without results


@dataclass(frozen=True, slots=True)
class TotalsDifference:
    """A running total that is not the sum of its results."""

    table: str  # variant_totals or variant_day_totals
    experiment_id: int
    variant_id: int
    day: date | None  # the UTC day, in variant_day_totals
    stored: dict[str, int]
    recomputed: dict[str, int]


@lru_cache(maxsize=16)
def _increment_statement(
    dialect: str,
    table: Table,
    keys: tuple[str, ...],
    columns: tuple[str, ...],
    returning: tuple[str, ...],
) -> Any:
    """``INSERT … ON CONFLICT (keys) DO UPDATE SET column = column + excluded.column``, built
    once per table: building it is most of the work of a single-row upsert."""
    statement = dialect_insert(dialect, table).values(
        {name: bindparam(name) for name in (*keys, *columns)}
    )
    statement = statement.on_conflict_do_update(
        index_elements=list(keys),
        set_={name: table.c[name] + statement.excluded[name] for name in columns},
    )
    if returning:
        statement = statement.returning(*(table.c[name] for name in returning))
    return statement


def _for_readout() -> Any:
    experiment_id: Any = bindparam("experiment_id")
    variants = select(
        VariantTotal.variant_id,
        cast(null(), Date).label("day"),
        VariantTotal.visitors,
        VariantTotal.conversions,
        VariantTotal.revenue_cents,
        VariantTotal.revenue_observations,
        VariantTotal.observations,
        latest_logged_at(experiment_id).label("last_logged_at"),
    ).where(VariantTotal.experiment_id == experiment_id)
    days = select(
        VariantDayTotal.variant_id,
        VariantDayTotal.day,
        VariantDayTotal.visitors,
        VariantDayTotal.conversions,
        literal(0, BigInteger),
        literal(0, BigInteger),
        VariantDayTotal.observations,
        cast(null(), UTCDateTime),
    ).where(VariantDayTotal.experiment_id == experiment_id)
    both = union_all(variants, days).subquery()
    return select(both).order_by(both.c.day, both.c.variant_id)


# Every readout runs it: built once.
_FOR_READOUT = _for_readout()
# The jump check of every /log reads it: built once.
_BY_UTC_DAY = (
    select(
        VariantDayTotal.day,
        VariantDayTotal.variant_id,
        VariantDayTotal.visitors,
        VariantDayTotal.conversions,
    )
    .where(VariantDayTotal.experiment_id == bindparam("experiment_id"))
    .order_by(VariantDayTotal.day, VariantDayTotal.variant_id)
)

# The digest's batches read every total with these two.
_FOR_WORKSPACES = (
    select(
        Variant.experiment_id,
        Variant.id,
        Variant.position,
        Variant.name,
        func.coalesce(VariantTotal.visitors, 0),
        func.coalesce(VariantTotal.conversions, 0),
        case(
            (VariantTotal.revenue_observations > 0, VariantTotal.revenue_cents),
            else_=null(),
        ),
        func.coalesce(VariantTotal.observations, 0),
    )
    .join(Experiment, Experiment.id == Variant.experiment_id)
    # By its whole key: on the variant alone SQLite scans every variant and indexes the totals
    # anew for each read.
    .outerjoin(
        VariantTotal,
        (VariantTotal.experiment_id == Variant.experiment_id)
        & (VariantTotal.variant_id == Variant.id),
    )
    .where(among(Experiment.workspace_id))
    # By experiment as the index on (workspace_id, number) gives them: no sort on SQLite.
    .order_by(Experiment.workspace_id, Experiment.number, Variant.position)
)
_BY_DAY_FOR_WORKSPACES = (
    select(
        VariantDayTotal.experiment_id,
        # As text on either database: the batch only tells one day from the next.
        cast(VariantDayTotal.day, String),
        VariantDayTotal.variant_id,
        VariantDayTotal.visitors,
        VariantDayTotal.conversions,
    )
    .join(Experiment, Experiment.id == VariantDayTotal.experiment_id)
    .where(among(Experiment.workspace_id))
    # By experiment as the index on (workspace_id, number) gives them: no sort on SQLite.
    .order_by(Experiment.workspace_id, Experiment.number, VariantDayTotal.day)
)

# Both as ``db.reads.gathered`` reads, for ``DigestRepository.batch_of``.
VARIANTS_OF_WORKSPACES = gathered(_FOR_WORKSPACES)
DAYS_OF_WORKSPACES = gathered(_BY_DAY_FOR_WORKSPACES)


class TotalsRepository:
    """One of the unit of work's repositories: ``uow.totals``."""

    def __init__(self, session: AsyncSession, statements: TransactionStatements) -> None:
        self._session = session
        self._statements = statements

    # ------------------------------------------------------------ kept with the results

    async def add(self, results: Iterable[CountedResult]) -> dict[int, VariantSums]:
        """Counts results just inserted, in the transaction that inserted them; returns the
        new totals of the variants they went to (read back by the same statement)."""
        _experiments, sums = await self._apply(results, sign=1)
        return sums

    async def subtract(self, results: Iterable[CountedResult]) -> None:
        """Takes out results just deleted; a variant (or day) left with none loses its row."""
        experiment_ids, _sums = await self._apply(results, sign=-1)
        if experiment_ids:
            for model in (VariantTotal, VariantDayTotal):
                await self._session.execute(
                    delete(model).where(
                        model.experiment_id.in_(experiment_ids), model.observations == 0
                    )
                )

    async def _apply(
        self, results: Iterable[CountedResult], *, sign: int
    ) -> tuple[set[int], dict[int, VariantSums]]:
        by_variant: dict[tuple[int, int], list[int]] = {}
        by_day: dict[tuple[int, date, int], list[int]] = {}
        for result in results:
            cents = _cents(result.revenue)
            variant = by_variant.setdefault((result.experiment_id, result.variant_id), [0] * 5)
            variant[0] += result.visitors
            variant[1] += result.conversions
            variant[2] += cents or 0
            variant[3] += cents is not None
            variant[4] += 1
            day = result.logged_at.astimezone(UTC).date()
            daily = by_day.setdefault((result.experiment_id, day, result.variant_id), [0] * 3)
            daily[0] += result.visitors
            daily[1] += result.conversions
            daily[2] += 1
        # In key order, so two writers touching the same rows take their locks in one order.
        table: Table = VariantTotal.__table__  # type: ignore[assignment]
        updated = await self._increment(
            table,
            ("experiment_id", "variant_id"),
            VARIANT_COLUMNS,
            [(*key, *(sign * n for n in sums)) for key, sums in sorted(by_variant.items())],
            returning=("variant_id", *VARIANT_COLUMNS),
        )
        await self._increment(
            VariantDayTotal.__table__,  # type: ignore[arg-type]
            ("experiment_id", "day", "variant_id"),
            DAY_COLUMNS,
            [(*key, *(sign * n for n in sums)) for key, sums in sorted(by_day.items())],
        )
        return (
            {experiment_id for experiment_id, _ in by_variant},
            {row[0]: _sums(*row[1:]) for row in updated},
        )

    async def _increment(
        self,
        table: Table,
        keys: tuple[str, ...],
        columns: tuple[str, ...],
        rows: list[tuple[Any, ...]],
        returning: tuple[str, ...] = (),
    ) -> Sequence[Any]:
        names = (*keys, *columns)
        dialect = self._session.get_bind().dialect.name
        statement = _increment_statement(dialect, table, keys, columns, returning)
        if len(rows) == 1:  # a result logged: the statement every /log runs
            ran = await self._statements.run(statement, dict(zip(names, rows[0], strict=True)))
            return ran.rows
        updated: list[Any] = []
        for start in range(0, len(rows), _CHUNK):
            chunk = [dict(zip(names, row, strict=True)) for row in rows[start : start + _CHUNK]]
            # One parameter set is one statement; several go as multi-row VALUES batches.
            result = await self._session.execute(statement, chunk[0] if len(chunk) == 1 else chunk)
            if returning:
                updated += result.all()
        return updated

    # ------------------------------------------------------------ read by the readouts

    async def by_variant(self, experiment_id: int) -> dict[int, VariantSums]:
        """The experiment's totals by variant id (variants without results are absent)."""
        rows = await self._session.execute(
            _sums_query().where(VariantTotal.experiment_id == experiment_id)
        )
        return {row[0]: _sums(*row[1:]) for row in rows}

    async def for_workspace(self, workspace_id: int) -> dict[int, VariantSums]:
        """The totals by variant id of every experiment of a workspace."""
        rows = await self._session.execute(
            _sums_query()
            .join(Experiment, Experiment.id == VariantTotal.experiment_id)
            .where(Experiment.workspace_id == workspace_id)
        )
        return {row[0]: _sums(*row[1:]) for row in rows}

    async def for_readout(self, experiment_id: int) -> ReadoutTotals:
        """What a readout reads, in one statement: the totals by variant, by UTC day and
        variant (in day order), and when the latest result was logged."""
        ran = await self._statements.run(_FOR_READOUT, {"experiment_id": experiment_id})
        found = ReadoutTotals({}, [], None)
        for variant_id, day, visitors, conversions, cents, with_revenue, count, moment in ran.rows:
            if day is None:
                found.by_variant[variant_id] = _sums(
                    visitors, conversions, cents, with_revenue, count
                )
                found = replace(found, last_logged_at=moment)
            else:
                found.by_day.append((_as_date(day), variant_id, visitors, conversions))
        return found

    async def by_day(
        self, experiment_id: int, timezone: str = "UTC"
    ) -> list[tuple[date, int, int, int]]:
        """(day in ``timezone``, variant id, visitors, conversions), in day order.

        The running totals are kept by UTC day; another zone's days cut UTC days apart (and a
        workspace may change its zone), so those are summed from the results.
        """
        if timezone != "UTC":
            return await self._by_local_day(experiment_id, timezone)
        ran = await self._statements.run(_BY_UTC_DAY, {"experiment_id": experiment_id})
        return [(day, variant_id, visitors, conv) for day, variant_id, visitors, conv in ran.rows]

    async def by_day_for_workspace(
        self, workspace_id: int
    ) -> list[tuple[int, date, int, int, int]]:
        """(experiment number, UTC day, variant position, visitors, conversions) for every
        experiment of a workspace, in that order: one query for a whole digest."""
        rows = await self._session.execute(
            select(
                Experiment.number,
                VariantDayTotal.day,
                Variant.position,
                VariantDayTotal.visitors,
                VariantDayTotal.conversions,
            )
            .join(Experiment, Experiment.id == VariantDayTotal.experiment_id)
            .join(Variant, Variant.id == VariantDayTotal.variant_id)
            .where(Experiment.workspace_id == workspace_id)
            .order_by(Experiment.number, VariantDayTotal.day, Variant.position)
        )
        return [
            (number, day, position, visitors, conversions)
            for number, day, position, visitors, conversions in rows
        ]

    # ---- many workspaces at once: the digest's batches read every total here

    async def for_workspaces(self, workspace_ids: Sequence[int]) -> Sequence[Any]:
        """Every variant of every experiment of these workspaces with its totals, by experiment
        (the rows of one experiment together, the experiments in workspace and number order)
        and in position order: (experiment id, variant id, position, name, visitors,
        conversions, revenue in cents or None without revenue, results); a variant without
        results has zeros."""
        return (await self._statements.run(_FOR_WORKSPACES, {"ids": workspace_ids})).rows

    async def by_day_for_workspaces(self, workspace_ids: Sequence[int]) -> Sequence[Any]:
        """(experiment id, UTC day, variant id, visitors, conversions) of every experiment of
        these workspaces, by experiment (the rows of one experiment together, the experiments
        in workspace and number order) and in day order. The day is text ("YYYY-MM-DD") on
        either database: the batch only tells one day from the next."""
        return (await self._statements.run(_BY_DAY_FOR_WORKSPACES, {"ids": workspace_ids})).rows

    async def _by_local_day(
        self, experiment_id: int, timezone: str
    ) -> list[tuple[date, int, int, int]]:
        day = local_day(self._session, Observation.logged_at, timezone)
        rows = await self._session.execute(
            select(
                day,
                Observation.variant_id,
                func.sum(Observation.visitors),
                func.sum(Observation.conversions),
            )
            .where(Observation.experiment_id == experiment_id)
            .group_by(day, Observation.variant_id)
            .order_by(day, Observation.variant_id)
        )
        return [
            (_as_date(d), variant_id, int(visitors), int(conversions))
            for d, variant_id, visitors, conversions in rows
        ]

    # ------------------------------------------------------------ the check

    async def differences(self) -> list[TotalsDifference]:
        """Every running total that differs from its results summed again, in both tables.

        Each table is compared in one statement, so it reads one snapshot of the results and
        the totals together.
        """
        found = await self._differences(
            VariantTotal.__table__,  # type: ignore[arg-type]
            ("experiment_id", "variant_id"),
            VARIANT_COLUMNS,
            _recomputed_variant_rows(),
        )
        found += await self._differences(
            VariantDayTotal.__table__,  # type: ignore[arg-type]
            ("experiment_id", "day", "variant_id"),
            DAY_COLUMNS,
            _recomputed_day_rows(self._session),
        )
        return found

    async def repair(self) -> list[TotalsDifference]:
        """Sets every differing running total to its results' sums; returns what differed.

        Writers of results wait until this transaction ends, so nothing is logged between
        the recount and the correction.
        """
        await self._hold_writers()
        found = await self.differences()
        for difference in found:
            model = VariantTotal if difference.day is None else VariantDayTotal
            key = {"experiment_id": difference.experiment_id, "variant_id": difference.variant_id}
            if difference.day is not None:
                key["day"] = difference.day  # type: ignore[assignment]
            await self._session.execute(
                delete(model).where(*(getattr(model, name) == value for name, value in key.items()))
            )
            if difference.recomputed["observations"]:
                await self._session.execute(
                    upsert_insert(self._session, model).values(**key, **difference.recomputed)
                )
        return found

    async def rebuild(self) -> None:
        """Recounts every running total from the results at once (after results were
        written around the repositories, as a benchmark's seed does)."""
        await self._hold_writers()
        for model in (VariantTotal, VariantDayTotal):
            await self._session.execute(delete(model))
        await self._session.execute(
            insert(VariantTotal).from_select(
                ["experiment_id", "variant_id", *VARIANT_COLUMNS],
                _recomputed_variant_rows(marked=False),
            )
        )
        await self._session.execute(
            insert(VariantDayTotal).from_select(
                ["experiment_id", "day", "variant_id", *DAY_COLUMNS],
                _recomputed_day_rows(self._session, marked=False),
            )
        )

    async def _hold_writers(self) -> None:
        if self._session.get_bind().dialect.name == "postgresql":
            # SHARE waits for open writers of results and keeps new ones out until commit.
            await self._session.execute(text("LOCK TABLE observations IN SHARE MODE"))
        else:
            # SQLite's write lock comes with the first write: a write that changes nothing.
            await self._session.execute(delete(VariantTotal).where(VariantTotal.observations == 0))

    async def _differences(
        self,
        table: Table,
        keys: tuple[str, ...],
        columns: tuple[str, ...],
        recomputed: Any,
    ) -> list[TotalsDifference]:
        stored = select(
            *(table.c[name] for name in keys),
            *(table.c[name] for name in columns),
            literal(0, BigInteger).label("recomputed"),
        )
        both = union_all(stored, recomputed).subquery()
        sums = []
        for name in columns:
            sums.append(
                func.sum(case((both.c.recomputed == 0, both.c[name]), else_=0)).label(f"s_{name}")
            )
            sums.append(
                func.sum(case((both.c.recomputed == 1, both.c[name]), else_=0)).label(f"r_{name}")
            )
        key_columns = [both.c[name] for name in keys]
        rows = await self._session.execute(
            select(*key_columns, *sums)
            .group_by(*key_columns)
            .having(or_(*(sums[2 * i] != sums[2 * i + 1] for i in range(len(columns)))))
            .order_by(*key_columns)
        )
        found = []
        for row in rows:
            key = dict(zip(keys, row[: len(keys)], strict=True))
            values = row[len(keys) :]
            found.append(
                TotalsDifference(
                    table=table.name,
                    experiment_id=key["experiment_id"],
                    variant_id=key["variant_id"],
                    day=_as_date(key["day"]) if "day" in key else None,
                    stored={name: int(values[2 * i]) for i, name in enumerate(columns)},
                    recomputed={name: int(values[2 * i + 1]) for i, name in enumerate(columns)},
                )
            )
        return found


def _sums_query() -> Any:
    return select(
        VariantTotal.variant_id,
        VariantTotal.visitors,
        VariantTotal.conversions,
        VariantTotal.revenue_cents,
        VariantTotal.revenue_observations,
        VariantTotal.observations,
    )


def _sums(
    visitors: int, conversions: int, revenue_cents: int, revenue_observations: int, count: int
) -> VariantSums:
    revenue = revenue_of_cents(revenue_cents) if revenue_observations else None
    return VariantSums(visitors, conversions, revenue, count)


def revenue_of_cents(cents: int) -> Decimal:
    """Revenue kept in cents, as the results give it (two decimals)."""
    return (Decimal(cents) / 100).quantize(Decimal("0.01"))


def _recomputed_variant_rows(*, marked: bool = True) -> Any:
    cents = func.coalesce(cast(func.round(Observation.revenue * 100), BigInteger), 0)
    return select(
        Observation.experiment_id,
        Observation.variant_id,
        func.sum(Observation.visitors),
        func.sum(Observation.conversions),
        func.sum(cents),
        func.count(Observation.revenue),
        func.count(),
        *_marker(marked),
    ).group_by(Observation.experiment_id, Observation.variant_id)


def _recomputed_day_rows(session: AsyncSession, *, marked: bool = True) -> Any:
    day = local_day(session, Observation.logged_at, "UTC")
    return select(
        Observation.experiment_id,
        day,
        Observation.variant_id,
        func.sum(Observation.visitors),
        func.sum(Observation.conversions),
        func.count(),
        *_marker(marked),
    ).group_by(Observation.experiment_id, day, Observation.variant_id)


def _marker(marked: bool) -> tuple[Any, ...]:
    # Tells the recomputed rows from the stored ones in ``differences``' union.
    return (literal(1, BigInteger),) if marked else ()


def local_day(session: AsyncSession, column: Any, timezone: str) -> Any:
    """The day in ``timezone`` of a stored moment, as SQL."""
    # Rendered inline, so the GROUP BY expression is the very one selected (PostgreSQL insists).
    if timezone == "UTC" and session.get_bind().dialect.name == "sqlite":
        # Stored as naive UTC text: SQLite's own date() is the UTC day, without a Python call
        # per row.
        return func.date(column)
    zone: Any = bindparam("zone", timezone, literal_execute=True)
    if session.get_bind().dialect.name == "sqlite":
        return func.local_date(column, zone)  # registered in db/engine.py
    return cast(func.timezone(zone, column), Date)


RESULT_COLUMNS = (
    Observation.experiment_id,
    Observation.variant_id,
    Observation.visitors,
    Observation.conversions,
    Observation.revenue,
    Observation.logged_at,
)
"""An observation's columns in ``CountedResult``'s order (for ``RETURNING``)."""


def _cents(revenue: Decimal | float | None) -> int | None:
    if revenue is None:
        return None
    return int((Decimal(str(revenue)) * 100).to_integral_value(ROUND_HALF_UP))


def _as_date(value: Any) -> date:
    return value if isinstance(value, date) else date.fromisoformat(str(value))
