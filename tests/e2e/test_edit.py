"""/edit: guided with buttons and in one line; variants and plan only before the first result."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from db.models import Experiment, Observation, Variant
from emulator import SimChat
from experiments import services
from experiments.domain import ExperimentView, Stage
from experiments.experiment import plan_sample_size
from tests.e2e.conftest import BotUnderTest, each_refused, edited, press, say


async def view(bot: BotUnderTest, chat: SimChat, number: int = 1) -> ExperimentView:
    return (await services.get_experiment(bot.database.unit_of_work(), chat.id, number)).experiment


async def rows(bot: BotUnderTest) -> tuple[int, int, int]:
    return (await bot.rows(Experiment), await bot.rows(Variant), await bot.rows(Observation))


@pytest.fixture
async def flyer(bot: BotUnderTest, alice_chat: SimChat) -> SimChat:
    assert "#1" in (await say(alice_chat, "/new Flyer")).text
    return alice_chat


async def choose(chat: SimChat, message: object, label: str) -> None:
    query = await press(chat, message, label)  # type: ignore[arg-type]
    await chat.callback_answer(query)


async def test_before_the_first_result_variants_can_be_edited_guided(
    bot: BotUnderTest, flyer: SimChat
) -> None:
    menu = await say(flyer, "/edit #1")
    assert "Edit #1 Flyer: what should change?" in menu.text
    assert "• Variants: A, B" in menu.text
    assert (
        "No result is logged yet, so the variants, the split and the plan can change too."
        in menu.text
    )
    assert "• Planned split: equal" in menu.text
    assert "🔒" not in " ".join(menu.button_texts)
    await choose(flyer, menu, "Variants")
    question = await flyer.next_reply()
    assert "#1 Flyer, variants now: A, B" in question.text
    assert "Send the variants separated by commas" in question.text
    saved = await say(flyer, "control, new/price, bold")
    assert "can't be a variant name" in saved.text  # a slash: still asking
    saved = await say(flyer, "control, new_price, bold")
    assert "✅ Saved: #1 Flyer, variants." in saved.text
    assert "Was: A, B" in saved.text and "Now: control, new_price, bold" in saved.text
    assert (await view(bot, flyer)).variants == ("control", "new_price", "bold")
    logged = await say(flyer, "/log #1 bold 100 5")
    assert "variant <b>bold</b>" in logged.html


async def test_plan_is_edited_before_the_first_result(bot: BotUnderTest, flyer: SimChat) -> None:
    saved = await say(flyer, "/edit #1 plan 5% 20%")
    assert "✅ Saved: #1 Flyer, plan" in saved.text
    experiment = await view(bot, flyer)
    assert experiment.baseline_rate == pytest.approx(0.05)
    assert experiment.min_detectable_effect == pytest.approx(0.01)  # 5% × 20% = 1 pp
    assert experiment.planned_per_variant == plan_sample_size(0.05, 0.01)
    assert "baseline 5.0%, minimum effect +1.00 pp" in saved.text


async def test_after_the_first_result_variants_and_plan_are_refused_with_a_reason(
    bot: BotUnderTest, flyer: SimChat
) -> None:
    await say(flyer, "/log #1 A 100 5")
    before = (await rows(bot), await view(bot, flyer))
    menu = await say(flyer, "/edit #1")
    assert (
        "The variants, the split and the plan are fixed: 1 result is logged under them."
        in menu.text
    )
    assert "🔒 Variants" in menu.button_texts
    await choose(flyer, menu, "🔒 Variants")
    refused = await flyer.next_reply()
    assert (
        "Experiment #1 already has logged results (1), so its variants can't change any more"
        in refused.text
    )
    assert "start the next iteration with /new" in refused.text
    for command in ("/edit #1 variants X, Y", "/edit #1 plan 5% 20%", "/edit #1 split 70/30"):
        answer = await say(flyer, command)
        assert "already has logged results (1)" in answer.text, command
    assert (await rows(bot), await view(bot, flyer)) == before
    # Its words still change.
    renamed = await say(flyer, "/edit #1 name Flyer v2")
    assert "Now: Flyer v2" in renamed.text


async def test_every_one_line_form(bot: BotUnderTest, flyer: SimChat) -> None:
    answer = await say(flyer, "/edit #1 name   Loyalty <card>  ")
    assert "Was: Flyer" in answer.text and "Now: Loyalty <card>" in answer.text
    answer = await say(flyer, "/edit #1 stage refer")
    assert "Now: Refer" in answer.text
    answer = await say(
        flyer, "/edit #1 hypothesis We believe a card for regulars will bring friends"
    )
    assert "Now: We believe a card for regulars will bring friends" in answer.text
    answer = await say(flyer, "/edit #1 review 2026-04-01")
    assert "Now: Apr 1, 2026" in answer.text
    answer = await say(flyer, "/edit #1 cost 120")
    assert "Saved: #1 Loyalty <card> cost $120.00." in answer.text
    experiment = await view(bot, flyer)
    assert experiment.name == "Loyalty <card>"
    assert experiment.stage is Stage.REFER
    assert experiment.hypothesis == "We believe a card for regulars will bring friends"
    assert experiment.review_date == date(2026, 4, 1)
    assert experiment.cost_spent == Decimal("120.00")
    answer = await say(flyer, "/edit #1 review 2w")
    assert "Now: Mar 16, 2026" in answer.text  # the clock is at 2026-03-02


BAD_EDITS = [
    ("/edit #1 colour red", "Write /edit, the experiment, what to change and the new value"),
    ("/edit #1 name", "Write /edit, the experiment, what to change and the new value"),
    ("/edit #1 stage sales", "“sales” is not an hourglass stage."),
    ("/edit #1 review yesterday", "is not a review date within the next year"),
    ("/edit #1 review 2020-01-01", "is not a review date within the next year"),
    ("/edit #1 cost lots", "“lots” is not an amount of money. Usage: /cost #1 120"),
    ("/edit #1 plan 5%", "Write the baseline rate and the smallest lift worth having"),
    ("/edit #1 plan 150% 20%", "is not a rate between 0 and 100%"),
    ("/edit #1 variants A", "between 2 and 10 variants"),
    ("/edit #1 split 70/20/10", "The split needs one share per variant: 2 variants, 3 shares"),
    ("/edit #1 split half", "“half” is not a split I can read."),
    ("/edit #1 split 100/0", "Every variant needs a share above zero."),
    ("/edit #1 name " + "x" * 81, "That name is 81 characters long; keep it to 80."),
    ("/edit #9 name X", "There is no experiment #9 here."),
    ("/edit one name X", "“one” is not an experiment number."),
]


async def test_bad_edits_are_explained_and_change_nothing(
    bot: BotUnderTest, flyer: SimChat, subtests: pytest.Subtests
) -> None:
    async def state() -> object:
        return await rows(bot), await view(bot, flyer)

    await each_refused(subtests, flyer, BAD_EDITS, state)


async def test_stage_and_review_by_button_and_cost_typed(bot: BotUnderTest, flyer: SimChat) -> None:
    menu = await say(flyer, "/edit #1")
    await choose(flyer, menu, "Stage")
    question = await flyer.next_reply()
    assert "Which stage of the hourglass does it target?" in question.text
    await choose(flyer, question, "Trust")
    assert "Now: Trust" in (await flyer.next_reply()).text
    menu = await say(flyer, "/edit #1")
    await choose(flyer, menu, "Review date")
    question = await flyer.next_reply()
    await choose(flyer, question, "in 2 weeks")
    assert "Now: Mar 16, 2026" in (await flyer.next_reply()).text
    menu = await say(flyer, "/edit #1")
    await choose(flyer, menu, "Cost")
    question = await flyer.next_reply()
    assert "What did it cost, all variants together?" in question.text
    wrong = await say(flyer, "a lot")
    assert "is not an amount of money" in wrong.text
    saved = await say(flyer, "75.50")
    assert "Saved: #1 Flyer cost $75.50." in saved.text
    experiment = await view(bot, flyer)
    assert (experiment.stage, experiment.review_date, experiment.cost_spent) == (
        Stage.TRUST,
        date(2026, 3, 16),
        Decimal("75.50"),
    )


async def test_a_guided_edit_can_be_cancelled(bot: BotUnderTest, flyer: SimChat) -> None:
    menu = await say(flyer, "/edit #1")
    await choose(flyer, menu, "Name")
    await flyer.next_reply()
    assert "Cancelled. Nothing was saved." in (await say(flyer, "/cancel")).text
    assert (await view(bot, flyer)).name == "Flyer"


async def test_bare_edit_asks_which_experiment_and_the_card_has_an_edit_button(
    bot: BotUnderTest, flyer: SimChat
) -> None:
    await say(flyer, "/new Card")
    picker = await say(flyer, "/edit")
    assert picker.text == "Edit which experiment?"
    await choose(flyer, picker, "#2 Card")
    menu = await edited(flyer, picker)
    assert "Edit #2 Card: what should change?" in menu.text
    card = await say(flyer, "/show #1")
    await choose(flyer, card, "Edit")
    menu = await edited(flyer, card)
    assert "Edit #1 Flyer: what should change?" in menu.text


async def test_a_draft_from_an_idea_is_edited_before_it_starts(
    bot: BotUnderTest, alice_chat: SimChat
) -> None:
    ideas = await say(alice_chat, "/ideas refer")
    await choose(alice_chat, ideas, "Start this: 1.")
    await alice_chat.next_reply()
    await alice_chat.next_reply()  # the ICE keypad, which can wait
    answer = await say(alice_chat, "/edit #1 variants old_card, new_card")
    assert "Now: old_card, new_card" in answer.text
    await say(alice_chat, "/edit #1 name Referral card")
    experiment = await view(bot, alice_chat)
    assert experiment.variants == ("old_card", "new_card")
    assert experiment.status.value == "draft"


async def test_an_edit_in_russian_guided_and_in_one_line(bot: BotUnderTest) -> None:
    ivan = bot.emulator.private_chat(bot.emulator.user(first_name="Иван", language_code="ru"))
    await say(ivan, "/new Листовка")
    await say(ivan, "/log #1 A 100 5")
    menu = await say(ivan, "/edit #1")
    assert "Изменить #1 Листовка: что поменять?" in menu.text
    assert "Варианты, сплит и план закреплены: при них записан 1 результат." in menu.text
    await choose(ivan, menu, "Название")
    question = await ivan.next_reply()
    assert "#1 Листовка, название сейчас: Листовка" in question.text
    assert "Пришлите новое название." in question.text
    saved = await say(ivan, "Листовка у кассы")
    assert "✅ Сохранено: #1 Листовка у кассы, название." in saved.text
    assert "Было: Листовка" in saved.text
    staged = await say(ivan, "/edit #1 этап доверие")
    assert "Теперь: Доверие" in staged.text
    costed = await say(ivan, "/edit #1 стоимость 1500")
    assert "стоил 1\u00a0500,00\u00a0₽" in costed.text  # a Russian chat counts in roubles at first
    menu = await say(ivan, "/edit #1")
    await choose(ivan, menu, "🔒 Варианты")
    refused = await ivan.next_reply()
    assert "поэтому его варианты больше менять нельзя" in refused.text
    experiment = await view(bot, ivan)
    assert (experiment.name, experiment.stage, experiment.variants) == (
        "Листовка у кассы",
        Stage.TRUST,
        ("A", "B"),
    )


async def test_the_split_is_edited_before_the_first_result_and_follows_the_variants(
    bot: BotUnderTest, flyer: SimChat
) -> None:
    saved = await say(flyer, "/edit #1 split 70/30")
    assert "Was: equal" in saved.text and "Now: 70/30" in saved.text
    assert (await view(bot, flyer)).planned_split == (70.0, 30.0)
    menu = await say(flyer, "/edit #1")
    await choose(flyer, menu, "Planned split")
    question = await flyer.next_reply()
    assert "How will the visitors be split?" in question.text
    await choose(flyer, question, "80/20")
    assert "Now: 80/20" in (await flyer.next_reply()).text
    assert (await view(bot, flyer)).planned_split == (80.0, 20.0)
    # Another number of variants: the split is equal again, as it no longer names each one.
    await say(flyer, "/edit #1 variants A, B, C")
    assert (await view(bot, flyer)).planned_split is None
    assert "Now: equal" in (await say(flyer, "/edit #1 split equal")).text
