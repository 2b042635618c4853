"""Logging funnel numbers, finding the constraint and looking back, on a real database."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from sqlalchemy import func, select, update

from db.models import FunnelSnapshot, Workspace
from db.unit_of_work import Database
from experiments.domain import (
    Author,
    CountTooLarge,
    DomainError,
    InvalidInput,
    NegativeCount,
    Stage,
)
from experiments.funnel import (
    StageLargerThanPrevious,
    WrongNumberOfStages,
    funnel_history,
    latest_funnel,
    log_funnel,
)
from tests.service.conftest import ALICE, BOB, CHAT, OTHER_CHAT
from tests.support import FrozenClock

EXAMPLE = (5000, 1200, 400, 150, 60, 20, 5)


async def snapshots(database: Database) -> int:
    async with database.unit_of_work() as uow:
        return int(await uow.session.scalar(select(func.count()).select_from(FunnelSnapshot)) or 0)


async def test_logging_a_funnel_gives_each_stage_its_step_conversion(
    database: Database, workspace: int, clock: FrozenClock
) -> None:
    view = await log_funnel(database.unit_of_work(), CHAT, EXAMPLE, author=ALICE, clock=clock)
    assert [s.stage for s in view.stages] == list(Stage)
    assert [s.reached for s in view.stages] == list(EXAMPLE)
    assert view.stages[0].rate_from_previous is None
    # 1200/5000, 400/1200, 150/400, 60/150, 20/60, 5/20
    assert [s.rate_from_previous for s in view.stages[1:]] == pytest.approx(
        [0.24, 1 / 3, 0.375, 0.4, 1 / 3, 0.25]
    )
    assert view.stage(Stage.LIKE).ci_low == pytest.approx(0.2283645412)  # Wilson, 1200 of 5000
    assert view.logged_by == "Alice"
    assert await snapshots(database) == 1


async def test_the_constraint_is_the_stage_with_the_weakest_step(
    database: Database, workspace: int, clock: FrozenClock
) -> None:
    view = await log_funnel(database.unit_of_work(), CHAT, EXAMPLE, author=ALICE, clock=clock)
    assert view.constraint is Stage.LIKE  # 24 % is the lowest step
    assert view.constraint_rate == pytest.approx(0.24)
    assert not view.constraint_is_clear  # Refer's 5 of 20 could be as low
    trust_leaks = await log_funnel(
        database.unit_of_work(), CHAT, (5000, 2500, 250, 200, 150, 100, 60), author=ALICE
    )
    assert trust_leaks.constraint is Stage.TRUST
    assert trust_leaks.constraint_is_clear


async def test_a_funnel_covers_the_week_ending_today(
    database: Database, workspace: int, clock: FrozenClock
) -> None:
    view = await log_funnel(database.unit_of_work(), CHAT, EXAMPLE, author=ALICE, clock=clock)
    assert view.period_end == date(2026, 3, 2)
    assert view.period_start == date(2026, 2, 24)
    month = await log_funnel(
        database.unit_of_work(),
        CHAT,
        EXAMPLE,
        author=ALICE,
        period_end=date(2026, 2, 28),
        period_days=28,
        clock=clock,
    )
    assert (month.period_start, month.period_end) == (date(2026, 2, 1), date(2026, 2, 28))


async def test_today_is_the_workspace_s_local_date(
    database: Database, workspace: int, clock: FrozenClock
) -> None:
    async with database.unit_of_work() as uow:
        await uow.session.execute(
            update(Workspace).where(Workspace.chat_id == CHAT).values(timezone="Asia/Tokyo")
        )
        await uow.commit()
    clock.now = datetime(2026, 3, 2, 20, 0, tzinfo=UTC)  # already 5 a.m. on March 3 in Tokyo
    view = await log_funnel(database.unit_of_work(), CHAT, EXAMPLE, author=ALICE, clock=clock)
    assert view.period_end == date(2026, 3, 3)


async def test_latest_funnel_is_the_newest_period_and_a_correction_replaces(
    database: Database, workspace: int, clock: FrozenClock
) -> None:
    assert await latest_funnel(database.unit_of_work(), CHAT) is None
    await log_funnel(
        database.unit_of_work(), CHAT, EXAMPLE, author=ALICE, period_end=date(2026, 2, 23)
    )
    await log_funnel(
        database.unit_of_work(), CHAT, (900, 800, 700, 600, 500, 400, 300), author=BOB, clock=clock
    )
    await log_funnel(
        database.unit_of_work(), CHAT, (10, 10, 10, 10, 10, 10, 10), author=ALICE, clock=clock
    )
    corrected = (1000, 800, 200, 150, 100, 50, 40)
    await log_funnel(database.unit_of_work(), CHAT, corrected, author=BOB, clock=clock)
    latest = await latest_funnel(database.unit_of_work(), CHAT)
    assert latest is not None
    assert [s.reached for s in latest.stages] == list(corrected)
    assert latest.constraint is Stage.TRUST
    history = await funnel_history(database.unit_of_work(), CHAT)
    assert [h.period_end for h in history] == [date(2026, 3, 2), date(2026, 2, 23)]
    assert [s.reached for s in history[0].stages] == list(corrected)
    assert await snapshots(database) == 4  # corrections are kept, the newest counts


async def test_history_is_newest_first_and_limited(
    database: Database, workspace: int, clock: FrozenClock
) -> None:
    for day in range(1, 11):
        await log_funnel(
            database.unit_of_work(),
            CHAT,
            (100, 50, 25, 12, 6, 3, day % 3),
            author=ALICE,
            period_end=date(2026, 1, day),
        )
    history = await funnel_history(database.unit_of_work(), CHAT, limit=3)
    assert [h.period_end.day for h in history] == [10, 9, 8]
    assert len(await funnel_history(database.unit_of_work(), CHAT)) == 8


async def test_the_funnel_names_who_logged_it(
    database: Database, workspace: int, clock: FrozenClock
) -> None:
    await log_funnel(database.unit_of_work(), CHAT, EXAMPLE, author=ALICE, clock=clock)
    latest = await latest_funnel(database.unit_of_work(), CHAT)
    assert latest is not None and latest.logged_by == "Alice"
    stranger = Author(user_id=4242, name="Stranger")
    await log_funnel(database.unit_of_work(), CHAT, EXAMPLE, author=stranger, clock=clock)
    latest = await latest_funnel(database.unit_of_work(), CHAT)
    assert latest is not None and latest.logged_by == "Stranger"


async def test_an_empty_funnel_is_logged_without_a_constraint(
    database: Database, workspace: int
) -> None:
    view = await log_funnel(database.unit_of_work(), CHAT, (0,) * 7, author=ALICE)
    assert view.constraint is None and view.constraint_rate is None
    assert all(s.rate_from_previous is None for s in view.stages)


async def test_a_stage_nobody_reached_is_the_constraint(database: Database, workspace: int) -> None:
    view = await log_funnel(database.unit_of_work(), CHAT, (300, 120, 0, 0, 0, 0, 0), author=ALICE)
    assert view.constraint is Stage.TRUST
    assert view.constraint_rate == 0.0
    assert view.stage(Stage.TRY).rate_from_previous is None


@pytest.mark.parametrize(
    ("counts", "error", "words"),
    [
        ((5000, 1200, 400), WrongNumberOfStages, "The funnel has 7 stages"),
        ((1,) * 8, WrongNumberOfStages, "you gave 8 numbers"),
        ((), WrongNumberOfStages, "you gave 0 numbers"),
        ((5000, 1200, -4, 1, 1, 1, 1), NegativeCount, "Counts can't be negative (Trust: -4)"),
        ((2 * 10**9, 1, 1, 1, 1, 1, 1), CountTooLarge, "Know (2000000000) is more than"),
        (
            (5000, 1200, 400, 150, 200, 20, 5),
            StageLargerThanPrevious,
            "Buy (200) can't be more than Try (150)",
        ),
        ((0, 1, 0, 0, 0, 0, 0), StageLargerThanPrevious, "Like (1) can't be more than Know (0)"),
    ],
)
async def test_bad_counts_are_refused_and_nothing_is_stored(
    database: Database,
    workspace: int,
    counts: tuple[int, ...],
    error: type[DomainError],
    words: str,
) -> None:
    with pytest.raises(error) as raised:
        await log_funnel(database.unit_of_work(), CHAT, counts, author=ALICE)
    assert words in raised.value.message()
    assert "/funnel 5000 1200 400 150 60 20 5" in raised.value.message() or error is CountTooLarge
    assert await snapshots(database) == 0


@pytest.mark.parametrize("days", [0, -7, 367])
async def test_a_period_of_impossible_length_is_refused(
    database: Database, workspace: int, days: int
) -> None:
    with pytest.raises(InvalidInput):
        await log_funnel(database.unit_of_work(), CHAT, EXAMPLE, author=ALICE, period_days=days)
    assert await snapshots(database) == 0


async def test_each_chat_sees_only_its_own_funnel(database: Database, workspace: int) -> None:
    await log_funnel(database.unit_of_work(), CHAT, EXAMPLE, author=ALICE)
    assert await latest_funnel(database.unit_of_work(), OTHER_CHAT) is None
    assert await funnel_history(database.unit_of_work(), OTHER_CHAT) == []
    assert await latest_funnel(database.unit_of_work(), 999_999) is None


async def test_a_chat_without_a_workspace_is_asked_to_start(database: Database) -> None:
    with pytest.raises(InvalidInput, match="/start"):
        await log_funnel(database.unit_of_work(), 999_999, EXAMPLE, author=ALICE)
    assert await snapshots(database) == 0
