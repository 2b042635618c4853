"""The bot's HTTP client for the Bot API: HTTP/1.1 with keep-alive on asyncio's own streams.

python-telegram-bot's default client (httpx, over httpcore, anyio and h11) spends about 1.3–1.6
ms of CPU on each Bot API call: two thirds of what a bare echo bot spends on a message
(``bench/updates.py``). The Bot API needs only a small part of HTTP: a POST of JSON (or of a
multipart form when a file goes up), a GET for a file, and an answer with a length or in
chunks. This client does that part with about an eighth of the CPU (``bench/transport.py``:
159 against 1,342 µs per call).

What the bot relies on is kept: the same timeouts with the same defaults, a pool of
connections kept open for ``KEEPALIVE_EXPIRY`` seconds, ``TimedOut`` and ``NetworkError`` as
python-telegram-bot's own client raises them, and a cause in ``NOT_SENT`` when the request
cannot have reached Telegram (no connection opened, or none free), which the digest's retries
rely on. A connection that the server closed while it was idle is not reused; a call whose
connection fails is not tried again here (``RetryingRequest`` decides that).

Proxies are the one thing left to httpx: when the environment names one, ``bot_api_request``
gives the default client, which honours it.
"""

from __future__ import annotations

import asyncio
import re
import ssl
import time
import urllib.request
import uuid
from collections.abc import Callable
from typing import Any
from urllib.parse import urlsplit

import httpx
from telegram.error import NetworkError, TimedOut
from telegram.request import BaseRequest, HTTPXRequest, RequestData

# How long an idle connection is kept for the next call (httpx's default).
KEEPALIVE_EXPIRY = 5.0
# The most header bytes an answer may have.
HEADER_LIMIT = 64 * 1024


class ConnectFailed(Exception):
    """No connection to the Bot API could be opened: the request was not sent."""


class PoolExhausted(Exception):
    """Every connection of the pool stayed busy: the request was not sent."""


# The causes of a NetworkError after which Telegram certainly did not act on the request
# (this module's, and httpx's behind a proxy).
NOT_SENT: tuple[type[BaseException], ...] = (
    ConnectFailed,
    PoolExhausted,
    httpx.ConnectError,
    httpx.ConnectTimeout,
    httpx.PoolTimeout,
)


def certainly_not_delivered(error: NetworkError) -> bool:
    """True when Telegram cannot have acted on the request that failed.

    A transport failure is raised as a NetworkError *from* its cause; an error status (5xx)
    has no cause: Telegram said it did not do it.
    """
    cause = error.__cause__
    if cause is None:
        return True
    return isinstance(cause, NOT_SENT)


class _Connection:
    __slots__ = ("idle_since", "reader", "writer")

    def __init__(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.reader = reader
        self.writer = writer
        self.idle_since = 0.0

    def reusable(self, now: float) -> bool:
        """Still open, with nothing unread, and not idle for too long."""
        return (
            not self.writer.is_closing()
            and not self.reader.at_eof()
            # Bytes nobody asked for: the stream is out of step with its requests.
            and not getattr(self.reader, "_buffer", b"")
            and now - self.idle_since < KEEPALIVE_EXPIRY
        )

    def close(self) -> None:
        self.writer.close()


class StreamRequest(BaseRequest):
    """A python-telegram-bot request class on asyncio streams (see the module docstring)."""

    def __init__(
        self,
        connection_pool_size: int = 1,
        read_timeout: float | None = 5.0,
        write_timeout: float | None = 5.0,
        connect_timeout: float | None = 5.0,
        pool_timeout: float | None = 1.0,
        media_write_timeout: float | None = 20.0,
        ssl_context: ssl.SSLContext | None = None,
    ) -> None:
        self._read_timeout = read_timeout
        self._write_timeout = write_timeout
        self._connect_timeout = connect_timeout
        self._pool_timeout = pool_timeout
        self._media_write_timeout = media_write_timeout
        self._ssl_context = ssl_context
        self._slots = asyncio.Semaphore(connection_pool_size)
        self._idle: dict[tuple[str, str, int], list[_Connection]] = {}
        self._shut = False

    @property
    def read_timeout(self) -> float | None:
        return self._read_timeout

    async def initialize(self) -> None:
        self._shut = False

    async def shutdown(self) -> None:
        # A call still under way closes its connection when it ends.
        self._shut = True
        for connections in self._idle.values():
            for connection in connections:
                connection.close()
        self._idle.clear()

    async def do_request(
        self,
        url: str,
        method: str,
        request_data: RequestData | None = None,
        read_timeout: Any = BaseRequest.DEFAULT_NONE,
        write_timeout: Any = BaseRequest.DEFAULT_NONE,
        connect_timeout: Any = BaseRequest.DEFAULT_NONE,
        pool_timeout: Any = BaseRequest.DEFAULT_NONE,
    ) -> tuple[int, bytes]:
        files = request_data is not None and request_data.contains_files
        read_timeout = _given(read_timeout, self._read_timeout)
        connect_timeout = _given(connect_timeout, self._connect_timeout)
        pool_timeout = _given(pool_timeout, self._pool_timeout)
        write_timeout = _given(
            write_timeout, self._media_write_timeout if files else self._write_timeout
        )
        parts = urlsplit(url)
        secure = parts.scheme == "https"
        host = parts.hostname or ""
        origin = (parts.scheme, host, parts.port or (443 if secure else 80))
        target = parts.path + (f"?{parts.query}" if parts.query else "")
        # The Host header names the server alone, never credentials written into the URL.
        head, body = _request(method, target, parts.netloc.rpartition("@")[2], request_data)

        try:
            async with asyncio.timeout(pool_timeout):
                await self._slots.acquire()
        except TimeoutError as error:
            raise TimedOut(
                "Pool timeout: all connections in the pool are busy. The request was not sent."
            ) from PoolExhausted(str(error))
        try:
            connection = await self._connection(origin, secure, host, connect_timeout)
            finished = False
            try:
                try:
                    async with asyncio.timeout(write_timeout):
                        connection.writer.write(head + body)
                        await connection.writer.drain()
                    async with asyncio.timeout(read_timeout):
                        code, payload, keep = await _response(connection.reader)
                except TimeoutError as error:
                    raise TimedOut from error
                except (
                    OSError,
                    ValueError,
                    asyncio.IncompleteReadError,
                    asyncio.LimitOverrunError,
                ) as error:
                    raise NetworkError(f"{type(error).__name__}: {error}") from error
                finished = keep
            finally:
                if finished and not self._shut:
                    connection.idle_since = time.monotonic()
                    self._idle.setdefault(origin, []).append(connection)
                else:
                    connection.close()
        finally:
            self._slots.release()
        return code, payload

    def _tls(self) -> ssl.SSLContext:
        if self._ssl_context is None:
            # Made once: loading the certificate store takes tens of milliseconds.
            self._ssl_context = ssl.create_default_context()
        return self._ssl_context

    async def _connection(
        self, origin: tuple[str, str, int], secure: bool, host: str, timeout: float | None
    ) -> _Connection:
        idle = self._idle.get(origin, [])
        now = time.monotonic()
        while idle:
            connection = idle.pop()
            if connection.reusable(now):
                return connection
            connection.close()
        try:
            async with asyncio.timeout(timeout):
                reader, writer = await asyncio.open_connection(
                    origin[1],
                    origin[2],
                    ssl=self._tls() if secure else None,
                    server_hostname=host if secure else None,
                    limit=HEADER_LIMIT,
                )
        except TimeoutError as error:
            raise TimedOut("Connect timeout: the request was not sent.") from ConnectFailed(
                str(error)
            )
        except OSError as error:
            raise NetworkError(f"could not connect: {error}") from ConnectFailed(str(error))
        return _Connection(reader, writer)


def _given(value: Any, default: float | None) -> float | None:
    """A timeout passed by the caller, or this client's default when none was given."""
    return default if isinstance(value, type(BaseRequest.DEFAULT_NONE)) else value


def _request(
    method: str, target: str, netloc: str, request_data: RequestData | None
) -> tuple[bytes, bytes]:
    """The head and the body of a request: JSON, or a multipart form when it carries files."""
    if request_data is None:
        content_type, body = None, b""
    elif request_data.contains_files:
        content_type, body = _multipart(request_data)
    else:
        content_type, body = "application/json", request_data.json_payload
    lines = [
        f"{method} {target} HTTP/1.1",
        f"Host: {netloc}",
        f"User-Agent: {HTTPXRequest.USER_AGENT}",
        "Accept: */*",
        "Connection: keep-alive",
    ]
    if content_type is not None:
        lines.append(f"Content-Type: {content_type}")
    if body or method == "POST":
        lines.append(f"Content-Length: {len(body)}")
    return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1"), body


def _multipart(request_data: RequestData) -> tuple[str, bytes]:
    boundary = uuid.uuid4().hex
    chunks: list[bytes] = []

    def part(name: str, data: bytes, file: tuple[str, str] | None = None) -> None:
        disposition = f'form-data; name="{_quoted(name)}"'
        if file is not None:
            disposition += f'; filename="{_quoted(file[0])}"\r\nContent-Type: {file[1]}'
        chunks.append(f"--{boundary}\r\nContent-Disposition: {disposition}\r\n\r\n".encode())
        chunks.extend((data, b"\r\n"))

    for name, value in request_data.json_parameters.items():
        part(name, value.encode())
    for name, (filename, content, mimetype) in request_data.multipart_data.items():
        data = content if isinstance(content, bytes) else content.read()
        part(name, data, (filename or name, mimetype or "application/octet-stream"))
    chunks.append(f"--{boundary}--\r\n".encode())
    return f"multipart/form-data; boundary={boundary}", b"".join(chunks)


# How HTML forms (and httpx) write a quoted field or file name: quotes, backslashes and
# control characters escaped.
_FORM_ESCAPES = {'"': "%22", "\\": "\\\\"} | {chr(c): f"%{c:02X}" for c in range(0x20) if c != 0x1B}
_FORM_ESCAPE = re.compile("|".join(re.escape(c) for c in _FORM_ESCAPES))


def _quoted(text: str) -> str:
    return _FORM_ESCAPE.sub(lambda found: _FORM_ESCAPES[found.group(0)], text)


async def _response(reader: asyncio.StreamReader) -> tuple[int, bytes, bool]:
    """Reads one answer: its status, its body, and whether the connection can be used again."""
    while True:
        head = await reader.readuntil(b"\r\n\r\n")
        status_line, *header_lines = head[:-4].decode("latin-1").split("\r\n")
        version, _, rest = status_line.partition(" ")
        if not version.startswith("HTTP/1."):
            raise ValueError(f"not an HTTP/1 answer: {status_line[:40]!r}")
        code = int(rest[:3])
        # An interim answer (100 Continue, 103 Early Hints) comes before the real one.
        if not 100 <= code < 200:
            break
    headers: dict[str, str] = {}
    for line in header_lines:
        name, _, value = line.partition(":")
        headers[name.strip().lower()] = value.strip()
    keep = version == "HTTP/1.1" and "close" not in headers.get("connection", "").lower()
    if "chunked" in headers.get("transfer-encoding", "").lower():
        body = await _chunked(reader)
    elif "content-length" in headers:
        body = await reader.readexactly(int(headers["content-length"]))
    elif code in (204, 304):
        body = b""
    else:
        body, keep = await reader.read(), False
    return code, body, keep


async def _chunked(reader: asyncio.StreamReader) -> bytes:
    chunks: list[bytes] = []
    while True:
        size_line = await reader.readuntil(b"\r\n")
        size = int(size_line.split(b";", 1)[0].strip(), 16)
        if size == 0:
            # Trailers, if any, end with an empty line.
            while await reader.readuntil(b"\r\n") != b"\r\n":
                pass
            return b"".join(chunks)
        chunks.append(await reader.readexactly(size))
        await reader.readexactly(2)


def proxy_configured(
    url: str, environ: Callable[[], dict[str, str]] = urllib.request.getproxies
) -> bool:
    """Whether the environment names a proxy for ``url`` (as httpx would use it)."""
    parts = urlsplit(url)
    proxies = environ()
    if not (proxies.get(parts.scheme) or proxies.get("all")):
        return False
    bypass = urllib.request.proxy_bypass_environment  # type: ignore[attr-defined]
    return not bypass(parts.hostname or "", proxies)


def bot_api_request(url: str, ssl_context: ssl.SSLContext, **options: Any) -> BaseRequest:
    """The client for Bot API calls to ``url``: this module's, or httpx's behind a proxy
    (``options``: the pool size and timeouts, which both take)."""
    if proxy_configured(url):
        return HTTPXRequest(httpx_kwargs={"verify": ssl_context}, **options)
    return StreamRequest(ssl_context=ssl_context, **options)
