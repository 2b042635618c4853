"""/delete with its confirmation, /cost, the money lines in /readout and /show, the currency."""

from __future__ import annotations

import csv
import io

import pytest

from db.models import Experiment, Observation, Variant
from emulator import SimChat
from tests.e2e.conftest import BotUnderTest, each_refused, edited, press, say


async def rows(bot: BotUnderTest) -> tuple[int, int, int]:
    return (await bot.rows(Experiment), await bot.rows(Variant), await bot.rows(Observation))


@pytest.fixture
async def flyer(bot: BotUnderTest, alice_chat: SimChat) -> SimChat:
    """#1 Flyer with three results (revenue on two), #2 Card without any."""
    await say(alice_chat, "/new Flyer")
    await say(alice_chat, "/new Card")
    await say(alice_chat, "/log #1 A 1000 40 380")
    await say(alice_chat, "/log #1 B 1000 50 500")
    await say(alice_chat, "/log #1 B 500 0 220")
    return alice_chat


# ---------------------------------------------------------------- delete


async def test_delete_says_what_goes_and_deletes_only_on_confirm(
    bot: BotUnderTest, flyer: SimChat
) -> None:
    before = await rows(bot)
    question = await say(flyer, "/delete #1")
    assert "Delete #1 Flyer?" in question.text
    assert (
        "This removes the experiment, its 2 variants and its 3 logged results. "
        "It can't be undone." in question.text
    )
    assert "Its number #1 is not given to another experiment." in question.text
    assert question.button_texts == ["📤 Export its results first", "🗑 Delete #1", "↩️ Keep it"]
    assert await rows(bot) == before
    query = await press(flyer, question, "Delete #1")
    await flyer.callback_answer(query)
    done = await edited(flyer, question)
    assert done.text.startswith("🗑 Deleted #1 Flyer: the experiment, its 2 variants")
    assert done.buttons == []
    assert await rows(bot) == (1, 2, 0)
    gone = await say(flyer, "/show #1")
    assert "There is no experiment #1 here." in gone.text
    # The number is not reused.
    assert "#3" in (await say(flyer, "/new Loyalty")).text


async def test_delete_cancelled_keeps_everything(bot: BotUnderTest, flyer: SimChat) -> None:
    before = await rows(bot)
    question = await say(flyer, "/delete #1")
    query = await press(flyer, question, "Keep it")
    await flyer.callback_answer(query)
    kept = await edited(flyer, question)
    assert kept.text == "↩️ Kept #1; nothing was deleted."
    assert await rows(bot) == before


async def test_delete_offers_the_export_of_that_experiment_first(
    bot: BotUnderTest, flyer: SimChat
) -> None:
    await say(flyer, "/log #2 A 10 1")
    question = await say(flyer, "/delete #1")
    query = await press(flyer, question, "Export its results first")
    await flyer.callback_answer(query)
    sent = await flyer.next_reply()
    assert sent.kind == "document" and sent.document is not None
    assert sent.document.filename == "hourglass-1-2026-03-02.csv"
    assert sent.text == "📤 3 logged results of #1, in the /export format."
    exported = list(csv.DictReader(io.StringIO(sent.document.content.decode())))
    assert [(r["experiment"], r["variant"], r["visitors"]) for r in exported] == [
        ("1", "A", "1000"),
        ("1", "B", "1000"),
        ("1", "B", "500"),
    ]
    # The question is still there to answer.
    query = await press(flyer, question, "Delete #1")
    await flyer.callback_answer(query)
    await edited(flyer, question)
    assert await bot.rows(Observation) == 1


async def test_bare_delete_asks_which_experiment(bot: BotUnderTest, flyer: SimChat) -> None:
    picker = await say(flyer, "/delete")
    assert picker.text == "Delete which experiment?"
    query = await press(flyer, picker, "#2 Card")
    await flyer.callback_answer(query)
    question = await edited(flyer, picker)
    assert "Delete #2 Card?" in question.text
    assert "its 0 logged results" in question.text
    assert "Export its results first" not in " ".join(question.button_texts)


BAD_DELETES_AND_COSTS = [
    ("/delete #9", "There is no experiment #9 here."),
    ("/delete one", "“one” is not an experiment number. Write it like #3. Usage: /delete #1"),
    ("/delete #1 #2", "Write /delete and the experiment's number only, e.g. /delete #1"),
    ("/cost #1 lots", "“lots” is not an amount of money. Usage: /cost #1 120"),
    ("/cost #1 -5", "is not an amount of money"),
    ("/cost #1 5 6", "Write /cost, the experiment and one amount, e.g. /cost #1 120"),
    ("/cost #7 5", "There is no experiment #7 here."),
    ("/settings currency doubloons", "“doubloons” is not a currency I know."),
]


async def test_bad_delete_and_cost_input_changes_nothing(
    bot: BotUnderTest, flyer: SimChat, subtests: pytest.Subtests
) -> None:
    async def state() -> object:
        # The cost is a column of the experiment: the readout says whether one was stored.
        return await rows(bot), (await say(flyer, "/readout #1")).text

    await each_refused(subtests, flyer, BAD_DELETES_AND_COSTS, state)
    assert "no cost yet" in (await say(flyer, "/readout #1")).text


async def test_another_chat_cannot_delete(bot: BotUnderTest, flyer: SimChat) -> None:
    mallory = bot.emulator.private_chat(bot.emulator.user(first_name="Mallory"))
    before = await rows(bot)
    answer = await say(mallory, "/delete #1")
    assert "There is no experiment #1 here." in answer.text
    assert await rows(bot) == before


# ---------------------------------------------------------------- money


async def test_cost_and_revenue_give_money_lines_in_readout_and_show(
    bot: BotUnderTest, flyer: SimChat
) -> None:
    saved = await say(flyer, "/cost #1 250")
    assert saved.text.startswith("💰 Saved: #1 Flyer cost $250.00.")
    readout = await say(flyer, "/readout #1")
    # 2500 visitors: A carries 250 * 1000/2500 = 100, B 250 * 1500/2500 = 150.
    # A: 380/1000 = 0.38 per visitor, 100/40 = 2.50 per conversion, 380/100 = 3.80×
    # B: 720/1500 = 0.48 per visitor, 150/50 = 3.00 per conversion, 720/150 = 4.80×
    # all: 1100 revenue, 250/90 = 2.78 per conversion, 1100/250 = 4.40×
    assert "💰 Money — cost $250.00, split across the variants by their visitors" in readout.text
    assert (
        "A: revenue $380.00 · $0.38 per visitor · $2.50 per conversion · return on spend 3.80×"
        in readout.text
    )
    assert (
        "B: revenue $720.00 · $0.48 per visitor · $3.00 per conversion · return on spend 4.80×"
        in readout.text
    )
    assert (
        "All together: revenue $1,100.00 · $2.78 per conversion · return on spend 4.40×"
        in readout.text
    )
    assert "descriptive, not tested" in readout.text
    card = await say(flyer, "/show #1")
    assert "A: revenue $380.00 · $0.38 per visitor" in card.text
    assert "return on spend 4.80×" in card.text


async def test_revenue_without_cost_asks_for_the_cost(bot: BotUnderTest, flyer: SimChat) -> None:
    readout = await say(flyer, "/readout #1")
    assert "💰 Money — no cost yet (add it: /cost #1 120)" in readout.text
    assert "A: revenue $380.00 · $0.38 per visitor" in readout.text
    assert "per conversion" not in readout.text
    plain = await say(flyer, "/readout #2")
    assert "Money" not in plain.text


async def test_cost_is_shown_changed_and_cleared(bot: BotUnderTest, flyer: SimChat) -> None:
    assert "#2 Card has no cost yet." in (await say(flyer, "/cost #2")).text
    await say(flyer, "/cost #2 99.90")
    assert "#2 Card cost $99.90." in (await say(flyer, "/cost #2")).text
    cleared = await say(flyer, "/cost #2 none")
    assert "Removed the cost of #2 Card." in cleared.text
    picker = await say(flyer, "/cost")
    assert picker.text == "The cost of which experiment?"
    query = await press(flyer, picker, "#2 Card")
    await flyer.callback_answer(query)
    assert "#2 Card has no cost yet." in (await flyer.next_reply()).text


async def test_currency_chosen_in_settings_formats_the_money(
    bot: BotUnderTest, flyer: SimChat
) -> None:
    card = await say(flyer, "/settings")
    assert "Currency: US Dollar (USD)" in card.text
    query = await press(flyer, card, "Currency")
    await flyer.callback_answer(query)
    asked = await edited(flyer, card)
    assert "In which currency" in asked.text
    query = await press(flyer, asked, "EUR")
    await flyer.callback_answer(query)
    saved = await edited(flyer, card)
    assert "Currency: Euro (EUR)" in saved.text
    await say(flyer, "/cost #1 250")
    readout = await say(flyer, "/readout #1")
    assert "A: revenue €380.00 · €0.38 per visitor · €2.50 per conversion" in readout.text
    typed = await say(flyer, "/settings currency gbp")
    assert "Currency: British Pound (GBP)" in typed.text


async def test_money_lines_speak_russian_in_roubles(bot: BotUnderTest) -> None:
    ivan = bot.emulator.private_chat(bot.emulator.user(first_name="Иван", language_code="ru"))
    await say(ivan, "/new Листовка")
    await say(ivan, "/log #1 A 1000 40 3800")
    await say(ivan, "/log #1 B 1000 50 5000")
    await say(ivan, "/cost #1 2000")
    readout = await say(ivan, "/readout #1")
    nbsp = "\u00a0"
    # 2000 visitors: each variant carries 2000 * 1000/2000 = 1000 ₽.
    # A: 3800/1000 = 3.80 ₽ per visitor, 1000/40 = 25 ₽ per conversion, 3800/1000 = 3.80×
    # B: 5000/1000 = 5.00 ₽ per visitor, 1000/50 = 20 ₽ per conversion, 5000/1000 = 5.00×
    assert f"💰 Деньги — стоимость 2{nbsp}000,00{nbsp}₽, поделена между вариантами" in readout.text
    assert (
        f"A: выручка 3{nbsp}800,00{nbsp}₽ · 3,80{nbsp}₽ на посетителя · "
        f"25,00{nbsp}₽ за конверсию · окупаемость 3,80×" in readout.text
    )
    assert f"B: выручка 5{nbsp}000,00{nbsp}₽ · 5,00{nbsp}₽ на посетителя" in readout.text
    assert "окупаемость 5,00×" in readout.text
    assert "Денежные показатели описательные" in readout.text
