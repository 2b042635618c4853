"""`hourglass run --webhook`: the whole process receives updates by webhook and answers."""

from __future__ import annotations

import asyncio
import contextlib
import json
import signal
import socket
from pathlib import Path

import pytest

from bot.webhook import SECRET_HEADER, derived_secret
from emulator import DEFAULT_TOKEN, BotApiEmulator
from tests.cli.processes import start_hourglass
from tests.support import process_env


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.mark.timeout(90)
async def test_webhook_mode_registers_the_webhook_and_answers_through_it(
    tmp_path: Path, migrated_file_url: str
) -> None:
    port = free_port()
    async with BotApiEmulator(token=DEFAULT_TOKEN) as emulator:
        founder = emulator.user(first_name="Founder", language_code="en")
        chat = emulator.private_chat(founder)
        env = process_env(
            HOURGLASS_TELEGRAM_TOKEN=DEFAULT_TOKEN,
            HOURGLASS_TELEGRAM_API_URL=emulator.base_url,
            HOURGLASS_DATABASE_URL=migrated_file_url,
            HOURGLASS_WEBHOOK_URL=f"http://127.0.0.1:{port}/telegram",
            HOURGLASS_WEBHOOK_LISTEN="127.0.0.1",
            HOURGLASS_WEBHOOK_PORT=str(port),
            HOURGLASS_WEBHOOK_SECRET="s3cret-value-of-good-length",
            HOURGLASS_LOG_LEVEL="WARNING",
        )
        process = await start_hourglass(
            "run",
            "--webhook",
            env=env,
            cwd=tmp_path,
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
        assert "s3cret-value-of-good-length" not in stderr.decode()


FORGED_UPDATE = {
    "update_id": 990001,
    "message": {
        "message_id": 990001,
        "date": 1_780_000_000,
        "chat": {"id": 4242, "type": "private", "first_name": "Mallory"},
        "from": {"id": 4242, "is_bot": False, "first_name": "Mallory"},
        "text": "/new Forged experiment",
    },
}


async def forged_post(port: int, headers: dict[str, str], body: bytes | None = None) -> int:
    """A POST straight to the bot's port; the body is sent only if given (else just headers)."""
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    try:
        head = ["POST /telegram HTTP/1.1", "Host: 127.0.0.1"]
        head += [f"{name}: {value}" for name, value in headers.items()]
        if body is not None:
            head.append(f"Content-Length: {len(body)}")
        writer.write(("\r\n".join(head) + "\r\n\r\n").encode() + (body or b""))
        await writer.drain()
        status_line = await asyncio.wait_for(reader.readline(), timeout=30)
        return int(status_line.split()[1])
    finally:
        writer.close()


@pytest.mark.timeout(90)
async def test_webhook_mode_without_a_secret_registers_a_strong_one_and_never_shows_it(
    tmp_path: Path,
    migrated_file_url: str,
) -> None:
    port = free_port()
    secret = derived_secret(DEFAULT_TOKEN)
    async with BotApiEmulator(token=DEFAULT_TOKEN) as emulator:
        founder = emulator.user(first_name="Founder", language_code="en")
        chat = emulator.private_chat(founder)
        env = process_env(
            HOURGLASS_TELEGRAM_TOKEN=DEFAULT_TOKEN,
            HOURGLASS_TELEGRAM_API_URL=emulator.base_url,
            HOURGLASS_DATABASE_URL=migrated_file_url,
            HOURGLASS_WEBHOOK_URL=f"http://127.0.0.1:{port}/telegram",
            HOURGLASS_WEBHOOK_PORT=str(port),
            # DEBUG: PTB logs the parameters of every Bot API call, setWebhook's among them.
            HOURGLASS_LOG_LEVEL="DEBUG",
        )
        # The debug log is long: to a file, so a full pipe never stalls the process.
        log_path = tmp_path / "output.log"
        log = log_path.open("wb")
        process = await start_hourglass(
            "run",
            "--webhook",
            env=env,
            cwd=tmp_path,
            output=log,
        )
        try:
            registered = await emulator.world.wait_until(
                lambda: emulator.webhook is not None, timeout=60
            )
            assert registered, "the bot never called setWebhook"
            assert emulator.webhook is not None
            assert emulator.webhook["secret_token"] == secret
            # Forged requests straight to the bot's port: refused, and nothing is handled.
            forged = json.dumps(FORGED_UPDATE).encode()
            assert await forged_post(port, {}, forged) == 403
            assert (
                await forged_post(port, {SECRET_HEADER: "guessed-secret-value-123"}, forged) == 403
            )
            # With the secret: a huge announced body is refused before any of it is sent, and
            # a body that is not JSON is a bad request.
            assert (
                await forged_post(port, {SECRET_HEADER: secret, "Content-Length": "90000000"})
                == 413
            )
            assert await forged_post(port, {SECRET_HEADER: secret}, b"{not json") == 400
            await chat.send("/new Webhook experiment")
            created = await chat.next_reply(timeout=30)
        finally:
            process.send_signal(signal.SIGTERM)
            try:
                await asyncio.wait_for(process.wait(), timeout=30)
            finally:
                with contextlib.suppress(ProcessLookupError):
                    process.kill()
                log.close()
        output = log_path.read_text(errors="replace")
        # The forged /new created nothing: the founder's experiment is the first one.
        assert "Created experiment #1" in created.text, output
        assert not [c for c in emulator.calls_to("sendMessage") if c.get("chat_id") == 4242]
        assert "setWebhook" in output  # the debug log is there ...
        assert DEFAULT_TOKEN not in output  # ... without the token
        assert secret not in output  # ... and without the secret
