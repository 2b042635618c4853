"""`hourglass run` killed with SIGKILL at random moments while a user logs as fast as they can:
every update Telegram handed out is stored exactly once, after the restarts."""

from __future__ import annotations

import asyncio
import contextlib
import random
import signal
from pathlib import Path

import pytest
from sqlalchemy import select

from bot.bootstrap import open_database
from db.models import InboxUpdate, Observation
from emulator import DEFAULT_TOKEN, BotApiEmulator, SimChat
from experiments import services
from experiments.domain import Author
from experiments.workspaces import ensure_workspace
from tests.cli.processes import start_hourglass
from tests.support import process_env

SEED = 1309
KILLS = 3
FIRST_VISITORS = 1000
# A user's unanswered messages at most: each getUpdates hands out a batch of them, confirmed
# by the next one while they wait their turn (polling alone would lose them on a kill).
BACKLOG = 30


@pytest.mark.timeout(120)
async def test_sigkill_at_random_moments_loses_nothing_and_stores_nothing_twice(
    tmp_path: Path,
) -> None:
    rng = random.Random(SEED)
    url = f"sqlite+aiosqlite:///{tmp_path}/killed.sqlite3"
    log_path = tmp_path / "output.log"
    async with BotApiEmulator(token=DEFAULT_TOKEN) as emulator:
        founder = emulator.user(first_name="Founder", language_code="en")
        chat = emulator.private_chat(founder)
        await seed(url, chat.id)
        env = process_env(
            HOURGLASS_TELEGRAM_TOKEN=DEFAULT_TOKEN,
            HOURGLASS_TELEGRAM_API_URL=emulator.base_url,
            HOURGLASS_TELEGRAM_FILE_URL=emulator.base_file_url,
            HOURGLASS_DATABASE_URL=url,
            HOURGLASS_LOG_LEVEL="WARNING",
        )

        with log_path.open("ab") as log:

            async def start() -> asyncio.subprocess.Process:
                return await start_hourglass(
                    "run",
                    env=env,
                    cwd=tmp_path,
                    output=log,
                )

            stop_sending = asyncio.Event()
            sender = asyncio.create_task(user_logs(emulator, chat, stop_sending))
            process = await start()
            try:
                for _ in range(KILLS):
                    # Killed after a random number of replies since the last start: in the
                    # middle of handling, with fetched updates queued behind the running one.
                    replies = len(chat.bot_messages) + rng.randint(1, 10)
                    handling = await emulator.world.wait_until(
                        lambda replies=replies: len(chat.bot_messages) >= replies, timeout=60
                    )
                    assert handling, log_path.read_text(errors="replace")
                    process.kill()
                    await process.wait()
                    process = await start()
                stop_sending.set()
                sent_count = await sender
                stored = await wait_for_rows(url, sent_count, timeout=60)
            finally:
                sender.cancel()
                process.send_signal(signal.SIGTERM)
                try:
                    await asyncio.wait_for(process.wait(), timeout=30)
                finally:
                    with contextlib.suppress(ProcessLookupError):
                        process.kill()

        output = log_path.read_text(errors="replace")
        sent = set(range(1, sent_count + 1))  # the emulator numbers updates from 1
        assert sent_count >= BACKLOG
        assert emulator.world.handed_out == sent, output
        # Every update handed out stored exactly once: each visitors count once.
        assert sorted(stored) == [FIRST_VISITORS + n for n in range(sent_count)], output
        assert not [c for c in emulator.calls_to("sendMessage") if "Sorry" in str(c.get("text"))]
        assert DEFAULT_TOKEN not in output

    database = await open_database(url)
    try:
        async with database.unit_of_work() as uow:
            inbox = (await uow.session.execute(select(InboxUpdate.update_id))).scalars().all()
    finally:
        await database.dispose()
    assert set(inbox) == sent


async def user_logs(emulator: BotApiEmulator, chat: SimChat, stop: asyncio.Event) -> int:
    """Sends /log after /log as fast as the bot takes them (up to ``BACKLOG`` unanswered)
    until ``stop``; each carries its own visitors count, so every row names its update.
    Returns how many were sent."""
    sent = 0
    while not stop.is_set():
        if sent - len(chat.bot_messages) >= BACKLOG:
            await emulator.world.wait_until(
                lambda sent=sent: sent - len(chat.bot_messages) < BACKLOG, timeout=0.2
            )
            continue
        await chat.send(f"/log #1 A {FIRST_VISITORS + sent} 1")
        sent += 1
        await asyncio.sleep(0)
    return sent


async def wait_for_rows(url: str, count: int, *, timeout: float) -> list[int]:
    """The visitors of every stored observation, once there are ``count`` of them (another
    process writes them: the database is asked again until then)."""
    database = await open_database(url)
    try:
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while True:
            async with database.unit_of_work() as uow:
                visitors = list((await uow.session.scalars(select(Observation.visitors))).all())
            if len(visitors) >= count or loop.time() > deadline:
                return visitors
            await asyncio.sleep(0.1)
    finally:
        await database.dispose()


async def seed(url: str, chat_id: int) -> None:
    database = await open_database(url)
    try:
        await ensure_workspace(
            database.unit_of_work(), chat_id, chat_type="private", title=None, language="en"
        )
        await services.create_experiment(
            database.unit_of_work(), chat_id, "Checkout", author=Author(chat_id, "Founder")
        )
    finally:
        await database.dispose()
