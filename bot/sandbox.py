"""`hourglass sandbox`: the whole bot against a local Bot API emulator, chatting in the terminal."""

from __future__ import annotations

import logging
import sys
from collections.abc import AsyncIterator
from pathlib import Path
from typing import TextIO

from telegram.ext import Application

from bot.bootstrap import make_application
from bot.config import Settings
from bot.errors import configure_logging
from emulator import DEFAULT_TOKEN, BotApiEmulator
from emulator.harness import all_handled, running_application
from emulator.terminal import run_terminal_chat, stdin_lines

ANSWER_SECONDS = 15.0
WELCOME = (
    "Hourglass sandbox — you are chatting with the real bot through a local Telegram emulator.\n"
    "Type commands as in Telegram (start with /start or /help); a number you type is sent as\n"
    "text, like an answer. Buttons show as [:3 Pause]: type :3 to press that one.\n"
    ":help lists the sandbox's own commands, :quit leaves.\n"
)


async def paced(
    lines: AsyncIterator[str], emulator: BotApiEmulator, application: Application
) -> AsyncIterator[str]:
    """Piped input waits for the bot to have handled each line before the next.

    A person at the keyboard sees the answer before typing; a script should too, or a button
    number could press a keyboard the bot has not sent yet.
    """
    async for line in lines:
        yield line
        if line.startswith(":") and not line.startswith(":upload") and not line[1:].isdigit():
            continue
        await all_handled(application, emulator, ANSWER_SECONDS)


async def run_sandbox(
    settings: Settings,
    *,
    database_url: str | None,
    files_dir: Path,
    user_name: str = "Founder",
    language: str = "en",
    input_lines: AsyncIterator[str] | None = None,
    out: TextIO = sys.stdout,
) -> int:
    configure_logging("WARNING", DEFAULT_TOKEN)
    logging.getLogger("telegram").setLevel(logging.ERROR)
    url = database_url or settings.database_url
    async with BotApiEmulator(token=DEFAULT_TOKEN) as emulator:
        application, database = await make_application(
            url, DEFAULT_TOKEN, base_url=emulator.base_url, base_file_url=emulator.base_file_url
        )
        try:
            async with running_application(application, poll_timeout=1):
                founder = emulator.user(first_name=user_name, language_code=language)
                chat = emulator.private_chat(founder)
                out.write(WELCOME)
                out.write(f"Database: {url}\nFiles the bot sends go to: {files_dir}/\n\n")
                out.flush()
                if input_lines is None and not sys.stdin.isatty():
                    input_lines = paced(stdin_lines(), emulator, application)
                await run_terminal_chat(
                    emulator, chat, input_lines=input_lines, out=out, files_dir=files_dir
                )
        finally:
            await database.dispose()
    return 0
