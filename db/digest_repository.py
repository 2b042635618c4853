"""Queries of the digest schedule: who is due, the once-only records, snoozed nudges."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, time
from decimal import Decimal
from typing import Any, NamedTuple

from sqlalchemy import bindparam, exists, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from db.dialect import upsert_insert
from db.driver_statements import TransactionStatements
from db.learning_repository import CONCLUDED_WITHOUT_LEARNING_OF
from db.models import DigestRecord, Experiment, NudgeSnooze, Workspace
from db.reads import among, gathered, latest_logged_at
from db.totals_repository import DAYS_OF_WORKSPACES, VARIANTS_OF_WORKSPACES


class WorkspaceRow(NamedTuple):
    """What a digest needs of its workspace."""

    id: int
    chat_id: int
    language: str
    timezone: str
    timezone_confirmed: bool
    digest_time: time
    stale_after_days: int
    target_running: int


class BatchRows(NamedTuple):
    """What ``DigestRepository.batch_of`` reads of a batch's workspaces."""

    workspaces: list[WorkspaceRow]
    experiments: list[ExperimentRow]
    # (experiment id, variant id, position, name, visitors, conversions, revenue cents,
    # results): uow.totals.for_workspaces' rows
    variants: Sequence[Sequence[Any]]
    # (experiment id, day, variant id, visitors, conversions): by_day_for_workspaces' rows
    days: Sequence[Sequence[Any]]
    sent: set[int]  # the workspaces ever sent a digest
    snoozed: dict[int, set[tuple[int, str]]]  # per workspace, as snoozed_of
    unlearned: list[tuple[int, int]]  # (workspace id, number) without a learning


class ExperimentRow(NamedTuple):
    """An experiment's columns that ``services.experiment_view`` reads (its variants aside),
    with its keys and when its latest result was logged."""

    id: int
    workspace_id: int
    number: int
    name: str
    kind: str
    stage: str | None
    hypothesis: str | None
    status: str
    outcome: str | None
    planned_per_variant: int | None
    baseline_rate: float | None
    min_detectable_effect: float | None
    review_date: date | None
    started_at: datetime | None
    concluded_at: datetime | None
    created_at: datetime
    created_by_name: str
    ice_impact: int | None
    ice_confidence: int | None
    ice_ease: int | None
    cost_spent: Decimal | None
    winner: str | None
    planned_split: str | None
    target_rate: float | None
    storyline: bool
    last_logged_at: datetime | None  # None without results


@dataclass(frozen=True)
class DigestSchedule:
    """When one workspace wants its digest."""

    workspace_id: int
    chat_id: int
    timezone: str
    digest_time: time
    schedule_set_at: datetime | None


class DigestRepository:
    """One of the unit of work's repositories: ``uow.digests``."""

    def __init__(self, session: AsyncSession, statements: TransactionStatements) -> None:
        self._session = session
        self._statements = statements

    async def schedules(self, workspace_id: int | None = None) -> list[DigestSchedule]:
        """Every workspace that gets digests: active (not blocked) and with digests on (or
        just the one given, when it does)."""
        query = (
            select(
                Workspace.id,
                Workspace.chat_id,
                Workspace.timezone,
                Workspace.digest_time,
                Workspace.digest_schedule_set_at,
            )
            .where(Workspace.active, Workspace.digest_enabled)
            .order_by(Workspace.id)
        )
        if workspace_id is not None:
            query = query.where(Workspace.id == workspace_id)
        rows = await self._session.execute(query)
        return [DigestSchedule(*row) for row in rows]

    async def records_from(self, first_date: date) -> Sequence[DigestRecord]:
        return (
            await self._session.scalars(
                select(DigestRecord).where(DigestRecord.local_date >= first_date)
            )
        ).all()

    async def get(self, workspace_id: int, local_date: date) -> DigestRecord | None:
        return await self._session.scalar(
            select(DigestRecord).where(
                DigestRecord.workspace_id == workspace_id, DigestRecord.local_date == local_date
            )
        )

    async def claim(
        self,
        workspace_id: int,
        local_date: date,
        *,
        state: str,
        claimed_by: str,
        claimed_at: datetime,
    ) -> bool:
        """Inserts the record unless one exists for the workspace and date, in one statement:
        of two claimers, exactly one gets True."""
        claimed = await self._session.scalar(
            upsert_insert(self._session, DigestRecord)
            .values(
                workspace_id=workspace_id,
                local_date=local_date,
                state=state,
                claimed_at=claimed_at,
                claimed_by=claimed_by,
                attempts=1,
            )
            .on_conflict_do_nothing(
                index_elements=[DigestRecord.workspace_id, DigestRecord.local_date]
            )
            .returning(DigestRecord.id)
        )
        return claimed is not None

    async def take_over(
        self,
        record_id: int,
        *,
        state: str,
        attempts: int,
        new_state: str,
        claimed_by: str,
        claimed_at: datetime,
    ) -> bool:
        """Moves a record on only if nobody changed it since it was read (compare and set)."""
        result = await self._session.execute(
            update(DigestRecord)
            .where(
                DigestRecord.id == record_id,
                DigestRecord.state == state,
                DigestRecord.attempts == attempts,
            )
            .values(
                state=new_state,
                attempts=attempts + 1,
                claimed_by=claimed_by,
                claimed_at=claimed_at,
            )
        )
        return bool(getattr(result, "rowcount", 0) == 1)

    async def any_sent(self, workspace_id: int) -> bool:
        return bool(
            await self._session.scalar(
                select(
                    exists().where(
                        DigestRecord.workspace_id == workspace_id, DigestRecord.state == "sent"
                    )
                )
            )
        )

    async def snoozed(self, workspace_id: int, now: datetime) -> set[tuple[int, str]]:
        """(experiment number, nudge) pairs quiet at ``now``."""
        rows = await self._session.execute(
            select(Experiment.number, NudgeSnooze.nudge)
            .join(Experiment, Experiment.id == NudgeSnooze.experiment_id)
            .where(NudgeSnooze.workspace_id == workspace_id, NudgeSnooze.until > now)
        )
        return {(number, nudge) for number, nudge in rows}

    async def snooze(
        self,
        *,
        workspace_id: int,
        experiment_id: int,
        nudge: str,
        until: datetime,
        snoozed_at: datetime,
        snoozed_by_id: int | None,
    ) -> None:
        """Adds the snooze, or moves an existing one of the same experiment and nudge — one
        statement, so two presses at once leave one row."""
        statement = upsert_insert(self._session, NudgeSnooze).values(
            workspace_id=workspace_id,
            experiment_id=experiment_id,
            nudge=nudge,
            until=until,
            snoozed_at=snoozed_at,
            snoozed_by_id=snoozed_by_id,
        )
        await self._session.execute(
            statement.on_conflict_do_update(
                index_elements=[NudgeSnooze.experiment_id, NudgeSnooze.nudge],
                set_={
                    "until": statement.excluded.until,
                    "snoozed_at": statement.excluded.snoozed_at,
                    "snoozed_by_id": statement.excluded.snoozed_by_id,
                },
            )
        )

    # ---- many workspaces at once: a batch of digests is composed from a handful of
    # set-based reads returning plain rows (no ORM objects to build). Rows read by name come
    # as named tuples: a SQLAlchemy row's attribute costs twenty times a tuple's. The tick
    # reads them together (``batch_of``); the reads one by one are what the tests hold it to.

    async def workspaces_of(self, workspace_ids: Sequence[int]) -> list[WorkspaceRow]:
        """What a digest needs of each of these workspaces."""
        ran = await self._statements.run(_WORKSPACES_OF, {"ids": workspace_ids})
        return list(map(WorkspaceRow._make, ran.rows))

    async def experiments_of(self, workspace_ids: Sequence[int]) -> list[ExperimentRow]:
        """Every experiment of these workspaces."""
        ran = await self._statements.run(_EXPERIMENTS_OF, {"ids": workspace_ids})
        return list(map(ExperimentRow._make, ran.rows))

    async def batch_of(self, workspace_ids: Sequence[int], now: datetime) -> BatchRows:
        """``workspaces_of``, ``experiments_of``, ``uow.totals.for_workspaces``,
        ``uow.totals.by_day_for_workspaces``, ``with_a_sent_digest``, ``snoozed_of`` and
        ``uow.learnings.concluded_without_learning_of`` of these workspaces, read together
        (``TransactionStatements.gather``: on SQLite in the connection's thread, on PostgreSQL as
        one statement, while the event loop's thread goes on)."""
        values = {"ids": workspace_ids, "now": now}
        (
            workspaces,
            experiments,
            variants,
            days,
            sent,
            snoozed,
            unlearned,
        ) = await self._statements.gather(_BATCH, values)
        if self._statements.gathers_apart:
            experiments = await self._with_fractions(experiments, values)
        return BatchRows(
            list(map(WorkspaceRow._make, workspaces)),
            list(map(ExperimentRow._make, experiments)),
            variants,
            days,
            {workspace_id for (workspace_id,) in sent},
            _snoozed_by_workspace(snoozed),
            [(workspace_id, number) for workspace_id, number in unlearned],
        )

    async def _with_fractions(
        self, rows: Sequence[Sequence[Any]], values: dict[str, Any]
    ) -> Sequence[Sequence[Any]]:
        """The gathered experiments with the columns it left out read apart: only the rows
        with one of them set."""
        ran = await self._statements.run(_FRACTIONS_OF, values)
        if not ran.rows:
            return rows
        fractions = {found[0]: found[1:] for found in ran.rows}
        completed: list[Sequence[Any]] = []
        for row in rows:
            found = fractions.get(row[0])
            if found is not None:
                filled = list(row)
                for place, value in zip(_FRACTION_PLACES, found, strict=True):
                    filled[place] = value
                row = tuple(filled)
            completed.append(row)
        return completed

    async def with_a_sent_digest(self, workspace_ids: Sequence[int]) -> set[int]:
        """Those of these workspaces that were ever sent a digest."""
        ran = await self._statements.run(_WITH_A_SENT_DIGEST, {"ids": workspace_ids})
        return {workspace_id for (workspace_id,) in ran.rows}

    async def snoozed_of(
        self, workspace_ids: Sequence[int], now: datetime
    ) -> dict[int, set[tuple[int, str]]]:
        """Per workspace, the (experiment number, nudge) pairs quiet at ``now``."""
        ran = await self._statements.run(_SNOOZED_OF, {"ids": workspace_ids, "now": now})
        return _snoozed_by_workspace(ran.rows)


def _snoozed_by_workspace(rows: Sequence[Sequence[Any]]) -> dict[int, set[tuple[int, str]]]:
    found: dict[int, set[tuple[int, str]]] = {}
    for workspace_id, number, nudge in rows:
        found.setdefault(workspace_id, set()).add((number, nudge))
    return found


# ---- the batches' statements, built once (``db.driver_statements`` compiles each once)

_WORKSPACES_OF = select(*(Workspace.__table__.c[name] for name in WorkspaceRow._fields)).where(
    among(Workspace.__table__.c.id)
)


def _experiments_of() -> Any:
    table = Experiment.__table__
    return select(
        *(table.c[name] for name in ExperimentRow._fields[:-1]),
        latest_logged_at(table.c.id),
    ).where(among(table.c.workspace_id))


_EXPERIMENTS_OF = _experiments_of()
# The experiment's columns that hold fractions: JSON would round them (``db.reads.gathered``).
_FRACTIONS = ("baseline_rate", "min_detectable_effect", "cost_spent", "target_rate")
_FRACTION_PLACES = tuple(ExperimentRow._fields.index(name) for name in _FRACTIONS)
_EXPERIMENTS_GATHERED = gathered(_EXPERIMENTS_OF, left_out=_FRACTIONS)
_FRACTIONS_OF = select(
    Experiment.__table__.c.id, *(Experiment.__table__.c[name] for name in _FRACTIONS)
).where(
    among(Experiment.__table__.c.workspace_id),
    or_(*(Experiment.__table__.c[name].is_not(None) for name in _FRACTIONS)),
)
_WITH_A_SENT_DIGEST = (
    select(DigestRecord.workspace_id)
    .where(among(DigestRecord.workspace_id), DigestRecord.state == "sent")
    .group_by(DigestRecord.workspace_id)
)
_SNOOZED_OF = (
    select(NudgeSnooze.workspace_id, Experiment.number, NudgeSnooze.nudge)
    .join(Experiment, Experiment.id == NudgeSnooze.experiment_id)
    .where(among(NudgeSnooze.workspace_id), NudgeSnooze.until > bindparam("now"))
)
# A batch's reads of rows, all at once (``batch_of``).
_BATCH = [
    gathered(_WORKSPACES_OF),
    _EXPERIMENTS_GATHERED,
    VARIANTS_OF_WORKSPACES,
    DAYS_OF_WORKSPACES,
    gathered(_WITH_A_SENT_DIGEST),
    gathered(_SNOOZED_OF),
    CONCLUDED_WITHOUT_LEARNING_OF,
]
