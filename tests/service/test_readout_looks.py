"""The readout's always-valid numbers run over the experiment's days, rebuilt from the database."""

from __future__ import annotations

import pytest

from db.models import Experiment
from db.unit_of_work import Database
from experiments import digests, observations, services
from experiments.domain import InvalidInput
from experiments.stats.verdict import VerdictKind
from tests.service.conftest import ALICE, CHAT
from tests.service.test_experiments import count_rows
from tests.support import ADMIN, FrozenClock


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
    # The digest and the chart read the same daily looks, so they say the same.
    digest = await digests.compose_digest(database.unit_of_work(), CHAT, now=clock())
    assert [line.verdict.kind for line in digest.lines] == [VerdictKind.SHIP]
    history = await observations.conversion_history(
        database.unit_of_work(), CHAT, experiment, clock=clock
    )
    assert history.verdict is not None and history.verdict.kind is VerdictKind.SHIP
    # Undo day 2's B entry: the looks are rebuilt from what is stored (B has 650 of 10,000 on
    # the last day again), so the running numbers follow the data, not a cache.
    await observations.undo_last_observation(database.unit_of_work(), CHAT, experiment, actor=ADMIN)
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


async def test_a_planned_split_is_stored_and_used_by_the_plan_and_the_checks(
    database: Database, workspace: int, clock: FrozenClock
) -> None:
    view = await services.create_experiment(
        database.unit_of_work(),
        CHAT,
        "Pricing",
        ["A", "B"],
        author=ALICE,
        baseline_rate=0.05,
        min_detectable_effect=0.01,
        planned_split=(70, 30),
        clock=clock,
    )
    assert view.planned_split == (70.0, 30.0)
    # sequential_sample_size(0.05, 0.06, shares=(0.7, 0.3)).per_arm -> (27058, 11596)
    assert view.planned_per_variant == 11596
    await log_day(database, view.number, clock, (7000, 350), (3000, 150))
    clock.advance(days=1)
    result = await services.readout(database.unit_of_work(), CHAT, view.number, clock=clock)
    assert not result.readout.sample_ratio_mismatch
    assert result.readout.srm_p_value == pytest.approx(1.0)
    # The control needs 27,058 at 7,000 a day: (27058 - 7000) / 7000 days; the variant
    # (11596 - 3000) / 3000 = 2.87 days is less.
    assert result.days_left == pytest.approx((27058 - 7000) / 7000)


async def test_a_split_that_does_not_fit_the_variants_is_refused(
    database: Database, workspace: int
) -> None:
    with pytest.raises(InvalidInput, match="one share per variant"):
        await services.create_experiment(
            database.unit_of_work(),
            CHAT,
            "Pricing",
            ["old", "new"],
            author=ALICE,
            planned_split=(50, 25, 25),
        )
    with pytest.raises(InvalidInput, match="above zero"):
        await services.create_experiment(
            database.unit_of_work(), CHAT, "Pricing", author=ALICE, planned_split=(1, 0)
        )
    assert await count_rows(database, Experiment) == 0
