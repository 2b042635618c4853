"""Queries about imported files: their records, and the observations each one brought."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from sqlalchemy import delete, func, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import selectinload

from db.models import Experiment, ImportRecord, Observation
from db.repositories import to_entity
from db.totals_repository import RESULT_COLUMNS, CountedResult, TotalsRepository
from experiments import experiment as entity


@dataclass(frozen=True, slots=True)
class LoggedResult:
    """What tells one logged result from another, and the import it came with."""

    variant_id: int
    visitors: int
    conversions: int
    revenue: Decimal | None
    logged_at: datetime
    import_id: int | None


class ImportRepository:
    def __init__(self, session: AsyncSession, totals: TotalsRepository) -> None:
        self._session = session
        self._totals = totals

    async def add(self, record: ImportRecord) -> ImportRecord:
        self._session.add(record)
        await self._session.flush()
        return record

    async def get(self, workspace_id: int, import_id: int) -> ImportRecord | None:
        return await self._session.scalar(
            select(ImportRecord).where(
                ImportRecord.workspace_id == workspace_id, ImportRecord.id == import_id
            )
        )

    async def by_ids(self, import_ids: set[int]) -> dict[int, ImportRecord]:
        if not import_ids:
            return {}
        found = await self._session.scalars(
            select(ImportRecord).where(ImportRecord.id.in_(import_ids))
        )
        return {record.id: record for record in found}

    async def standing_with_fingerprint(
        self, workspace_id: int, fingerprint: str
    ) -> ImportRecord | None:
        """The latest import of a file with these bytes that was not undone."""
        return await self._session.scalar(
            select(ImportRecord)
            .where(
                ImportRecord.workspace_id == workspace_id,
                ImportRecord.fingerprint == fingerprint,
                ImportRecord.undone_at.is_(None),
            )
            .order_by(ImportRecord.id.desc())
            .limit(1)
        )

    async def logged_between(
        self, experiment_id: int, start: datetime, end: datetime
    ) -> list[LoggedResult]:
        """An experiment's observations logged within [start, end] (the logged_at index), as
        plain rows: a file of 10,000 lines compares against as many."""
        rows = await self._session.execute(
            select(
                Observation.variant_id,
                Observation.visitors,
                Observation.conversions,
                Observation.revenue,
                Observation.logged_at,
                Observation.import_id,
            )
            .where(
                Observation.experiment_id == experiment_id,
                Observation.logged_at >= start,
                Observation.logged_at <= end,
            )
            .order_by(Observation.id)
        )
        return [LoggedResult(*row) for row in rows]

    async def experiments_of(self, import_id: int) -> list[entity.Experiment]:
        """The experiments that still hold results of this import."""
        touched = select(Observation.experiment_id).where(Observation.import_id == import_id)
        rows = await self._session.scalars(
            select(Experiment)
            .options(selectinload(Experiment.variants))
            .where(Experiment.id.in_(touched))
            .order_by(Experiment.number)
        )
        return [to_entity(row) for row in rows]

    async def count_observations(self, import_id: int) -> int:
        found = await self._session.scalar(
            select(func.count()).select_from(Observation).where(Observation.import_id == import_id)
        )
        return int(found or 0)

    async def remove_observations(self, import_id: int) -> None:
        """Deletes the import's results and takes them out of the running totals."""
        removed = await self._session.execute(
            delete(Observation).where(Observation.import_id == import_id).returning(*RESULT_COLUMNS)
        )
        await self._totals.subtract(CountedResult(*row) for row in removed)
