"""The webhook endpoint on 127.0.0.1: the secret and the size are checked before the body."""

from __future__ import annotations

import asyncio
import contextlib
import json
from collections.abc import AsyncIterator
from dataclasses import dataclass

import pytest
from telegram.ext import Application

from bot.webhook import MAX_BODY_BYTES, SECRET_HEADER, WEBHOOK_PATH, WebhookServer, derived_secret
from emulator import DEFAULT_TOKEN

SECRET = "a-webhook-secret-of-good-length"

AN_UPDATE = {
    "update_id": 7001,
    "message": {
        "message_id": 1,
        "date": 1_780_000_000,
        "chat": {"id": 42, "type": "private", "first_name": "Founder"},
        "from": {"id": 42, "is_bot": False, "first_name": "Founder"},
        "text": "/help",
    },
}


@dataclass
class Endpoint:
    application: Application
    port: int

    async def post(self, body: bytes, headers: dict[str, str]) -> tuple[int, bytes]:
        """A raw HTTP/1.1 POST; returns the status and the response body."""
        return await raw_post(self.port, body, headers)


async def raw_post(port: int, body: bytes, headers: dict[str, str]) -> tuple[int, bytes]:
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    try:
        lines = [f"POST {WEBHOOK_PATH} HTTP/1.1", f"Host: 127.0.0.1:{port}"]
        lines += [f"{name}: {value}" for name, value in headers.items()]
        if "Content-Length" not in headers:
            lines.append(f"Content-Length: {len(body)}")
        writer.write(("\r\n".join(lines) + "\r\n\r\n").encode() + body)
        await writer.drain()
        return await read_response(reader)
    finally:
        writer.close()


async def read_response(reader: asyncio.StreamReader) -> tuple[int, bytes]:
    head = await asyncio.wait_for(reader.readuntil(b"\r\n\r\n"), timeout=10)
    status = int(head.split(b" ", 2)[1])
    length = 0
    for line in head.split(b"\r\n"):
        if line.lower().startswith(b"content-length:"):
            length = int(line.split(b":", 1)[1])
    return status, await asyncio.wait_for(reader.readexactly(length), timeout=10)


@pytest.fixture
async def endpoint() -> AsyncIterator[Endpoint]:
    # A real PTB Application; nothing here calls the Bot API, the queue is only filled.
    application = Application.builder().token(DEFAULT_TOKEN).updater(None).build()
    server = WebhookServer(application, secret=SECRET, listen="127.0.0.1", port=0)
    await server.start()
    try:
        yield Endpoint(application, server.port)
    finally:
        await server.stop()


def as_json(update: dict[str, object]) -> bytes:
    return json.dumps(update).encode()


async def test_a_good_update_with_the_secret_is_queued_for_handling(endpoint: Endpoint) -> None:
    status, _ = await endpoint.post(as_json(AN_UPDATE), {SECRET_HEADER: SECRET})
    assert status == 200
    update = endpoint.application.update_queue.get_nowait()
    assert update.update_id == 7001
    assert update.message.text == "/help"


@pytest.mark.parametrize(
    "headers",
    [{}, {SECRET_HEADER: "wrong-secret-of-good-length"}, {SECRET_HEADER: SECRET + "x"}],
    ids=["no secret", "wrong secret", "longer secret"],
)
async def test_a_request_without_the_right_secret_is_refused(
    endpoint: Endpoint, headers: dict[str, str]
) -> None:
    status, _ = await endpoint.post(as_json(AN_UPDATE), headers)
    assert status == 403
    assert endpoint.application.update_queue.empty()


async def test_the_secret_is_checked_before_the_body_is_read(endpoint: Endpoint) -> None:
    # Headers announcing 50 MB and no body at all: the answer comes without waiting for it.
    reader, writer = await asyncio.open_connection("127.0.0.1", endpoint.port)
    writer.write(
        (
            f"POST {WEBHOOK_PATH} HTTP/1.1\r\nHost: x\r\nContent-Length: {50 * 1024 * 1024}\r\n"
            "Content-Type: application/json\r\n\r\n"
        ).encode()
    )
    await writer.drain()
    status, _ = await read_response(reader)
    writer.close()
    assert status == 403
    assert endpoint.application.update_queue.empty()


async def test_a_body_over_one_megabyte_is_refused_before_it_is_sent(endpoint: Endpoint) -> None:
    reader, writer = await asyncio.open_connection("127.0.0.1", endpoint.port)
    writer.write(
        (
            f"POST {WEBHOOK_PATH} HTTP/1.1\r\nHost: x\r\n{SECRET_HEADER}: {SECRET}\r\n"
            f"Content-Length: {MAX_BODY_BYTES + 1}\r\n\r\n"
        ).encode()
    )
    await writer.drain()
    # Not one byte of the body has been sent, and the answer is already there.
    status, _ = await read_response(reader)
    writer.close()
    assert status == 413
    assert endpoint.application.update_queue.empty()


async def test_a_chunked_body_over_one_megabyte_is_refused(endpoint: Endpoint) -> None:
    # Without a Content-Length the server reads at most 1 MB and then refuses.
    reader, writer = await asyncio.open_connection("127.0.0.1", endpoint.port)
    writer.write(
        (
            f"POST {WEBHOOK_PATH} HTTP/1.1\r\nHost: x\r\n{SECRET_HEADER}: {SECRET}\r\n"
            "Transfer-Encoding: chunked\r\n\r\n"
        ).encode()
    )
    chunk = b"x" * 65536
    for _ in range(MAX_BODY_BYTES // len(chunk) + 2):
        writer.write(b"%x\r\n" % len(chunk) + chunk + b"\r\n")
    writer.write(b"0\r\n\r\n")
    with contextlib.suppress(ConnectionError):  # the server may close before it is all written
        await writer.drain()
    status, _ = await read_response(reader)
    writer.close()
    assert status == 413
    assert endpoint.application.update_queue.empty()


async def test_a_body_of_exactly_one_megabyte_is_read(endpoint: Endpoint) -> None:
    padded = as_json({**AN_UPDATE, "update_id": 7002})
    padded += b" " * (MAX_BODY_BYTES - len(padded))
    status, _ = await endpoint.post(padded, {SECRET_HEADER: SECRET})
    assert status == 200
    assert endpoint.application.update_queue.get_nowait().update_id == 7002


@pytest.mark.parametrize(
    "body",
    [
        b"{not json",
        b"",
        b"\xff\xfe\x00garbage",
        b"[1, 2, 3]",
        b'"a string"',
        b'{"message": {"text": "no update id"}}',
        b'{"update_id": "7"}',
        b'{"update_id": 7, "message": "not an object"}',
        b"[" * 100_000,
    ],
    ids=[
        "broken",
        "empty",
        "not utf-8",
        "a list",
        "a string",
        "no update id",
        "text update id",
        "bad message",
        "deeply nested",
    ],
)
async def test_a_body_that_is_not_an_update_is_a_bad_request(
    endpoint: Endpoint, body: bytes
) -> None:
    status, _ = await endpoint.post(body, {SECRET_HEADER: SECRET})
    assert status == 400
    assert endpoint.application.update_queue.empty()


async def test_other_paths_and_methods_are_not_served(endpoint: Endpoint) -> None:
    reader, writer = await asyncio.open_connection("127.0.0.1", endpoint.port)
    writer.write(f"GET {WEBHOOK_PATH} HTTP/1.1\r\nHost: x\r\n\r\n".encode())
    await writer.drain()
    status, _ = await read_response(reader)
    writer.close()
    assert status == 405
    status, _ = await raw_post_to(endpoint.port, "/other", as_json(AN_UPDATE), SECRET)
    assert status == 404
    assert endpoint.application.update_queue.empty()


async def raw_post_to(port: int, path: str, body: bytes, secret: str) -> tuple[int, bytes]:
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    try:
        writer.write(
            (
                f"POST {path} HTTP/1.1\r\nHost: x\r\n{SECRET_HEADER}: {secret}\r\n"
                f"Content-Length: {len(body)}\r\n\r\n"
            ).encode()
            + body
        )
        await writer.drain()
        return await read_response(reader)
    finally:
        writer.close()


def test_the_derived_secret_is_strong_stable_and_accepted_by_telegram() -> None:
    secret = derived_secret(DEFAULT_TOKEN)
    assert secret == derived_secret(DEFAULT_TOKEN)
    assert secret != derived_secret("654321:OTHER-token")
    assert len(secret) == 43  # 256 bits, base64url without padding
    assert DEFAULT_TOKEN not in secret
    assert all(c.isascii() and (c.isalnum() or c in "_-") for c in secret)
