"""/learn: five whys after an experiment or for a leaking stage, one-line learnings, the list."""

from __future__ import annotations

import pytest

from db.models import Learning, LearningWhy
from emulator import SimChat
from tests.e2e.conftest import BotUnderTest, press, say


async def rows(bot: BotUnderTest) -> tuple[int, int]:
    return await bot.rows(Learning), await bot.rows(LearningWhy)


@pytest.fixture
async def concluded(bot: BotUnderTest, alice_chat: SimChat) -> SimChat:
    """Alice's chat with #1 Headline concluded (lost) and #2 Pricing still running."""
    await say(alice_chat, "/new Headline")
    await say(alice_chat, "/new Pricing")
    ended = await say(alice_chat, "/conclude #1 lost")
    assert "concluded: lost" in ended.text
    return alice_chat


async def test_five_whys_after_concluding_end_at_the_root_cause(
    bot: BotUnderTest, alice_chat: SimChat
) -> None:
    chat = alice_chat
    await say(chat, "/new Headline")
    ended = await say(chat, "/conclude #1 lost")
    query = await press(chat, ended, "Write the learning")
    await chat.callback_answer(query)
    what = await chat.next_reply()
    assert "What did #1 Headline teach you?" in what.text
    assert "First, what happened? (one sentence)" in what.text
    first_why = await say(chat, "The shorter headline did not lift signups")
    assert "Why? (1 of 5)" in first_why.text
    assert first_why.button_texts == ["✖️ Cancel"]  # no root cause before the first why
    second_why = await say(chat, "Visitors did not read past the headline")
    assert "Why? (2 of 5)" in second_why.text
    assert second_why.button_texts == ["✅ That's the root cause", "✖️ Cancel"]
    third_why = await say(chat, "The page did not show what the headline promised")
    assert "Why? (3 of 5)" in third_why.text
    assert await rows(bot) == (0, 0)
    query = await press(chat, third_why, "That's the root cause")
    await chat.callback_answer(query)
    root = await chat.next_reply()
    assert "What is the root cause?" in root.text
    await press(chat, root, "Use: The page did not show what")
    measure = await chat.next_reply()
    assert "What will you do about it?" in measure.text
    await press(chat, measure, "Skip")
    saved = await chat.next_reply()
    assert "Learning saved · #1" in saved.text
    assert "What happened: The shorter headline did not lift signups" in saved.text
    assert "1. Why? Visitors did not read past the headline" in saved.text
    assert "Root cause: The page did not show what the headline promised" in saved.text
    assert "Start the next iteration" in saved.button_texts[0]
    assert await rows(bot) == (1, 2)


async def test_after_the_fifth_why_the_learning_is_saved(
    bot: BotUnderTest, concluded: SimChat
) -> None:
    chat = concluded
    await say(chat, "/learn #1")
    question = await say(chat, "Nobody clicked")
    for position in range(1, 6):
        assert f"Why? ({position} of 5)" in question.text
        question = await say(chat, f"Reason {position}")
    assert "What is the root cause?" in question.text
    assert question.button_texts[0] == "✅ Use: Reason 5"
    await press(chat, question, "Use: Reason 5")
    await press(chat, await chat.next_reply(), "Skip")
    question = await chat.next_reply()
    assert "Learning saved" in question.text
    assert "Root cause: Reason 5" in question.text
    assert await rows(bot) == (1, 5)


async def test_a_one_line_learning_is_saved_at_once(bot: BotUnderTest, concluded: SimChat) -> None:
    saved = await say(concluded, "/learn #1 Students <b>don't</b> pay monthly")
    assert "Learning saved · #1" in saved.text
    assert "Students <b>don't</b> pay monthly" in saved.text  # shown as typed
    assert "Root cause" not in saved.text
    assert await rows(bot) == (1, 0)


async def test_a_leaking_stage_gets_its_five_whys(bot: BotUnderTest, alice_chat: SimChat) -> None:
    chat = alice_chat
    question = await say(chat, "/learn stage Trust")
    assert "Why does Trust leak?" in question.text
    await say(chat, "Only a quarter of those who like us trust us")
    second = await say(chat, "There is no proof on the site")
    query = await press(chat, second, "That's the root cause")
    await chat.callback_answer(query)
    await press(chat, await chat.next_reply(), "Use:")
    await press(chat, await chat.next_reply(), "Skip")
    saved = await chat.next_reply()
    assert "Learning saved · Trust" in saved.text
    assert "Root cause: There is no proof on the site" in saved.text
    assert [b.data for row in saved.buttons for b in row] == ["ideas:stage:trust"]
    assert await rows(bot) == (1, 1)


async def test_bare_learn_offers_the_experiments_waiting_and_the_stages(
    bot: BotUnderTest, concluded: SimChat
) -> None:
    chat = concluded
    offer = await say(chat, "/learn")
    assert offer.button_texts == ["#1 Headline", "🕳 A leaking stage", "📚 Recent learnings"]
    await press(chat, offer, "#1 Headline")
    assert "What did #1 Headline teach you?" in (await chat.next_reply()).text
    await say(chat, "Nobody clicked")
    offer = await say(chat, "/learn")  # starting over leaves the half-done one unsaved
    await press(chat, offer, "A leaking stage")
    stages = await chat.next_reply()
    assert stages.button_texts == [
        "Know",
        "Like",
        "Trust",
        "Try",
        "Buy",
        "Repeat",
        "Refer",
        "❓ What do the stages mean?",
    ]
    await press(chat, stages, "Buy")
    assert "Why does Buy leak?" in (await chat.next_reply()).text
    assert await rows(bot) == (0, 0)


async def test_bare_learn_without_a_concluded_experiment_says_how(
    bot: BotUnderTest, alice_chat: SimChat
) -> None:
    offer = await say(alice_chat, "/learn")
    assert "No concluded experiment is waiting for its learning." in offer.text
    assert "/conclude #1 lost" in offer.text and "/learn stage trust" in offer.text
    await press(alice_chat, offer, "Recent learnings")
    assert "No learnings yet." in (await alice_chat.next_reply()).text


async def test_learn_list_shows_the_recent_learnings_newest_first(
    bot: BotUnderTest, concluded: SimChat
) -> None:
    chat = concluded
    await say(chat, "/learn #1 Headlines matter less than the offer")
    bot.clock.advance(days=1)
    await say(chat, "/learn stage buy The checkout asks for too much")
    listing = await say(chat, "/learn list")
    assert "Recent learnings" in listing.text
    newest = listing.text.index("The checkout asks for too much")
    assert newest < listing.text.index("Headlines matter less than the offer")
    lines = listing.text.splitlines()
    assert "• #1 — Headlines matter less than the offer" in lines
    assert "• Buy — The checkout asks for too much" in lines
    assert "   Alice, Mar 3, 2026" in lines and "   Alice, Mar 2, 2026" in lines
    # The waiting experiment has its learning now.
    assert "No concluded experiment is waiting" in (await say(chat, "/learn")).text


BAD_LEARNINGS = [
    ("/learn #2", "Experiment #2 is running, so it has nothing to teach yet."),
    ("/learn #2 Too early", "Conclude it first with /conclude #2 won"),
    ("/learn #9", "There is no experiment #9 here."),
    ("/learn #9 Something", "There is no experiment #9 here."),
    ("/learn #x", "“#x” is not an experiment number"),
    ("/learn stage sales", "“sales” is not an hourglass stage. Write one of: know, like"),
    ("/learn whatever", "Write /learn #3 for what experiment #3 taught"),
    ("/learn #1 " + "x" * 501, "That is 501 characters long"),
]


async def test_bad_learn_input_is_explained_and_changes_nothing(
    bot: BotUnderTest, concluded: SimChat
) -> None:
    # One bot for every case keeps the suite fast; each answer is checked on its own.
    for command, expected in BAD_LEARNINGS:
        answer = await say(concluded, command)
        assert expected in answer.text, concluded.transcript()
    assert await rows(bot) == (0, 0)
    # None of them left a guided step open: plain text is not taken as an answer.
    hint = await say(concluded, "Just chatting")
    assert "/help lists everything I can do." in hint.text
    assert "No learnings yet." in (await say(concluded, "/learn list")).text


async def test_a_too_long_why_is_explained_and_asked_again(
    bot: BotUnderTest, concluded: SimChat
) -> None:
    chat = concluded
    await say(chat, "/learn #1")
    await say(chat, "Nobody clicked")
    refused = await say(chat, "y" * 501)
    assert "That answer is 501 characters long; keep each “why?” to 500." in refused.text
    second = await say(chat, "The button was grey")
    assert "Why? (2 of 5)" in second.text
    query = await press(chat, second, "Cancel")
    await chat.callback_answer(query)
    assert "Cancelled. Nothing was saved." in (await chat.next_reply()).text
    assert await rows(bot) == (0, 0)


async def test_another_chats_experiment_is_answered_like_a_missing_one(
    bot: BotUnderTest, concluded: SimChat
) -> None:
    await say(concluded, "/learn #1 Headlines matter less than the offer")
    mallory = bot.emulator.user(first_name="Mallory", language_code="en")
    other = bot.emulator.private_chat(mallory)
    theirs = await say(other, "/learn #1")
    missing = await say(other, "/learn #3")
    assert theirs.text == missing.text.replace("#3", "#1")
    assert "There is no experiment #1 here." in theirs.text
    one_line = await say(other, "/learn #1 Stolen learning")
    assert "There is no experiment #1 here." in one_line.text
    assert "No learnings yet." in (await say(other, "/learn list")).text
    assert await rows(bot) == (1, 0)
