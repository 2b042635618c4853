"""Two `hourglass run --webhook` processes on one PostgreSQL database behind a round-robin
proxy: a guided flow, a week of results and the digest all go through both, and each comes
out once and right.

The processes run under faketime (20× faster, from a fixed morning) so that the digest falls
due within seconds; the proxy hands each update to the next process in turn, so every answer
of a guided flow reaches the process that did not ask the question.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import shutil
import signal
import sys
import time
from collections import Counter
from datetime import datetime, timedelta
from pathlib import Path

import aiohttp
import pytest
from aiohttp import web
from sqlalchemy import select

from bot.bootstrap import open_database
from bot.webhook import SECRET_HEADER
from db.models import DigestRecord, FlowState
from emulator import DEFAULT_TOKEN, BotApiEmulator, BotMessage, SimChat
from tests.cli.test_webhook_process import free_port
from tests.support import database_of_its_own, process_env

FAKETIME = shutil.which("faketime")
POSTGRES_URL = os.environ.get("HOURGLASS_TEST_POSTGRES_URL")
FAKE_START = datetime(2026, 3, 9, 8, 0)  # UTC, a Monday morning
SPEED = 20
SECRET = "two-processes-share-this-secret"
REPLY_SECONDS = 30

pytestmark = [
    pytest.mark.skipif(
        POSTGRES_URL is None,
        reason="several processes share a PostgreSQL database: set HOURGLASS_TEST_POSTGRES_URL",
    ),
    pytest.mark.skipif(
        FAKETIME is None, reason="needs the faketime binary (Debian package faketime)"
    ),
    pytest.mark.timeout(120),
]


class RoundRobinProxy:
    """What a load balancer does: each request to the next process in turn, as it came."""

    def __init__(self, backends: list[int]) -> None:
        self.backends = backends
        self.port = free_port()
        self.handled_by: Counter[int] = Counter()
        self._turn = 0
        self._runner: web.AppRunner | None = None
        self._session: aiohttp.ClientSession | None = None

    async def __aenter__(self) -> RoundRobinProxy:
        app = web.Application()
        app.router.add_post("/telegram", self._forward)
        self._runner = web.AppRunner(app)
        await self._runner.setup()
        await web.TCPSite(self._runner, "127.0.0.1", self.port).start()
        self._session = aiohttp.ClientSession()
        return self

    async def __aexit__(self, *exc: object) -> None:
        assert self._session is not None and self._runner is not None
        await self._session.close()
        await self._runner.cleanup()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/telegram"

    async def _forward(self, request: web.Request) -> web.Response:
        assert self._session is not None
        port = self.backends[self._turn % len(self.backends)]
        self._turn += 1
        headers = {
            name: request.headers[name]
            for name in (SECRET_HEADER, "Content-Type")
            if name in request.headers
        }
        try:
            async with self._session.post(
                f"http://127.0.0.1:{port}/telegram", data=await request.read(), headers=headers
            ) as answer:
                if answer.status == 200:
                    self.handled_by[port] += 1
                return web.Response(status=answer.status, body=await answer.read())
        except aiohttp.ClientError:
            # Not listening yet: Telegram tries the update again, and the next turn is another.
            return web.Response(status=502)


async def start_bot(env: dict[str, str], folder: Path) -> asyncio.subprocess.Process:
    assert FAKETIME is not None
    return await asyncio.create_subprocess_exec(
        FAKETIME,
        "-f",
        f"@{FAKE_START:%Y-%m-%d %H:%M:%S} x{SPEED}",
        sys.executable,
        "-m",
        "bot.cli",
        "run",
        "--webhook",
        env=env,
        cwd=folder,
        stdout=asyncio.subprocess.DEVNULL,
        stderr=(folder / "output.log").open("wb"),
        # faketime runs the bot as its child and does not pass signals on: stop the group.
        start_new_session=True,
    )


async def stop_bot(process: asyncio.subprocess.Process) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGTERM)
    try:
        await asyncio.wait_for(process.wait(), timeout=30)
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)


async def say(chat: SimChat, text: str) -> BotMessage:
    await chat.send(text)
    return await chat.next_reply(timeout=REPLY_SECONDS)


async def press(chat: SimChat, message: BotMessage, label: str) -> BotMessage:
    text = next(b.text for row in message.buttons for b in row if label in b.text)
    await chat.press(message, text)
    return await chat.next_reply(timeout=REPLY_SECONDS)


async def test_two_webhook_processes_behind_a_round_robin_proxy(tmp_path: Path) -> None:
    assert POSTGRES_URL is not None
    url = await database_of_its_own(POSTGRES_URL, "two_processes")
    ports = [free_port(), free_port()]
    async with (
        BotApiEmulator(token=DEFAULT_TOKEN) as emulator,
        RoundRobinProxy(ports) as proxy,
    ):
        founder = emulator.user(first_name="Founder", language_code="en")
        chat = emulator.private_chat(founder)
        bots = []
        for number, port in enumerate(ports):
            folder = tmp_path / f"process-{number}"
            folder.mkdir()
            env = process_env(
                HOURGLASS_TELEGRAM_TOKEN=DEFAULT_TOKEN,
                HOURGLASS_TELEGRAM_API_URL=emulator.base_url,
                HOURGLASS_DATABASE_URL=url,
                HOURGLASS_WEBHOOK_URL=proxy.url,
                HOURGLASS_WEBHOOK_PORT=str(port),
                HOURGLASS_WEBHOOK_SECRET=SECRET,
                HOURGLASS_LOG_LEVEL="WARNING",
                TZ="UTC",
            )
            bots.append((await start_bot(env, folder), folder))
        started = time.monotonic()
        try:
            both_registered = await emulator.world.wait_until(
                lambda: len(emulator.calls_to("setWebhook")) == 2, timeout=60
            )
            assert both_registered, "the bots never both called setWebhook"

            # A guided /new: every answer goes to the process that did not ask.
            name = await say(chat, "/new")
            kind = await say(chat, "Landing headline")
            stage = await press(chat, kind, "A/B test")
            hypothesis = await press(chat, stage, "Know")
            variants = await press(chat, hypothesis, "Skip")
            split = await say(chat, "A, B")
            baseline = await press(chat, split, "Equal")
            review = await press(chat, baseline, "Skip")
            created = await press(chat, review, "In 2 weeks")
            assert name.text.startswith("Let's register an experiment."), chat.transcript()
            assert variants.text.startswith("Name the variants"), chat.transcript()
            assert created.text.startswith("🧪 Created experiment #1."), chat.transcript()

            # A week of results, the last day's through the guided /log.
            for day in range(2, 8):
                for variant, visitors, conversions in (("A", 1000, 40), ("B", 1000, 50)):
                    logged = await say(
                        chat, f"/log #1 {variant} {visitors} {conversions} 0{day}.03"
                    )
                    assert logged.text.startswith("✅ Logged"), chat.transcript()
            for variant, conversions in (("A", 40), ("B", 50)):
                which = await say(chat, "/log")
                variant_question = await press(chat, which, "Landing headline")
                day_question = await press(chat, variant_question, variant)
                counts_question = await press(chat, day_question, "Yesterday")
                assert "send visitors and conversions" in counts_question.text, chat.transcript()
                logged = await say(chat, f"1000 {conversions}")
                assert logged.text.startswith("✅ Logged"), chat.transcript()
            shown = await say(chat, "/show #1")
            assert "A (control): 280 of 7,000" in shown.text, chat.transcript()
            assert "B: 350 of 7,000" in shown.text, chat.transcript()

            # The digest, one or two fake minutes from now (the settings change takes a few
            # fake seconds): both processes tick, one sends it.
            fake_now = FAKE_START + timedelta(seconds=(time.monotonic() - started) * SPEED)
            due = (fake_now + timedelta(minutes=2)).replace(second=0, microsecond=0)
            changed = await say(chat, f"/settings time {due:%H:%M}")
            assert f"{due:%H:%M}" in changed.text, chat.transcript()
            digest = await chat.next_reply(timeout=REPLY_SECONDS + 30)
            assert "Landing headline" in digest.text, chat.transcript()
            # Another tick of each process (60 fake seconds apart) passes: nothing more comes.
            await asyncio.sleep(60 / SPEED + 1)
            assert chat.unread == [], chat.transcript()
        finally:
            for process, _folder in bots:
                await stop_bot(process)
        logs = "\n".join((folder / "output.log").read_text() for _process, folder in bots)
        assert "Traceback" not in logs, logs
        assert DEFAULT_TOKEN not in logs
        # Both processes took updates, in turns.
        assert sorted(proxy.handled_by) == sorted(ports)
        assert abs(proxy.handled_by[ports[0]] - proxy.handled_by[ports[1]]) <= 1

    database = await open_database(url)
    try:
        async with database.unit_of_work() as uow:
            records = (await uow.session.scalars(select(DigestRecord))).all()
            digests = [(record.local_date.isoformat(), record.state) for record in records]
            flows = (await uow.session.scalars(select(FlowState))).all()
            waiting = [flow.flow for flow in flows if flow.state is not None]
    finally:
        await database.dispose()
    assert digests == [("2026-03-09", "sent")]
    # Every flow ended: only the chat's record of pressed offers may remain.
    assert waiting == []
