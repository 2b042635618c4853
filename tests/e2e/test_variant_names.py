"""Variant names with spaces: the guided /new suggests "old price, new price", so they work
everywhere a variant is named."""

from __future__ import annotations

from db.models import Experiment, Observation, Variant
from emulator import SimChat
from tests.e2e.conftest import BotUnderTest, press, say


async def test_the_suggested_names_are_taken_and_work_in_log_and_conclude(
    bot: BotUnderTest, alice_chat: SimChat
) -> None:
    chat = alice_chat
    await say(chat, "/new")
    kinds = await say(chat, "Price test")
    await press(chat, kinds, "A/B test")
    stages = await chat.next_reply()
    await press(chat, stages, "Buy")
    await chat.next_reply()  # the hypothesis
    variants = await say(chat, "We believe a lower price will lift sales, measured by sales.")
    assert "old price, new price" in variants.text  # the example it gives
    split = await say(chat, "old price,  new   price")
    assert "How will the visitors be split" in split.text
    await press(chat, split, "Equal")
    baseline = await chat.next_reply()
    effect = await say(chat, "5%")
    review = await say(chat, "20%")
    await press(chat, review, "In 2 weeks")
    created = await chat.next_reply()
    assert "Created experiment #1" in created.text
    assert "old price" in created.text and "new price" in created.text
    assert baseline is not None and effect is not None

    logged = await say(chat, "/log #1 old price 1000 40")
    assert "New totals of old price" in logged.text
    logged = await say(chat, "/log #1 New Price 1000 55 yesterday")
    assert "New totals of new price" in logged.text
    assert await bot.rows(Observation) == 2

    concluded = await say(chat, "/conclude #1 new price")
    assert "won with new price" in concluded.text


async def test_a_bad_variant_name_is_explained_and_changes_nothing(
    bot: BotUnderTest, alice_chat: SimChat
) -> None:
    await say(alice_chat, "/new Price test | old price, new price")
    refused = await say(alice_chat, "/new Other | old price, new/price")
    assert "“new/price” can't be a variant name" in refused.text
    wrong = await say(alice_chat, "/log #1 cheap 1000 40")
    assert "has no variant “cheap”. Its variants are: old price, new price." in wrong.text
    wrong = await say(alice_chat, "/log #1 cheap price 1000 40")  # no such name: "cheap"
    assert "“price” is not a whole number of visitors" in wrong.text
    assert await bot.rows(Experiment) == 1
    assert await bot.rows(Variant) == 2
    assert await bot.rows(Observation) == 0
