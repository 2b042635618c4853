"""Commands typed bare ask with buttons, and each button does what the one-line form does."""

from __future__ import annotations

import pytest

from bot.replies import MESSAGE_LIMIT
from db.models import Experiment, Observation
from emulator import SimChat
from tests.e2e.conftest import BotUnderTest, edited, press, say


@pytest.fixture
async def two_experiments(bot: BotUnderTest, alice_chat: SimChat) -> SimChat:
    await say(alice_chat, "/new Pricing page")
    await say(alice_chat, "/new Welcome email | plain, designed")
    await say(alice_chat, "/log #1 B 300 21")
    return alice_chat


async def test_bare_show_offers_the_experiments(
    bot: BotUnderTest, two_experiments: SimChat
) -> None:
    picker = await say(two_experiments, "/show")
    await press(two_experiments, picker, "#2 Welcome email")
    card = await edited(two_experiments, picker)
    assert "#2 Welcome email" in card.text
    assert "plain (control): no data yet" in card.text


async def test_list_links_to_each_card(bot: BotUnderTest, two_experiments: SimChat) -> None:
    listing = await say(two_experiments, "/list")
    assert "/show_1" in listing.text and "/show_2" in listing.text
    card = await say(two_experiments, "/show_1")
    assert "B: 21 of 300 converted (7.00%)" in card.text


async def test_bare_readout_offers_the_experiments(
    bot: BotUnderTest, two_experiments: SimChat
) -> None:
    picker = await say(two_experiments, "/readout")
    await press(two_experiments, picker, "#1 Pricing page")
    readout = await two_experiments.next_reply()
    assert "#1 Pricing page — readout" in readout.text
    assert "Verdict: keep running" in readout.text


async def test_bare_undo_offers_experiments_with_results(
    bot: BotUnderTest, two_experiments: SimChat
) -> None:
    picker = await say(two_experiments, "/undo")
    assert [b.text for row in picker.buttons for b in row] == ["#1 Pricing page"]
    await press(two_experiments, picker, "#1 Pricing page")
    undone = await two_experiments.next_reply()
    assert "Removed the last entry of #1 Pricing page" in undone.text
    assert await bot.rows(Observation) == 0


async def test_bare_conclude_asks_which_and_how_it_ended(
    bot: BotUnderTest, two_experiments: SimChat
) -> None:
    picker = await say(two_experiments, "/conclude")
    await press(two_experiments, picker, "#2 Welcome email")
    outcome = await edited(two_experiments, picker)
    assert "Which variant won #2 Welcome email?" in outcome.text
    assert outcome.button_texts == [
        "🏆 plain",
        "🏆 designed",
        "🤷 None / inconclusive",
        "↩️ Not yet",
    ]
    await press(two_experiments, outcome, "None / inconclusive")
    concluded = await two_experiments.next_reply()
    assert "concluded: inconclusive" in concluded.text
    assert "What did it teach you?" in concluded.text
    later = await say(two_experiments, "/log #2 plain 10 1")
    assert "#2 is concluded" in later.text


async def test_conclude_with_a_number_asks_which_variant_won(
    bot: BotUnderTest, two_experiments: SimChat
) -> None:
    outcome = await say(two_experiments, "/conclude #1")
    await press(two_experiments, outcome, "B")
    concluded = (await two_experiments.next_reply()).text
    assert "concluded: won with B." in concluded


async def test_resume_after_pause_from_the_card(
    bot: BotUnderTest, two_experiments: SimChat
) -> None:
    card = await say(two_experiments, "/show #1")
    await press(two_experiments, card, "Pause")
    paused = await edited(two_experiments, card)
    assert "paused" in paused.text
    await press(two_experiments, paused, "Resume")
    resumed = await edited(two_experiments, card)
    assert "running" in resumed.text


async def test_guided_new_skips_every_optional_step(bot: BotUnderTest, alice_chat: SimChat) -> None:
    await say(alice_chat, "/new")
    kinds = await say(alice_chat, "Bare minimum")
    await press(alice_chat, kinds, "Skip")
    stages = await alice_chat.next_reply()
    await press(alice_chat, stages, "Skip")
    hypothesis = await alice_chat.next_reply()
    await press(alice_chat, hypothesis, "Skip")
    variants = await alice_chat.next_reply()
    await press(alice_chat, variants, "Use A and B")
    split = await alice_chat.next_reply()
    await press(alice_chat, split, "Equal")
    baseline = await alice_chat.next_reply()
    await press(alice_chat, baseline, "Skip")
    review = await alice_chat.next_reply()
    await press(alice_chat, review, "Skip")
    created = await alice_chat.next_reply()
    assert "Created experiment #1" in created.text
    assert "A (control): no data yet" in created.text


async def test_guided_new_explains_bad_answers_and_asks_again(
    bot: BotUnderTest, alice_chat: SimChat
) -> None:
    assert "What do you call it?" in (await say(alice_chat, "/new")).text
    too_long = await say(alice_chat, "n" * 81)
    assert "That name is 81 characters long; keep it to 80." in too_long.text
    kinds = await say(alice_chat, "Fine name")
    await press(alice_chat, kinds, "MVP campaign")
    await press(alice_chat, await alice_chat.next_reply(), "A/B, against a control")
    await press(alice_chat, await alice_chat.next_reply(), "Buy")
    await alice_chat.next_reply()
    over = await say(alice_chat, "h" * 501)
    assert "That hypothesis is 501 characters long; keep it to 500." in over.text
    await say(alice_chat, "We believe X for Y will Z, measured by W.")
    single = await say(alice_chat, "only-one")
    assert "between 2 and 10 variants" in single.text
    await say(alice_chat, "control, new")
    not_a_split = await say(alice_chat, "mostly new")
    assert "“mostly new” is not a split I can read" in not_a_split.text
    three = await say(alice_chat, "50/25/25")
    assert "The split needs one share per variant: 2 variants, 3 shares." in three.text
    zero = await say(alice_chat, "100/0")
    assert "Every variant needs a share above zero" in zero.text
    assert await bot.rows(Experiment) == 0
    await say(alice_chat, "60/40")
    not_a_rate = await say(alice_chat, "150%")
    assert "is not a rate between 0 and 100%" in not_a_rate.text
    await say(alice_chat, "4%")
    no_effect = await say(alice_chat, "-10%")
    assert "is not an effect I can plan for" in no_effect.text
    too_small = await say(alice_chat, "0.00001pp")
    assert "more than 1,000,000,000 visitors per variant" in too_small.text
    assert await bot.rows(Experiment) == 0
    review = await say(alice_chat, "1pp")
    # the always-valid plan for a 60/40 split: sequential_sample_size(0.04, 0.05,
    # shares=(0.6, 0.4)).per_arm -> (16506, 11004); the plan names the smaller arm's
    assert "about 11,004 visitors per variant" in review.text
    past = await say(alice_chat, "2020-01-01")
    assert "is not a review date within the next year" in past.text
    assert await bot.rows(Experiment) == 0
    created = await say(alice_chat, "2026-04-01")
    assert "plan: 11,004 visitors per variant · split 60/40 · review on Apr 1" in created.text


async def test_long_replies_are_split_below_telegrams_limit(
    bot: BotUnderTest, alice_chat: SimChat
) -> None:
    for index in range(60):
        await say(alice_chat, f"/new {index:02d} " + "long experiment name " * 3)
    await alice_chat.send("/list")
    pieces = await alice_chat.next_replies(2)
    assert all(len(piece.text) <= MESSAGE_LIMIT for piece in pieces)
    assert "#60 " in pieces[0].text and "#1 " in pieces[1].text


async def test_one_line_new_takes_a_split_and_the_readout_checks_against_it(
    bot: BotUnderTest, alice_chat: SimChat
) -> None:
    created = await say(alice_chat, "/new Checkout | old, new 70/30")
    assert "Created experiment #1" in created.text
    assert "split 70/30" in created.text
    await say(alice_chat, "/log #1 old 7000 350")
    await say(alice_chat, "/log #1 new 3000 150")
    readout = await say(alice_chat, "/readout #1")
    # 7,000 vs 3,000 planned 70/30: chi-square 0, p = 1, no sample-ratio warning
    assert "not split as planned" not in readout.text
    assert "Verdict: check your data" not in readout.text
    # Without the split the same numbers are a broken 50/50 split.
    await say(alice_chat, "/new Unplanned | old, new")
    await say(alice_chat, "/log #2 old 7000 350")
    await say(alice_chat, "/log #2 new 3000 150")
    assert "Verdict: check your data" in (await say(alice_chat, "/readout #2")).text


async def test_one_line_new_with_a_bad_split_changes_nothing(
    bot: BotUnderTest, alice_chat: SimChat
) -> None:
    wrong_count = await say(alice_chat, "/new Checkout | old, new 50/25/25")
    assert "The split needs one share per variant: 2 variants, 3 shares." in wrong_count.text
    zero = await say(alice_chat, "/new Checkout | old, new 100/0")
    assert "Every variant needs a share above zero" in zero.text
    assert await bot.rows(Experiment) == 0
