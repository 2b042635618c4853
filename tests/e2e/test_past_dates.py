"""Results and funnels for past days: /log with a day, the guided day step, /funnel for a week."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from sqlalchemy import select

from db.models import FunnelSnapshot, Observation
from emulator import SimChat
from experiments import observations
from tests.e2e.conftest import BotUnderTest, press, say

# The e2e clock: Monday 2 March 2026, 09:00 UTC — 22:00 the same day in Auckland (UTC+13).
FUNNEL = "5000 1200 400 150 60 20 5"


async def logged(
    bot: BotUnderTest, chat: SimChat
) -> list[tuple[str, int, Decimal | None, datetime]]:
    rows = await observations.export_observations(bot.runtime.uow(), chat.id)
    return [(r.variant, r.visitors, r.revenue, r.logged_at) for r in rows]


async def daily(bot: BotUnderTest, chat: SimChat) -> list[tuple[date, str, int, int]]:
    days = await observations.daily_totals(bot.runtime.uow(), chat.id, 1)
    return [(d.day, d.variant, d.visitors, d.conversions) for d in days]


@pytest.fixture
async def auckland(bot: BotUnderTest, alice_chat: SimChat) -> SimChat:
    await say(alice_chat, "/settings timezone Pacific/Auckland")
    await say(alice_chat, "/new Flyer")
    return alice_chat


async def test_a_result_for_yesterday_lands_on_that_local_day(
    bot: BotUnderTest, auckland: SimChat
) -> None:
    await say(auckland, "/log #1 A 900 30")
    reply = await say(auckland, "/log #1 B 1000 42 yesterday")
    assert reply.text.splitlines()[0].startswith(
        "✅ Logged for #1 Flyer, variant B: 1,000 visitors"
    )
    assert reply.text.splitlines()[-1] == "📅 For Mar 1, 2026."
    # Noon of 1 March in Auckland is 23:00 UTC on 28 February.
    assert (await logged(bot, auckland))[1] == (
        "B",
        1000,
        None,
        datetime(2026, 2, 28, 23, 0, tzinfo=UTC),
    )
    assert await daily(bot, auckland) == [
        (date(2026, 3, 1), "B", 1000, 42),
        (date(2026, 3, 2), "A", 900, 30),
    ]


DAY_FORMS = [
    ("yesterday revenue 380", Decimal("380.00"), date(2026, 3, 1)),
    ("revenue 380.5 yesterday", Decimal("380.50"), date(2026, 3, 1)),
    ("вчера", None, date(2026, 3, 1)),
    ("2026-02-27", None, date(2026, 2, 27)),
    ("27.02", None, date(2026, 2, 27)),
    ("27.02.2026 19.90", Decimal("19.90"), date(2026, 2, 27)),
    ("19.90 27.02.2026", Decimal("19.90"), date(2026, 2, 27)),
    ("today", None, date(2026, 3, 2)),
    ("120.50", Decimal("120.50"), date(2026, 3, 2)),
]


@pytest.mark.parametrize(("extras", "revenue", "day"), DAY_FORMS)
async def test_log_takes_a_day_and_revenue_in_either_order(
    bot: BotUnderTest, alice_chat: SimChat, extras: str, revenue: Decimal | None, day: date
) -> None:
    await say(alice_chat, "/new Flyer")
    reply = await say(alice_chat, f"/log #1 B 1000 42 {extras}")
    assert reply.text.startswith("✅ Logged for #1 Flyer")
    [(variant, visitors, stored_revenue, moment)] = await logged(bot, alice_chat)
    assert (variant, visitors, stored_revenue) == ("B", 1000, revenue)
    if day == date(2026, 3, 2):
        assert moment == bot.clock.now  # today: now
        assert "📅" not in reply.text
    else:
        assert moment == datetime.combine(day, datetime.min.time().replace(hour=12), UTC)
        assert "📅 For " in reply.text
    assert [d[0] for d in await daily(bot, alice_chat)] == [day]


BAD_DAYS = [
    ("2026-03-03", "⚠️ “2026-03-03” is in the future. Results can be logged for today or an "
     "earlier day only."),
    ("31.12.2026", "⚠️ “31.12.2026” is in the future."),
    ("yesterdy", "⚠️ “yesterdy” is neither a day nor an amount of money. Usage: "
     "/log #1 B 1200 54 yesterday revenue 380"),
    ("yesterday 27.02", "⚠️ Give the day once."),
    ("revenue", "⚠️ “revenue” needs an amount after it."),
    ("31.02.2026", "⚠️ “31.02.2026” is neither a day nor an amount of money."),
]  # fmt: skip


async def test_each_bad_day_is_refused_and_nothing_is_logged(
    bot: BotUnderTest, alice_chat: SimChat
) -> None:
    await say(alice_chat, "/new Flyer")
    for extras, expected in BAD_DAYS:
        reply = await say(alice_chat, f"/log #1 B 1000 42 {extras}")
        assert reply.text.startswith(expected), (extras, reply.text)
        assert await bot.rows(Observation) == 0, extras


async def test_the_guided_log_offers_today_yesterday_or_another_date(
    bot: BotUnderTest, auckland: SimChat
) -> None:
    chat = auckland
    picker = await say(chat, "/log")
    await press(chat, picker, "#1 Flyer")
    variants = await chat.next_reply()
    await press(chat, variants, "B")
    day = await chat.next_reply()
    assert day.text.startswith("Variant B: which day are these results for? (For today, you")
    assert [b.text for b in day.buttons[0]] == ["Today", "Yesterday", "Another date"]
    await press(chat, day, "Yesterday")
    counts = await chat.next_reply()
    assert counts.text.splitlines()[0] == "📅 Mar 1, 2026"
    done = await say(chat, "1000 42")
    assert done.text.splitlines()[-1] == "📅 For Mar 1, 2026."

    picker = await say(chat, "/log")
    await press(chat, picker, "#1 Flyer")
    await press(chat, await chat.next_reply(), "A")
    await press(chat, await chat.next_reply(), "Another date")
    assert (await chat.next_reply()).text.startswith("Which day? Write it like 30.11")
    future = await say(chat, "5.3.2026")
    assert future.text.startswith("⚠️ “5.3.2026” is in the future.")
    counts = await say(chat, "27.02")
    assert counts.text.splitlines()[0] == "📅 Feb 27, 2026"
    await say(chat, "800 20")

    picker = await say(chat, "/log")
    await press(chat, picker, "#1 Flyer")
    await press(chat, await chat.next_reply(), "A")
    await press(chat, await chat.next_reply(), "Today")
    assert (await chat.next_reply()).text.startswith("Variant A: send visitors and conversions")
    today = await say(chat, "100 2")
    assert "📅" not in today.text
    assert await daily(bot, chat) == [
        (date(2026, 2, 27), "A", 800, 20),
        (date(2026, 3, 1), "B", 1000, 42),
        (date(2026, 3, 2), "A", 100, 2),
    ]


async def test_funnel_for_the_week_of_a_past_day(bot: BotUnderTest, alice_chat: SimChat) -> None:
    reply = await say(alice_chat, f"/funnel 2026-02-18 {FUNNEL}")
    assert "Funnel logged · Feb 16, 2026 – Feb 22, 2026" in reply.text
    reply = await say(alice_chat, f"/funnel last week {FUNNEL}")
    assert "Funnel logged · Feb 23, 2026 – Mar 1, 2026" in reply.text
    reply = await say(alice_chat, f"/funnel прошлая неделя {FUNNEL}")
    assert "Funnel logged · Feb 23, 2026 – Mar 1, 2026" in reply.text
    # The current week runs up to today.
    reply = await say(alice_chat, f"/funnel today {FUNNEL}")
    assert "Funnel logged · Mar 2, 2026 – Mar 2, 2026" in reply.text
    async with bot.database.unit_of_work() as uow:
        periods = (
            await uow.session.execute(
                select(FunnelSnapshot.period_start, FunnelSnapshot.period_end).order_by(
                    FunnelSnapshot.id
                )
            )
        ).all()
    assert [tuple(p) for p in periods] == [
        (date(2026, 2, 16), date(2026, 2, 22)),
        (date(2026, 2, 23), date(2026, 3, 1)),
        (date(2026, 2, 23), date(2026, 3, 1)),
        (date(2026, 3, 2), date(2026, 3, 2)),
    ]


async def test_funnel_for_a_future_or_unreadable_day_is_refused(
    bot: BotUnderTest, alice_chat: SimChat
) -> None:
    future = await say(alice_chat, f"/funnel 2026-03-09 {FUNNEL}")
    assert future.text.startswith("⚠️ “2026-03-09” is in the future.")
    unreadable = await say(alice_chat, f"/funnel someday {FUNNEL}")
    assert unreadable.text.startswith("⚠️ “someday” is not a date. Write it like 2026-11-30")
    assert await bot.rows(FunnelSnapshot) == 0


async def test_a_csv_day_without_a_time_is_that_days_local_noon(
    bot: BotUnderTest, auckland: SimChat
) -> None:
    content = (
        b"experiment,variant,visitors,conversions,logged_at\n"
        b"1,A,100,5,2026-03-01\n1,B,100,7,28.02.2026\n1,B,50,1,yesterday\n"
    )
    await auckland.upload("days.csv", content)
    assert (await auckland.next_reply()).text.startswith("📥 Imported 3 results:")
    assert await daily(bot, auckland) == [
        (date(2026, 2, 28), "B", 100, 7),
        (date(2026, 3, 1), "A", 100, 5),
        (date(2026, 3, 1), "B", 50, 1),
    ]
