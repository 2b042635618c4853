"""/calc: a readout of typed numbers that saves nothing, one-line and guided."""

from __future__ import annotations

import re

import pytest

from db.models import Experiment, Observation
from emulator import SimChat
from tests.e2e.conftest import BotUnderTest, press, say


async def assert_nothing_saved(bot: BotUnderTest) -> None:
    assert await bot.rows(Experiment) == 0
    assert await bot.rows(Observation) == 0


async def test_one_line_calc_reads_out_like_a_saved_experiment(
    bot: BotUnderTest, alice_chat: SimChat
) -> None:
    calc = await say(alice_chat, "/calc 120/2400 168/2400")
    await assert_nothing_saved(bot)
    lines = calc.text.splitlines()
    assert lines[0] == "🧮 Quick readout — nothing was saved"
    assert lines[2].startswith("Not sure yet: B looks about 40% better than A; about ")
    assert lines[4].startswith("A (control): 5.00% (")
    assert lines[5].startswith("B: 7.00% (")
    assert "Verdict: " in calc.text
    # The same numbers logged to an experiment read out in the same words.
    await say(alice_chat, "/new Same numbers")
    await say(alice_chat, "/log #1 A 2400 120")
    await say(alice_chat, "/log #1 B 2400 168")
    readout = await say(alice_chat, "/readout #1")
    body = readout.text.splitlines()[2:]
    assert lines[2 : 2 + len(body) - 1] == body[:-1]


async def test_calc_names_more_arms_a_b_c_and_adjusts_for_them(
    bot: BotUnderTest, alice_chat: SimChat
) -> None:
    calc = await say(alice_chat, "/calc 1,200/24,000 1,500 / 24,000 900/24,000")
    lines = calc.text.splitlines()
    names = [line.split(":")[0] for line in lines if re.match(r"[ABC]( \(control\))?:", line)]
    assert names == ["A (control)", "B", "C"]
    assert "Holm-adjusted" in calc.text
    await assert_nothing_saved(bot)


async def test_guided_calc_asks_for_the_control_then_the_variant(
    bot: BotUnderTest, alice_chat: SimChat
) -> None:
    first = await say(alice_chat, "/calc")
    assert "How did the control (A) do?" in first.text
    second = await say(alice_chat, "120/2400")
    assert "And the variant (B)?" in second.text
    calc = await say(alice_chat, "150/2400")
    assert calc.text.startswith("🧮 Quick readout")
    assert "B: 6.25% (" in calc.text
    await assert_nothing_saved(bot)


async def test_guided_calc_explains_a_bad_answer_and_asks_again(
    bot: BotUnderTest, alice_chat: SimChat
) -> None:
    await say(alice_chat, "/calc")
    wrong = await say(alice_chat, "5/3")
    assert wrong.text.startswith("⚠️ Conversions (5) can't exceed visitors (3) in “5/3”.")
    two = await say(alice_chat, "120/2400 150/2400")
    assert two.text == "⚠️ Type one pair of conversions/visitors, like 120/2400."
    await say(alice_chat, "120/2400")
    calc = await say(alice_chat, "150/2400")
    assert calc.text.startswith("🧮 Quick readout")
    await assert_nothing_saved(bot)


async def test_guided_calc_can_be_cancelled(bot: BotUnderTest, alice_chat: SimChat) -> None:
    question = await say(alice_chat, "/calc")
    await press(alice_chat, question, "Cancel")
    assert (await alice_chat.next_reply()).text == "Cancelled. Nothing was saved."
    # The flow is over: a pair typed now is not taken as an answer.
    await alice_chat.expect_silence("/calc 1/10 2/10", "Quick readout")


BAD_CALCS = [
    (
        "/calc 5/3 10/20",
        "⚠️ Conversions (5) can't exceed visitors (3) in “5/3”. "
        "Conversions come first: 120/2400 means 120 of 2400 visitors converted.",
    ),
    (
        "/calc -1/10 5/10",
        "⚠️ Counts can't be negative (“-1/10”). Write conversions/visitors like 120/2400.",
    ),
    ("/calc abc 5/10", "⚠️ “abc” is not conversions/visitors. Write them like 120/2400."),
    (
        "/calc 120/2400",
        "⚠️ Give at least two pairs of conversions/visitors, the control first, "
        "e.g. /calc 120/2400 150/2400",
    ),
    (
        "/calc " + " ".join(["1/10"] * 11),
        "⚠️ Give at most 10 pairs (you gave 11), the control first, e.g. /calc 120/2400 150/2400",
    ),
    ("/calc 1/10 <b>2</b>", "⚠️ “<b>2</b>” is not conversions/visitors."),
]


async def test_bad_calc_input_is_explained_and_saves_nothing(
    bot: BotUnderTest, alice_chat: SimChat, subtests: pytest.Subtests
) -> None:
    for command, expected in BAD_CALCS:
        with subtests.test(command):
            reply = await say(alice_chat, command)
            assert reply.text.startswith(expected)
            await assert_nothing_saved(bot)


async def test_ten_arms_fit_in_telegrams_limits(bot: BotUnderTest, alice_chat: SimChat) -> None:
    pairs = " ".join(f"{100 + 7 * arm}/2400" for arm in range(10))
    await alice_chat.send("/calc " + pairs)
    replies = [await alice_chat.next_reply()]
    while "To follow an experiment over time" not in replies[-1].text:
        replies.append(await alice_chat.next_reply())
    text = "\n".join(reply.text for reply in replies)
    assert "J:" in text and "Verdict:" in text
    await assert_nothing_saved(bot)
