"""The backlog through the Bot API emulator: the ICE keypad, /edit ice, /list backlog, Start,
and the digest's suggestion — in English and in Russian."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from db.models import Experiment
from emulator import BotMessage, SimChat
from experiments import services
from experiments.domain import Author, Ice, Stage, Status
from experiments.editing import set_ice
from experiments.workspaces import ensure_workspace
from tests.e2e.conftest import BotUnderTest, edited, press, say
from tests.support import ADMIN

# like 50 %, trust 60 %, try 67 %, buy 70 %, repeat 14 %, refer 50 %: Repeat is the constraint.
REPEAT_LEAKS = "/funnel 5000 2500 1500 1000 700 100 50"


@pytest.fixture
def ivan_chat(bot: BotUnderTest) -> SimChat:
    ivan = bot.emulator.user(first_name="Иван", language_code="ru")
    return bot.emulator.private_chat(ivan)


Scores = dict[int, tuple[int | None, int | None, int | None, str]]


async def scores(bot: BotUnderTest) -> Scores:
    """Each experiment's ICE columns and status, straight from the database."""
    async with bot.database.unit_of_work() as uow:
        experiments = await uow.session.scalars(select(Experiment).order_by(Experiment.number))
        return {
            e.number: (e.ice_impact, e.ice_confidence, e.ice_ease, e.status) for e in experiments
        }


async def add_draft(
    bot: BotUnderTest, chat: SimChat, name: str, stage: Stage, ice: Ice | None
) -> int:
    uow = bot.database.unit_of_work
    # The chat's workspace, as its first message would have made it.
    await ensure_workspace(uow(), chat.id, chat_type="private", title=None, language="en")
    view = await services.create_experiment(
        uow(), chat.id, name, author=Author(1, "Ann"), stage=stage, status=Status.DRAFT
    )
    if ice is not None:
        await set_ice(uow(), chat.id, view.number, ice, actor=ADMIN)
    return view.number


def datas(message: BotMessage) -> list[str]:
    return [b.data for row in message.buttons for b in row]


# ---------------------------------------------------------------- the ICE keypad


async def test_a_draft_from_an_idea_is_scored_with_the_keypad_and_started(
    bot: BotUnderTest, alice_chat: SimChat
) -> None:
    chat = alice_chat
    await say(chat, "/settings business cafe")
    ideas = await say(chat, "/ideas repeat")
    query = await press(chat, ideas, "Start this: 1.")
    await chat.callback_answer(query)
    created = await chat.next_reply()
    assert "#1 Stamp card: the sixth coffee free" in created.text
    keypad = await chat.next_reply()
    assert "How promising is #1 Stamp card: the sixth coffee free?" in keypad.text
    assert "Impact: how much will it move its stage if it works?" in keypad.text
    # 1–10 in two rows of five, then "later".
    assert [[b.text for b in row] for row in keypad.buttons] == [
        ["1", "2", "3", "4", "5"],
        ["6", "7", "8", "9", "10"],
        ["⏭ Score it later"],
    ]
    assert datas(keypad)[:2] == ["ice:1:1", "ice:1:2"]

    await chat.press(keypad, "7")
    asked = await edited(chat, keypad)
    assert "impact 7" in asked.text and "Confidence: how sure are you" in asked.text
    assert datas(asked)[5] == "ice:1:7:6"
    await chat.press(asked, "6")
    asked = await edited(chat, asked)
    assert "impact 7 · confidence 6" in asked.text and "Ease: how cheap and quick" in asked.text
    await chat.press(asked, "8")
    saved = await edited(chat, asked)
    assert "#1 Stamp card: the sixth coffee free is in the backlog with ICE 336." in saved.text
    assert "impact 7 × confidence 6 × ease 8 = 336." in saved.text
    assert (await scores(bot))[1] == (7, 6, 8, "draft")

    await press(chat, saved, "Start #1 now")
    started = await chat.next_reply()
    assert "Started #1: it is running now." in started.text
    assert "▶️ running" in started.text and "⏸ Pause" in started.button_texts
    assert "MVP campaign · stage: Repeat · ICE 336" in started.text
    assert (await scores(bot))[1] == (7, 6, 8, "running")


async def test_guided_new_saves_a_draft_for_the_backlog_and_asks_its_ice(
    bot: BotUnderTest, alice_chat: SimChat
) -> None:
    chat = alice_chat
    await say(chat, "/new")
    kinds = await say(chat, "Loyalty card")
    await press(chat, kinds, "Skip")
    stages = await chat.next_reply()
    await press(chat, stages, "Repeat")
    hypothesis = await chat.next_reply()
    await press(chat, hypothesis, "Skip")
    variants = await chat.next_reply()
    await press(chat, variants, "Use A and B")
    split = await chat.next_reply()
    await press(chat, split, "Equal")
    baseline = await chat.next_reply()
    await press(chat, baseline, "Skip")
    review = await chat.next_reply()
    assert "📥 Save as a draft for the backlog" in review.button_texts
    await press(chat, review, "Save as a draft")
    saved = await chat.next_reply()
    assert "Saved experiment #1 as a draft for the backlog." in saved.text
    assert "▶️ Start" in saved.button_texts
    keypad = await chat.next_reply()
    assert "How promising is #1 Loyalty card?" in keypad.text
    for answer in ("9", "5", "4"):
        await chat.press(keypad, answer)
        keypad = await edited(chat, keypad)
    assert "#1 Loyalty card is in the backlog with ICE 180." in keypad.text
    assert (await scores(bot))[1] == (9, 5, 4, "draft")
    listed = await say(chat, "/list backlog")
    assert "1. #1 Loyalty card · ICE 180 (9·5·4) · Repeat" in listed.text


async def test_score_it_later_leaves_the_draft_unscored(
    bot: BotUnderTest, alice_chat: SimChat
) -> None:
    ideas = await say(alice_chat, "/ideas know")
    await press(alice_chat, ideas, "Start this: 1.")
    await alice_chat.next_reply()
    keypad = await alice_chat.next_reply()
    await press(alice_chat, keypad, "Score it later")
    later = await edited(alice_chat, keypad)
    assert "stays a draft without a score; /edit #1 ice 7 6 8 scores it." in later.text
    assert later.buttons == []
    assert (await scores(bot))[1] == (None, None, None, "draft")


@pytest.mark.parametrize("data", ["ice:1:11:6:8", "ice:1:0:6:8", "ice:1:7:6:99"])
async def test_a_forged_keypad_answer_out_of_range_changes_nothing(
    bot: BotUnderTest, alice_chat: SimChat, data: str
) -> None:
    await add_draft(bot, alice_chat, "Chalkboard", Stage.KNOW, Ice(5, 5, 5))
    message = await say(alice_chat, "/list backlog")
    message.reply_markup = {"inline_keyboard": [[{"text": "forged", "callback_data": data}]]}
    query = await alice_chat.press(message, "forged")
    await alice_chat.callback_answer(query)
    refused = await alice_chat.next_reply()
    assert "Impact, confidence and ease are each scored from 1 to 10;" in refused.text
    assert "Try: /edit #1 ice 7 6 8" in refused.text
    assert (await scores(bot))[1] == (5, 5, 5, "draft")


# ---------------------------------------------------------------- /edit ice


async def test_edit_ice_in_one_line_and_its_mistakes(
    bot: BotUnderTest, alice_chat: SimChat
) -> None:
    chat = alice_chat
    await say(chat, "/new Chalkboard")  # running: a score can change at any time
    saved = await say(chat, "/edit #1 ice 7 6 8")
    assert "Saved: #1 Chalkboard, ICE score." in saved.text
    assert "Was: not set" in saved.text
    assert "Now: impact 7 × confidence 6 × ease 8 = 336" in saved.text
    saved = await say(chat, "/edit #1 ice 9/6/8")
    assert "Now: impact 9 × confidence 6 × ease 8 = 432" in saved.text
    assert (await scores(bot))[1][:3] == (9, 6, 8)

    mistakes = {
        "/edit #1 ice 7 6": "Write three whole numbers from 1 to 10: impact, confidence and "
        "ease, e.g. /edit #1 ice 7 6 8",
        "/edit #1 ice 7 6 8 5": "Write three whole numbers from 1 to 10",
        "/edit #1 ice high 6 8": "Write three whole numbers from 1 to 10",
        "/edit #1 ice 0 6 8": "Impact, confidence and ease are each scored from 1 to 10; 0 is "
        "out of range. Try: /edit #1 ice 7 6 8",
        "/edit #1 ice 7 6 11": "11 is out of range",
        "/edit #2 ice 7 6 8": "#2",  # no such experiment
    }
    for typed, answer in mistakes.items():
        refused = await say(chat, typed)
        assert answer in refused.text, (typed, refused.text)
    assert (await scores(bot)) == {1: (9, 6, 8, "running")}


async def test_the_edit_menu_scores_ice_with_the_keypad(
    bot: BotUnderTest, alice_chat: SimChat
) -> None:
    chat = alice_chat
    await say(chat, "/new Chalkboard")
    await say(chat, "/edit #1 ice 2 2 2")
    menu = await say(chat, "/edit #1")
    assert "• ICE score: impact 2 × confidence 2 × ease 2 = 8" in menu.text
    await press(chat, menu, "ICE score")
    keypad = await chat.next_reply()
    assert "How promising is #1 Chalkboard?" in keypad.text
    for answer in ("10", "9", "9"):
        await chat.press(keypad, answer)
        keypad = await edited(chat, keypad)
    assert "#1 Chalkboard now scores ICE 810." in keypad.text  # running: not in the backlog
    assert keypad.button_texts == ["📥 Backlog"]
    assert (await scores(bot))[1] == (10, 9, 9, "running")


# ---------------------------------------------------------------- /list backlog


async def test_list_backlog_orders_by_score_with_the_constraint_first_among_equals(
    bot: BotUnderTest, alice_chat: SimChat
) -> None:
    chat = alice_chat
    empty = await say(chat, "/list backlog")
    assert "The backlog is empty." in empty.text
    await add_draft(bot, chat, "Founder's photo", Stage.LIKE, Ice(7, 6, 8))  # 336
    await add_draft(bot, chat, "Loyalty card", Stage.REPEAT, Ice(8, 6, 7))  # 336, constraint
    await add_draft(bot, chat, "Unscored idea", Stage.REPEAT, None)
    await add_draft(bot, chat, "Chalkboard", Stage.KNOW, Ice(10, 9, 9))  # 810
    await say(chat, "/new Already running")  # #5: not in the backlog

    before = await say(chat, "/list backlog")
    assert "Backlog: 4 drafts, the most promising first" in before.text
    assert before.text.index("#4 Chalkboard") < before.text.index("#1 Founder's photo")
    assert before.text.index("#1 Founder's photo") < before.text.index("#2 Loyalty card")
    assert "Already running" not in before.text

    await say(chat, REPEAT_LEAKS)
    listed = await say(chat, "/list backlog")
    lines = [line for line in listed.text.splitlines() if line[:2] in ("1.", "2.", "3.", "4.")]
    assert lines == [
        "1. #4 Chalkboard · ICE 810 (10·9·9) · Know",
        "2. #2 Loyalty card · ICE 336 (8·6·7) · Repeat 🎯",
        "3. #1 Founder's photo · ICE 336 (7·6·8) · Like",
        "4. #3 Unscored idea · not scored · Repeat 🎯",
    ]
    assert "🎯 marks your constraint, Repeat: first among equal scores." in listed.text
    assert "ICE score = impact × confidence × ease, each 1–10." in listed.text
    assert datas(listed) == ["bl:start:4", "bl:start:2", "bl:start:1", "bl:start:3"]

    await press(chat, listed, "Start #2")
    started = await chat.next_reply()
    assert "Started #2: it is running now." in started.text
    assert "#2 Loyalty card" in started.text and "▶️ running" in started.text
    after = await say(chat, "/list backlog")
    assert "Backlog: 3 drafts" in after.text and "Loyalty card" not in after.text

    # The same button again: #2 runs already; the lifecycle rule refuses, nothing changes.
    await chat.press(listed, "▶️ Start #2 Loyalty card")
    refused = await chat.next_reply()
    assert "#2" in refused.text and "running" in refused.text
    assert (await scores(bot))[2] == (8, 6, 7, "running")


async def test_list_backlog_in_russian(bot: BotUnderTest, ivan_chat: SimChat) -> None:
    chat = ivan_chat
    await say(chat, "/start")
    await add_draft(bot, chat, "Фото основателя", Stage.LIKE, Ice(7, 6, 8))
    await add_draft(bot, chat, "Карта лояльности", Stage.REPEAT, Ice(8, 6, 7))
    await say(chat, REPEAT_LEAKS)
    listed = await say(chat, "/list бэклог")
    assert "Бэклог: 2 черновика, самые многообещающие сверху" in listed.text
    assert "1. #2 Карта лояльности · ICE 336 (8·6·7) · Повтор 🎯" in listed.text
    assert "2. #1 Фото основателя · ICE 336 (7·6·8) · Симпатия" in listed.text
    assert "🎯 — ваше узкое место, этап «Повтор»" in listed.text
    assert listed.button_texts[0] == "▶️ Запустить #2 Карта лояльности"
    await press(chat, listed, "#2")
    started = await chat.next_reply()
    assert "#2 запущен и уже идёт." in started.text
    saved = await say(chat, "/edit #1 ice 3 3 3")
    assert "влияние 3 × уверенность 3 × простота 3 = 27" in saved.text
    refused = await say(chat, "/edit #1 ice 7 6")
    assert "Напишите три целых числа от 1 до 10" in refused.text
    assert (await scores(bot))[1] == (3, 3, 3, "draft")


# ---------------------------------------------------------------- the digest


async def test_the_digest_suggests_the_top_draft_at_the_constraint_with_a_start_button(
    bot: BotUnderTest, alice_chat: SimChat
) -> None:
    chat = alice_chat
    await say(chat, "/new Headline")  # 1 running, the target is 3
    await add_draft(bot, chat, "Chalkboard", Stage.KNOW, Ice(10, 9, 9))  # #2, 810
    await add_draft(bot, chat, "Loyalty card", Stage.REPEAT, Ice(7, 6, 8))  # #3, 336
    await add_draft(bot, chat, "Receipt coupon", Stage.REPEAT, Ice(4, 4, 4))  # #4, 64
    await say(chat, REPEAT_LEAKS)
    digest = await say(chat, "/digest")
    assert (
        "1 experiment is running and you aim for 3. Start #3 Loyalty card "
        "(ICE 336, at Repeat, your constraint) from your backlog?"
    ) in digest.text
    assert ["▶️ Start #3", "📥 Backlog"] in [[b.text for b in row] for row in digest.buttons]
    await press(chat, digest, "Start #3")
    started = await chat.next_reply()
    assert "Started #3: it is running now." in started.text
    again = await say(chat, "/digest")
    assert "2 experiments are running and you aim for 3. Start #4 Receipt coupon" in again.text


async def test_the_digest_in_russian_suggests_a_draft(
    bot: BotUnderTest, ivan_chat: SimChat
) -> None:
    chat = ivan_chat
    await say(chat, "/new Заголовок")
    await add_draft(bot, chat, "Карта лояльности", Stage.REPEAT, Ice(7, 6, 8))
    await say(chat, REPEAT_LEAKS)
    digest = await say(chat, "/digest")
    assert (
        "Запустить #2 Карта лояльности из бэклога (ICE 336, этап «Повтор» — ваше узкое место)?"
    ) in digest.text
    assert "▶️ Запустить #2" in digest.button_texts
