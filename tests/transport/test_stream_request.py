"""The bot's HTTP client against scripted servers on 127.0.0.1: what it sends, how it reads
answers, when it keeps a connection, and how failures reach python-telegram-bot."""

from __future__ import annotations

import asyncio
import json
import shutil
import ssl
import subprocess
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from pathlib import Path

import pytest
from aiohttp import web
from telegram import InputFile
from telegram.error import NetworkError, TimedOut
from telegram.request import HTTPXRequest, RequestData
from telegram.request._requestparameter import RequestParameter

from bot.transport import StreamRequest, bot_api_request, certainly_not_delivered, proxy_configured

pytestmark = pytest.mark.timeout(20)

Handler = Callable[["Server", asyncio.StreamReader, asyncio.StreamWriter], Awaitable[None]]


class Server:
    """A raw HTTP server whose answers each test writes byte for byte."""

    def __init__(self, handler: Handler) -> None:
        self.handler = handler
        self.connections = 0
        self.requests: list[tuple[str, dict[str, str], bytes]] = []
        self.got_request = asyncio.Event()
        self.port = 0

    async def serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.connections += 1
        try:
            await self.handler(self, reader, writer)
        except (ConnectionError, asyncio.IncompleteReadError):
            pass
        finally:
            writer.close()

    async def read_request(self, reader: asyncio.StreamReader) -> tuple[str, dict[str, str], bytes]:
        head = (await reader.readuntil(b"\r\n\r\n")).decode("latin-1")
        request_line, *lines = head[:-4].split("\r\n")
        headers = {}
        for line in lines:
            name, _, value = line.partition(":")
            headers[name.lower()] = value.strip()
        body = await reader.readexactly(int(headers.get("content-length", "0")))
        self.requests.append((request_line, headers, body))
        self.got_request.set()
        return request_line, headers, body

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/botTOKEN/getMe"


@asynccontextmanager
async def serving(
    handler: Handler, ssl_context: ssl.SSLContext | None = None
) -> AsyncIterator[Server]:
    server = Server(handler)
    listener = await asyncio.start_server(server.serve, "127.0.0.1", 0, ssl=ssl_context)
    server.port = listener.sockets[0].getsockname()[1]
    try:
        yield server
    finally:
        listener.close()


def answer(body: bytes, *headers: str, status: str = "200 OK") -> bytes:
    lines = [f"HTTP/1.1 {status}", f"Content-Length: {len(body)}", *headers]
    return ("\r\n".join(lines) + "\r\n\r\n").encode() + body


OK = b'{"ok":true,"result":true}'


async def keep_answering(
    server: Server, reader: asyncio.StreamReader, writer: asyncio.StreamWriter
) -> None:
    while True:
        await server.read_request(reader)
        writer.write(answer(OK))
        await writer.drain()


def first_answer(raw: bytes, *, then_close: bool = False) -> Handler:
    """A server that answers the first request of each connection with ``raw``, then closes
    the connection or goes on answering."""

    async def handler(
        server: Server, reader: asyncio.StreamReader, writer: asyncio.StreamWriter
    ) -> None:
        await server.read_request(reader)
        writer.write(raw)
        await writer.drain()
        if not then_close:
            await keep_answering(server, reader, writer)

    return handler


async def calls_in_turn(handler: Handler, count: int = 2) -> tuple[list[tuple[int, bytes]], Server]:
    """Makes ``count`` calls one after another through one client; their answers, and the
    server (what it received, how many connections it was opened)."""
    async with serving(handler) as server:
        client = StreamRequest()
        answers = [await client.do_request(server.url, "POST") for _ in range(count)]
        await client.shutdown()
    return answers, server


def data(**parameters: object) -> RequestData:
    return RequestData([RequestParameter.from_input(k, v) for k, v in parameters.items()])


async def test_a_call_is_a_json_post_and_its_answer_is_read_by_its_length():
    async with serving(keep_answering) as server:
        client = StreamRequest()
        code, payload = await client.do_request(
            server.url, "POST", data(chat_id=5, text="Ünïcode & <b>"), read_timeout=2
        )
        await client.shutdown()
    assert (code, payload) == (200, OK)
    request_line, headers, body = server.requests[0]
    assert request_line == "POST /botTOKEN/getMe HTTP/1.1"
    assert headers["host"] == f"127.0.0.1:{server.port}"
    assert headers["content-type"] == "application/json"
    # As python-telegram-bot encodes them for any client: each value as its form field would be.
    assert json.loads(body) == {"chat_id": "5", "text": "Ünïcode & <b>"}


async def test_credentials_in_the_url_never_reach_the_host_header():
    async with serving(keep_answering) as server:
        url = server.url.replace("http://", "http://user:secret@")
        client = StreamRequest()
        assert await client.do_request(url, "POST") == (200, OK)
        await client.shutdown()
    _, headers, _ = server.requests[0]
    assert headers["host"] == f"127.0.0.1:{server.port}"


async def test_calls_one_after_another_share_one_connection():
    answers, server = await calls_in_turn(keep_answering, 5)
    assert answers == [(200, OK)] * 5
    assert server.connections == 1
    assert len(server.requests) == 5


async def test_calls_at_once_open_a_connection_each_up_to_the_pool_size():
    async with serving(keep_answering) as server:
        client = StreamRequest(connection_pool_size=3)
        answers = await asyncio.gather(*(client.do_request(server.url, "POST") for _ in range(9)))
        await client.shutdown()
    assert [code for code, _ in answers] == [200] * 9
    assert server.connections == 3


async def test_a_chunked_answer_is_put_together():
    handler = first_answer(
        b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
        b'5\r\n{"ok"\r\n10;ext=1\r\n:true,"result":1\r\n1\r\n}\r\n0\r\nX-Trailer: y\r\n\r\n'
    )
    answers, server = await calls_in_turn(handler)
    assert answers == [(200, b'{"ok":true,"result":1}'), (200, OK)]
    assert server.connections == 1


async def test_an_interim_answer_is_passed_over_for_the_real_one():
    handler = first_answer(b"HTTP/1.1 103 Early Hints\r\nLink: </x>\r\n\r\n" + answer(OK))
    answers, server = await calls_in_turn(handler)
    assert answers == [(200, OK), (200, OK)]
    assert server.connections == 1


async def test_an_answer_that_closes_the_connection_is_read_and_the_next_call_opens_another():
    handler = first_answer(answer(OK, "Connection: close"), then_close=True)
    answers, server = await calls_in_turn(handler)
    assert answers == [(200, OK), (200, OK)]
    assert server.connections == 2


async def test_a_connection_the_server_closed_while_idle_is_not_used_again():
    async def handler(
        server: Server, reader: asyncio.StreamReader, writer: asyncio.StreamWriter
    ) -> None:
        await server.read_request(reader)
        writer.write(answer(OK))  # keep-alive promised, then closed while idle
        writer.close()
        await writer.wait_closed()
        closed.set()

    closed = asyncio.Event()
    async with serving(handler) as server:
        client = StreamRequest()
        assert await client.do_request(server.url, "POST") == (200, OK)
        await closed.wait()
        for _ in range(3):
            await asyncio.sleep(0)  # a few turns of the loop: the close reaches the client
        assert await client.do_request(server.url, "POST") == (200, OK)
        await client.shutdown()
    assert server.connections == 2


async def test_an_answer_too_late_is_a_timeout_and_never_taken_for_the_next_calls_answer():
    async def handler(
        server: Server, reader: asyncio.StreamReader, writer: asyncio.StreamWriter
    ) -> None:
        if server.connections == 1:
            await server.read_request(reader)
            await released.wait()
            writer.write(answer(b'{"ok":true,"result":"late"}'))
        await keep_answering(server, reader, writer)

    released = asyncio.Event()
    async with serving(handler) as server:
        client = StreamRequest()
        with pytest.raises(TimedOut) as error:
            await client.do_request(server.url, "POST", read_timeout=0.05)
        released.set()
        assert not certainly_not_delivered(error.value)
        assert await client.do_request(server.url, "POST") == (200, OK)
        await client.shutdown()
    assert server.connections == 2


async def test_a_refused_connection_is_a_network_error_that_certainly_sent_nothing():
    async with serving(keep_answering) as server:
        url = server.url
    # The server has stopped listening: its port refuses connections.
    with pytest.raises(NetworkError) as error:
        await StreamRequest().do_request(url, "POST")
    assert certainly_not_delivered(error.value)


async def test_a_full_pool_is_a_timeout_that_certainly_sent_nothing():
    async def handler(
        server: Server, reader: asyncio.StreamReader, writer: asyncio.StreamWriter
    ) -> None:
        await server.read_request(reader)
        await asyncio.Event().wait()

    async with serving(handler) as server:
        client = StreamRequest(connection_pool_size=1)
        hanging = asyncio.create_task(client.do_request(server.url, "POST", read_timeout=None))
        await server.got_request.wait()
        with pytest.raises(TimedOut) as error:
            await client.do_request(server.url, "POST", pool_timeout=0.05)
        assert certainly_not_delivered(error.value)
        hanging.cancel()
        with pytest.raises(asyncio.CancelledError):
            await hanging
        await client.shutdown()
    assert len(server.requests) == 1


async def test_a_call_under_way_at_shutdown_closes_its_connection_when_it_ends():
    async def handler(
        server: Server, reader: asyncio.StreamReader, writer: asyncio.StreamWriter
    ) -> None:
        await server.read_request(reader)
        await released.wait()
        writer.write(answer(OK))
        await writer.drain()
        # The client closes the connection: reading on sees its end.
        if await reader.read() == b"":
            closed_by_client.set()

    released, closed_by_client = asyncio.Event(), asyncio.Event()
    async with serving(handler) as server:
        client = StreamRequest()
        call = asyncio.create_task(client.do_request(server.url, "POST"))
        await server.got_request.wait()
        await client.shutdown()
        released.set()
        assert await call == (200, OK)
        await closed_by_client.wait()


@pytest.mark.parametrize(
    "raw",
    [
        b"SSH-2.0-OpenSSH\r\n\r\n",
        b"HTTP/1.1 OK\r\n\r\n",
        b'HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n{"ok":true}',
        b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n",
        b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n" + b"1" * 70_000,
        b"HTTP/1.1 200 OK\r\nX-Long: " + b"x" * 70_000 + b"\r\n\r\n",
    ],
    ids=["not HTTP", "no status", "cut short", "bad chunk size", "endless chunk size", "huge head"],
)
async def test_a_malformed_answer_is_a_network_error(raw: bytes):
    async with serving(first_answer(raw, then_close=True)) as server:
        with pytest.raises(NetworkError):
            await StreamRequest().do_request(server.url, "POST")


async def test_a_file_goes_up_as_a_multipart_form_with_the_other_parameters():
    received: dict[str, object] = {}

    async def upload(request: web.Request) -> web.Response:
        form = await request.post()
        for name, value in form.items():
            if isinstance(value, web.FileField):
                received[name] = (value.filename, value.content_type, value.file.read())
            else:
                received[name] = value
        return web.Response(body=OK)

    app = web.Application()
    app.router.add_post("/botTOKEN/sendDocument", upload)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = runner.addresses[0][1]
    try:
        client = StreamRequest()
        document = InputFile(b"day,A\n1,2\n" * 1000, filename='résumé "1".csv')
        code, _ = await client.do_request(
            f"http://127.0.0.1:{port}/botTOKEN/sendDocument",
            "POST",
            data(chat_id=7, caption="Export ✓", document=document),
        )
        await client.shutdown()
    finally:
        await runner.cleanup()
    assert code == 200
    assert received["chat_id"] == "7"
    assert received["caption"] == "Export ✓"
    # Quotes in a file name are written %22, as HTML forms (and httpx) write them.
    assert received["document"] == ("résumé %221%22.csv", "text/csv", b"day,A\n1,2\n" * 1000)


@pytest.fixture(scope="module")
def certificate(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    if shutil.which("openssl") is None:
        pytest.skip("openssl is not installed to make a test certificate")
    folder = tmp_path_factory.mktemp("tls")
    cert, key = folder / "cert.pem", folder / "key.pem"
    subprocess.run(
        [
            "openssl",
            "req",
            "-x509",
            "-newkey",
            "ec",
            "-pkeyopt",
            "ec_paramgen_curve:prime256v1",
            "-nodes",
            "-days",
            "1",
            "-subj",
            "/CN=127.0.0.1",
            "-addext",
            "subjectAltName=IP:127.0.0.1",
            "-keyout",
            str(key),
            "-out",
            str(cert),
        ],
        check=True,
        capture_output=True,
    )
    return cert, key


async def test_https_is_verified_against_the_trusted_certificates(certificate: tuple[Path, Path]):
    cert, key = certificate
    server_side = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    server_side.load_cert_chain(cert, key)
    async with serving(keep_answering, server_side) as server:
        url = server.url.replace("http://", "https://")
        trusting = StreamRequest(ssl_context=ssl.create_default_context(cafile=str(cert)))
        assert await trusting.do_request(url, "POST") == (200, OK)
        await trusting.shutdown()
        # The system's store does not know this certificate: no call goes through.
        with pytest.raises(NetworkError, match="CERTIFICATE_VERIFY_FAILED"):
            await StreamRequest(ssl_context=ssl.create_default_context()).do_request(url, "POST")
    assert len(server.requests) == 1


def test_a_proxy_in_the_environment_is_honoured_by_the_default_client(monkeypatch):
    url = "https://api.telegram.org/bot"
    assert not proxy_configured(url, lambda: {})
    assert proxy_configured(url, lambda: {"https": "http://proxy:3128"})
    assert proxy_configured(url, lambda: {"all": "socks5://proxy:1080"})
    assert not proxy_configured(
        url, lambda: {"https": "http://proxy:3128", "no": "api.telegram.org"}
    )
    for name in ("HTTPS_PROXY", "https_proxy", "ALL_PROXY", "all_proxy", "NO_PROXY", "no_proxy"):
        monkeypatch.delenv(name, raising=False)
    assert isinstance(bot_api_request(url, ssl.create_default_context()), StreamRequest)
    monkeypatch.setenv("HTTPS_PROXY", "http://127.0.0.1:3128")
    assert isinstance(bot_api_request(url, ssl.create_default_context()), HTTPXRequest)


@pytest.mark.parametrize(
    "name", ['say "hi".csv', "back\\slash.csv", "line\nbreak\x01.csv", "ünï ✓"]
)
def test_a_file_name_is_escaped_as_httpx_escapes_it(name: str):
    from httpx._multipart import _format_form_param

    from bot.transport import _quoted

    assert f'filename="{_quoted(name)}"'.encode() == _format_form_param("filename", name)
