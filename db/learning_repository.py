"""Queries about learnings: storing one with its whys, the recent ones, who still lacks one."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from sqlalchemy import exists, func, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import selectinload

from db.driver_statements import TransactionStatements
from db.models import Experiment, Learning
from db.reads import among, gathered
from experiments.lifecycle import Status


class LearningRepository:
    def __init__(self, session: AsyncSession, statements: TransactionStatements) -> None:
        self._session = session
        self._statements = statements

    async def add(self, learning: Learning) -> Learning:
        self._session.add(learning)
        await self._session.flush()
        return learning

    async def count_for_experiment(self, experiment_id: int) -> int:
        found = await self._session.scalar(
            select(func.count())
            .select_from(Learning)
            .where(Learning.experiment_id == experiment_id)
        )
        return int(found or 0)

    async def recent(self, workspace_id: int, limit: int) -> Sequence[tuple[Learning, int | None]]:
        """The newest learnings first, each with its experiment's number (None for a stage)."""
        rows = await self._session.execute(
            select(Learning, Experiment.number)
            .outerjoin(Experiment, Experiment.id == Learning.experiment_id)
            .options(selectinload(Learning.whys))
            .where(Learning.workspace_id == workspace_id)
            .order_by(Learning.created_at.desc(), Learning.id.desc())
            .limit(limit)
        )
        return [(learning, number) for learning, number in rows]

    async def get(self, workspace_id: int, learning_id: int) -> tuple[Learning, int | None] | None:
        """One learning of the workspace with its experiment's number; None if not there."""
        row = (
            await self._session.execute(
                select(Learning, Experiment.number)
                .outerjoin(Experiment, Experiment.id == Learning.experiment_id)
                .options(selectinload(Learning.whys))
                .where(Learning.workspace_id == workspace_id, Learning.id == learning_id)
            )
        ).first()
        return None if row is None else (row[0], row[1])

    async def countermeasures_due_before(
        self, workspace_id: int, day: date
    ) -> Sequence[tuple[Learning, int | None]]:
        """Learnings whose countermeasure is not done and was due before ``day``, oldest first."""
        rows = await self._session.execute(
            select(Learning, Experiment.number)
            .outerjoin(Experiment, Experiment.id == Learning.experiment_id)
            .options(selectinload(Learning.whys))
            .where(
                Learning.workspace_id == workspace_id,
                Learning.countermeasure.is_not(None),
                Learning.countermeasure_done_at.is_(None),
                Learning.countermeasure_due < day,
            )
            .order_by(Learning.countermeasure_due, Learning.id)
        )
        return [(learning, number) for learning, number in rows]

    async def concluded_without_learning(self, workspace_id: int) -> Sequence[Experiment]:
        """Concluded experiments nobody has written a learning for, the earliest concluded first."""
        has_learning = exists().where(Learning.experiment_id == Experiment.id)
        return (
            await self._session.scalars(
                select(Experiment)
                .options(selectinload(Experiment.variants))
                .where(
                    Experiment.workspace_id == workspace_id,
                    Experiment.status == Status.CONCLUDED.value,
                    ~has_learning,
                )
                .order_by(Experiment.concluded_at, Experiment.number)
            )
        ).all()

    async def countermeasures_due_before_of(
        self, workspace_ids: Sequence[int], day: date
    ) -> Sequence[tuple[int, Learning, int | None]]:
        """``countermeasures_due_before`` for many workspaces at once, each row with its
        workspace's id; in the same order."""
        rows = await self._session.execute(
            select(Learning, Experiment.number)
            .outerjoin(Experiment, Experiment.id == Learning.experiment_id)
            .options(selectinload(Learning.whys))
            .where(
                among(Learning.workspace_id),
                Learning.countermeasure.is_not(None),
                Learning.countermeasure_done_at.is_(None),
                Learning.countermeasure_due < day,
            )
            .order_by(Learning.countermeasure_due, Learning.id),
            {"ids": workspace_ids},
        )
        return [(learning.workspace_id, learning, number) for learning, number in rows]

    async def concluded_without_learning_of(
        self, workspace_ids: Sequence[int]
    ) -> Sequence[tuple[int, int]]:
        """(workspace id, experiment number) of the concluded experiments of these workspaces
        nobody has written a learning for."""
        ran = await self._statements.run(
            CONCLUDED_WITHOUT_LEARNING_OF.plain, {"ids": workspace_ids}
        )
        return [(workspace_id, number) for workspace_id, number in ran.rows]


# Each digest batch reads it with the rest (``DigestRepository.batch_of``).
CONCLUDED_WITHOUT_LEARNING_OF = gathered(
    select(Experiment.workspace_id, Experiment.number).where(
        among(Experiment.workspace_id),
        Experiment.status == Status.CONCLUDED.value,
        ~exists().where(Learning.experiment_id == Experiment.id),
    )
)
