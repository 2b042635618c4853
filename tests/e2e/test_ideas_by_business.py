"""/settings business: the kind of business, and /ideas written for it, in English and Russian."""

from __future__ import annotations

import pytest

from db.models import Experiment, Workspace
from emulator import SimChat
from tests.e2e.conftest import BotUnderTest, press, say


@pytest.fixture
def ivan_chat(bot: BotUnderTest) -> SimChat:
    ivan = bot.emulator.user(first_name="Иван", language_code="ru")
    return bot.emulator.private_chat(ivan)


async def business_of(bot: BotUnderTest, chat: SimChat) -> str:
    async with bot.database.unit_of_work() as uow:
        workspace = await uow.workspaces.by_chat(chat.id)
        assert workspace is not None
        return workspace.business


async def test_the_business_button_in_settings_makes_ideas_for_a_cafe(
    bot: BotUnderTest, alice_chat: SimChat
) -> None:
    chat = alice_chat
    card = await say(chat, "/settings")
    assert "🏪 Business: all kinds" in card.text
    await press(chat, card, "Business")
    kinds = await chat.next_edit()
    assert "What kind of business is it?" in kinds.text
    assert [b.data for row in kinds.buttons for b in row][:4] == [
        "set:biz:shop",
        "set:biz:service",
        "set:biz:online",
        "set:biz:all",
    ]
    await press(chat, kinds, "shop or café")
    saved = await chat.next_edit()
    assert "Saved." in saved.text and "🏪 Business: shop or café" in saved.text
    assert await business_of(bot, chat) == "shop"

    await say(chat, "/funnel 5000 400 300 150 60 20 5")  # Like leaks most
    ideas = await say(chat, "/ideas")
    assert "Ideas for Like" in ideas.text
    assert "Business: shop or café · /settings business changes it." in ideas.text
    assert "1. <b>Posts from behind the counter vs. product photos</b>" in ideas.html
    assert "Free checklist in exchange for an email" not in ideas.text  # an online idea
    starts = [b for row in ideas.buttons for b in row if "Start this" in b.text]
    assert [b.data for b in starts] == [f"ideas:use:shop:like:{i}" for i in range(5)]
    query = await press(chat, ideas, "Start this: 5.")
    await chat.callback_answer(query)
    created = await chat.next_reply()
    assert "#1 A free latte-art evening for neighbours" in created.text
    assert "MVP campaign · stage: Like" in created.text


async def test_one_line_business_and_a_word_it_does_not_know(
    bot: BotUnderTest, alice_chat: SimChat
) -> None:
    chat = alice_chat
    saved = await say(chat, "/settings business service")
    assert "🏪 Business: service" in saved.text
    ideas = await say(chat, "/ideas repeat")
    assert "1. Book the next visit before leaving · A/B test" in ideas.text
    refused = await say(chat, "/settings business bakery")
    assert (
        "“bakery” is not a kind of business I know. Write shop (or café), service, online or "
        "all, e.g. /settings business cafe"
    ) in refused.text
    assert await business_of(bot, chat) == "service"
    assert await bot.rows(Experiment) == 0


async def test_all_kinds_shows_a_mix(bot: BotUnderTest, alice_chat: SimChat) -> None:
    ideas = await say(alice_chat, "/ideas buy")
    assert "Business: all kinds" in ideas.text
    assert "1. Three plans with the middle one recommended" in ideas.text  # online
    assert "3. A coffee-and-pastry combo at the till" in ideas.text  # shop
    assert "5. Three packages, the middle one marked “most chosen”" in ideas.text  # service
    assert len([b for row in ideas.buttons for b in row if "Start this" in b.text]) == 6


async def test_an_old_idea_button_still_opens_the_online_catalog(
    bot: BotUnderTest, alice_chat: SimChat
) -> None:
    ideas = await say(alice_chat, "/ideas refer")
    # A button sent before ideas had kinds of business.
    ideas.reply_markup = {
        "inline_keyboard": [[{"text": "old", "callback_data": "ideas:use:refer:2"}]]
    }
    query = await alice_chat.press(ideas, "old")
    await alice_chat.callback_answer(query)
    created = await alice_chat.next_reply()
    assert "#1 Advocacy storyline: a customer story series" in created.text


async def test_a_russian_cafe_gets_russian_ideas(bot: BotUnderTest, ivan_chat: SimChat) -> None:
    chat = ivan_chat
    saved = await say(chat, "/settings бизнес кафе")
    assert "🏪 Бизнес: магазин или кафе" in saved.text
    await say(chat, "/funnel 5000 2500 1500 1000 700 100 50")  # Repeat leaks most
    ideas = await say(chat, "/ideas")
    assert "Идеи для этапа «Повтор»" in ideas.text
    assert "Бизнес: магазин или кафе · изменить: /settings бизнес" in ideas.text
    assert "1. Карта со штампами: шестой кофе в подарок" in ideas.text
    assert "Мы считаем, что карта со штампами, где шестой кофе в подарок, вернёт" in ideas.text
    refused = await say(chat, "/settings бизнес пекарня")
    assert "«пекарня» — не знаю такого вида бизнеса." in refused.text
    assert await business_of(bot, chat) == "shop"
    assert await bot.rows(Workspace) == 1
