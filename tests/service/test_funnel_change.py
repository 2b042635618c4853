"""A period's funnel against the one before: step changes, the constraint's move, the news."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from db.unit_of_work import Database
from experiments.domain import Stage
from experiments.funnel import funnel_history, funnel_news, latest_funnel, log_funnel
from experiments.stats.funnel import StepTrend
from tests.service.conftest import ALICE, CHAT
from tests.support import FrozenClock

# Hand-made funnels. Before: Like 1188/4000 = 29.7 % is the weakest step (Trust 33.7 %,
# Try 37.5 %, Buy 40 %, Repeat 33.3 %, Refer 50 %). After: Like 34.8 %, Trust 420/1392 = 30.2 %
# is now the weakest (Buy 33.3 %, Try 35.7 %, Repeat 40 %, Refer 50 %).
BEFORE = (4000, 1188, 400, 150, 60, 20, 10)
AFTER = (4000, 1392, 420, 150, 50, 20, 10)


async def test_a_period_is_compared_with_the_period_before(
    database: Database, workspace: int, clock: FrozenClock
) -> None:
    first = await log_funnel(database.unit_of_work(), CHAT, BEFORE, author=ALICE, clock=clock)
    assert first.previous is None and first.first
    clock.advance(days=7)
    second = await log_funnel(database.unit_of_work(), CHAT, AFTER, author=ALICE, clock=clock)
    assert not second.first
    change = second.previous
    assert change is not None
    assert (change.period_start, change.period_end) == (first.period_start, first.period_end)
    assert change.constraint_before is Stage.LIKE and second.constraint is Stage.TRUST
    assert change.constraint_moved
    like = change.changes[0]
    assert like.stage is Stage.LIKE
    assert (like.rate_before, like.rate_after) == pytest.approx((0.297, 0.348))
    assert like.trend is StepTrend.UP
    assert [c.stage for c in change.real_changes] == [Stage.LIKE]
    shown = await latest_funnel(database.unit_of_work(), CHAT)
    assert shown is not None and shown.previous == change


async def test_an_unmoved_constraint_is_not_a_move(
    database: Database, workspace: int, clock: FrozenClock
) -> None:
    await log_funnel(database.unit_of_work(), CHAT, BEFORE, author=ALICE, clock=clock)
    clock.advance(days=7)
    # Like 1100/4000 = 27.5 %: still the weakest; 29.7 % -> 27.5 % is within noise.
    view = await log_funnel(
        database.unit_of_work(), CHAT, (4000, 1100, 400, 150, 60, 20, 10), author=ALICE, clock=clock
    )
    assert view.previous is not None
    assert view.previous.constraint_before is Stage.LIKE and view.constraint is Stage.LIKE
    assert not view.previous.constraint_moved
    assert view.previous.real_changes == ()


async def test_a_past_period_is_compared_with_the_one_before_it_not_the_latest(
    database: Database, workspace: int, clock: FrozenClock
) -> None:
    today = clock().date()
    uow = database.unit_of_work
    await log_funnel(uow(), CHAT, BEFORE, author=ALICE, clock=clock, period_end=today)
    two_weeks_ago = today - timedelta(days=14)
    past = await log_funnel(uow(), CHAT, AFTER, author=ALICE, clock=clock, period_end=two_weeks_ago)
    assert past.previous is None  # nothing before it
    latest = await latest_funnel(uow(), CHAT)
    assert latest is not None and latest.previous is not None
    assert latest.previous.period_end == two_weeks_ago
    assert latest.previous.constraint_before is Stage.TRUST and latest.constraint is Stage.LIKE


async def test_history_compares_each_period_with_the_one_before(
    database: Database, workspace: int, clock: FrozenClock
) -> None:
    for counts in (BEFORE, AFTER, BEFORE):
        await log_funnel(database.unit_of_work(), CHAT, counts, author=ALICE, clock=clock)
        clock.advance(days=7)
    views = await funnel_history(database.unit_of_work(), CHAT, limit=2)
    assert [v.constraint for v in views] == [Stage.LIKE, Stage.TRUST]
    assert all(v.previous is not None and v.previous.constraint_moved for v in views)
    assert views[1].period_end == date(2026, 3, 9)


async def test_a_period_is_news_only_when_freshly_logged_and_comparable(
    database: Database, workspace: int, clock: FrozenClock
) -> None:
    uow = database.unit_of_work
    await log_funnel(uow(), CHAT, BEFORE, author=ALICE, clock=clock)
    assert await funnel_news(uow(), CHAT, since=clock() - timedelta(days=1)) is None
    clock.advance(days=7)
    await log_funnel(uow(), CHAT, AFTER, author=ALICE, clock=clock)
    news = await funnel_news(uow(), CHAT, since=clock() - timedelta(days=1))
    assert news is not None and news.constraint is Stage.TRUST
    clock.advance(days=2)
    assert await funnel_news(uow(), CHAT, since=clock() - timedelta(days=1)) is None
