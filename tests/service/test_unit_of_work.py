"""A use case built of others runs in one transaction: the outermost block commits."""

from __future__ import annotations

import pytest

from db.models import Experiment
from db.unit_of_work import Database
from experiments import learnings, overview, services, settings
from experiments.domain import InvalidStatusChange, Status
from experiments.learnings import ExperimentNotConcluded
from experiments.workspaces import UnknownTimezone
from tests.service.conftest import ALICE, CHAT
from tests.service.test_experiments import count_rows
from tests.support import ADMIN, FrozenClock


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


async def test_the_settings_card_changes_with_the_settings_in_one_transaction(
    database: Database, workspace: int, clock: FrozenClock
) -> None:
    before = await settings.settings_card(database.unit_of_work(), CHAT, clock=clock)
    assert before.workspace.digest_enabled and before.next_digest is not None
    after = await settings.change_settings(
        database.unit_of_work(), CHAT, actor=ADMIN, clock=clock, digest_enabled=False
    )
    assert (after.workspace.digest_enabled, after.next_digest) == (False, None)
    with pytest.raises(UnknownTimezone):
        await settings.change_settings(
            database.unit_of_work(),
            CHAT,
            actor=ADMIN,
            clock=clock,
            digest_enabled=True,
            timezone="Mars/Olympus",
        )
    assert await settings.settings_card(database.unit_of_work(), CHAT, clock=clock) == after


async def test_beginning_a_learning_refuses_a_running_experiment_and_says_if_it_is_the_first(
    database: Database, workspace: int, clock: FrozenClock
) -> None:
    await services.create_experiment(database.unit_of_work(), CHAT, "Checkout", author=ALICE)
    with pytest.raises(ExperimentNotConcluded):
        await learnings.begin_learning(database.unit_of_work(), CHAT, 1)
    await services.conclude(database.unit_of_work(), CHAT, 1, actor=ADMIN, clock=clock)
    begun = await learnings.begin_learning(database.unit_of_work(), CHAT, 1)
    assert begun.experiment is not None and begun.experiment.is_concluded and begun.first
    about_a_stage = await learnings.begin_learning(database.unit_of_work(), CHAT, None)
    assert (about_a_stage.experiment, about_a_stage.first) == (None, True)
