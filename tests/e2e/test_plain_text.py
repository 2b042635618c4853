"""Plain text gets a reply: results-like text an offer to log it (stored only after a press),
anything else a hint; mistyped commands a "did you mean"; groups only when addressed."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import select

from db.models import Observation
from emulator import SimChat
from tests.e2e.conftest import BotUnderTest, press, say

pytestmark = pytest.mark.timeout(30)


async def bakery(chat: SimChat) -> None:
    """Three experiments: a flyer test, a referral card and a loyalty offer."""
    await say(chat, "/new Flyer test | Old, New")
    await say(chat, "/new Referral card | Plain, Card")
    await say(chat, "/new Loyalty offer")


async def test_results_like_text_offers_to_log_and_stores_only_after_the_press(
    bot: BotUnderTest, alice_chat: SimChat
) -> None:
    await bakery(alice_chat)
    offer = await say(alice_chat, "#2 card 300 12")
    assert offer.text == "Log 300 visitors and 12 conversions on #2 Referral card · Card?"
    assert await bot.rows(Observation) == 0  # nothing before the press
    # Two quick taps, the second before the buttons are gone: logged once.
    data = offer.buttons[0][0].data
    assert data is not None
    first = await alice_chat.press(offer, callback_data=data)
    second = await alice_chat.press(offer, callback_data=data)
    await alice_chat.callback_answer(first)
    await alice_chat.callback_answer(second)
    logged = await alice_chat.next_reply()
    assert "✅ Logged for #2 Referral card, variant Card: 300 visitors, 12 conversions" in (
        logged.text
    )
    assert await bot.rows(Observation) == 1


async def test_a_bare_variant_and_two_numbers_are_visitors_and_conversions_with_separators(
    bot: BotUnderTest, alice_chat: SimChat
) -> None:
    await bakery(alice_chat)
    offer = await say(alice_chat, "B 1,200 42")
    assert offer.text == "Log 1,200 visitors and 42 conversions on #3 Loyalty offer · B?"
    await press(alice_chat, offer, "Log it")
    assert "New totals of B: 42 of 1,200" in (await alice_chat.next_reply()).text


async def test_one_number_asks_for_the_visitors_then_confirms(
    bot: BotUnderTest, alice_chat: SimChat
) -> None:
    await bakery(alice_chat)
    question = await say(alice_chat, "sold 40 croissants today with the new flyer")
    assert question.text.startswith("40 conversions on #1 Flyer test · New?")
    assert "Send the number of visitors" in question.text
    assert [b.text for b in question.buttons[0]] == ["➕ Log results", "✖️ No, that's not it"]
    offer = await say(alice_chat, "300")
    assert offer.text == "Log 300 visitors and 40 conversions on #1 Flyer test · New?"
    assert await bot.rows(Observation) == 0
    await press(alice_chat, offer, "Log it")
    assert "300 visitors, 40 conversions" in (await alice_chat.next_reply()).text
    assert await bot.rows(Observation) == 1


async def test_a_variant_of_several_experiments_asks_which(
    bot: BotUnderTest, alice_chat: SimChat
) -> None:
    await say(alice_chat, "/new Headline")
    await say(alice_chat, "/new Pricing")
    choice = await say(alice_chat, "B 500 20")
    assert choice.text == (
        "Shall I log 500 visitors and 20 conversions? On which experiment and variant?"
    )
    assert [row[0].text for row in choice.buttons] == [
        "#1 Headline · B",
        "#2 Pricing · B",
        "✖️ No, that's not it",
    ]
    await press(alice_chat, choice, "#2 Pricing")
    assert "Logged for #2 Pricing, variant B" in (await alice_chat.next_reply()).text


async def test_saying_no_stores_nothing(bot: BotUnderTest, alice_chat: SimChat) -> None:
    await bakery(alice_chat)
    offer = await say(alice_chat, "B 1000 42")
    await press(alice_chat, offer, "No")
    assert (await alice_chat.next_reply()).text == "OK, nothing was logged."
    assert await bot.rows(Observation) == 0


async def test_impossible_counts_are_refused_on_the_press_and_nothing_is_stored(
    bot: BotUnderTest, alice_chat: SimChat
) -> None:
    await bakery(alice_chat)
    question = await say(alice_chat, "#3 B 40")
    assert "how many visitors" in question.text.lower() or "visitors it had" in question.text
    offer = await say(alice_chat, "10")
    assert offer.text == "Log 10 visitors and 40 conversions on #3 Loyalty offer · B?"
    await press(alice_chat, offer, "Log it")
    refused = await alice_chat.next_reply()
    assert "can't exceed visitors" in refused.text
    assert await bot.rows(Observation) == 0


async def test_other_text_gets_a_hint_with_help(bot: BotUnderTest, alice_chat: SimChat) -> None:
    await bakery(alice_chat)
    for text in ("hello", "I have 2 dogs", "#9 B 100 2"):
        hint = await say(alice_chat, text)
        assert "/help lists everything I can do." in hint.text, text
        assert hint.buttons == []
    assert await bot.rows(Observation) == 0


async def test_a_mistyped_command_suggests_the_closest(
    bot: BotUnderTest, alice_chat: SimChat
) -> None:
    for typed, meant in (("/lgo", "/log"), ("/raedout", "/readout"), ("/lsit", "/list")):
        answer = await say(alice_chat, typed)
        assert answer.text == f"I don't know {typed}. Did you mean {meant}?"
    answer = await say(alice_chat, "/lgo #1 B 1000 42")
    assert answer.text == "I don't know /lgo. Did you mean /log?\n/log #1 B 1000 42"
    assert "<code>/log #1 B 1000 42</code>" in answer.html
    # Typed with the Russian keyboard layout on.
    answer = await say(alice_chat, "/дщп")
    assert answer.text == "I don't know /дщп. Did you mean /log?"
    answer = await say(alice_chat, "/frobnicate")
    assert answer.text == "I don't know /frobnicate. /help lists what I can do."


async def test_in_a_group_only_text_addressed_to_the_bot_gets_a_reply(bot: BotUnderTest) -> None:
    alice = bot.emulator.user(first_name="Alice", language_code="en")
    team = bot.emulator.group_chat("Bakery team", members=[alice])
    created = await say(team, "/new Loyalty offer", sender=alice)
    await team.send("B 1000 42", sender=alice)
    await team.send("good morning everyone", sender=alice)
    await team.send("/lgo", sender=alice)  # perhaps another bot's command
    await team.expect_silence("/calc 1/10 2/10", "Quick readout", sender=alice)
    # A reply to the bot, or a mention, is addressed to it.
    offer = await say(team, "B 1000 42", sender=alice, reply_to=created)
    assert offer.text == "Log 1,000 visitors and 42 conversions on #1 Loyalty offer · B?"
    hint = await say(team, f"@{bot.emulator.bot_username} hi there", sender=alice)
    assert "/help lists everything I can do." in hint.text
    answer = await say(team, f"/lgo@{bot.emulator.bot_username}", sender=alice)
    assert answer.text == "I don't know /lgo. Did you mean /log?"
    assert await bot.rows(Observation) == 0


async def test_in_russian(bot: BotUnderTest) -> None:
    ivan = bot.emulator.user(first_name="Иван", language_code="ru")
    chat = bot.emulator.private_chat(ivan)
    await say(chat, "/new Листовка")
    offer = await say(chat, "В 1200 42")  # a Cyrillic В for variant B
    assert offer.text == "Записать 1\u00a0200 посетителей и 42 конверсии в #1 Листовка · B?"
    await press(chat, offer, "Записать")
    assert "Записано" in (await chat.next_reply()).text
    question = await say(chat, "B 5")
    assert question.text.startswith("5 конверсий в #1 Листовка · B?")
    assert "1 посетитель" not in question.text
    hint = await say(chat, "привет")
    assert "/help" in hint.text and "Чтобы записать результаты" in hint.text
    answer = await say(chat, "/lgo")
    assert answer.text == "Не знаю команду /lgo. Может быть, /log?"
    assert await bot.rows(Observation) == 1


async def test_an_offered_result_far_above_the_usual_day_is_confirmed_once_more(
    bot: BotUnderTest, alice_chat: SimChat
) -> None:
    await say(alice_chat, "/new Loyalty offer")
    for _day in range(3):
        await say(alice_chat, "/log #1 A 100 5")
        await say(alice_chat, "/log #1 B 100 6")
        bot.clock.advance(days=1)
    offer = await say(alice_chat, "B 5000 40")
    await press(alice_chat, offer, "Log it")
    jump = await alice_chat.next_reply()
    assert "5,000 visitors on B is more than 10× a usual day of #1" in jump.text
    assert await bot.rows(Observation) == 6
    await press(alice_chat, jump, "Yes, log it")
    assert "5,000 visitors, 40 conversions" in (await alice_chat.next_reply()).text
    assert await bot.rows(Observation) == 7


async def test_a_day_in_the_text_is_the_day_the_result_is_logged_for(
    bot: BotUnderTest, alice_chat: SimChat
) -> None:
    await say(alice_chat, "/new Loyalty offer")
    offer = await say(alice_chat, "B 1000 42 yesterday")
    assert offer.text == (
        "Log 1,000 visitors and 42 conversions on #1 Loyalty offer · B for Mar 1, 2026?"
    )
    await press(alice_chat, offer, "Log it")
    logged = await alice_chat.next_reply()
    assert "📅 For Mar 1, 2026." in logged.text
    async with bot.database.unit_of_work() as uow:
        [moment] = (await uow.session.scalars(select(Observation.logged_at))).all()
    assert moment == datetime(2026, 3, 1, 12, 0, tzinfo=UTC)  # that day's noon, as /log does
    # A day still to come is refused at once, and nothing is stored.
    refused = await say(alice_chat, "B 100 4 2026-03-05")
    assert "is in the future" in refused.text
    assert await bot.rows(Observation) == 1


async def test_one_number_can_go_to_the_guided_log_instead(
    bot: BotUnderTest, alice_chat: SimChat
) -> None:
    await bakery(alice_chat)
    question = await say(alice_chat, "sold 40 croissants today with the new flyer")
    await press(alice_chat, question, "Log results")
    variants = await alice_chat.next_reply()
    assert "#1 Flyer test: which variant?" in variants.text
    await press(alice_chat, variants, "New")
    counts = await alice_chat.next_reply()
    assert "send visitors and conversions" in counts.text
    logged = await say(alice_chat, "300 40")
    assert "300 visitors, 40 conversions" in logged.text
    assert await bot.rows(Observation) == 1
