"""`hourglass run --webhook`: the whole process receives updates by webhook and answers."""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import socket
import sys
from pathlib import Path

import pytest

from bot.emulator import DEFAULT_TOKEN, BotApiEmulator


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.mark.timeout(90)
async def test_webhook_mode_registers_the_webhook_and_answers_through_it(tmp_path: Path) -> None:
    port = free_port()
    async with BotApiEmulator(token=DEFAULT_TOKEN) as emulator:
        founder = emulator.user(first_name="Founder", language_code="en")
        chat = emulator.private_chat(founder)
        env = {k: v for k, v in os.environ.items() if not k.startswith("HOURGLASS_")}
        env.update(
            HOURGLASS_TELEGRAM_TOKEN=DEFAULT_TOKEN,
            HOURGLASS_TELEGRAM_API_URL=emulator.base_url,
            HOURGLASS_DATABASE_URL=f"sqlite+aiosqlite:///{tmp_path}/webhook.sqlite3",
            HOURGLASS_WEBHOOK_URL=f"http://127.0.0.1:{port}/telegram",
            HOURGLASS_WEBHOOK_LISTEN="127.0.0.1",
            HOURGLASS_WEBHOOK_PORT=str(port),
            HOURGLASS_WEBHOOK_SECRET="s3cret-value",
            HOURGLASS_LOG_LEVEL="WARNING",
            PYTHONPATH=str(Path.cwd()),
        )
        process = await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            "bot.cli",
            "run",
            "--webhook",
            env=env,
            cwd=tmp_path,
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.PIPE,
        )
        try:
            registered = await emulator.world.wait_until(
                lambda: emulator.webhook is not None, timeout=60
            )
            assert registered, "the bot never called setWebhook"
            assert emulator.webhook is not None
            assert emulator.webhook["url"] == f"http://127.0.0.1:{port}/telegram"
            await chat.send("/new Webhook experiment")
            created = await chat.next_reply(timeout=30)
            await chat.send("/log #1 B 200 9")
            logged = await chat.next_reply(timeout=30)
        finally:
            process.send_signal(signal.SIGTERM)
            try:
                _, stderr = await asyncio.wait_for(process.communicate(), timeout=30)
            finally:
                with contextlib.suppress(ProcessLookupError):
                    process.kill()
        assert "Created experiment #1" in created.text, stderr.decode()
        assert "New totals of B: 9 of 200" in logged.text
        assert emulator.webhook_deliveries == 2
        assert DEFAULT_TOKEN not in stderr.decode()
        assert "s3cret-value" not in stderr.decode()
