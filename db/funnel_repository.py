"""Queries about funnel snapshots: storing one, the latest, one per period for the history."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from db.models import FunnelSnapshot
from db.reads import among


class FunnelRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def add(self, snapshot: FunnelSnapshot) -> FunnelSnapshot:
        self._session.add(snapshot)
        await self._session.flush()
        return snapshot

    async def latest(self, workspace_id: int) -> FunnelSnapshot | None:
        """The snapshot of the most recent period; within a period, the last one logged."""
        return await self._session.scalar(
            select(FunnelSnapshot)
            .where(FunnelSnapshot.workspace_id == workspace_id)
            .order_by(FunnelSnapshot.period_end.desc(), FunnelSnapshot.id.desc())
            .limit(1)
        )

    async def before(self, workspace_id: int, period_end: date) -> FunnelSnapshot | None:
        """The snapshot of the latest period that ends before ``period_end`` (its last entry)."""
        return await self._session.scalar(
            select(FunnelSnapshot)
            .where(
                FunnelSnapshot.workspace_id == workspace_id,
                FunnelSnapshot.period_end < period_end,
            )
            .order_by(FunnelSnapshot.period_end.desc(), FunnelSnapshot.id.desc())
            .limit(1)
        )

    async def any(self, workspace_id: int) -> bool:
        found = await self._session.scalar(
            select(FunnelSnapshot.id).where(FunnelSnapshot.workspace_id == workspace_id).limit(1)
        )
        return found is not None

    async def history(self, workspace_id: int, limit: int) -> Sequence[FunnelSnapshot]:
        """One snapshot per period (the last logged: a correction replaces), newest first."""
        last_per_period = (
            select(func.max(FunnelSnapshot.id))
            .where(FunnelSnapshot.workspace_id == workspace_id)
            .group_by(FunnelSnapshot.period_end)
        )
        return (
            await self._session.scalars(
                select(FunnelSnapshot)
                .where(FunnelSnapshot.id.in_(last_per_period))
                .order_by(FunnelSnapshot.period_end.desc())
                .limit(limit)
            )
        ).all()

    async def latest_two_periods(
        self, workspace_ids: Sequence[int]
    ) -> dict[int, tuple[FunnelSnapshot, FunnelSnapshot | None]]:
        """Per workspace with a funnel: what ``latest`` and ``before(latest's period)`` give."""
        snapshots = (
            await self._session.scalars(_LATEST_TWO_PERIODS_OF, {"ids": workspace_ids})
        ).all()
        found: dict[int, tuple[FunnelSnapshot, FunnelSnapshot | None]] = {}
        for snapshot in snapshots:
            known = found.get(snapshot.workspace_id)
            if known is None:
                found[snapshot.workspace_id] = (snapshot, None)
            elif known[1] is None and snapshot.period_end < known[0].period_end:
                found[snapshot.workspace_id] = (known[0], snapshot)
        return found


def _latest_two_periods_of() -> Any:
    rank = (
        func.dense_rank()
        .over(partition_by=FunnelSnapshot.workspace_id, order_by=FunnelSnapshot.period_end.desc())
        .label("rank")
    )
    # The ids as one parameter (``among``): the statement is the same for every batch.
    ranked = select(FunnelSnapshot.id, rank).where(among(FunnelSnapshot.workspace_id)).subquery()
    return (
        select(FunnelSnapshot)
        .join(ranked, ranked.c.id == FunnelSnapshot.id)
        .where(ranked.c.rank <= 2)
        .order_by(FunnelSnapshot.period_end.desc(), FunnelSnapshot.id.desc())
    )


_LATEST_TWO_PERIODS_OF = _latest_two_periods_of()
