"""/funnel against the previous period, /funnel history, and the digest's line about a change."""

from __future__ import annotations

from db.models import FunnelSnapshot
from emulator import SimChat
from tests.e2e.conftest import BotUnderTest, say

BEFORE = "/funnel 4000 1188 400 150 60 20 10"  # Like 29.7 %, the constraint
AFTER = "/funnel 4000 1392 420 150 50 20 10"  # Like 34.8 % (more than noise), Trust 30.2 %


async def test_the_second_week_is_compared_with_the_first(
    bot: BotUnderTest, alice_chat: SimChat
) -> None:
    first = await say(alice_chat, BEFORE)
    assert "Compared with" not in first.text
    assert "and the constraint is the step that loses the most of them." in first.text
    bot.clock.advance(days=7)
    second = await say(alice_chat, AFTER)
    assert "Funnel logged · Mar 3, 2026 – Mar 9, 2026" in second.text
    lines = second.text.splitlines()
    assert "Compared with Feb 24, 2026 – Mar 2, 2026" in lines
    assert "Like 29.7% → 34.8% ▲" in lines
    assert "Trust 33.7% → 30.2% ≈" in lines
    assert "Buy 40.0% → 33.3% ≈" in lines
    assert "▲ ▼ a change larger than noise (95 % confidence); ≈ within noise." in lines
    assert "🎯 The constraint moved from Like to Trust." in lines
    assert "the step that loses the most" not in second.text  # only the first funnel explains
    shown = await say(alice_chat, "/funnel")
    assert "Like 29.7% → 34.8% ▲" in shown.text.splitlines()


async def test_the_same_constraint_is_said_to_stay(bot: BotUnderTest, alice_chat: SimChat) -> None:
    await say(alice_chat, BEFORE)
    bot.clock.advance(days=7)
    second = await say(alice_chat, BEFORE)
    assert "🎯 The constraint is still Like, as in the previous period." in second.text
    assert "Like 29.7% → 29.7% ≈" in second.text.splitlines()


async def test_a_correction_of_the_same_week_compares_with_the_week_before(
    bot: BotUnderTest, alice_chat: SimChat
) -> None:
    await say(alice_chat, BEFORE)
    bot.clock.advance(days=7)
    await say(alice_chat, "/funnel 4000 1000 400 150 60 20 10")
    corrected = await say(alice_chat, AFTER)
    assert "Compared with Feb 24, 2026 – Mar 2, 2026" in corrected.text
    assert "Like 29.7% → 34.8% ▲" in corrected.text.splitlines()


async def test_funnel_history_lists_the_periods_with_their_constraints(
    bot: BotUnderTest, alice_chat: SimChat
) -> None:
    empty = await say(alice_chat, "/funnel history")
    assert "No funnel numbers yet." in empty.text
    await say(alice_chat, BEFORE)
    bot.clock.advance(days=7)
    await say(alice_chat, AFTER)
    history = await say(alice_chat, "/funnel history")
    lines = history.text.splitlines()
    assert lines[0] == "📜 Your funnel, the last 2 periods"
    assert "Mar 3, 2026 – Mar 9, 2026: 🎯 Trust 30.2% · moved from Like · Like ▲" in lines
    assert "Feb 24, 2026 – Mar 2, 2026: 🎯 Like 29.7%" in lines
    assert await bot.rows(FunnelSnapshot) == 2


async def test_history_shows_the_last_eight_periods(bot: BotUnderTest, alice_chat: SimChat) -> None:
    for _ in range(10):
        await say(alice_chat, BEFORE)
        bot.clock.advance(days=7)
    history = await say(alice_chat, "/funnel history")
    assert history.text.splitlines()[0] == "📜 Your funnel, the last 8 periods"
    assert history.text.count("🎯 Like 29.7%") == 8
    assert "Feb 24, 2026" not in history.text  # the oldest two are left out


async def test_history_with_more_words_is_refused_and_logs_nothing(
    bot: BotUnderTest, alice_chat: SimChat
) -> None:
    answer = await say(alice_chat, "/funnel history please")
    assert "Write /funnel history alone to see the last periods." in answer.text
    assert await bot.rows(FunnelSnapshot) == 0


async def test_the_digest_says_what_a_new_period_changed(
    bot: BotUnderTest, alice_chat: SimChat
) -> None:
    await say(alice_chat, BEFORE)
    digest = await say(alice_chat, "/digest")
    assert "Funnel:" not in digest.text  # one period has nothing to compare with
    bot.clock.advance(days=7)
    await say(alice_chat, AFTER)
    digest = await say(alice_chat, "/digest")
    assert "📊 Funnel: the constraint moved from Like to Trust." in digest.text
    bot.clock.advance(days=2)
    digest = await say(alice_chat, "/digest")
    assert "Funnel:" not in digest.text  # no longer news


async def test_the_digest_names_the_largest_real_change_when_the_constraint_stays(
    bot: BotUnderTest, alice_chat: SimChat
) -> None:
    await say(alice_chat, "/funnel 4000 1188 400 150 60 20 10")
    bot.clock.advance(days=7)
    await say(alice_chat, "/funnel 4000 1100 400 150 60 20 10")
    digest = await say(alice_chat, "/digest")
    assert "📊 Funnel: Like dropped 29.7% → 27.5%." not in digest.text  # within noise
    assert "📊 Funnel: no change beyond noise since the previous period; Like is still" in (
        digest.text
    )
    bot.clock.advance(days=7)
    await say(alice_chat, "/funnel 4000 800 240 90 36 12 6")
    digest = await say(alice_chat, "/digest")
    assert "📊 Funnel: Like dropped 27.5% → 20.0%." in digest.text


async def test_the_comparison_reads_in_russian(bot: BotUnderTest) -> None:
    olga = bot.emulator.user(first_name="Olga", language_code="ru")
    chat = bot.emulator.private_chat(olga)
    first = await say(chat, BEFORE)
    assert "/help этапы" in first.text
    bot.clock.advance(days=7)
    second = await say(chat, AFTER)
    lines = second.text.splitlines()
    assert "По сравнению с 24 февр. 2026\u202fг. – 2 мар. 2026\u202fг." in lines, second.text
    assert "Симпатия 29,7\xa0% → 34,8\xa0% ▲" in lines, second.text
    moved = "🎯 Узкое место сместилось: было на этапе «Симпатия», теперь на этапе «Доверие»."
    assert moved in lines, second.text
    history = await say(chat, "/funnel история")
    assert "📜 Ваша воронка за последние 2 периода" in history.text, history.text
    digest = await say(chat, "/digest")
    assert "📊 Воронка: узкое место сместилось с этапа «Симпатия» на этап «Доверие»." in digest.text


async def test_a_week_logged_by_its_date_is_compared_too(
    bot: BotUnderTest, alice_chat: SimChat
) -> None:
    await say(alice_chat, "/funnel 2026-02-16 4000 1188 400 150 60 20 10")
    later = await say(alice_chat, "/funnel last week 4000 1392 420 150 50 20 10")
    assert "Compared with Feb 16, 2026 – Feb 22, 2026" in later.text
    assert "Like 29.7% → 34.8% ▲" in later.text.splitlines()
