"""A list of ids as one parameter (db/reads.py ``among``) selects exactly those ids, however
many, through the driver and through SQLAlchemy's own execution alike; the digest batch's
reads built on it return what the ORM reads, in the order they promise."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any

import pytest
from sqlalchemy import bindparam, insert, select, update

from db.digest_repository import ExperimentRow, WorkspaceRow
from db.models import Experiment, Workspace
from db.reads import among
from db.unit_of_work import Database
from experiments import observations, services
from tests.service.conftest import ALICE, CHAT, OTHER_CHAT
from tests.support import FrozenClock

_STORED = range(1, 1201)
_OF_A_KIND = (
    select(Workspace.id)
    .where(Workspace.chat_type == bindparam("kind"), among(Workspace.id))
    .order_by(Workspace.id)
)


@pytest.fixture
async def workspaces(database: Database) -> None:
    async with database.unit_of_work() as uow:
        await uow.session.execute(
            insert(Workspace),
            [
                {
                    "id": workspace_id,
                    "chat_id": -workspace_id,
                    "chat_type": "group" if workspace_id % 3 else "private",
                    "created_at": datetime(2026, 3, 2, tzinfo=UTC),
                }
                for workspace_id in _STORED
            ],
        )
        await uow.commit()


@pytest.mark.parametrize(
    "ids",
    [
        [],
        [7],
        # A thousand, some twice and some of no workspace, in no order.
        [*range(1100, 150, -1), 7, 7, 5000, 0, -3],
    ],
    ids=["none", "one", "a thousand"],
)
async def test_the_ids_given_are_the_ids_selected(
    database: Database, workspaces: None, ids: list[int]
) -> None:
    expected = [(i,) for i in sorted(set(ids)) if i in _STORED and i % 3]
    values = {"kind": "group", "ids": ids}
    async with database.unit_of_work() as uow:
        through_the_driver = (await uow.statements.run(_OF_A_KIND, values)).rows
        through_sqlalchemy = [tuple(row) for row in await uow.session.execute(_OF_A_KIND, values)]
    assert through_the_driver == through_sqlalchemy == expected


def test_a_statement_with_a_list_of_ids_prints_as_sql() -> None:
    assert str(_OF_A_KIND).splitlines()[-1] == (
        "WHERE workspaces.chat_type = :kind AND workspaces.id IN (:ids) ORDER BY workspaces.id"
    )


async def test_the_batch_reads_return_what_the_orm_reads(
    database: Database, workspace: int, clock: FrozenClock
) -> None:
    uow = database.unit_of_work
    for chat, name in ((CHAT, "Hero"), (OTHER_CHAT, "Price"), (CHAT, "Button")):
        await services.create_experiment(uow(), chat, name, ["A", "B"], author=ALICE, clock=clock)
    async with uow() as unit:
        await unit.session.execute(
            update(Experiment)
            .where(Experiment.name == "Hero")
            .values(
                cost_spent=Decimal("12.50"),
                review_date=date(2026, 3, 9),
                min_detectable_effect=0.02,
                ice_impact=3,
                concluded_at=clock() + timedelta(hours=1),
            )
        )
        await unit.commit()
    # Days logged out of order, on two experiments of two workspaces.
    for chat, number, days_ago in ((CHAT, 1, 0), (OTHER_CHAT, 1, 0), (CHAT, 1, 2), (CHAT, 2, 1)):
        for variant in ("A", "B"):
            await observations.log_observation(
                uow(),
                chat,
                number,
                variant,
                100,
                7,
                author=ALICE,
                logged_at=clock() - timedelta(days=days_ago),
                clock=clock,
            )

    async with uow() as unit:
        ids = list(
            await unit.session.scalars(
                select(Workspace.id).where(Workspace.chat_id.in_((CHAT, OTHER_CHAT)))
            )
        )
        workspaces = await unit.digests.workspaces_of(ids)
        experiments = await unit.digests.experiments_of(ids)
        variants = await unit.totals.for_workspaces(ids)
        days = await unit.totals.by_day_for_workspaces(ids)
        assert len(workspaces) == 2 and len(experiments) == 3
        for read in workspaces:
            stored = await unit.session.get(Workspace, read.id)
            _assert_alike(read, [getattr(stored, name) for name in WorkspaceRow._fields])
        for row in experiments:
            kept = await unit.session.get(Experiment, row.id)
            last = await unit.observations.last_logged_at(row.id)
            _assert_alike(row, [*(getattr(kept, n) for n in ExperimentRow._fields[:-1]), last])
        assert [row[0] for row in variants] == [
            row.id for row in _in_order(experiments) for _ in "AB"
        ]
        assert [row[2] for row in variants] == [0, 1] * 3
    ordered = [row.id for row in _in_order(experiments) if row.last_logged_at is not None]
    assert [experiment_id for experiment_id, *_ in days] == [
        experiment_id for experiment_id in ordered for _ in range(2 * _days_of(days, experiment_id))
    ]
    for experiment_id in ordered:
        own = [str(day) for row_id, day, *_ in days if row_id == experiment_id]
        assert own == sorted(own)


def _assert_alike(read: tuple[object, ...], stored: list[object]) -> None:
    assert list(read) == stored
    assert [type(value) for value in read] == [type(value) for value in stored]


def _in_order(experiments: list[ExperimentRow]) -> list[ExperimentRow]:
    return sorted(experiments, key=lambda row: (row.workspace_id, row.number))


def _days_of(days: Sequence[Any], experiment_id: int) -> int:
    return len({day for row_id, day, *_ in days if row_id == experiment_id})
