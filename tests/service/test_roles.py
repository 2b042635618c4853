"""The guarded use cases ask the rule and change nothing when refused; reopen's lifecycle."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from db.models import Experiment, Observation, Workspace
from db.unit_of_work import Database
from experiments import editing, observations, services, workspaces
from experiments.domain import NotConcluded, Outcome, Status
from experiments.roles import Actor, NotPermitted
from tests.service.conftest import ALICE, BOB, CHAT
from tests.support import FrozenClock

# Alice created the experiments below; Bob is a member of the group, not an admin.
ALICE_ACTS = Actor(ALICE.user_id, ALICE.name)
BOB_ACTS = Actor(BOB.user_id, BOB.name)
GROUP_ADMIN = Actor(4242, "Carol", is_admin=True)


async def state(database: Database) -> tuple[str, str | None, str | None, int]:
    async with database.unit_of_work() as uow:
        experiment = await uow.session.scalar(select(Experiment))
        assert experiment is not None
        results = len(list(await uow.session.scalars(select(Observation.id))))
        return experiment.status, experiment.outcome, experiment.concluded_from, results


async def test_a_member_is_refused_everything_guarded_and_nothing_changes(
    database: Database, workspace: int
) -> None:
    await services.create_experiment(database.unit_of_work(), CHAT, "Flyer", author=ALICE)
    await observations.log_observation(database.unit_of_work(), CHAT, 1, "A", 10, 1, author=ALICE)
    before = await state(database)
    uow = database.unit_of_work
    attempts = [
        services.conclude(uow(), CHAT, 1, Outcome.WON, actor=BOB_ACTS),
        editing.delete_experiment(uow(), CHAT, 1, actor=BOB_ACTS),
        editing.preview_deletion(uow(), CHAT, 1, actor=BOB_ACTS),
        editing.set_cost(uow(), CHAT, 1, None, actor=BOB_ACTS),
        observations.undo_last_observation(uow(), CHAT, 1, actor=BOB_ACTS),
        workspaces.update_settings(uow(), CHAT, digest_enabled=False, actor=BOB_ACTS),
        workspaces.update_settings(uow(), CHAT, digest_enabled=False, actor=ALICE_ACTS),
    ]
    for attempt in attempts:
        with pytest.raises(NotPermitted):
            await attempt
    assert await state(database) == before
    async with database.unit_of_work() as uow_:
        found = await uow_.session.scalar(select(Workspace.digest_enabled))
        assert found is True


async def test_reopen_goes_back_to_the_status_before_and_clears_the_outcome(
    database: Database, workspace: int, clock: FrozenClock
) -> None:
    await services.create_experiment(database.unit_of_work(), CHAT, "Flyer", author=ALICE)
    await services.change_status(database.unit_of_work(), CHAT, 1, Status.PAUSED)
    await services.conclude(
        database.unit_of_work(), CHAT, 1, None, winner="B", actor=ALICE_ACTS, clock=clock
    )
    assert await state(database) == ("concluded", "won", "paused", 0)

    with pytest.raises(NotPermitted):
        await services.reopen(database.unit_of_work(), CHAT, 1, actor=BOB_ACTS)
    reopened = await services.reopen(database.unit_of_work(), CHAT, 1, actor=GROUP_ADMIN)
    assert (reopened.status, reopened.outcome, reopened.concluded_at) == (Status.PAUSED, None, None)
    assert await state(database) == ("paused", None, None, 0)
    async with database.unit_of_work() as uow:
        assert await uow.session.scalar(select(Experiment.winner)) is None

    with pytest.raises(NotConcluded) as caught:
        await services.reopen(database.unit_of_work(), CHAT, 1, actor=ALICE_ACTS)
    assert str(caught.value) == (
        "Experiment #1 is paused, not concluded, so there is nothing to reopen."
    )
    assert await state(database) == ("paused", None, None, 0)


async def test_a_conclusion_from_before_the_rule_reopens_as_running(
    database: Database, workspace: int
) -> None:
    await services.create_experiment(database.unit_of_work(), CHAT, "Flyer", author=ALICE)
    await services.conclude(database.unit_of_work(), CHAT, 1, Outcome.LOST, actor=ALICE_ACTS)
    async with database.unit_of_work() as uow:
        experiment = await uow.session.scalar(select(Experiment))
        assert experiment is not None
        experiment.concluded_from = None  # concluded before the status was kept
        await uow.commit()
    reopened = await services.reopen(database.unit_of_work(), CHAT, 1, actor=ALICE_ACTS)
    assert reopened.status is Status.RUNNING
