"""Conclude with a winner, five whys to a root cause and a countermeasure, the next iteration,
/learnings by stage, and the digest's follow-up on a countermeasure past its date."""

from __future__ import annotations

import pytest
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from db.models import Experiment, Learning
from emulator import BotMessage, SimChat
from tests.e2e.conftest import BotUnderTest, press, say


async def learnings(bot: BotUnderTest) -> list[Learning]:
    """The stored learnings, detached with their columns loaded."""
    async with bot.database.unit_of_work() as uow:
        found = list((await uow.session.scalars(select(Learning).order_by(Learning.id))).all())
        uow.session.expunge_all()
        return found


async def experiments(bot: BotUnderTest) -> list[Experiment]:
    """The stored experiments with their variants, detached."""
    async with bot.database.unit_of_work() as uow:
        found = await uow.session.scalars(
            select(Experiment)
            .options(selectinload(Experiment.variants))
            .order_by(Experiment.number)
        )
        result = list(found.all())
        uow.session.expunge_all()
        return result


async def tap(chat: SimChat, message: BotMessage, label: str) -> BotMessage:
    await chat.callback_answer(await press(chat, message, label))
    return await chat.next_reply()


@pytest.fixture
async def pricing(bot: BotUnderTest, alice_chat: SimChat) -> SimChat:
    """#1 Menu board, stage Buy, variants plain and discount."""
    await say(alice_chat, "/new Menu board | plain, discount")
    async with bot.database.unit_of_work() as uow:
        experiment = await uow.session.scalar(select(Experiment))
        assert experiment is not None
        experiment.stage = "buy"
        await uow.commit()
    return alice_chat


# ---------------------------------------------------------------- the winner


async def test_conclude_asks_which_variant_won_and_stores_it(
    bot: BotUnderTest, pricing: SimChat
) -> None:
    question = await say(pricing, "/conclude #1")
    assert "Which variant won #1 Menu board?" in question.text
    assert question.button_texts == [
        "🏆 plain",
        "🏆 discount",
        "🤷 None / inconclusive",
        "↩️ Not yet",
    ]
    concluded = await tap(pricing, question, "🏆 discount")
    assert "concluded: won with discount." in concluded.text
    [experiment] = await experiments(bot)
    assert (experiment.status, experiment.outcome, experiment.winner) == (
        "concluded",
        "won",
        "discount",
    )
    card = await say(pricing, "/show #1")
    assert "won with discount" in card.text


async def test_the_control_holding_is_a_loss_and_none_is_inconclusive(
    bot: BotUnderTest, pricing: SimChat
) -> None:
    await say(pricing, "/new Window sign | A, B, C")
    held = await say(pricing, "/conclude #1 plain")
    assert "concluded: lost, plain stayed best." in held.text
    unclear = await tap(pricing, await say(pricing, "/conclude #2"), "None / inconclusive")
    assert "concluded: inconclusive." in unclear.text
    assert [(e.outcome, e.winner) for e in await experiments(bot)] == [
        ("lost", "plain"),
        ("inconclusive", None),
    ]


async def test_won_with_one_challenger_names_it_the_winner(
    bot: BotUnderTest, pricing: SimChat
) -> None:
    concluded = await say(pricing, "/conclude #1 won")
    assert "concluded: won with discount." in concluded.text


BAD_CONCLUDES = [
    ("/conclude #1 gold", "“gold” is neither a variant of #1 (plain, discount) nor an outcome."),
    ("/conclude #1 discount now", "Write the variant that won, or won, lost or inconclusive"),
    ("/conclude #7 discount", "There is no experiment #7 here."),
]


async def test_a_bad_winner_is_explained_and_changes_nothing(
    bot: BotUnderTest, pricing: SimChat
) -> None:
    for command, expected in BAD_CONCLUDES:
        answer = await say(pricing, command)
        assert expected in answer.text, command
    [experiment] = await experiments(bot)
    assert (experiment.status, experiment.outcome, experiment.winner) == ("running", None, None)


# ---------------------------------------------------------------- five whys to a countermeasure


async def test_five_whys_end_in_an_edited_root_cause_and_a_countermeasure(
    bot: BotUnderTest, pricing: SimChat
) -> None:
    chat = pricing
    await say(chat, "/conclude #1 discount")
    what = await say(chat, "/learn #1")
    # The workspace's first learning explains the method first.
    assert "Five whys turn one result into a cause you can fix" in what.text
    assert "What did #1 Menu board teach you?" in what.text
    why = await say(chat, "The discount sold 30 % more coffee")
    assert "Why? (1 of 5)" in why.text
    assert "A good why names a cause you could check" in why.text
    why = await say(chat, "People noticed the price")
    assert "good why" not in why.text
    why = await say(chat, "The old board hid the price under the cakes")
    root = await tap(chat, why, "That's the root cause")
    assert "What is the root cause?" in root.text
    assert "Your last answer was: The old board hid the price under the cakes" in root.text
    assert root.button_texts == ["✅ Use: The old board hid the price und…", "✖️ Cancel"]
    measure = await say(chat, "Prices are not where people look")
    assert "What will you do about it?" in measure.text
    owner = await say(chat, "Put prices at eye level on the board")
    assert owner.button_texts == ["👤 Me (Alice)", "✖️ Cancel"]
    due = await say(chat, "Boris")
    assert "By when?" in due.text
    assert due.button_texts == ["In 1 week", "In 2 weeks", "In 4 weeks", "✖️ Cancel"]
    assert await learnings(bot) == []
    saved = await say(chat, "16.03.2026")
    assert "Learning saved · #1 · Buy" in saved.text
    assert "Root cause: Prices are not where people look" in saved.text
    assert (
        "Countermeasure: Put prices at eye level on the board — Boris, by Mar 16, 2026"
        in saved.text
    )
    [learning] = await learnings(bot)
    assert learning.root_cause == "Prices are not where people look"
    assert learning.countermeasure == "Put prices at eye level on the board"
    assert (learning.countermeasure_owner, str(learning.countermeasure_due)) == (
        "Boris",
        "2026-03-16",
    )
    # The second learning does not explain the method again.
    what = await say(chat, "/learn #1")
    assert "Five whys turn" not in what.text


async def test_the_root_cause_button_and_my_name_and_a_week(
    bot: BotUnderTest, pricing: SimChat
) -> None:
    chat = pricing
    await say(chat, "/conclude #1 plain")
    await say(chat, "/learn #1")
    await say(chat, "The discount did not help")
    why = await say(chat, "Regulars buy anyway")
    root = await tap(chat, why, "That's the root cause")
    measure = await tap(chat, root, "Use: Regulars buy anyway")
    assert "What will you do about it?" in measure.text
    owner = await say(chat, "Try a loyalty card instead")
    due = await tap(chat, owner, "Me (Alice)")
    saved = await tap(chat, due, "In 1 week")
    assert "Root cause: Regulars buy anyway" in saved.text
    assert "Countermeasure: Try a loyalty card instead — Alice, by Mar 9, 2026" in saved.text


async def test_bad_answers_in_the_countermeasure_steps_are_asked_again(
    bot: BotUnderTest, pricing: SimChat
) -> None:
    chat = pricing
    await say(chat, "/conclude #1 plain")
    await say(chat, "/learn #1")
    await say(chat, "Nothing changed")
    why = await say(chat, "Nobody saw the board")
    await tap(chat, why, "That's the root cause")
    refused = await say(chat, "r" * 501)
    assert "That root cause is 501 characters long; keep it to 500." in refused.text
    await say(chat, "The board faces the wrong way")
    refused = await say(chat, "c" * 501)
    assert "That countermeasure is 501 characters long" in refused.text
    await say(chat, "Turn the board")
    refused = await say(chat, "n" * 129)
    assert "That name is 129 characters long; keep it to 128." in refused.text
    await say(chat, "Anna")
    for bad in ("tomorrowish", "2020-01-01", "31.02.2026", "2030-01-01"):
        refused = await say(chat, bad)
        assert f"“{bad}” is not a date within the next year." in refused.text, bad
    assert await learnings(bot) == []
    saved = await say(chat, "2026-03-20")
    assert "Turn the board — Anna, by Mar 20, 2026" in saved.text


async def test_skipping_the_countermeasure_saves_the_learning_without_one(
    bot: BotUnderTest, pricing: SimChat
) -> None:
    chat = pricing
    await say(chat, "/conclude #1 plain")
    await say(chat, "/learn #1")
    await say(chat, "Nothing changed")
    why = await say(chat, "Nobody saw the board")
    root = await tap(chat, why, "That's the root cause")
    measure = await tap(chat, root, "Use:")
    saved = await tap(chat, measure, "Skip")
    assert "Countermeasure" not in saved.text
    [learning] = await learnings(bot)
    assert learning.countermeasure is None and learning.countermeasure_owner is None


# ---------------------------------------------------------------- the digest follows up


async def learn_with_countermeasure(chat: SimChat, due: str) -> None:
    await say(chat, "/learn #1")
    await say(chat, "The discount sold more")
    why = await say(chat, "People saw the price")
    root = await tap(chat, why, "That's the root cause")
    await tap(chat, root, "Use:")
    await say(chat, "Put prices at eye level")
    await say(chat, "Boris")
    await say(chat, due)


async def test_the_digest_follows_up_on_a_countermeasure_past_its_date(
    bot: BotUnderTest, pricing: SimChat
) -> None:
    chat = pricing
    await say(chat, "/conclude #1 discount")
    await learn_with_countermeasure(chat, "2026-03-05")
    bot.clock.advance(days=3)  # Mar 5: due today, not yet late
    assert "Follow up" not in (await say(chat, "/digest")).text
    bot.clock.advance(days=1)
    digest = await say(chat, "/digest")
    assert (
        "🛠 #1 · Buy: “Put prices at eye level” (Boris) was due Mar 5, 2026. Is it done?"
        in digest.text
    )
    assert "✅ Done: Put prices at eye level" in digest.button_texts
    done = await tap(chat, digest, "Done: Put prices at eye level")
    assert "✅ Marked done: Put prices at eye level" in done.text
    [learning] = await learnings(bot)
    assert learning.countermeasure_done_at == bot.clock()
    assert "Follow up" not in (await say(chat, "/digest")).text
    listing = await say(chat, "/learnings")
    assert "Countermeasure: Put prices at eye level — Boris, by Mar 5, 2026 · ✅ done" in (
        listing.text
    )


# ---------------------------------------------------------------- /learnings by stage


async def test_learnings_are_listed_by_stage(bot: BotUnderTest, pricing: SimChat) -> None:
    chat = pricing
    await say(chat, "/conclude #1 discount")
    await say(chat, "/learn #1 Prices sell when people can see them")
    await say(chat, "/learn stage know Nobody walks past the side street")
    await say(chat, "/learn stage buy The card reader is slow")
    listing = await say(chat, "/learnings")
    lines = listing.text.splitlines()
    assert lines[0] == "📚 Learnings by stage"
    assert lines.index("Know") < lines.index("Buy")
    buy = lines[lines.index("Buy") + 1 :]
    assert "• The card reader is slow" in buy and "• #1 Prices sell when people can see them" in buy
    refused = await say(chat, "/learnings know")
    assert "Write /learnings alone" in refused.text


# ---------------------------------------------------------------- the next iteration


async def test_the_next_iteration_is_prefilled_from_its_parent(
    bot: BotUnderTest, pricing: SimChat
) -> None:
    chat = pricing
    concluded = await say(chat, "/conclude #1 discount")
    name = await tap(chat, concluded, "Start the next iteration")
    assert "Let's set up the next iteration of #1 Menu board." in name.text
    assert "Same stage: Buy." in name.text
    assert "The control will be variant “discount”." in name.text
    hypothesis = await tap(chat, name, "Use: Menu board v2")
    assert "Your hypothesis" in hypothesis.text  # kind and stage come from #1
    variants = await tap(chat, hypothesis, "Skip")
    assert "The control is “discount”." in variants.text
    assert variants.button_texts == ["Use discount and B"]
    split = await say(chat, "bundle, free_refill")
    baseline = await tap(chat, split, "Equal")
    review = await tap(chat, baseline, "Skip")
    created = await tap(chat, review, "Skip")
    assert "Created experiment #2." in created.text
    assert "#2 Menu board v2" in created.text
    assert "stage: Buy" in created.text
    assert "discount (control)" in created.text
    assert "↩️ Iteration of /show_1 #1 Menu board" in created.text
    parent, child = await experiments(bot)
    assert child.parent_id == parent.id and [v.name for v in child.variants] == [
        "discount",
        "bundle",
        "free_refill",
    ]
    card = await say(chat, "/show #1")
    assert "➡️ Next iteration: /show_2 #2 Menu board v2" in card.text


async def test_a_typed_name_and_the_default_challenger(bot: BotUnderTest, pricing: SimChat) -> None:
    chat = pricing
    await say(chat, "/conclude #1 plain")
    saved = await say(chat, "/learn #1 Discounts do not pay")
    name = await tap(chat, saved, "Start the next iteration")
    hypothesis = await say(chat, "Menu board, loyalty card")
    variants = await tap(chat, hypothesis, "Skip")
    split = await tap(chat, variants, "Use plain and B")
    baseline = await tap(chat, split, "Equal")
    review = await tap(chat, baseline, "Skip")
    created = await tap(chat, review, "Skip")
    assert "#2 Menu board, loyalty card" in created.text
    _parent, child = await experiments(bot)
    assert [v.name for v in child.variants] == ["plain", "B"]
    assert name is not None


# ---------------------------------------------------------------- in Russian


async def test_the_five_whys_read_naturally_in_russian(bot: BotUnderTest) -> None:
    olga = bot.emulator.user(first_name="Ольга", language_code="ru")
    chat = bot.emulator.private_chat(olga)
    await say(chat, "/new Доска с ценами | обычная, скидка")
    question = await say(chat, "/conclude #1")
    assert "Какой вариант победил? Эксперимент #1 Доска с ценами." in question.text
    assert question.button_texts[:3] == ["🏆 обычная", "🏆 скидка", "🤷 Никто / неясно"]
    concluded = await tap(chat, question, "скидка")
    assert "завершён: победил вариант «скидка»." in concluded.text
    what = await tap(chat, concluded, "Записать вывод")
    assert "«Пять почему» превращают результат в причину" in what.text
    why = await say(chat, "Со скидкой продали на треть больше кофе")
    assert "Хороший ответ называет причину, которую можно проверить" in why.text
    why = await say(chat, "Цену на старой доске закрывали пирожные")
    root = await tap(chat, why, "первопричин")
    assert "Какая первопричина?" in root.text
    measure = await tap(chat, root, "Взять:")
    assert "Что вы с этим сделаете?" in measure.text
    owner = await say(chat, "Написать цены на уровне глаз")
    assert owner.button_texts[0] == "👤 Я (Ольга)"
    due = await tap(chat, owner, "Я (Ольга)")
    saved = await tap(chat, due, "Через 2 недели")
    assert "Первопричина: Цену на старой доске закрывали пирожные" in saved.text
    assert "Контрмера: Написать цены на уровне глаз — Ольга, до 16 мар. 2026\u202fг." in (
        saved.text
    )
    bot.clock.advance(days=15)
    digest = await say(chat, "/digest")
    assert "Контрмеру «Написать цены на уровне глаз» (Ольга) нужно было сделать до" in (digest.text)
    listing = await say(chat, "/learnings")
    assert "📚 Выводы по этапам" in listing.text
    assert "⏰ срок прошёл" in listing.text
    name = await tap(chat, saved, "Начать следующую итерацию")
    assert "Готовим следующую итерацию эксперимента #1 «Доска с ценами»." in name.text
    assert "Контрольным будет вариант «скидка»." in name.text
    assert "✅ Взять: Доска с ценами v2" in name.button_texts
