"""/chart #N and the Chart button, through the real Application and the Bot API emulator."""

from __future__ import annotations

import struct
from collections.abc import Iterator
from typing import Any

import pytest
from matplotlib.figure import Figure

from bot.render import charts
from emulator import BotMessage, SimChat
from experiments import services
from tests.e2e.conftest import BotUnderTest, press, say


async def three_days_of_results(bot: BotUnderTest, chat: SimChat) -> None:
    await say(chat, "/new Landing headline")
    for day in range(3):
        await say(chat, f"/log #1 A 1000 {40 + day}")
        await say(chat, f"/log #1 B 1000 {55 + day}")
        bot.clock.advance(days=1)


def assert_png_photo(message: BotMessage) -> None:
    assert message.kind == "photo" and message.photo is not None
    content = message.photo.content
    assert content.startswith(b"\x89PNG\r\n\x1a\n")
    width, height = struct.unpack(">II", content[16:24])
    assert (width, height) == (1080, 1000)  # a phone shows it at its own width


async def test_chart_sends_a_png_with_the_leader_in_the_caption(
    bot: BotUnderTest, alice_chat: SimChat
) -> None:
    await three_days_of_results(bot, alice_chat)
    chart = await say(alice_chat, "/chart #1")
    assert_png_photo(chart)
    # B: 55 + 56 + 57 = 168 of 3,000
    assert chart.text.startswith("B leads so far: 5.60% of 3,000 visitors")
    assert chart.buttons == [[("📊 Readout", "x:ro:1")]]
    assert "upload_photo" in alice_chat.chat_actions


async def test_the_cards_chart_button_sends_the_chart_and_answers_the_press(
    bot: BotUnderTest, alice_chat: SimChat
) -> None:
    await three_days_of_results(bot, alice_chat)
    card = await say(alice_chat, "/show #1")
    query_id = await press(alice_chat, card, "Chart")
    assert_png_photo(await alice_chat.next_reply())
    await alice_chat.callback_answer(query_id)


async def test_chart_without_results_says_so_instead_of_an_empty_picture(
    bot: BotUnderTest, alice_chat: SimChat
) -> None:
    await say(alice_chat, "/new Pricing | old, new")
    empty = await say(alice_chat, "/chart #1")
    assert empty.kind == "text"
    assert empty.text == (
        "#1 Pricing has no results yet, so there is nothing to chart. "
        "Log some like this: /log #1 old 1000 42"
    )
    assert bot.emulator.calls_to("sendPhoto") == []


async def test_bare_chart_offers_experiments_with_results_and_the_funnel(
    bot: BotUnderTest, alice_chat: SimChat
) -> None:
    await three_days_of_results(bot, alice_chat)
    await say(alice_chat, "/new Nothing logged yet")
    picker = await say(alice_chat, "/chart")
    assert picker.text == "Chart which experiment? Or the hourglass funnel:"
    assert picker.buttons == [
        [("#1 Landing headline", "x:chart:1")],
        [("⏳ Funnel", "chart:funnel")],
    ]
    query_id = await press(alice_chat, picker, "#1 Landing")
    assert_png_photo(await alice_chat.next_reply())
    await alice_chat.callback_answer(query_id)


async def test_bare_chart_with_no_results_still_offers_the_funnel(
    bot: BotUnderTest, alice_chat: SimChat
) -> None:
    reply = await say(alice_chat, "/chart")
    assert reply.text.startswith("No experiment has results yet")
    assert reply.buttons == [[("⏳ Funnel", "chart:funnel")]]


async def test_chart_of_another_chats_experiment_looks_like_a_missing_one(
    bot: BotUnderTest, alice_chat: SimChat
) -> None:
    await three_days_of_results(bot, alice_chat)
    bob = bot.emulator.user(first_name="Bob", language_code="en")
    bob_chat = bot.emulator.private_chat(bob)
    theirs = await say(bob_chat, "/chart #1")
    missing = await say(bob_chat, "/chart #2")
    assert theirs.text == "⚠️ There is no experiment #1 here. /list shows your experiments."
    assert missing.text == theirs.text.replace("#1", "#2")
    bad = await say(bob_chat, "/chart first")
    assert "“first” is not an experiment number. Write it like #3. Usage: /chart #1" in bad.text
    assert bot.emulator.calls_to("sendPhoto") == []


async def test_chart_funnel_is_left_to_the_funnel_handler(
    bot: BotUnderTest, alice_chat: SimChat
) -> None:
    await say(alice_chat, "/chart funnel")
    # Exactly one answer came, and it was not the experiment chart's.
    await alice_chat.expect_silence("/chart #9", "There is no experiment #9 here.")
    replies = [m.text for m in alice_chat.bot_messages]
    assert not any("Chart which experiment" in text for text in replies)
    assert not any("not an experiment number" in text for text in replies)


async def test_a_russian_chat_gets_russian_numbers_in_the_caption(bot: BotUnderTest) -> None:
    ivan = bot.emulator.user(first_name="Иван", language_code="ru")
    chat = bot.emulator.private_chat(ivan)
    await three_days_of_results(bot, chat)
    chart = await say(chat, "/chart #1")
    assert_png_photo(chart)
    assert "5,60\xa0%" in chart.text and "3\xa0000" in chart.text


async def test_drawing_a_chart_does_not_hold_up_other_chats(
    bot: BotUnderTest, alice_chat: SimChat
) -> None:
    await three_days_of_results(bot, alice_chat)
    bob_chat = bot.emulator.private_chat(bot.emulator.user(first_name="Bob"))
    # Holding the drawing lock makes Alice's chart as slow as a huge one: its worker waits.
    with charts.DRAWING:
        await alice_chat.send("/chart #1")
        calc = await say(bob_chat, "/calc 1/10 2/10")
        assert calc.text.startswith("🧮 Quick readout")
        assert alice_chat.unread == []
    assert_png_photo(await alice_chat.next_reply())


@pytest.fixture
def drawn_figures(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[Figure]]:
    """The axes' words of each figure matplotlib saves (the chart clears it afterwards)."""
    seen: list[Any] = []
    original = Figure.savefig

    def recording_savefig(figure: Figure, *args: Any, **kwargs: Any) -> Any:
        saved = original(figure, *args, **kwargs)
        axes = figure.axes[0]
        seen.append(
            {
                "xlabel": axes.get_xlabel(),
                "xticks": [label.get_text() for label in axes.get_xticklabels()],
                "title": axes.get_title(loc="left"),
            }
        )
        return saved

    monkeypatch.setattr(Figure, "savefig", recording_savefig)
    yield seen


async def test_the_chart_counts_days_in_the_workspaces_time_zone(
    bot: BotUnderTest, alice_chat: SimChat, drawn_figures: list[Any]
) -> None:
    await say(alice_chat, "/settings timezone Europe/Moscow")
    await say(alice_chat, "/new Landing headline")
    # The guided /new asks for the plan; here it is set the way that step sets it.
    await services.update_plan(bot.runtime.uow(), alice_chat.id, 1, planned_per_variant=1000)
    # 22:30 UTC on Mar 2 is 01:30 on Mar 3 in Moscow; the next day's entry is Mar 4 there.
    bot.clock.advance(hours=13, minutes=30)
    await say(alice_chat, "/log #1 A 1000 40")
    await say(alice_chat, "/log #1 B 1000 55")
    bot.clock.advance(days=1)
    await say(alice_chat, "/log #1 A 500 20")
    await say(alice_chat, "/log #1 B 500 30")
    assert_png_photo(await say(alice_chat, "/chart #1"))
    (figure,) = drawn_figures
    assert figure["xlabel"] == "Date (time zone: Moscow)"
    assert figure["xticks"] == ["Mar 3", "Mar 4"]
    assert figure["title"].startswith("Cumulative conversion rate, 95% interval\nVerdict: ")
    assert figure["title"].endswith("Plan: 1,000 visitors per variant, reached on Mar 3")
