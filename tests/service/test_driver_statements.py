"""Statements handed to the driver (db/driver_statements.py) read and write what the session's
own execution of the same statements does, inside the unit of work's transaction or alone."""

from __future__ import annotations

import asyncio
import logging
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import bindparam, func, insert, select, text, update

from db.driver_statements import LoneStatements
from db.inbox_repository import StoredUpdate
from db.models import InboxUpdate, Observation, VariantDayTotal, Workspace
from db.unit_of_work import Database
from experiments import observations, services
from tests.service.conftest import ALICE, CHAT
from tests.support import counted

MOMENT = datetime(2026, 3, 2, 23, 59, 58, 123456, tzinfo=UTC)

_DAYS = select(VariantDayTotal.day, VariantDayTotal.variant_id, VariantDayTotal.visitors).where(
    VariantDayTotal.experiment_id == bindparam("experiment_id")
)
_RESULTS = select(Observation.logged_at, Observation.revenue, Observation.visitors).where(
    Observation.experiment_id == bindparam("experiment_id")
)
_ADD = insert(Observation).values(
    experiment_id=bindparam("experiment_id"),
    variant_id=bindparam("variant_id"),
    visitors=bindparam("visitors"),
    conversions=bindparam("conversions"),
    revenue=bindparam("revenue"),
    logged_at=bindparam("logged_at"),
    logged_by_id=bindparam("logged_by_id"),
    logged_by_name=bindparam("logged_by_name"),
)


@pytest.fixture
async def experiment(database: Database, workspace: int) -> tuple[int, int]:
    made = await services.create_experiment(database.unit_of_work(), CHAT, "Hero", author=ALICE)
    async with database.unit_of_work() as uow:
        loaded = await uow.experiments.load_in_chat(CHAT, made.number)
        assert loaded is not None
        return loaded.id, loaded.variants[0].id


def _result(experiment: tuple[int, int], revenue: Decimal | None) -> dict[str, object]:
    experiment_id, variant_id = experiment
    return {
        "experiment_id": experiment_id,
        "variant_id": variant_id,
        "visitors": 120,
        "conversions": 7,
        "revenue": revenue,
        "logged_at": MOMENT,
        "logged_by_id": ALICE.user_id,
        "logged_by_name": ALICE.name,
    }


async def test_rows_read_through_the_driver_are_the_sessions_rows(
    database: Database, experiment: tuple[int, int]
) -> None:
    for revenue in (Decimal("380.25"), None):
        await observations.log_observation(
            database.unit_of_work(),
            CHAT,
            1,
            "A",
            120,
            7,
            author=ALICE,
            revenue=revenue,
            logged_at=MOMENT,
        )
    values = {"experiment_id": experiment[0]}
    async with database.unit_of_work() as uow:
        for statement in (_DAYS, _RESULTS):
            fast = (await uow.statements.run(statement, values)).rows
            slow = [tuple(row) for row in await uow.session.execute(statement, values)]
            assert fast == slow and len(fast) >= 1
            for fast_row, slow_row in zip(fast, slow, strict=True):
                assert [type(v) for v in fast_row] == [type(v) for v in slow_row]
        days = (await uow.statements.run(_DAYS, values)).rows
        assert days == [(date(2026, 3, 2), experiment[1], 240)]
        results = (await uow.statements.run(_RESULTS, values)).rows
        assert results == [(MOMENT, Decimal("380.25"), 120), (MOMENT, None, 120)]


async def test_a_write_through_the_driver_is_part_of_the_transaction(
    database: Database, experiment: tuple[int, int]
) -> None:
    async def count() -> int:
        async with database.unit_of_work() as uow:
            return int(await uow.session.scalar(select(func.count(Observation.id))) or 0)

    async with database.unit_of_work() as uow:
        ran = await uow.statements.run(_ADD, _result(experiment, Decimal("12.50")))
        assert ran.rowcount == 1
        # The session sees it before the commit: one transaction.
        assert await uow.session.scalar(select(func.count(Observation.id))) == 1
    assert await count() == 0  # left without a commit: rolled back

    async with database.unit_of_work() as uow:
        await uow.statements.run(_ADD, _result(experiment, Decimal("12.50")))
        await uow.commit()
    assert await count() == 1
    async with database.unit_of_work() as uow:
        stored = await uow.session.scalar(select(Observation))
        assert stored is not None
        assert (stored.logged_at, stored.revenue) == (MOMENT, Decimal("12.50"))


async def test_a_failed_write_through_the_driver_leaves_the_transaction_to_roll_back(
    database: Database, experiment: tuple[int, int]
) -> None:
    async with database.unit_of_work() as uow:
        await uow.statements.run(_ADD, _result(experiment, None))
        missing_variant = {**_result(experiment, None), "variant_id": 999_999}
        with pytest.raises(Exception, match=r"(?i)foreign key"):
            await uow.statements.run(_ADD, missing_variant)
    async with database.unit_of_work() as uow:
        assert await uow.session.scalar(select(func.count(Observation.id))) == 0
        # The connection is usable again.
        await uow.statements.run(_ADD, _result(experiment, None))
        await uow.commit()
    async with database.unit_of_work() as uow:
        assert await uow.session.scalar(select(func.count(Observation.id))) == 1


async def test_a_lone_statement_commits_on_its_own_and_is_counted_like_any_statement(
    database: Database,
) -> None:
    until = MOMENT + timedelta(seconds=30)
    with counted(database) as statements:
        stored = await database.inbox_writes.store(
            StoredUpdate(7, '{"update_id": 7}'), claimed_by="here", until=until, now=MOMENT
        )
    assert stored and len(statements) == 1 and statements[0].startswith("INSERT INTO inbox")
    # Stored twice: the second delivery is recognised, nothing changes.
    assert not await database.inbox_writes.store(
        StoredUpdate(7, '{"update_id": 7, "again": 1}'), claimed_by="there", until=until, now=MOMENT
    )
    await database.inbox_writes.mark_done(7, now=MOMENT + timedelta(seconds=1))
    async with database.unit_of_work() as uow:
        row = await uow.session.scalar(select(InboxUpdate))
        assert row is not None
        assert (row.payload, row.claimed_by, row.received_at, row.claimed_until, row.writes) == (
            '{"update_id": 7}',
            "here",
            MOMENT,
            until,
            0,
        )
        assert row.done_at == MOMENT + timedelta(seconds=1)


async def test_a_failed_lone_statement_leaves_its_connection_fit_for_the_next(
    database: Database,
) -> None:
    lone = LoneStatements(database.engine)
    store = insert(InboxUpdate).values(
        update_id=bindparam("id"),
        payload=bindparam("payload"),
        received_at=bindparam("now"),
        claimed_by="here",
        claimed_until=bindparam("now"),
        writes=0,
    )
    with pytest.raises(Exception, match=r"(?i)(not null|null value)"):
        await lone.run(store, {"id": 1, "payload": None, "now": MOMENT})
    # Every pooled connection is fine: the failure left no transaction open.
    for update_id in range(2, 12):
        await lone.run(store, {"id": update_id, "payload": "{}", "now": MOMENT})
    async with database.unit_of_work() as uow:
        ids = (await uow.session.scalars(select(InboxUpdate.update_id))).all()
    assert sorted(ids) == list(range(2, 12))


async def test_lone_statements_past_the_pools_size_return_their_connections_cleanly(
    database: Database, caplog: pytest.LogCaptureFixture
) -> None:
    until = MOMENT + timedelta(seconds=30)
    with caplog.at_level(logging.WARNING):
        stored = await asyncio.gather(
            *(
                database.inbox_writes.store(
                    StoredUpdate(i, "{}"), claimed_by="here", until=until, now=MOMENT
                )
                for i in range(40)
            )
        )
    assert all(stored)
    # Connections beyond the pool's size are closed on their return, with no error.
    assert [r.getMessage() for r in caplog.records if r.name.startswith("sqlalchemy")] == []
    async with database.unit_of_work() as uow:
        assert await uow.session.scalar(select(func.count(InboxUpdate.update_id))) == 40


_CREATED = select(Workspace.created_at).where(Workspace.id == bindparam("workspace_id"))


@pytest.mark.parametrize(
    ("stored", "moment"),
    [
        ("2026-03-02 23:59:58.123456", MOMENT),
        ("2026-03-02 23:59:58", MOMENT.replace(microsecond=0)),
        ("2026-03-03 02:59:58.123456+03:00", MOMENT),
        ("2026-03-02", datetime(2026, 3, 2, tzinfo=UTC)),
    ],
    ids=["as stored", "whole seconds", "an offset of its own", "a bare date"],
)
async def test_a_timestamp_of_sqlite_text_reads_as_its_utc_moment(
    database: Database, workspace: int, stored: str, moment: datetime
) -> None:
    if database.engine.dialect.name != "sqlite":
        pytest.skip("only SQLite keeps timestamps as text")
    async with database.unit_of_work() as uow:
        await uow.session.execute(
            text("UPDATE workspaces SET created_at = :stored"), {"stored": stored}
        )
        workspace_id = await uow.session.scalar(select(func.min(Workspace.id)))
        values = {"workspace_id": workspace_id}
        fast = (await uow.statements.run(_CREATED, values)).rows
        slow = (await uow.session.execute(_CREATED, values)).all()
    assert fast == [(moment,)] and [tuple(row) for row in slow] == [(moment,)]
    assert fast[0][0].tzinfo is UTC and slow[0][0].tzinfo is UTC


async def test_a_timestamp_reads_as_a_utc_moment_whatever_the_sessions_time_zone(
    database: Database, workspace: int
) -> None:
    # On PostgreSQL the driver's own aware datetime is taken as it is, unconverted.
    moment = datetime(2026, 3, 2, 23, 30, 15, 250, tzinfo=UTC)
    async with database.unit_of_work() as uow:
        if database.engine.dialect.name == "postgresql":
            await uow.session.execute(text("SET LOCAL TIME ZONE 'Asia/Dubai'"))
        await uow.session.execute(update(Workspace).values(created_at=moment))
        workspace_id = await uow.session.scalar(select(func.min(Workspace.id)))
        values = {"workspace_id": workspace_id}
        fast = (await uow.statements.run(_CREATED, values)).rows
        slow = (await uow.session.execute(_CREATED, values)).all()
        orm = await uow.session.scalar(select(Workspace).where(Workspace.id == workspace_id))
        assert orm is not None
        held = orm.created_at
    assert held == moment and held.tzinfo is UTC
    assert fast == [(moment,)] and [tuple(row) for row in slow] == [(moment,)]
    assert fast[0][0].tzinfo is UTC and slow[0][0].tzinfo is UTC
