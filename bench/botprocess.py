"""A bot in a process of its own against the parent's Bot API emulator, for the benches.

``python bench/botprocess.py hourglass|echo|echo-lean API_URL FILE_URL [DATABASE_URL]`` runs
the bot with long polling until its stdin closes; it prints ``ready`` once it polls.
``BotProcess`` starts one and reads its CPU time and memory from /proc, so what is measured is
the bot alone, not the emulator or the simulated users (which live in the parent).

The baseline is a bare python-telegram-bot echo bot: a message is answered with its own text
and one inline button; a press of that button is answered and replied to with a message — the
same Bot API calls the Hourglass bot makes for a /log, a /readout and a button, with no work
behind them. ``echo-lean`` is the same echo bot on the Hourglass bot's HTTP client
(``bot.transport.StreamRequest``) instead of python-telegram-bot's default (httpx).
"""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
TOKEN = "123456:TEST-token"
CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


async def _serve_until_stdin_closes(application: Any, *, settle: bool = False) -> None:
    from emulator.harness import running_application

    async with running_application(application, poll_timeout=1):
        if settle:  # as `hourglass run` does once started
            from bot.cli import keep_startup_objects

            keep_startup_objects()
        print("ready", flush=True)
        loop = asyncio.get_running_loop()
        await loop.run_in_executor(None, sys.stdin.read)


async def serve_echo(api_url: str, file_url: str, *, lean: bool = False) -> None:
    from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
    from telegram.ext import (
        ApplicationBuilder,
        CallbackQueryHandler,
        ContextTypes,
        MessageHandler,
        filters,
    )

    keyboard = InlineKeyboardMarkup([[InlineKeyboardButton("📊 Readout", callback_data="echo")]])

    async def echo(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        assert update.effective_message is not None and update.effective_message.text
        await update.effective_message.reply_text(
            update.effective_message.text, reply_markup=keyboard
        )

    async def pressed(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        query = update.callback_query
        assert query is not None and query.message is not None
        await query.answer()
        await context.bot.send_message(query.message.chat.id, "pressed", reply_markup=keyboard)

    builder = (
        ApplicationBuilder()
        .token(TOKEN)
        .base_url(api_url)
        .base_file_url(file_url)
        .concurrent_updates(True)
    )
    if lean:
        from bot.transport import StreamRequest

        builder = builder.request(StreamRequest(connection_pool_size=256)).get_updates_request(
            StreamRequest()
        )
    application = builder.build()
    application.add_handler(MessageHandler(filters.ALL, echo))
    application.add_handler(CallbackQueryHandler(pressed))
    await _serve_until_stdin_closes(application)


async def serve_hourglass(api_url: str, file_url: str, database_url: str) -> None:
    from bot.app import build_application
    from bot.bootstrap import open_database
    from bot.runtime import Runtime

    database = await open_database(database_url)
    runtime = Runtime(database=database, clock=lambda: datetime.now(UTC))
    application = build_application(
        runtime, TOKEN, base_url=api_url, base_file_url=file_url, rate_limited=False
    )
    try:
        await _serve_until_stdin_closes(application, settle=True)
    finally:
        await database.dispose()


class BotProcess:
    """One bot process: started against the emulator, measured through /proc, then stopped."""

    def __init__(
        self,
        kind: str,
        api_url: str,
        file_url: str,
        database_url: str = "",
        *,
        profile_path: str | None = None,
    ) -> None:
        self.kind = kind
        env = {**os.environ, "PYTHONPATH": str(ROOT)}
        env = {k: v for k, v in env.items() if not k.startswith(("HOURGLASS_", "BENCH_"))}
        if profile_path:
            env["BENCH_PROFILE"] = profile_path
        self.process = subprocess.Popen(
            [sys.executable, str(Path(__file__)), kind, api_url, file_url, database_url],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
            env=env,
            cwd=ROOT,
        )

    async def ready(self) -> None:
        assert self.process.stdout is not None
        line = await asyncio.to_thread(self.process.stdout.readline)
        if line.strip() != "ready":
            raise RuntimeError(f"the {self.kind} bot did not start (exit {self.process.poll()})")

    def cpu_seconds(self) -> float:
        """User + system CPU time of the bot process (all its threads) so far."""
        fields = Path(f"/proc/{self.process.pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / CLOCK_TICKS

    def memory_mb(self) -> tuple[float, float]:
        """(resident now, peak resident) in MB."""
        status = Path(f"/proc/{self.process.pid}/status").read_text().splitlines()
        values = {line.split(":")[0]: line.split()[1] for line in status if line.startswith("Vm")}
        return int(values["VmRSS"]) / 1024, int(values["VmHWM"]) / 1024

    async def stop(self) -> None:
        """Closes its stdin and waits (the emulator keeps answering its last calls)."""
        assert self.process.stdin is not None
        self.process.stdin.close()
        try:
            await asyncio.to_thread(self.process.wait, 30)
        except subprocess.TimeoutExpired:
            self.process.kill()
            await asyncio.to_thread(self.process.wait)


def main() -> None:
    kind, api_url, file_url = sys.argv[1:4]
    serve = (
        serve_echo(api_url, file_url, lean=kind == "echo-lean")
        if kind.startswith("echo")
        else serve_hourglass(api_url, file_url, sys.argv[4])
    )
    # bench/profile_updates.py: the profile of the whole run, written when the bot stops.
    profile_path = os.environ.get("BENCH_PROFILE")
    if not profile_path:
        asyncio.run(serve)
        return
    import cProfile
    import time

    # CPU time of the process (the database driver's thread included), not the wall clock:
    # waiting for the emulator's answers is not the bot's cost.
    profiler = cProfile.Profile(time.process_time)
    profiler.enable()
    try:
        asyncio.run(serve)
    finally:
        profiler.disable()
        profiler.dump_stats(profile_path)


if __name__ == "__main__":
    main()
