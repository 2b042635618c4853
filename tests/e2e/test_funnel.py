"""/funnel and /chart funnel through the real Application and the Bot API emulator."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from matplotlib.figure import Figure
from matplotlib.patches import Rectangle

from db.models import FunnelSnapshot
from emulator import SimChat
from tests.e2e.conftest import BotUnderTest, press, say

EXAMPLE = "/funnel 5000 1200 400 150 60 20 5"
CONSTRAINT = (
    "Like is your constraint: only 24% of those who Know go on to Like. "
    "Point your next experiments there."
)
STAGE_LINES = [
    "Know: 5,000",
    "Like: 1,200 · 24.0% of Know 🎯",
    "Trust: 400 · 33.3% of Like",
    "Try: 150 · 37.5% of Trust",
    "Buy: 60 · 40.0% of Try",
    "Repeat: 20 · 33.3% of Buy",
    "Refer: 5 · 25.0% of Repeat",
]


async def test_one_line_funnel_logs_the_week_and_names_the_constraint(
    bot: BotUnderTest, alice_chat: SimChat
) -> None:
    logged = await say(alice_chat, EXAMPLE)
    assert "Funnel logged · Feb 24, 2026 – Mar 2, 2026" in logged.text
    for line in STAGE_LINES:
        assert line in logged.text.splitlines()
    assert CONSTRAINT in logged.text
    assert "likely between 22.8% and 25.2%" in logged.text
    assert [b for row in logged.buttons for b in row] == [
        ("💡 Ideas for Like", "ideas:stage:like"),
        ("📈 Funnel chart", "chart:funnel"),
        ("❓ What do the stages mean?", "help:stages"),  # the workspace's first funnel
    ]
    assert await bot.rows(FunnelSnapshot) == 1


async def test_bare_funnel_shows_the_latest_with_a_button_to_log(
    bot: BotUnderTest, alice_chat: SimChat
) -> None:
    empty = await say(alice_chat, "/funnel")
    assert "No funnel numbers yet." in empty.text
    assert EXAMPLE in empty.text
    assert empty.button_texts == ["📝 Log this week's numbers", "❓ What do the stages mean?"]
    await say(alice_chat, "/funnel 1000 800 200 150 100 50 40")
    latest = await say(alice_chat, "/funnel")
    assert "Your hourglass funnel · Feb 24, 2026 – Mar 2, 2026" in latest.text
    assert "Trust is your constraint: only 25% of those who Like go on to Trust." in latest.text
    assert "clearly below every other stage" in latest.text
    assert latest.button_texts == [
        "💡 Ideas for Trust",
        "📈 Funnel chart",
        "📝 Log this week's numbers",
    ]


async def test_guided_funnel_asks_for_each_stage_in_turn(
    bot: BotUnderTest, alice_chat: SimChat
) -> None:
    chat = alice_chat
    await press(chat, await say(chat, "/funnel"), "Log this week's numbers")
    question = await chat.next_reply()
    assert "Send one number at a time." in question.text
    stages = ["Know", "Like", "Trust", "Try", "Buy", "Repeat", "Refer"]
    answers = ["5,000", "1200", "400", "150", "60", "20"]
    for position, (stage, answer) in enumerate(zip(stages, answers, strict=False), start=1):
        assert f"How many people reached {stage} this week? ({position} of 7)" in question.text
        assert question.button_texts == ["✖️ Cancel"]
        question = await say(chat, answer)
    assert "Repeat had 20." in question.text
    assert await bot.rows(FunnelSnapshot) == 0
    logged = await say(chat, "5")
    assert "Funnel logged" in logged.text
    for line in STAGE_LINES:
        assert line in logged.text.splitlines()
    assert CONSTRAINT in logged.text
    assert await bot.rows(FunnelSnapshot) == 1
    # The flow is over: a number now is just a message.
    hint = await say(chat, "77")
    assert "/help lists everything I can do." in hint.text
    assert "Know: 5,000" in (await say(chat, "/funnel")).text
    assert await bot.rows(FunnelSnapshot) == 1


async def test_a_wrong_answer_in_the_guided_funnel_is_explained_and_asked_again(
    bot: BotUnderTest, alice_chat: SimChat
) -> None:
    chat = alice_chat
    await press(chat, await say(chat, "/funnel"), "Log this week's numbers")
    await chat.next_reply()
    await say(chat, "5000")
    for bad, expected in [
        ("lots", "Send one whole number: how many people reached Like, e.g. 1200."),
        ("1200 400", "Send one whole number"),
        ("-3", "Counts can't be negative (Like: -3)"),
        ("6000", "Like (6000) can't be more than Know (5000)"),
    ]:
        refused = await say(chat, bad)
        assert expected in refused.text, chat.transcript()
    asked_again = await say(chat, "1200")
    assert "How many people reached Trust this week? (3 of 7)" in asked_again.text
    assert await bot.rows(FunnelSnapshot) == 0


async def test_the_guided_funnel_can_be_cancelled(bot: BotUnderTest, alice_chat: SimChat) -> None:
    chat = alice_chat
    await press(chat, await say(chat, "/funnel"), "Log this week's numbers")
    await chat.next_reply()
    question = await say(chat, "5000")
    query = await press(chat, question, "Cancel")
    await chat.callback_answer(query)
    assert "Cancelled. Nothing was saved." in (await chat.next_reply()).text
    assert await bot.rows(FunnelSnapshot) == 0


BAD_FUNNELS = [
    ("/funnel 5000 1200 400", "The funnel has 7 stages, Know → Like → Trust → Try → Buy"),
    ("/funnel 5000 1200 400 150 60 20 5 1", "you gave 8 numbers"),
    ("/funnel 5000 1200 400 150 200 20 5", "Buy (200) can't be more than Try (150)"),
    ("/funnel 5000 1200 -400 150 60 20 5", "Counts can't be negative (Trust: -400)"),
    ("/funnel 5000 lots 400 150 60 20 5", "“lots” is not a whole number of people"),
    ("/funnel 2000000000 1 1 1 1 1 1", "Know (2000000000) is more than one entry can hold"),
]


async def test_bad_funnel_numbers_are_explained_and_change_nothing(
    bot: BotUnderTest, alice_chat: SimChat
) -> None:
    # One bot for every case keeps the suite fast; each answer is checked on its own.
    for command, expected in BAD_FUNNELS:
        answer = await say(alice_chat, command)
        assert expected in answer.text, command
        assert EXAMPLE in answer.text or "entry" in answer.text, command
    assert await bot.rows(FunnelSnapshot) == 0


async def test_the_funnel_chart_is_a_picture_with_the_constraint(
    bot: BotUnderTest, alice_chat: SimChat
) -> None:
    logged = await say(alice_chat, EXAMPLE)
    chart = await say(alice_chat, "/chart funnel")
    assert chart.kind == "photo" and chart.photo is not None
    assert chart.photo.content.startswith(b"\x89PNG\r\n\x1a\n")
    assert "Hourglass funnel, Feb 24, 2026 – Mar 2, 2026" in chart.text
    assert CONSTRAINT in chart.text
    query = await press(alice_chat, logged, "Funnel chart")
    await alice_chat.callback_answer(query)
    again = await alice_chat.next_reply()
    assert again.kind == "photo"
    assert again.photo is not None and again.photo.content == chart.photo.content


async def test_the_funnel_chart_without_a_funnel_says_how_to_log_one(
    bot: BotUnderTest, alice_chat: SimChat
) -> None:
    answer = await say(alice_chat, "/chart funnel")
    assert answer.kind == "text"
    assert "No funnel numbers yet." in answer.text
    assert EXAMPLE in answer.text


async def test_in_a_group_the_funnel_is_shared_and_names_who_logged_it(
    bot: BotUnderTest,
) -> None:
    alice = bot.emulator.user(first_name="Alice", language_code="en")
    bob = bot.emulator.user(first_name="Bob", language_code="en")
    team = bot.emulator.group_chat("Growth team", members=[alice, bob])
    await say(team, "/new Referral reward", sender=bob)
    username = bot.emulator.bot_username
    await say(team, f"/funnel@{username} 5000 1200 400 150 60 20 5", sender=bob)
    latest = await say(team, "/funnel", sender=alice)
    assert "(logged by Bob)" in latest.text
    chart = await say(team, f"/chart@{username} funnel", sender=alice)
    assert chart.kind == "photo"
    private = bot.emulator.private_chat(alice)
    assert "No funnel numbers yet." in (await say(private, "/funnel")).text


async def test_numbers_and_dates_follow_the_chat_s_language(bot: BotUnderTest) -> None:
    olga = bot.emulator.user(first_name="Olga", language_code="ru")
    chat = bot.emulator.private_chat(olga)
    logged = await say(chat, EXAMPLE)
    assert "5\xa0000" in logged.text
    assert "24,0\xa0%" in logged.text
    assert "2 мар. 2026" in logged.text
    chart = await say(chat, "/chart funnel")
    assert chart.kind == "photo"


@pytest.fixture
def drawn_bars(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[list[tuple[str, float]]]]:
    """The bars and outlines (kind, width) of each figure matplotlib saves."""
    seen: list[list[tuple[str, float]]] = []
    original = Figure.savefig

    def recording_savefig(figure: Figure, *args: Any, **kwargs: Any) -> Any:
        seen.append(
            [
                (str(patch.get_gid()), patch.get_width())
                for patch in figure.axes[0].patches
                if isinstance(patch, Rectangle)
            ]
        )
        return original(figure, *args, **kwargs)

    monkeypatch.setattr(Figure, "savefig", recording_savefig)
    yield seen


async def test_the_funnel_chart_outlines_the_period_before(
    bot: BotUnderTest, alice_chat: SimChat, drawn_bars: list[list[tuple[str, float]]]
) -> None:
    await say(alice_chat, "/funnel 4000 1100 300 140 50 12 2")
    await say(alice_chat, "/chart funnel")
    bot.clock.advance(days=7)
    await say(alice_chat, EXAMPLE)
    chart = await say(alice_chat, "/chart funnel")
    assert chart.kind == "photo"
    first, second = drawn_bars
    assert [kind for kind, _ in first].count("previous") == 0  # one period: nothing to compare
    kinds = [kind for kind, _ in second]
    assert kinds.count("previous") == 7
    assert kinds.count("constraint") == 1 and kinds.count("stage") == 6
    # The outlines are last week's: its Know (4,000) narrower than this week's (5,000).
    bars = [width for kind, width in second if kind != "previous"]
    outlines = [width for kind, width in second if kind == "previous"]
    assert outlines[0] < bars[0]
