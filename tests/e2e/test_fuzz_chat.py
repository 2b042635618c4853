"""Fuzzing one-line commands through the real bot: every line gets a reply, never the apology,
and a refused line changes nothing."""

from __future__ import annotations

from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from db.models import Base
from emulator import BotMessage, SimChat
from emulator.harness import all_handled
from tests.e2e.conftest import BotUnderTest, say
from tests.fuzz.strategies import CHAT_WORD, CSV_TEXT

APOLOGY = "Sorry, something went wrong"
# The answers to /cancel, inside a guided step and outside one.
CANCEL_ANSWERS = ("Cancelled. Nothing was saved.", "Nothing to cancel")

# Commands with their arguments; "…" words are drawn by hypothesis.
COMMANDS = [
    "/log #1 A",
    "/log #1 B",
    "/log",
    "/cost #1",
    "/calc",
    "/show",
    "/readout",
    "/undo",
    "/chart",
    "/conclude #1",
    "/edit #1",
    "/funnel",
    "/learn",
    "/settings target",
    "/settings stale",
    "/settings zone",
    "/settings time",
    "/settings currency",
    "/settings digest",
    "/settings language",
]

CHAT_FUZZ = settings(
    max_examples=60,
    derandomize=True,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


async def everything(bot: BotUnderTest) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every table, to see that nothing changed; the inbox records every update
    received, refused or not, so it is left out."""
    async with bot.database.unit_of_work() as uow:
        return {
            table.name: sorted(map(tuple, await uow.session.execute(select(table))), key=repr)
            for table in Base.metadata.sorted_tables
            if table.name != "inbox_updates"
        }


async def replies_to(bot: BotUnderTest, chat: SimChat, line: str) -> list[BotMessage]:
    await chat.send(line)
    return await replies_until_cancel(bot, chat)


async def replies_until_cancel(bot: BotUnderTest, chat: SimChat) -> list[BotMessage]:
    """Everything the bot says to the last message: sent before its reply to a /cancel."""
    await chat.send("/cancel")
    replies: list[BotMessage] = []
    while True:
        message = await chat.next_reply()
        if message.text.startswith(CANCEL_ANSWERS):
            # The guided-flow state is written after the reply: wait until that is done too.
            assert await all_handled(bot.application, bot.emulator, timeout=10)
            return replies
        replies.append(message)


@given(
    command=st.sampled_from(COMMANDS),
    words=st.lists(CHAT_WORD, min_size=1, max_size=6),
)
@CHAT_FUZZ
async def test_every_typed_line_gets_an_answer_and_a_refusal_changes_nothing(
    bot: BotUnderTest, alice_chat: SimChat, command: str, words: list[str]
) -> None:
    if not await bot.rows(Base.metadata.tables["experiments"]):  # type: ignore[arg-type]
        await say(alice_chat, "/new Checkout button")
        await say(alice_chat, "/log #1 A 100 5")
    line = " ".join([command, *words])
    before = await everything(bot)
    replies = await replies_to(bot, alice_chat, line)
    texts = [reply.text for reply in replies]
    assert texts, line
    assert not any(APOLOGY in text for text in texts), (line, texts)
    if texts[0].startswith("⚠️"):
        assert await everything(bot) == before, (line, texts)


@given(content=st.one_of(CSV_TEXT.map(str.encode), st.binary(max_size=200)))
@settings(CHAT_FUZZ, max_examples=30)
async def test_every_uploaded_file_gets_an_answer_and_a_refusal_changes_nothing(
    bot: BotUnderTest, alice_chat: SimChat, content: bytes
) -> None:
    if not await bot.rows(Base.metadata.tables["experiments"]):  # type: ignore[arg-type]
        await say(alice_chat, "/new Checkout button")
    before = await everything(bot)
    await alice_chat.upload("results.csv", content)
    texts = [reply.text for reply in await replies_until_cancel(bot, alice_chat)]
    assert texts, content
    assert not any(APOLOGY in text for text in texts), (content, texts)
    if texts[0].startswith("⚠️"):
        assert await everything(bot) == before, (content, texts)
