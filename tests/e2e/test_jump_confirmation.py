"""A result more than ten times the usual day is confirmed with buttons before it is stored."""

from __future__ import annotations

from db.models import Observation
from emulator import SimChat
from tests.e2e.conftest import BotUnderTest, press, say
from tests.e2e.test_export_import import HEADER, csv_file, totals

QUESTION = (
    "🤔 12,000 visitors on B is more than 10× a usual day of #1: about 1,000 visitors per "
    "variant (the median of 3 days). A typo, like an extra zero? Log it anyway?"
)


async def three_usual_days(chat: SimChat) -> None:
    await say(chat, "/new Flyer")
    for day in ("27.02", "28.02", "01.03"):
        await say(chat, f"/log #1 A 1000 40 {day}")
        await say(chat, f"/log #1 B 1000 50 {day}")


async def test_a_jump_is_logged_once_confirmed(bot: BotUnderTest, alice_chat: SimChat) -> None:
    await three_usual_days(alice_chat)
    question = await say(alice_chat, "/log #1 B 12000 500")
    assert question.text == QUESTION
    assert [b.text for b in question.buttons[0]] == ["✅ Yes, log it", "✖️ No, don't log it"]
    assert await bot.rows(Observation) == 6
    query = await press(alice_chat, question, "Yes, log it")
    done = await alice_chat.next_reply()
    await alice_chat.callback_answer(query)
    assert done.text.startswith("✅ Logged for #1 Flyer, variant B: 12,000 visitors")
    assert await totals(bot, alice_chat, 1) == [("A", 3000, 120), ("B", 15000, 650)]


async def test_a_jump_declined_changes_nothing(bot: BotUnderTest, alice_chat: SimChat) -> None:
    await three_usual_days(alice_chat)
    before = await totals(bot, alice_chat, 1)
    question = await say(alice_chat, "/log #1 B 12000 500 revenue 90")
    assert question.text == QUESTION
    query = await press(alice_chat, question, "No, don't log it")
    declined = await alice_chat.next_reply()
    await alice_chat.callback_answer(query)
    assert declined.text == "Not logged. Nothing changed."
    assert await totals(bot, alice_chat, 1) == before
    assert await bot.rows(Observation) == 6


async def test_a_replaced_question_stores_nothing_when_pressed(
    bot: BotUnderTest, alice_chat: SimChat
) -> None:
    await three_usual_days(alice_chat)
    first = await say(alice_chat, "/log #1 B 12000 500")
    second = await say(alice_chat, "/log #1 B 20000 500")
    assert second.text.startswith("🤔 20,000 visitors on B")
    await press(alice_chat, first, "Yes, log it")
    stale = await alice_chat.next_reply()
    assert stale.text == "That result is no longer waiting to be confirmed; nothing was logged."
    assert await bot.rows(Observation) == 6
    await press(alice_chat, second, "Yes, log it")
    assert (await alice_chat.next_reply()).text.startswith("✅ Logged for #1 Flyer, variant B")
    assert await bot.rows(Observation) == 7


async def test_ten_times_exactly_or_too_little_history_is_not_asked(
    bot: BotUnderTest, alice_chat: SimChat
) -> None:
    await say(alice_chat, "/new Flyer")
    for day in ("28.02", "01.03"):
        await say(alice_chat, f"/log #1 A 1000 40 {day}")
    # Two days are not enough history to call anything unusual.
    assert (await say(alice_chat, "/log #1 A 50000 40")).text.startswith("✅ Logged")
    await say(alice_chat, "/undo #1")
    await say(alice_chat, "/log #1 A 1000 40 27.02")
    assert (await say(alice_chat, "/log #1 A 10000 40")).text.startswith("✅ Logged")
    assert await bot.rows(Observation) == 4


async def test_the_guided_log_asks_about_a_jump_too(bot: BotUnderTest, alice_chat: SimChat) -> None:
    await three_usual_days(alice_chat)
    picker = await say(alice_chat, "/log")
    await press(alice_chat, picker, "#1 Flyer")
    await press(alice_chat, await alice_chat.next_reply(), "B")
    await alice_chat.next_reply()  # which day?
    question = await say(alice_chat, "12000 500")
    assert question.text == QUESTION
    await press(alice_chat, question, "No, don't log it")
    assert (await alice_chat.next_reply()).text == "Not logged. Nothing changed."
    assert await bot.rows(Observation) == 6


async def test_an_import_stores_a_jump_and_names_it_beside_the_undo_button(
    bot: BotUnderTest, alice_chat: SimChat
) -> None:
    await three_usual_days(alice_chat)
    content = csv_file(HEADER, "1,A,900,30,,", "1,B,12000,500,,", "1,A,11000,20,,")
    await alice_chat.upload("week.csv", content)
    reply = await alice_chat.next_reply()
    assert reply.text.splitlines()[2:4] == [
        "⚠️ Line 3 (12,000 visitors on #1 B) is more than 10× a usual day of that experiment. "
        "If it is a typo, undo this import and send the file corrected.",
        "⚠️ Line 4 (11,000 visitors on #1 A) is more than 10× a usual day of that experiment. "
        "If it is a typo, undo this import and send the file corrected.",
    ]
    assert [b.text for row in reply.buttons for b in row] == ["↩️ Undo this import"]
    assert await bot.rows(Observation) == 9
