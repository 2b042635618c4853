"""The readout's always-valid numbers run over the experiment's days, rebuilt from the database."""

from __future__ import annotations

import pytest

from db.unit_of_work import Database
from experiments import observations, services
from experiments.stats.verdict import VerdictKind
from tests.service.conftest import ALICE, CHAT
from tests.support import FrozenClock


@pytest.fixture
async def experiment(database: Database, workspace: int) -> int:
    view = await services.create_experiment(database.unit_of_work(), CHAT, "Checkout", author=ALICE)
    return view.number


async def log_day(database: Database, number: int, clock: FrozenClock, a: tuple, b: tuple) -> None:
    for variant, (visitors, conversions) in (("A", a), ("B", b)):
        await observations.log_observation(
            database.unit_of_work(),
            CHAT,
            number,
            variant,
            visitors,
            conversions,
            author=ALICE,
            clock=clock,
        )


async def test_a_ship_holds_at_a_weaker_later_day_and_an_undo_recomputes_it(
    database: Database, experiment: int, clock: FrozenClock
) -> None:
    # Day 1: 650 vs 500 of 10,000 -> the always-valid interval excludes 0 (low 0.0050055).
    await log_day(database, experiment, clock, (10000, 500), (10000, 650))
    clock.advance(days=1)
    # Day 2 brings the totals to 1,100 vs 1,000 of 20,000, which alone would not ship.
    await log_day(database, experiment, clock, (10000, 500), (10000, 450))
    result = await services.readout(database.unit_of_work(), CHAT, experiment, clock=clock)
    comparison = result.readout.arms[1].vs_control
    assert comparison is not None and comparison.looks == 2
    assert comparison.seq_diff_ci_low == pytest.approx(0.0050055, rel=1e-4)
    assert result.readout.verdict.kind is VerdictKind.SHIP
    # Undo day 2's B entry: the looks are rebuilt from what is stored (B has 650 of 10,000 on
    # the last day again), so the running numbers follow the data, not a cache.
    await observations.undo_last_observation(database.unit_of_work(), CHAT, experiment)
    again = await services.readout(database.unit_of_work(), CHAT, experiment, clock=clock)
    totals = [(arm.visitors, arm.conversions) for arm in again.readout.arms]
    assert totals == [(20000, 1000), (10000, 650)]
    assert again.readout.verdict.kind is VerdictKind.CHECK_DATA  # 20,000 vs 10,000: a broken split


async def test_days_are_looks_in_order(
    database: Database, experiment: int, clock: FrozenClock
) -> None:
    for _ in range(3):
        await log_day(database, experiment, clock, (200, 10), (200, 12))
        clock.advance(days=1)
    result = await services.readout(database.unit_of_work(), CHAT, experiment, clock=clock)
    comparison = result.readout.arms[1].vs_control
    assert comparison is not None and comparison.looks == 3  # three days; the last is now
