"""End-to-end: after the digest time or the timezone changes, no digest comes before the new
moment, and the "next digest" that /settings shows is when it really comes (frozen clock)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from bot.scheduling import run_digest_tick
from experiments.workspaces import update_settings
from tests.e2e.conftest import BotUnderTest, say
from tests.e2e.test_digest import DIGEST, bot_process, digests_in, founder
from tests.support import ADMIN

pytestmark = pytest.mark.timeout(30)


def utc(*parts: int) -> datetime:
    return datetime(*parts, tzinfo=UTC)  # type: ignore[misc]


async def ticks_send_nothing(bot: BotUnderTest, chat_moments: list[datetime]) -> None:
    async with bot_process(bot, "p1") as process:
        for moment in chat_moments:
            report = await run_digest_tick(process, now=moment)
            assert report.count("sent") == 0, moment


async def test_a_digest_time_already_passed_today_waits_for_tomorrow(bot: BotUnderTest) -> None:
    chat = await founder(bot, "Alice")
    await update_settings(
        bot.database.unit_of_work(),
        chat.id,
        digest_time="20:00",
        clock=lambda: utc(2026, 3, 1),
        actor=ADMIN,
    )
    bot.clock.now = utc(2026, 3, 2, 10, 0)
    card = await say(chat, "/settings time 06:30")
    # Today's 06:30 came before the change: the next digest is tomorrow's, not one right now.
    assert "Next digest: 3/3/26, 6:30\u202fAM (UTC)." in card.text
    await ticks_send_nothing(
        bot, [utc(2026, 3, 2, 10, 1), utc(2026, 3, 2, 20, 0), utc(2026, 3, 3, 6, 29)]
    )
    assert digests_in(chat) == []
    async with bot_process(bot, "p1") as process:
        report = await run_digest_tick(process, now=utc(2026, 3, 3, 6, 30))
    assert report.count("sent") == 1
    assert len(digests_in(chat)) == 1


async def test_a_later_time_today_goes_today_unless_today_was_sent(bot: BotUnderTest) -> None:
    chat = await founder(bot, "Alice")
    bot.clock.now = utc(2026, 3, 2, 10, 0)
    card = await say(chat, "/settings time 18:00")
    assert "Next digest: 3/2/26, 6:00\u202fPM (UTC)." in card.text
    await ticks_send_nothing(bot, [utc(2026, 3, 2, 17, 59)])
    async with bot_process(bot, "p1") as process:
        assert (await run_digest_tick(process, now=utc(2026, 3, 2, 18, 0))).count("sent") == 1
    assert DIGEST in (await chat.next_reply()).text
    # Today's went: moving it later again waits for tomorrow, and /settings says so.
    bot.clock.now = utc(2026, 3, 2, 18, 30)
    card = await say(chat, "/settings time 21:00")
    assert "Next digest: 3/3/26, 9:00\u202fPM (UTC)." in card.text
    await ticks_send_nothing(bot, [utc(2026, 3, 2, 21, 0), utc(2026, 3, 3, 20, 59)])
    async with bot_process(bot, "p1") as process:
        assert (await run_digest_tick(process, now=utc(2026, 3, 3, 21, 0))).count("sent") == 1
    assert len(digests_in(chat)) == 2


async def test_a_timezone_where_the_time_has_passed_waits_for_its_tomorrow(
    bot: BotUnderTest,
) -> None:
    chat = await founder(bot, "Alice")
    bot.clock.now = utc(2026, 3, 2, 1, 0)
    # 01:00 UTC is 10:00 in Tokyo: today's 09:00 there has passed.
    card = await say(chat, "/settings timezone Asia/Tokyo")
    assert "Next digest: 3/3/26, 9:00\u202fAM (Asia/Tokyo)." in card.text
    # 09:00 UTC (the old moment) and everything up to 09:00 Tokyo (00:00 UTC) stay quiet.
    await ticks_send_nothing(bot, [utc(2026, 3, 2, 1, 1), utc(2026, 3, 2, 9, 0)])
    await ticks_send_nothing(bot, [utc(2026, 3, 2, 23, 59)])
    async with bot_process(bot, "p1") as process:
        assert (await run_digest_tick(process, now=utc(2026, 3, 3, 0, 0))).count("sent") == 1
    assert len(digests_in(chat)) == 1


async def test_a_timezone_where_today_is_still_ahead_after_todays_digest_waits_a_day(
    bot: BotUnderTest,
) -> None:
    chat = await founder(bot, "Alice")
    async with bot_process(bot, "p1") as process:
        assert (await run_digest_tick(process, now=utc(2026, 3, 2, 9, 0))).count("sent") == 1
    assert DIGEST in (await chat.next_reply()).text
    # 10:00 UTC is 02:00 in Los Angeles, same date: its 09:00 would be a second digest today.
    bot.clock.now = utc(2026, 3, 2, 10, 0)
    card = await say(chat, "/settings timezone America/Los_Angeles")
    # 09:00 PST on 3 March = 17:00 UTC.
    assert "Next digest: 3/3/26, 9:00\u202fAM (America/Los_Angeles)." in card.text
    await ticks_send_nothing(bot, [utc(2026, 3, 2, 17, 0), utc(2026, 3, 3, 16, 59)])
    async with bot_process(bot, "p1") as process:
        assert (await run_digest_tick(process, now=utc(2026, 3, 3, 17, 0))).count("sent") == 1
    assert len(digests_in(chat)) == 2


async def test_digests_turned_back_on_start_at_the_next_moment(bot: BotUnderTest) -> None:
    chat = await founder(bot, "Alice")
    bot.clock.now = utc(2026, 3, 2, 8, 0)
    await say(chat, "/settings digest off")
    bot.clock.now = utc(2026, 3, 2, 10, 0)
    card = await say(chat, "/settings digest on")
    assert "Next digest: 3/3/26, 9:00\u202fAM (UTC)." in card.text
    await ticks_send_nothing(bot, [utc(2026, 3, 2, 10, 1)])
    assert digests_in(chat) == []


async def test_the_russian_settings_card_names_the_real_next_digest(bot: BotUnderTest) -> None:
    chat = await founder(bot, "Алиса")
    await update_settings(
        bot.database.unit_of_work(),
        chat.id,
        language="ru",
        clock=lambda: utc(2026, 3, 1),
        actor=ADMIN,
    )
    bot.clock.now = utc(2026, 3, 2, 10, 0)
    card = await say(chat, "/settings время 06:30")
    assert "Следующий дайджест: 03.03.2026, 06:30 (UTC)." in card.text
    await ticks_send_nothing(bot, [utc(2026, 3, 2, 10, 1)])
