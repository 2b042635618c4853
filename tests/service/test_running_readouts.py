"""The digest's batch of readouts is the readout itself: same numbers, same verdict."""

from __future__ import annotations

from db.unit_of_work import Database
from experiments import observations, services
from experiments.domain import Status
from tests.service.conftest import ALICE, CHAT
from tests.support import FrozenClock


async def test_running_readouts_equal_each_readout_with_its_daily_looks(
    database: Database, workspace: int, clock: FrozenClock
) -> None:
    uow = database.unit_of_work
    numbers = []
    for name in ("Headline", "Pricing", "Paused one"):
        view = await services.create_experiment(uow(), CHAT, name, author=ALICE, clock=clock)
        numbers.append(view.number)
    for _day in range(4):
        for number, (a, b) in zip(numbers, [(50, 80), (60, 61), (10, 12)], strict=True):
            for variant, conversions in (("A", a), ("B", b)):
                await observations.log_observation(
                    uow(), CHAT, number, variant, 1000, conversions, author=ALICE, clock=clock
                )
        clock.advance(days=1)
    await services.change_status(uow(), CHAT, numbers[2], Status.PAUSED, clock=clock)

    batch = await services.running_readouts(uow(), CHAT, now=clock())

    assert [found.experiment.number for found in batch] == numbers[:2]
    for found in batch:
        one = await services.readout(uow(), CHAT, found.experiment.number, clock=clock)
        assert found.readout == one.readout
        assert found.days_left == one.days_left
    assert batch[0].readout.verdict.kind.value == "ship"  # 5 % against 8 %, four days running
