"""Queries about funnel snapshots: storing one, the latest, one per period for the history."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from db.models import FunnelSnapshot


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
