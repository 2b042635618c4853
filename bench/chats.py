"""Chats bench: how long a private /help waits while a busy group waits out its rate limit.

Two people log results in a group as fast as they type: 24 /log messages, so the group's
replies pass Telegram's 20 messages a minute and the rate limiter spaces them 3 s apart. Then
someone sends /help in a private chat. The real bot (rate limiter on) runs against the local
Bot API emulator on a temporary SQLite database; printed are the seconds until the private
reply and until the group's last reply, for the bot as it is (chats handled concurrently, each
in order) and, as a same-run baseline, handling one update at a time (python-telegram-bot's
default).

    uv run python bench/chats.py
"""

from __future__ import annotations

import asyncio
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

from bot.app import build_application
from bot.bootstrap import open_database
from bot.runtime import Runtime
from emulator import DEFAULT_TOKEN, BotApiEmulator
from emulator.harness import running_application

GROUP_LOGS = 24
# Long enough for the baseline, where the private reply waits for every group reply.
WAIT_SECONDS = 180.0


async def scenario(*, concurrent: bool) -> tuple[float, float]:
    """Seconds from the private /help to its reply, and to the group's last reply."""
    with tempfile.TemporaryDirectory() as folder:
        database = await open_database(f"sqlite+aiosqlite:///{Path(folder) / 'bench.sqlite3'}")
        # A clock of its own: the digest tick (wall clock only) stays out of the measurement.
        runtime = Runtime(database=database, clock=lambda: datetime.now(UTC))
        async with BotApiEmulator(token=DEFAULT_TOKEN) as emulator:
            application = build_application(
                runtime,
                DEFAULT_TOKEN,
                base_url=emulator.base_url,
                base_file_url=emulator.base_file_url,
                concurrent=concurrent,
            )
            try:
                async with running_application(application, poll_timeout=1):
                    alice = emulator.user(first_name="Alice")
                    bob = emulator.user(first_name="Bob")
                    carol = emulator.user(first_name="Carol")
                    team = emulator.group_chat("Growth team", members=[alice, bob])
                    private = emulator.private_chat(carol)
                    await team.send("/new Referral reward", sender=alice)
                    await team.next_reply(WAIT_SECONDS)
                    for index in range(GROUP_LOGS):
                        sender = alice if index % 2 else bob
                        await team.send(f"/log #1 A 100 {index % 10}", sender=sender)
                    await emulator.until_taken()
                    start = time.perf_counter()
                    await private.send("/help")
                    await private.next_reply(WAIT_SECONDS)
                    private_seconds = time.perf_counter() - start
                    await team.next_replies(GROUP_LOGS, WAIT_SECONDS)
                    group_seconds = time.perf_counter() - start
            finally:
                await database.dispose()
    return private_seconds, group_seconds


async def main() -> None:
    print(f"{GROUP_LOGS} /log messages in a group (20 replies a minute allowed), then /help")
    print("in a private chat; seconds from the /help:")
    print(f"{'':34} {'private reply':>14} {'group last reply':>17}")
    for label, concurrent in (
        ("chats concurrently, each in order", True),
        ("baseline: one update at a time", False),
    ):
        private_seconds, group_seconds = await scenario(concurrent=concurrent)
        print(f"{label:34} {private_seconds:14.2f} {group_seconds:17.2f}")


if __name__ == "__main__":
    asyncio.run(main())
