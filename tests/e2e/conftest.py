"""End-to-end: the real Application talks HTTP to the Bot API emulator on 127.0.0.1."""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

import pytest
from sqlalchemy import func, select
from telegram.ext import Application

from bot.app import build_application
from bot.bootstrap import database_on
from bot.runtime import Runtime
from db.unit_of_work import Database
from emulator import DEFAULT_TOKEN, BotApiEmulator, BotMessage, SimChat, SimUser
from emulator.harness import running_application
from tests.support import FrozenClock, engine_of_this_process


@dataclass
class BotUnderTest:
    emulator: BotApiEmulator
    database: Database
    clock: FrozenClock
    runtime: Runtime
    application: Application  # type: ignore[type-arg]

    async def rows(self, model: type) -> int:
        async with self.database.unit_of_work() as uow:
            return int(await uow.session.scalar(select(func.count()).select_from(model)) or 0)


@pytest.fixture
def clock() -> FrozenClock:
    return FrozenClock(datetime(2026, 3, 2, 9, 0, tzinfo=UTC))


@pytest.fixture
def conversation_timeout() -> float:
    return 600.0


@pytest.fixture
def reply_retry_delays() -> tuple[float, ...]:
    # Short waits between the tries of a failed reply: the tests inject the failures.
    return (0.01, 0.02, 0.05)


@pytest.fixture
def bot_api_timeout() -> float:
    return 5.0


@pytest.fixture
def rate_limited() -> bool:
    # Telegram's limits would only slow the tests down; the tests of the limiter turn it on.
    return False


@pytest.fixture
async def bot(
    database_url: str,
    clock: FrozenClock,
    conversation_timeout: float,
    reply_retry_delays: tuple[float, ...],
    bot_api_timeout: float,
    rate_limited: bool,
) -> AsyncIterator[BotUnderTest]:
    async with BotApiEmulator(token=DEFAULT_TOKEN) as emulator:
        # What the bot runs at start, on this test process's engine: on a migrated schema it
        # finds nothing to do.
        database = await database_on(engine_of_this_process(database_url))
        runtime = Runtime(
            database=database,
            clock=clock,
            conversation_timeout=conversation_timeout,
            reply_retry_delays=reply_retry_delays,
            bot_api_timeout=bot_api_timeout,
        )
        application = build_application(
            runtime,
            DEFAULT_TOKEN,
            base_url=emulator.base_url,
            base_file_url=emulator.base_file_url,
            rate_limited=rate_limited,
        )
        try:
            async with running_application(application, poll_timeout=1):
                yield BotUnderTest(emulator, database, clock, runtime, application)
        finally:
            await database.dispose()


@pytest.fixture
def alice_chat(bot: BotUnderTest) -> SimChat:
    alice = bot.emulator.user(first_name="Alice", language_code="en")
    return bot.emulator.private_chat(alice)


async def say(chat: SimChat, text: str, **kwargs: object) -> BotMessage:
    """Sends a message and returns the bot's next reply."""
    await chat.send(text, **kwargs)  # type: ignore[arg-type]
    return await chat.next_reply()


async def each_refused(
    subtests: pytest.Subtests,
    chat: SimChat,
    refusals: Sequence[tuple[str, str]],
    state: Callable[[], Awaitable[object]],
) -> None:
    """Sends each bad input in turn, each a subtest: the reply holds its expected words, is no
    apology for an error, and ``state`` (what the input could have changed) is as before."""
    for text, expected in refusals:
        with subtests.test(text):
            before = await state()
            answer = await say(chat, text)
            assert expected in answer.text, chat.transcript()
            assert "Sorry" not in answer.text, chat.transcript()
            assert await state() == before


async def press(
    chat: SimChat, message: BotMessage, label: str, *, sender: SimUser | None = None
) -> str:
    """Presses the button whose text contains ``label`` (in a group, as ``sender``); returns the
    callback query id."""
    for row in message.buttons:
        for found in row:
            if label in found.text:
                return await chat.press(message, found.text, sender=sender)
    raise AssertionError(f"no button with {label!r}: {message.buttons}\n{chat.transcript()}")


async def edited(chat: SimChat, message: BotMessage) -> BotMessage:
    """The next edit of ``message`` (edits of other messages before it are passed over)."""
    while True:
        edit = await chat.next_edit()
        if edit.message_id == message.message_id:
            return edit
