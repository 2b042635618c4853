"""A list of ids as one parameter (db/reads.py ``among``) selects exactly those ids, however
many, through the driver and through SQLAlchemy's own execution alike; the digest batch's
reads built on it return what the ORM reads, in the order they promise."""

from __future__ import annotations

import random
from collections.abc import Sequence
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any

import aiosqlite
import pytest
from sqlalchemy import bindparam, insert, select, update

from db.digest_repository import BatchRows, ExperimentRow, WorkspaceRow
from db.driver_statements import in_place
from db.models import (
    DigestRecord,
    Experiment,
    Learning,
    NudgeSnooze,
    Observation,
    Variant,
    Workspace,
)
from db.reads import among, gathered
from db.totals_repository import VARIANTS_OF_WORKSPACES
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


# ---- a batch's rows read together (``DigestRepository.batch_of``)

_NOW = datetime(2026, 3, 5, 12, tzinfo=UTC)
_FRACTIONS = (0.1, 1 / 3, 0.05 * 1.1234567891234567, 4.9167884569571897e-08, 7.821418835360989e-300)


@pytest.fixture
async def numbers(database: Database, workspaces: None) -> list[int]:
    """Experiments of many workspaces with variants and results stored out of every order, names
    that JSON must escape, and fractions that its 15 digits would round, with digests sent or
    not, nudges snoozed till before or after ``_NOW``, and learnings of some of the concluded
    experiments; their workspaces."""
    rng = random.Random(20261203)
    created = datetime(2026, 3, 2, tzinfo=UTC)
    experiments: list[dict[str, Any]] = []
    variants: list[dict[str, Any]] = []
    days: list[dict[str, Any]] = []
    records: list[dict[str, Any]] = []
    snoozes: list[dict[str, Any]] = []
    learnings: list[dict[str, Any]] = []
    ids = list(range(1, 301))
    for workspace_id in ids:
        for day in rng.sample(range(5), rng.randint(0, 3)):
            records.append(
                {
                    "workspace_id": workspace_id,
                    "local_date": date(2026, 3, 1) - timedelta(days=day),
                    "state": rng.choice(["sent", "claimed", "failed"]),
                    "claimed_at": created,
                    "claimed_by": "tick",
                }
            )
        for number in range(1, rng.randint(1, 4)):
            experiment_id = len(experiments) + 1
            fraction = rng.choice([None, *_FRACTIONS])
            experiments.append(
                {
                    "id": experiment_id,
                    "workspace_id": workspace_id,
                    "number": number,
                    "name": rng.choice(['"Quoted" \\ back', "Ünïcode 🚀", "line\nbreak", "Plain"]),
                    "kind": "ab_test",
                    "status": rng.choice(["running", "draft", "concluded"]),
                    "created_at": created + timedelta(microseconds=rng.randint(0, 10**9)),
                    "created_by_id": 1,
                    "created_by_name": "Founder",
                    "started_at": rng.choice([None, created + timedelta(hours=1)]),
                    "baseline_rate": fraction,
                    "min_detectable_effect": rng.choice([None, *_FRACTIONS]),
                    "target_rate": rng.choice([None, None, fraction]),
                    "cost_spent": rng.choice([None, Decimal("12.50"), Decimal("0.01")]),
                    "storyline": rng.random() < 0.2,
                    "review_date": rng.choice([None, date(2026, 3, 9)]),
                }
            )
            for nudge in rng.sample(["decide", "stale"], rng.randint(0, 2)):
                snoozes.append(
                    {
                        "workspace_id": workspace_id,
                        "experiment_id": experiment_id,
                        "nudge": nudge,
                        "until": _NOW + timedelta(hours=rng.choice([-5, -1, 1, 30])),
                        "snoozed_at": created,
                        "snoozed_by_id": 1,
                    }
                )
            if experiments[-1]["status"] == "concluded" and rng.random() < 0.5:
                learnings.append(
                    {
                        "workspace_id": workspace_id,
                        "experiment_id": experiment_id,
                        "summary": "Learnt",
                        "created_at": created,
                        "created_by_id": 1,
                        "created_by_name": "Founder",
                    }
                )
            arms = rng.randint(1, 3)
            first = len(variants) + 1
            for position in rng.sample(range(arms), arms):
                variants.append(
                    {
                        "id": first + position,
                        "experiment_id": experiment_id,
                        "position": position,
                        "name": "ABC"[position],
                    }
                )
            for day in rng.sample(range(6), rng.randint(0, 6)):
                for position in range(arms):
                    days.append(
                        {
                            "experiment_id": experiment_id,
                            "variant_id": first + position,
                            "visitors": rng.randint(0, 10**6),
                            "conversions": rng.randint(0, 1000),
                            "logged_at": created + timedelta(days=day, hours=rng.randint(0, 23)),
                            "logged_by_id": 1,
                            "logged_by_name": "Founder",
                        }
                    )
    rng.shuffle(days)
    async with database.unit_of_work() as uow:
        for table, rows in (
            (Experiment, experiments),
            (Variant, sorted(variants, key=lambda row: row["id"])),
            (Observation, days),
            (DigestRecord, records),
            (NudgeSnooze, snoozes),
            (Learning, learnings),
        ):
            await uow.session.execute(insert(table), rows)
        await uow.totals.rebuild()
        await uow.commit()
    return ids


async def test_a_batchs_rows_read_together_are_the_reads_one_by_one(
    database: Database, numbers: list[int]
) -> None:
    ids = [*numbers[::-1], 5000]
    async with database.unit_of_work() as uow:
        together = await uow.digests.batch_of(ids, _NOW)
    async with database.unit_of_work() as uow:
        alone = BatchRows(
            await uow.digests.workspaces_of(ids),
            await uow.digests.experiments_of(ids),
            await uow.totals.for_workspaces(ids),
            await uow.totals.by_day_for_workspaces(ids),
            await uow.digests.with_a_sent_digest(ids),
            await uow.digests.snoozed_of(ids, _NOW),
            list(await uow.learnings.concluded_without_learning_of(ids)),
        )
    assert len(alone.experiments) > 400 and len(alone.days) > 1000
    assert 0 < len(alone.sent) < len(numbers) and len(alone.workspaces) == len(numbers)
    assert len(alone.unlearned) > 0 and sum(map(len, alone.snoozed.values())) > 0
    for read, one_by_one in zip(together[:4], alone[:4], strict=True):
        assert [tuple(row) for row in read] == [tuple(row) for row in one_by_one]
        assert [[type(value) for value in row] for row in read] == [
            [type(value) for value in row] for row in one_by_one
        ]
    assert together.sent == alone.sent and together.snoozed == alone.snoozed
    assert sorted(together.unlearned) == sorted(alone.unlearned)
    assert {row.baseline_rate for row in together.experiments} == {None, *_FRACTIONS}


async def test_a_connection_reads_what_was_written_after_its_numbers_were_read(
    database: Database, workspace: int, clock: FrozenClock
) -> None:
    # The read of the numbers begins a read transaction on SQLite: it must end with the unit of
    # work, or the pooled connection would go on reading its old snapshot.
    uow = database.unit_of_work
    await services.create_experiment(uow(), CHAT, "Hero", ["A", "B"], author=ALICE, clock=clock)
    for visitors in (100, 250):
        await observations.log_observation(
            uow(), CHAT, 1, "B", visitors, 7, author=ALICE, clock=clock
        )
        async with uow() as unit:
            found = await unit.workspaces.by_chat(workspace)
            assert found is not None
            # The gathered read alone: a statement after it would note the transaction too.
            (variants,) = await unit.statements.gather(
                [VARIANTS_OF_WORKSPACES], {"ids": [found.id]}
            )
        assert [row[4] for row in variants] == [0, 100 if visitors == 100 else 350]
        async with uow() as unit:
            connection = await unit.session.connection()
            assert connection.sync_connection is not None
            driver = connection.sync_connection.connection.driver_connection
            # The pool gives the same connection back: no read transaction is left open on it.
            if isinstance(driver, aiosqlite.Connection):
                assert not driver._conn.in_transaction


async def test_a_batch_of_no_workspace_is_no_rows(database: Database, numbers: list[int]) -> None:
    async with database.unit_of_work() as uow:
        for ids in ([5000, 5001], []):
            assert await uow.digests.batch_of(ids, _NOW) == ([], [], [], [], set(), {}, [])


def test_rows_come_back_in_their_places() -> None:
    rows = [(f"row {n}", n) for n in range(1, 101)]
    places = list(range(1, 101))
    random.Random(7).shuffle(places)
    shuffled = [rows[place - 1] for place in places]
    assert in_place(shuffled, places) == rows
    assert in_place(rows, list(range(1, 101))) is rows  # in order already: taken as it is
    assert in_place([], []) == []


def test_a_fraction_is_refused_unless_it_is_left_out() -> None:
    fractions = select(Experiment.id, Experiment.baseline_rate, Experiment.cost_spent)
    with pytest.raises(ValueError, match="baseline_rate"):
        gathered(fractions)
    with pytest.raises(ValueError, match="cost_spent"):
        gathered(fractions, left_out=["baseline_rate"])
    gathered(fractions, left_out=["baseline_rate", "cost_spent"])


def test_a_distinct_read_is_refused() -> None:
    with pytest.raises(ValueError, match="DISTINCT"):
        gathered(select(Experiment.workspace_id).distinct())
