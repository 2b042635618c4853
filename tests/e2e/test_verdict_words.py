"""/list and /show give each experiment's verdict in a few words (the readout's own verdict),
and a "ship" verdict in the digest is a to-do that concludes the experiment after a yes."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from bot.i18n import translator
from db.models import Experiment
from emulator import SimChat
from tests.e2e.conftest import BotUnderTest, press, say

pytestmark = pytest.mark.timeout(30)


async def three_experiments(chat: SimChat) -> None:
    """#1 a clear winner, #2 too early to tell, #3 without data."""
    await say(chat, "/new Referral card | Plain, Card")
    await say(chat, "/log #1 Plain 5000 250")
    await say(chat, "/log #1 Card 5000 400")
    await say(chat, "/new Loyalty offer")
    await say(chat, "/log #2 A 1200 40")
    await say(chat, "/log #2 B 1200 45")
    await say(chat, "/new Flyer test")


async def test_list_and_show_give_the_readouts_verdict_with_thousands_separators(
    bot: BotUnderTest, alice_chat: SimChat
) -> None:
    await three_experiments(alice_chat)
    listed = await say(alice_chat, "/list")
    lines = listed.text.splitlines()
    assert "▶️ /show_1 #1 Referral card — Plain 5.0%, Card 8.0% · 10,000 visitors · ship Card" in (
        lines
    )
    assert "▶️ /show_2 #2 Loyalty offer — A 3.3%, B 3.8% · 2,400 visitors · keep running" in lines
    assert "▶️ /show_3 #3 Flyer test — no data yet" in lines
    readout = await say(alice_chat, "/readout #1")
    assert "Verdict: ship Card" in readout.text  # the same verdict
    card = await say(alice_chat, "/show #1")
    assert "🧭 Verdict: ship Card" in card.text
    assert "Card: 400 of 5,000 converted (8.00%)" in card.text
    card = await say(alice_chat, "/show #3")
    assert "Verdict" not in card.text  # nothing to judge yet


async def test_a_ship_verdict_in_the_digest_concludes_with_that_variant_after_a_yes(
    bot: BotUnderTest, alice_chat: SimChat
) -> None:
    await three_experiments(alice_chat)
    digest = await say(alice_chat, "/digest")
    assert "🏆 Conclude #1 Referral card with Card? Its readout says ship Card." in digest.text
    assert [b.text for b in digest.buttons[0]] == ["🏁 Conclude #1 with Card", "⏳ Keep #1 running"]
    await press(alice_chat, digest, "Conclude #1 with Card")
    question = await alice_chat.next_reply()
    assert question.text.startswith("Conclude #1 Referral card as won, shipping Card?")
    # Nothing happens before the yes.
    assert (await statuses(bot))[1] == ("running", None, None)
    await press(alice_chat, question, "Yes, conclude with Card")
    concluded = await alice_chat.next_reply()
    assert "🏁 #1 Referral card is concluded: won with Card." in concluded.text
    assert (await statuses(bot))[1] == ("concluded", "won", "Card")
    listed = await say(alice_chat, "/list")
    assert "#1 Referral card — Plain 5.0%, Card 8.0% · 10,000 visitors — won with Card" in (
        listed.text
    )
    again = await say(alice_chat, "/digest")
    assert "Conclude #1" not in again.text


async def test_not_yet_and_keep_running_leave_the_experiment_running(
    bot: BotUnderTest, alice_chat: SimChat
) -> None:
    await three_experiments(alice_chat)
    digest = await say(alice_chat, "/digest")
    await press(alice_chat, digest, "Conclude #1 with Card")
    question = await alice_chat.next_reply()
    await press(alice_chat, question, "Not yet")
    assert (await alice_chat.next_reply()).text == "OK, nothing changed."
    assert (await statuses(bot))[1] == ("running", None, None)
    await press(alice_chat, digest, "Keep #1 running")
    assert "#1 Referral card keeps running" in (await alice_chat.next_reply()).text
    again = await say(alice_chat, "/digest")
    assert "Conclude #1" not in again.text  # asked again after the quiet days


async def test_verdict_words_and_the_ship_to_do_in_russian(bot: BotUnderTest) -> None:
    ivan = bot.emulator.user(first_name="Иван", language_code="ru")
    chat = bot.emulator.private_chat(ivan)
    await three_experiments(chat)
    listed = await say(chat, "/list")
    assert (
        "#1 Referral card — Plain 5,0\u00a0%, Card 8,0\u00a0% · "
        "10\u00a0000 посетителей · внедряйте: Card" in listed.text
    )
    assert (
        "#2 Loyalty offer — A 3,3\u00a0%, B 3,8\u00a0% · 2\u00a0400 посетителей · продолжайте"
        in (listed.text)
    )
    digest = await say(chat, "/digest")
    assert (
        "Завершить #1 Referral card: победил вариант «Card»? Отчёт говорит: внедряйте «Card»."
        in digest.text
    )
    await press(chat, digest, "Завершить #1: победил «Card»")
    question = await chat.next_reply()
    await press(chat, question, "Да, завершить: победил «Card»")
    # Concluded as won with Card, in the catalog's words for it.
    won_with_card = translator("ru").gettext("won with {variant}").format(variant="Card")
    assert won_with_card != "won with Card"
    assert f"завершён: {won_with_card}." in (await chat.next_reply()).text


async def statuses(bot: BotUnderTest) -> dict[int, tuple[str, str | None, str | None]]:
    async with bot.database.unit_of_work() as uow:
        rows = await uow.session.execute(
            select(Experiment.number, Experiment.status, Experiment.outcome, Experiment.winner)
        )
        return {number: (status, outcome, winner) for number, status, outcome, winner in rows}
