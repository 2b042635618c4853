"""/ideas: ideas for the constraint or a chosen stage, and starting one as an experiment."""

from __future__ import annotations

from db.models import Experiment
from emulator import SimChat
from tests.e2e.conftest import BotUnderTest, edited, press, say


async def test_without_a_funnel_ideas_ask_which_stage(
    bot: BotUnderTest, alice_chat: SimChat
) -> None:
    chat = alice_chat
    picker = await say(chat, "/ideas")
    assert "Ideas for which stage of the hourglass?" in picker.text
    assert "/funnel" in picker.text
    assert [b.data for row in picker.buttons for b in row] == [
        "ideas:stage:know",
        "ideas:stage:like",
        "ideas:stage:trust",
        "ideas:stage:try",
        "ideas:stage:buy",
        "ideas:stage:repeat",
        "ideas:stage:refer",
        "help:stages",
    ]
    query = await press(chat, picker, "Trust")
    await chat.callback_answer(query)
    ideas = await chat.next_reply()
    assert "Ideas for Trust" in ideas.text
    assert "1. Customer testimonials on the pricing page · A/B test" in ideas.text
    assert "We believe three short customer testimonials" in ideas.text
    starts = [b for row in ideas.buttons for b in row if "Start this" in b.text]
    assert len(starts) == 6  # two for each kind of business, until /settings says which
    assert starts[0] == (
        "🧪 Start this: 1. Customer testimonials on the pr…",
        "ideas:use:all:trust:0",
    )
    assert ideas.button_texts[-1] == "🔁 Another stage"


async def test_with_a_funnel_ideas_aim_at_the_constraint(
    bot: BotUnderTest, alice_chat: SimChat
) -> None:
    chat = alice_chat
    logged = await say(chat, "/funnel 5000 1200 400 150 60 20 5")
    ideas = await say(chat, "/ideas")
    assert "Ideas for Like" in ideas.text
    assert "Like is your constraint: only 24% get there from the stage before." in ideas.text
    await press(chat, logged, "Ideas for Like")
    from_funnel = await chat.next_reply()
    assert "Ideas for Like" in from_funnel.text
    await press(chat, from_funnel, "Another stage")
    assert "Ideas for which stage" in (await chat.next_reply()).text


async def test_ideas_for_a_stage_named_in_english_or_russian(
    bot: BotUnderTest, alice_chat: SimChat
) -> None:
    for word, stage in [("trust", "Trust"), ("REFER", "Refer"), ("доверие", "Trust")]:
        ideas = await say(alice_chat, f"/ideas {word}")
        assert f"Ideas for {stage}" in ideas.text, word


async def test_an_unknown_stage_lists_the_stages(bot: BotUnderTest, alice_chat: SimChat) -> None:
    answer = await say(alice_chat, "/ideas sales")
    assert "“sales” is not an hourglass stage. Write one of: know, like, trust, try, buy" in (
        answer.text
    )
    assert await bot.rows(Experiment) == 0


async def test_start_this_creates_the_experiment_and_shows_its_card(
    bot: BotUnderTest, alice_chat: SimChat
) -> None:
    chat = alice_chat
    await say(chat, "/settings business online")
    ideas = await say(chat, "/ideas refer")
    query = await press(chat, ideas, "Start this: 3.")
    await chat.callback_answer(query)
    created = await chat.next_reply()
    assert "Created experiment #1 from the idea, as a draft." in created.text
    assert "not started yet" in created.text
    assert "/edit #1 changes the name, the variants or the plan" in created.text
    assert "#1 Advocacy storyline: a customer story series" in created.text
    assert "advocacy storyline · stage: Refer" in created.text
    assert "We believe a series of short stories told by our customers" in created.text
    assert "/log #1 A 1000 42" in created.text
    assert "➕ Log results" in created.button_texts
    assert await bot.rows(Experiment) == 1
    keypad = await chat.next_reply()
    assert "How promising is #1 Advocacy storyline" in keypad.text
    card = await say(chat, "/show #1")
    assert "Advocacy storyline" in card.text
    assert "▶️ Start" in card.button_texts and "⏸ Pause" not in card.button_texts
    query = await press(chat, card, "Start")
    await chat.callback_answer(query)
    started = await edited(chat, card)
    assert "▶️ running" in started.text
    assert "⏸ Pause" in started.button_texts


async def test_a_draft_from_an_idea_starts_with_its_first_result(
    bot: BotUnderTest, alice_chat: SimChat
) -> None:
    ideas = await say(alice_chat, "/ideas refer")
    query = await press(alice_chat, ideas, "Start this: 1.")
    await alice_chat.callback_answer(query)
    await alice_chat.next_reply()
    await alice_chat.next_reply()  # the ICE keypad, which can wait
    logged = await say(alice_chat, "/log #1 B 100 4")
    assert "The experiment is now running." in logged.text


async def test_a_stale_idea_button_creates_nothing(bot: BotUnderTest, alice_chat: SimChat) -> None:
    ideas = await say(alice_chat, "/ideas buy")
    # A button from an older catalog, pointing past the end of today's list.
    ideas.reply_markup = {
        "inline_keyboard": [[{"text": "old", "callback_data": "ideas:use:all:buy:9"}]]
    }
    query = await alice_chat.press(ideas, "old")
    await alice_chat.callback_answer(query)
    answer = await alice_chat.next_reply()
    assert "That idea is not in the catalog any more; /ideas shows the list." in answer.text
    assert await bot.rows(Experiment) == 0
