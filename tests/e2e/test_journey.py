"""The whole journey: create with the guided flow, log a week, read out, pause, conclude."""

from __future__ import annotations

from db.models import Experiment, Observation
from emulator import SimChat
from tests.e2e.conftest import BotUnderTest, edited, press, say


async def test_guided_new_then_a_week_of_results_then_readout_pause_conclude(
    bot: BotUnderTest, alice_chat: SimChat
) -> None:
    chat = alice_chat
    question = await say(chat, "/new")
    assert "What do you call it?" in question.text

    kinds = await say(chat, "Landing <b>headline</b>")
    assert "Landing <b>headline</b>" in kinds.text  # escaped, shown as typed
    await press(chat, kinds, "A/B test")
    stages = await chat.next_reply()
    await press(chat, stages, "Try")
    hypothesis = await chat.next_reply()
    assert "We believe" in hypothesis.text
    variants = await say(
        chat,
        "We believe a shorter headline for ad visitors will lift signups, measured by signups.",
    )
    assert "Name the variants" in variants.text
    split = await say(chat, "old, new")
    assert "How will the visitors be split" in split.text
    await press(chat, split, "Equal")
    baseline = await chat.next_reply()
    assert "conversion rate" in baseline.text
    effect = await say(chat, "5%")
    assert "smallest improvement" in effect.text
    review = await say(chat, "20%")
    assert "visitors per variant" in review.text
    await press(chat, review, "In 2 weeks")
    created = await chat.next_reply()
    assert "Created experiment #1" in created.text
    assert "old" in created.text and "new" in created.text
    assert "review on Mar 16, 2026" in created.text

    for day in range(7):
        logged = await say(chat, f"/log #1 old 1000 {40 + day % 3}")
        assert "New totals of old" in logged.text
        logged = await say(chat, f"/log #1 new 1000 {55 + day % 2}")
        bot.clock.advance(days=1)
    assert "New totals of new: 388 of 7,000" in logged.text
    assert await bot.rows(Observation) == 14

    readout = await say(chat, "/readout #1")
    assert "Verdict:" in readout.text
    assert "old" in readout.text and "7,000" in readout.text

    card = await say(chat, "/show #1")
    await press(chat, card, "Pause")
    paused = await edited(chat, card)
    assert "paused" in paused.text

    await press(chat, paused, "Conclude")
    outcome = await edited(chat, card)
    await press(chat, outcome, "🏆 new")
    concluded = await chat.next_reply()
    assert "concluded: won with new." in concluded.text
    assert await bot.rows(Experiment) == 1
