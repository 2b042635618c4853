"""Logging results, undoing them and summing them, on a real database."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest

from db.models import Observation
from db.unit_of_work import Database
from experiments import observations, services
from experiments.domain import (
    ConversionsExceedVisitors,
    CountTooLarge,
    NegativeCount,
    NothingToUndo,
    UnknownExperiment,
    UnknownVariant,
)
from experiments.stats.verdict import VerdictKind
from experiments.workspaces import update_settings
from tests.service.conftest import ALICE, BOB, CHAT, OTHER_CHAT
from tests.service.test_experiments import count_rows
from tests.support import ADMIN, FrozenClock


@pytest.fixture
async def experiment(database: Database, workspace: int) -> int:
    view = await services.create_experiment(database.unit_of_work(), CHAT, "Checkout", author=ALICE)
    return view.number


async def test_log_returns_the_variants_new_totals(database: Database, experiment: int) -> None:
    await observations.log_observation(
        database.unit_of_work(), CHAT, experiment, "B", 100, 7, author=ALICE
    )
    logged = await observations.log_observation(
        database.unit_of_work(), CHAT, experiment, "b", 50, 3, author=BOB, revenue=Decimal("19.90")
    )
    assert logged.variant == "B"  # matched without regard to case
    assert (logged.totals.visitors, logged.totals.conversions) == (150, 10)
    assert logged.totals.revenue == Decimal("19.90")
    assert logged.totals.observations == 2
    assert logged.logged_by == "Bob"
    assert logged.totals.rate == pytest.approx(10 / 150)


async def test_log_rejects_conversions_above_visitors(database: Database, experiment: int) -> None:
    with pytest.raises(ConversionsExceedVisitors) as caught:
        await observations.log_observation(
            database.unit_of_work(), CHAT, experiment, "B", 10, 12, author=ALICE
        )
    assert str(caught.value) == (
        "Conversions (12) can't exceed visitors (10). Try: /log #1 B 10 10"
    )
    assert await count_rows(database, Observation) == 0


@pytest.mark.parametrize(("visitors", "conversions"), [(-1, 0), (10, -2)])
async def test_log_rejects_negative_counts(
    database: Database, experiment: int, visitors: int, conversions: int
) -> None:
    with pytest.raises(NegativeCount) as caught:
        await observations.log_observation(
            database.unit_of_work(), CHAT, experiment, "A", visitors, conversions, author=ALICE
        )
    assert "can't be negative" in str(caught.value)
    assert await count_rows(database, Observation) == 0


async def test_log_rejects_counts_over_a_billion(database: Database, experiment: int) -> None:
    with pytest.raises(CountTooLarge):
        await observations.log_observation(
            database.unit_of_work(), CHAT, experiment, "A", 10**9 + 1, 0, author=ALICE
        )
    assert await count_rows(database, Observation) == 0


async def test_log_rejects_unknown_variant_naming_the_known_ones(
    database: Database, experiment: int
) -> None:
    with pytest.raises(UnknownVariant) as caught:
        await observations.log_observation(
            database.unit_of_work(), CHAT, experiment, "C", 10, 1, author=ALICE
        )
    assert str(caught.value) == "Experiment #1 has no variant “C”. Its variants are: A, B."
    assert await count_rows(database, Observation) == 0


async def test_log_to_another_chats_experiment_is_unknown(
    database: Database, experiment: int
) -> None:
    with pytest.raises(UnknownExperiment):
        await observations.log_observation(
            database.unit_of_work(), OTHER_CHAT, experiment, "A", 10, 1, author=ALICE
        )
    assert await count_rows(database, Observation) == 0


async def test_undo_removes_only_the_last_entry(database: Database, experiment: int) -> None:
    await observations.log_observation(
        database.unit_of_work(), CHAT, experiment, "A", 100, 5, author=ALICE
    )
    await observations.log_observation(
        database.unit_of_work(), CHAT, experiment, "B", 90, 9, author=BOB
    )
    undone = await observations.undo_last_observation(
        database.unit_of_work(), CHAT, experiment, actor=ADMIN
    )
    assert (undone.variant, undone.visitors, undone.conversions, undone.logged_by) == (
        "B",
        90,
        9,
        "Bob",
    )
    assert (undone.totals.visitors, undone.totals.conversions) == (0, 0)
    summary = await services.get_experiment(database.unit_of_work(), CHAT, experiment)
    assert [(t.visitors, t.conversions) for t in summary.totals] == [(100, 5), (0, 0)]


async def test_undo_with_nothing_logged_says_so(database: Database, experiment: int) -> None:
    with pytest.raises(NothingToUndo, match="no logged results"):
        await observations.undo_last_observation(
            database.unit_of_work(), CHAT, experiment, actor=ADMIN
        )


async def test_totals_per_day_are_summed_by_utc_day(
    database: Database, experiment: int, clock: FrozenClock
) -> None:
    for visitors, conversions in ((100, 5), (50, 2)):
        await observations.log_observation(
            database.unit_of_work(),
            CHAT,
            experiment,
            "A",
            visitors,
            conversions,
            author=ALICE,
            clock=clock,
        )
    clock.advance(days=1)
    await observations.log_observation(
        database.unit_of_work(), CHAT, experiment, "B", 80, 8, author=ALICE, clock=clock
    )
    days = await observations.daily_totals(database.unit_of_work(), CHAT, experiment)
    assert [(d.day, d.variant, d.visitors, d.conversions) for d in days] == [
        (date(2026, 3, 2), "A", 150, 7),
        (date(2026, 3, 3), "B", 80, 8),
    ]


async def log_at(database: Database, experiment: int, moment: datetime, variant: str) -> None:
    await observations.log_observation(
        database.unit_of_work(),
        CHAT,
        experiment,
        variant,
        100,
        10,
        author=ALICE,
        clock=FrozenClock(moment),
    )


async def test_totals_per_day_follow_the_workspaces_timezone(
    database: Database, experiment: int
) -> None:
    await update_settings(database.unit_of_work(), CHAT, timezone="Europe/Moscow", actor=ADMIN)
    # Moscow is UTC+3: 20:59 UTC is 23:59 on Mar 2; 21:00 UTC is already Mar 3 there.
    await log_at(database, experiment, datetime(2026, 3, 2, 20, 59, tzinfo=UTC), "A")
    await log_at(database, experiment, datetime(2026, 3, 2, 21, 0, tzinfo=UTC), "A")
    await log_at(database, experiment, datetime(2026, 3, 3, 9, 0, tzinfo=UTC), "A")
    days = await observations.daily_totals(database.unit_of_work(), CHAT, experiment)
    assert [(d.day, d.variant, d.visitors) for d in days] == [
        (date(2026, 3, 2), "A", 100),
        (date(2026, 3, 3), "A", 200),
    ]


async def test_local_days_follow_daylight_saving_time(database: Database, experiment: int) -> None:
    await update_settings(database.unit_of_work(), CHAT, timezone="America/New_York", actor=ADMIN)
    # New York is UTC-5 in winter and UTC-4 from Mar 8, 2026: 04:30 UTC is the evening before.
    await log_at(database, experiment, datetime(2026, 3, 3, 4, 30, tzinfo=UTC), "A")  # Mar 2
    await log_at(database, experiment, datetime(2026, 3, 10, 3, 30, tzinfo=UTC), "B")  # Mar 9
    await log_at(database, experiment, datetime(2026, 3, 10, 4, 30, tzinfo=UTC), "B")  # Mar 10
    days = await observations.daily_totals(database.unit_of_work(), CHAT, experiment)
    assert [(d.day, d.variant, d.visitors) for d in days] == [
        (date(2026, 3, 2), "A", 100),
        (date(2026, 3, 9), "B", 100),
        (date(2026, 3, 10), "B", 100),
    ]


async def test_conversion_history_has_local_days_the_plan_and_the_verdict(
    database: Database, experiment: int
) -> None:
    await update_settings(database.unit_of_work(), CHAT, timezone="Europe/Moscow", actor=ADMIN)
    await log_at(database, experiment, datetime(2026, 3, 2, 22, 0, tzinfo=UTC), "A")
    await log_at(database, experiment, datetime(2026, 3, 2, 22, 0, tzinfo=UTC), "B")
    history = await observations.conversion_history(
        database.unit_of_work(),
        CHAT,
        experiment,
        clock=FrozenClock(datetime(2026, 3, 3, tzinfo=UTC)),
    )
    assert history.timezone == "Europe/Moscow"
    assert [(d.day, d.variant) for d in history.daily] == [
        (date(2026, 3, 3), "A"),
        (date(2026, 3, 3), "B"),
    ]
    assert history.visitors == 200
    assert history.verdict is not None and history.verdict.kind is VerdictKind.KEEP_RUNNING


async def test_conversion_history_without_results_has_no_verdict(
    database: Database, experiment: int
) -> None:
    history = await observations.conversion_history(database.unit_of_work(), CHAT, experiment)
    assert history.daily == () and history.visitors == 0 and history.verdict is None
    assert history.timezone == "UTC"


async def test_export_lists_every_entry_of_the_workspace_only(
    database: Database, experiment: int, clock: FrozenClock
) -> None:
    await observations.log_observation(
        database.unit_of_work(), CHAT, experiment, "A", 100, 5, author=ALICE, clock=clock
    )
    await services.create_experiment(database.unit_of_work(), OTHER_CHAT, "Theirs", author=BOB)
    await observations.log_observation(
        database.unit_of_work(), OTHER_CHAT, 1, "A", 1, 1, author=BOB
    )
    rows = await observations.export_observations(database.unit_of_work(), CHAT)
    assert [(r.experiment, r.variant, r.visitors, r.conversions, r.logged_at) for r in rows] == [
        (1, "A", 100, 5, clock.now)
    ]


async def test_logged_at_comes_back_as_aware_utc(
    database: Database, experiment: int, clock: FrozenClock
) -> None:
    await observations.log_observation(
        database.unit_of_work(), CHAT, experiment, "A", 1, 0, author=ALICE, clock=clock
    )
    summary = await services.get_experiment(database.unit_of_work(), CHAT, experiment)
    assert summary.last_logged_at == clock.now
    assert summary.last_logged_at is not None and summary.last_logged_at.utcoffset() is not None
