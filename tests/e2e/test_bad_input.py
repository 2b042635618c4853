"""Every bad input gets a reply saying what was wrong and how to write it, and changes nothing."""

from __future__ import annotations

import pytest

from db.models import Experiment, Observation, Variant
from emulator import SimChat
from tests.e2e.conftest import BotUnderTest, each_refused, say


@pytest.fixture
async def with_experiment(bot: BotUnderTest, alice_chat: SimChat) -> SimChat:
    created = await say(alice_chat, "/new Checkout button")
    assert "#1" in created.text
    logged = await say(alice_chat, "/log #1 A 100 5")
    assert "New totals" in logged.text
    return alice_chat


async def unchanged(bot: BotUnderTest) -> tuple[int, int, int]:
    return (await bot.rows(Experiment), await bot.rows(Variant), await bot.rows(Observation))


# Each is sent in turn to one bot, as a founder would send them; each is a subtest of its own.
BAD_COMMANDS = [
    ("/log #1 B 10 12", "Conversions (12) can't exceed visitors (10). Try: /log #1 B 10 10"),
    ("/log #1 B -5 1", "can't be negative"),
    ("/log #1 B 10 -1", "can't be negative"),
    ("/log #1 B ten 1", "“ten” is not a whole number of visitors"),
    ("/log #1 B 10 1.5", "“1.5” is not a whole number of conversions"),
    ("/log #1 C 10 1", "Experiment #1 has no variant “C”. Its variants are: A, B."),
    ("/log #9 A 10 1", "There is no experiment #9 here."),
    ("/log #x A 10 1", "“#x” is not an experiment number"),
    ("/log #1 A 10", "Write /log, the experiment, the variant, visitors and conversions"),
    ("/log #1 A 2000000000 1", "more than one entry can hold"),
    ("/log #1 A 10 1 -3", "is not an amount of money"),
    ("/undo #7", "There is no experiment #7 here."),
    ("/readout #0", "is not an experiment number"),
    ("/show #12", "There is no experiment #12 here."),
    ("/conclude #1 maybe", "“maybe” is neither a variant of #1 (A, B) nor an outcome."),
    ("/new Pricing | A", "between 2 and 10 variants"),
    ("/new Pricing | A, a", "Variant names must differ"),
    ("/new Pricing | A, new/price", "can't be a variant name"),
    ("/new " + "x" * 81, "That name is 81 characters long; keep it to 80."),
]


async def test_bad_input_is_explained_and_changes_nothing(
    bot: BotUnderTest, with_experiment: SimChat, subtests: pytest.Subtests
) -> None:
    await each_refused(subtests, with_experiment, BAD_COMMANDS, lambda: unchanged(bot))


async def test_html_in_names_is_shown_as_typed(bot: BotUnderTest, alice_chat: SimChat) -> None:
    created = await say(alice_chat, "/new <script>alert(1)</script> & co | A, B")
    assert "<script>alert(1)</script> & co" in created.text
    assert "&lt;script&gt;" in created.html


async def test_another_chats_experiment_is_answered_like_a_missing_one(
    bot: BotUnderTest, with_experiment: SimChat
) -> None:
    mallory = bot.emulator.user(first_name="Mallory", language_code="en")
    other = bot.emulator.private_chat(mallory)
    before = await unchanged(bot)
    theirs = await say(other, "/log #1 A 10 1")
    missing = await say(other, "/log #2 A 10 1")
    assert theirs.text == missing.text.replace("#2", "#1")
    assert "There is no experiment #1 here." in theirs.text
    for command in ("/show #1", "/readout #1", "/undo #1", "/conclude #1 won"):
        answer = await say(other, command)
        assert "There is no experiment #1 here." in answer.text
    listing = await say(other, "/list")
    assert "Checkout button" not in listing.text
    assert await unchanged(bot) == before


async def test_conversions_above_visitors_in_the_guided_log_asks_again(
    bot: BotUnderTest, with_experiment: SimChat
) -> None:
    chat = with_experiment
    picker = await say(chat, "/log")
    await chat.press(picker, callback_data="log:exp:1")
    variants = await chat.next_reply()
    await chat.press(variants, "B")
    question = await chat.next_reply()
    assert "send visitors and conversions" in question.text
    before = await unchanged(bot)
    refused = await say(chat, "10 20")
    assert "Conversions (20) can't exceed visitors (10)" in refused.text
    assert await unchanged(bot) == before
    accepted = await say(chat, "20 10")
    assert "New totals of B: 10 of 20" in accepted.text


async def test_unknown_command_in_a_private_chat_points_to_help(
    bot: BotUnderTest, alice_chat: SimChat
) -> None:
    answer = await say(alice_chat, "/frobnicate")
    assert "I don't know /frobnicate" in answer.text
