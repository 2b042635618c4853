"""Fixtures: a started emulator, a real telegram.Bot against it, a user and her chat."""

from collections.abc import AsyncIterator

import pytest
from telegram import Bot

from emulator import BotApiEmulator, SimChat, SimUser

TOKEN = "123456:TEST-token"


@pytest.fixture
async def emu() -> AsyncIterator[BotApiEmulator]:
    async with BotApiEmulator(token=TOKEN, bot_username="hourglass_test_bot") as emulator:
        yield emulator


@pytest.fixture
async def bot(emu: BotApiEmulator) -> AsyncIterator[Bot]:
    async with Bot(TOKEN, base_url=emu.base_url, base_file_url=emu.base_file_url) as real_bot:
        yield real_bot


@pytest.fixture
def alice(emu: BotApiEmulator) -> SimUser:
    return emu.user("Alice", last_name="Smith", username="alice", language_code="en")


@pytest.fixture
def chat(emu: BotApiEmulator, alice: SimUser) -> SimChat:
    return emu.private_chat(alice)
