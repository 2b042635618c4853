"""A start that fails says why in one line and never shows the token or the webhook secret."""

from __future__ import annotations

import asyncio
import logging
import socket
from pathlib import Path

import pytest

from bot.errors import RedactingFilter
from emulator import DEFAULT_TOKEN, BotApiEmulator
from tests.cli.processes import start_hourglass
from tests.support import process_env

REJECTED_TOKEN = "987654:REJECTED-token-value"
SECRET = "the-webhook-secret-value"


async def start(tmp_path: Path, database_url: str, **settings: str) -> tuple[int, str]:
    env = process_env(HOURGLASS_DATABASE_URL=database_url, **settings)
    process = await start_hourglass(
        "run",
        env=env,
        cwd=tmp_path,
    )
    stdout, stderr = await asyncio.wait_for(process.communicate(), timeout=60)
    assert process.returncode is not None
    return process.returncode, stdout.decode() + stderr.decode()


def closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.mark.timeout(90)
@pytest.mark.parametrize("level", ["INFO", "DEBUG"])
async def test_a_rejected_token_is_one_line_without_the_token(
    tmp_path: Path, migrated_file_url: str, level: str
) -> None:
    async with BotApiEmulator(token=DEFAULT_TOKEN) as emulator:
        code, output = await start(
            tmp_path,
            migrated_file_url,
            HOURGLASS_TELEGRAM_TOKEN=REJECTED_TOKEN,
            HOURGLASS_TELEGRAM_API_URL=emulator.base_url,
            HOURGLASS_LOG_LEVEL=level,
        )
    assert code == 1
    assert f"the Bot API at {emulator.base_url} rejected HOURGLASS_TELEGRAM_TOKEN" in output
    assert REJECTED_TOKEN not in output
    assert "REJECTED-token" not in output
    if level == "INFO":
        assert "Traceback" not in output


@pytest.mark.timeout(90)
async def test_a_mistyped_api_url_is_one_line_without_the_token(
    tmp_path: Path, migrated_file_url: str
) -> None:
    async with BotApiEmulator(token=DEFAULT_TOKEN) as emulator:
        # A path the emulator does not serve: Telegram answers such URLs with 404.
        wrong = emulator.base_url.replace("/bot", "/bto")
        code, output = await start(
            tmp_path,
            migrated_file_url,
            HOURGLASS_TELEGRAM_TOKEN=DEFAULT_TOKEN,
            HOURGLASS_TELEGRAM_API_URL=wrong,
        )
    assert code == 1
    last_line = output.strip().splitlines()[-1]
    assert last_line.startswith(f"hourglass: the Bot API at {wrong} rejected")
    assert DEFAULT_TOKEN not in output
    # PTB logs the unreadable answer it got; the start itself ends in that one line.
    assert "bot/cli.py" not in output


@pytest.mark.timeout(90)
async def test_an_unreachable_api_url_is_one_line_without_the_token(
    tmp_path: Path, migrated_file_url: str
) -> None:
    url = f"http://127.0.0.1:{closed_port()}/bot"
    code, output = await start(
        tmp_path,
        migrated_file_url,
        HOURGLASS_TELEGRAM_TOKEN=DEFAULT_TOKEN,
        HOURGLASS_TELEGRAM_API_URL=url,
        HOURGLASS_LOG_LEVEL="DEBUG",
    )
    assert code == 1
    # At DEBUG the redacted traceback follows the one line.
    assert any(
        line.startswith(f"hourglass: could not reach the Bot API at {url}")
        for line in output.splitlines()
    )
    assert DEFAULT_TOKEN not in output


@pytest.mark.timeout(90)
async def test_a_short_webhook_secret_is_refused_at_start(tmp_path: Path) -> None:
    env = process_env(
        HOURGLASS_TELEGRAM_TOKEN=DEFAULT_TOKEN,
        HOURGLASS_WEBHOOK_URL="https://bot.example/telegram",
        HOURGLASS_WEBHOOK_SECRET="short",
    )
    process = await start_hourglass(
        "run",
        "--webhook",
        env=env,
        cwd=tmp_path,
    )
    _, stderr = await asyncio.wait_for(process.communicate(), timeout=60)
    assert process.returncode == 2
    assert "HOURGLASS_WEBHOOK_SECRET must be 16 to 256" in stderr.decode()
    assert "short" not in stderr.decode().replace("shorter", "")


def test_the_filter_redacts_message_arguments_and_tracebacks() -> None:
    records: list[str] = []

    class Keep(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            records.append(self.format(record))

    handler = Keep()
    handler.addFilter(RedactingFilter(DEFAULT_TOKEN, SECRET))
    logger = logging.getLogger("tests.redaction")
    logger.addHandler(handler)
    logger.propagate = False
    try:
        logger.warning("calling %s with %s", f"/bot{DEFAULT_TOKEN}/setWebhook", {"s": SECRET})
        try:
            raise RuntimeError(f"failed at /bot{DEFAULT_TOKEN}/getMe")
        except RuntimeError:
            logger.exception("start failed for secret %s", SECRET)
    finally:
        logger.removeHandler(handler)
    text = "\n".join(records)
    assert "setWebhook" in text and "RuntimeError" in text and "Traceback" in text
    assert DEFAULT_TOKEN not in text
    assert SECRET not in text
    assert text.count("<redacted>") == 4


@pytest.mark.timeout(90)
async def test_a_webhook_port_in_use_is_one_line_without_the_token_or_secret(
    tmp_path: Path,
    migrated_file_url: str,
) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = int(taken.getsockname()[1])
        async with BotApiEmulator(token=DEFAULT_TOKEN) as emulator:
            env = process_env(
                HOURGLASS_TELEGRAM_TOKEN=DEFAULT_TOKEN,
                HOURGLASS_TELEGRAM_API_URL=emulator.base_url,
                HOURGLASS_DATABASE_URL=migrated_file_url,
                HOURGLASS_WEBHOOK_URL=f"http://127.0.0.1:{port}/telegram",
                HOURGLASS_WEBHOOK_PORT=str(port),
                HOURGLASS_WEBHOOK_SECRET=SECRET,
            )
            process = await start_hourglass(
                "run",
                "--webhook",
                env=env,
                cwd=tmp_path,
            )
            stdout, stderr = await asyncio.wait_for(process.communicate(), timeout=60)
    output = stdout.decode() + stderr.decode()
    assert process.returncode == 1
    last_line = output.strip().splitlines()[-1]
    assert last_line.startswith("hourglass: could not start:"), output
    assert str(port) in last_line and "in use" in last_line
    assert DEFAULT_TOKEN not in output and SECRET not in output
    assert "Traceback" not in output
    assert emulator.webhook is None  # nothing was registered for a server that never ran
