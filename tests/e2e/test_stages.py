"""/help stages and the "What do the stages mean?" button wherever a stage is asked."""

from __future__ import annotations

from db.models import Experiment, Workspace
from emulator import BotMessage, SimChat
from tests.e2e.conftest import BotUnderTest, press, say

STAGE_LINES = [
    "1. Know — people learn that you exist. E.g. a passer-by notices the new café's sign.",
    "2. Like — they like what they see and want to hear more. "
    "E.g. she follows the café after seeing its cakes online.",
    "3. Trust — they believe you will deliver. "
    "E.g. she reads the reviews, or a friend vouches for the coffee.",
    "4. Try — they take a small, safe first step. E.g. she buys one coffee on her way to work.",
    "5. Buy — they pay for the real thing. E.g. she orders a birthday cake.",
    "6. Repeat — they come back and buy again. E.g. she drops in every Friday.",
    "7. Refer — they bring others. E.g. she brings her colleagues for lunch.",
]
HELP_BUTTON = "❓ What do the stages mean?"


async def tap(chat: SimChat, message: BotMessage, label: str) -> BotMessage:
    await chat.callback_answer(await press(chat, message, label))
    return await chat.next_reply()


async def test_help_stages_explains_each_stage_in_one_line(
    bot: BotUnderTest, alice_chat: SimChat
) -> None:
    answer = await say(alice_chat, "/help stages")
    lines = answer.text.splitlines()
    assert lines[0] == "⏳ The hourglass: from a stranger to a fan"
    for line in STAGE_LINES:
        assert line in lines
    assert "your constraint: /funnel finds it" in answer.text
    listing = await say(alice_chat, "/help")
    assert "/help — this list; /help stages explains the hourglass stages." in listing.text
    assert listing.button_texts == [HELP_BUTTON]
    assert (await tap(alice_chat, listing, "What do the stages mean?")).text == answer.text


async def test_help_with_another_word_says_how_and_changes_nothing(
    bot: BotUnderTest, alice_chat: SimChat
) -> None:
    await say(alice_chat, "/help")  # the chat's workspace exists from its first message
    workspaces = await bot.rows(Workspace)
    for bad in ("/help stagess", "/help stages please", "/help log"):
        answer = await say(alice_chat, bad)
        assert "Write /help for every command, or /help stages" in answer.text, bad
    assert await bot.rows(Workspace) == workspaces
    assert await bot.rows(Experiment) == 0


async def test_the_guided_new_explains_the_stages_and_goes_on(
    bot: BotUnderTest, alice_chat: SimChat
) -> None:
    chat = alice_chat
    await say(chat, "/new")
    kind = await say(chat, "Window sign")
    stage = await tap(chat, kind, "A/B test")
    assert "Which hourglass stage does it target?" in stage.text
    assert stage.button_texts[-1] == HELP_BUTTON
    explained = await tap(chat, stage, "What do the stages mean?")
    assert STAGE_LINES[0] in explained.text.splitlines()
    # The question is still open: a stage pressed now goes on to the hypothesis.
    hypothesis = await tap(chat, stage, "Know")
    assert "Your hypothesis" in hypothesis.text
    assert await bot.rows(Experiment) == 0


async def test_the_learn_and_ideas_stage_pickers_offer_the_explanation(
    bot: BotUnderTest, alice_chat: SimChat
) -> None:
    learn = await say(alice_chat, "/learn stage")
    assert "Which stage leaks?" in learn.text
    assert learn.button_texts[-1] == HELP_BUTTON
    ideas = await say(alice_chat, "/ideas")
    assert ideas.button_texts[-1] == HELP_BUTTON
    funnel = await say(alice_chat, "/funnel")
    assert funnel.button_texts[-1] == HELP_BUTTON
    first = await say(alice_chat, "/funnel 5000 1200 400 150 60 20 5")
    assert first.button_texts[-1] == HELP_BUTTON  # the first funnel explains itself
    second = await say(alice_chat, "/funnel 5000 1200 400 150 60 20 5")
    assert HELP_BUTTON not in second.button_texts


async def test_the_stages_read_naturally_in_russian(bot: BotUnderTest) -> None:
    olga = bot.emulator.user(first_name="Olga", language_code="ru")
    chat = bot.emulator.private_chat(olga)
    answer = await say(chat, "/help этапы")
    lines = answer.text.splitlines()
    assert lines[0] == "⏳ Песочные часы: от незнакомца до поклонника"
    assert (
        "1. Знакомство — люди узнают, что вы существуете. "
        "Например, прохожая замечает вывеску новой кофейни." in lines
    )
    assert (
        "5. Покупка — они платят за основной продукт. "
        "Например, она заказывает торт на день рождения." in lines
    )
    assert "ваше узкое место" in answer.text
    learn = await say(chat, "/learn stage")
    assert learn.button_texts[-1] == "❓ Что значат этапы?"
    assert (await tap(chat, learn, "Что значат этапы?")).text == answer.text


async def test_editing_the_stage_offers_the_explanation_and_goes_on(
    bot: BotUnderTest, alice_chat: SimChat
) -> None:
    await say(alice_chat, "/new Flyer")
    menu = await say(alice_chat, "/edit #1")
    question = await tap(alice_chat, menu, "Stage")
    assert "Which stage of the hourglass does it target?" in question.text
    assert question.button_texts[-2:] == [HELP_BUTTON, "✖️ Cancel"]
    explained = await tap(alice_chat, question, "What do the stages mean?")
    assert STAGE_LINES[2] in explained.text.splitlines()
    assert "Now: Trust" in (await tap(alice_chat, question, "Trust")).text


async def test_the_examples_follow_the_kind_of_business(
    bot: BotUnderTest, alice_chat: SimChat
) -> None:
    cafe = await say(alice_chat, "/help stages")
    assert "Every customer passes the same seven stages. An example: a neighbourhood café." in (
        cafe.text
    )
    await say(alice_chat, "/settings business service")
    salon = await say(alice_chat, "/help stages")
    assert "An example: a hair salon." in salon.text
    assert "4. Try — they take a small, safe first step. E.g. she books a quick fringe trim." in (
        salon.text.splitlines()
    )
    olga = bot.emulator.user(first_name="Olga", language_code="ru")
    chat = bot.emulator.private_chat(olga)
    await say(chat, "/settings business online")
    course = await say(chat, "/help stages")
    assert "Пример — онлайн-курс." in course.text
    assert (
        "7. Рекомендация — они приводят других. "
        "Например, он отправляет другу свою ссылку-приглашение." in course.text.splitlines()
    )
