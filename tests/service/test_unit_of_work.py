"""A use case built of others runs in one transaction: the outermost block commits."""

from __future__ import annotations

import pytest

from db.models import Experiment
from db.unit_of_work import Database
from experiments import overview, services
from experiments.domain import InvalidStatusChange, Status
from tests.service.conftest import ALICE, CHAT
from tests.service.test_experiments import count_rows
from tests.support import FrozenClock


async def test_a_joined_use_case_is_undone_with_the_block_it_joined(
    database: Database, workspace: int
) -> None:
    uow = database.unit_of_work()
    with pytest.raises(RuntimeError):
        async with uow:
            # create_experiment commits, but inside an open unit of work that only flushes.
            await services.create_experiment(uow, CHAT, "Checkout", author=ALICE)
            raise RuntimeError("the outer block fails")
    assert await count_rows(database, Experiment) == 0


async def test_creating_returns_the_card_of_the_new_experiment(
    database: Database, workspace: int, clock: FrozenClock
) -> None:
    summary = await services.create_experiment_summary(
        database.unit_of_work(), CHAT, "Checkout", ["Old", "New"], author=ALICE, clock=clock
    )
    assert (summary.experiment.number, summary.experiment.variants) == (1, ("Old", "New"))
    assert [t.visitors for t in summary.totals] == [0, 0]
    again = await services.get_experiment(database.unit_of_work(), CHAT, 1)
    assert again == summary


async def test_pausing_from_the_card_returns_the_card_and_a_refusal_changes_nothing(
    database: Database, workspace: int, clock: FrozenClock
) -> None:
    await services.create_experiment(database.unit_of_work(), CHAT, "Checkout", author=ALICE)
    found = await overview.change_status(
        database.unit_of_work(), CHAT, 1, Status.PAUSED, clock=clock
    )
    assert found.summary.experiment.is_paused
    with pytest.raises(InvalidStatusChange):
        await overview.change_status(database.unit_of_work(), CHAT, 1, Status.PAUSED, clock=clock)
    shown = await overview.overview(database.unit_of_work(), CHAT, 1, clock=clock)
    assert shown.summary.experiment.status is Status.PAUSED
