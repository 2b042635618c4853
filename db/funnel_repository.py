"""Queries about funnel snapshots: storing one, the latest, one per period for the history."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from db.models import Experiment, FunnelSnapshot, Learning, Observation


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

    async def known_name(self, workspace_id: int, user_id: int) -> str | None:
        """The name a user last went by in this workspace.

        Funnel snapshots keep only the user's id, so the name comes from what else they did
        here: experiments created, results logged, learnings written.
        """
        candidates = (
            select(Experiment.created_by_name.label("name"), Experiment.created_at.label("at"))
            .where(Experiment.workspace_id == workspace_id, Experiment.created_by_id == user_id)
            .union_all(
                select(Observation.logged_by_name, Observation.logged_at)
                .join(Experiment, Experiment.id == Observation.experiment_id)
                .where(
                    Experiment.workspace_id == workspace_id, Observation.logged_by_id == user_id
                ),
                select(Learning.created_by_name, Learning.created_at).where(
                    Learning.workspace_id == workspace_id, Learning.created_by_id == user_id
                ),
            )
            .subquery()
        )
        return await self._session.scalar(
            select(candidates.c.name).order_by(candidates.c.at.desc()).limit(1)
        )
