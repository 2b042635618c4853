"""The whole `hourglass run` process, started under faketime just before a workspace's digest
time: its own JobQueue sends the digest once, at the local time, through a local Bot API."""

from __future__ import annotations

import asyncio
import contextlib
import os
import shutil
import signal
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import select

from bot.bootstrap import open_database
from db.models import DigestRecord
from emulator import DEFAULT_TOKEN, BotApiEmulator
from experiments import observations, services
from experiments.domain import Author
from experiments.workspaces import ensure_workspace, update_settings
from tests.cli.processes import start_hourglass
from tests.support import ADMIN, process_env

FAKETIME = shutil.which("faketime")
# Fake clock start and speed: the process lives a few real seconds through 09:00 Berlin time.
FAKE_START = "2026-03-02 07:59:00"  # UTC; 08:59 in Berlin (UTC+1 in March before the change)
SPEED = 20


@pytest.mark.skipif(FAKETIME is None, reason="needs the faketime binary (Debian package faketime)")
@pytest.mark.timeout(90)
async def test_the_running_process_sends_the_digest_at_local_time_once(tmp_path: Path) -> None:
    url = f"sqlite+aiosqlite:///{tmp_path}/process.sqlite3"
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
            TZ="UTC",
        )
        assert FAKETIME is not None
        process = await start_hourglass(
            "run",
            env=env,
            cwd=tmp_path,
            wrapper=(FAKETIME, "-f", f"@{FAKE_START} x{SPEED}"),
            # faketime runs the bot as its child and does not pass signals on: stop the group.
            start_new_session=True,
        )
        try:
            digest = await chat.next_reply(timeout=60)
        finally:
            os.killpg(process.pid, signal.SIGTERM)
            try:
                _, stderr = await asyncio.wait_for(process.communicate(), timeout=30)
            finally:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(process.pid, signal.SIGKILL)
        assert "Landing headline" in digest.text, stderr.decode()
        assert "Europe/Berlin" not in digest.text  # the timezone was chosen: no hint
        assert DEFAULT_TOKEN not in stderr.decode()
        assert len(emulator.calls_to("sendMessage")) == 1

    database = await open_database(url)
    try:
        async with database.unit_of_work() as uow:
            records = [
                (r.local_date.isoformat(), r.state, r.claimed_at)
                for r in (await uow.session.scalars(select(DigestRecord))).all()
            ]
    finally:
        await database.dispose()
    assert [(day, state) for day, state, _ in records] == [("2026-03-02", "sent")]
    # Claimed by the process at or after 09:00 Berlin time (08:00 UTC) on its fake clock.
    assert records[0][2] >= datetime(2026, 3, 2, 8, 0, tzinfo=UTC)


def _before_the_start() -> datetime:
    """The founder set things up an hour before the process starts."""
    return datetime(2026, 3, 2, 7, 0, tzinfo=UTC)


async def seed(url: str, chat_id: int) -> None:
    database = await open_database(url)
    try:
        await ensure_workspace(
            database.unit_of_work(),
            chat_id,
            chat_type="private",
            title=None,
            language="en",
            clock=_before_the_start,
        )
        await update_settings(
            database.unit_of_work(),
            chat_id,
            timezone="Europe/Berlin",
            digest_time="09:00",
            clock=_before_the_start,
            actor=ADMIN,
        )
        await services.create_experiment(
            database.unit_of_work(), chat_id, "Landing headline", author=Author(chat_id, "F")
        )
        await observations.log_observation(
            database.unit_of_work(), chat_id, 1, "A", 500, 25, author=Author(chat_id, "F")
        )
    finally:
        await database.dispose()
