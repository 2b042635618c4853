"""Where the bot's CPU goes on one kind of update: the bot process under cProfile.

The same simulated chat and bot process as ``bench/updates.py`` (temporary SQLite database,
rate limiter off); the bot runs under cProfile for the whole scenario (warm-up excluded from
nothing: start-up shows as its own lines). Printed: the functions with the most time of their
own, and the cumulative time of the steps of an update, per update.

    uv run python bench/profile_updates.py [/log|/readout|button] [--updates 300] [--top 40]
"""

from __future__ import annotations

import argparse
import asyncio
import pstats
import tempfile
from pathlib import Path

from botprocess import BotProcess
from updates import Chat

from emulator import DEFAULT_TOKEN, BotApiEmulator

# The steps of an update whose cumulative time is printed per update (file, function).
STEPS = (
    ("application.py", "process_update"),
    ("app.py", "_know_the_workspace"),
    ("log.py", "log_command"),
    ("observations.py", "log_observation"),
    ("readout.py", "readout_command"),
    ("services.py", "readout"),
    ("services.py", "readout_of"),
    ("replies.py", "reply"),
    ("unit_of_work.py", "commit"),
    ("unit_of_work.py", "__aexit__"),
    ("session.py", "execute"),
    ("conversationhandler.py", "check_update"),
    ("_baserequest.py", "post"),
)


async def run(scenario: str, updates: int, profile_path: str) -> None:
    with tempfile.TemporaryDirectory() as folder:
        async with BotApiEmulator(token=DEFAULT_TOKEN) as emulator:
            url = f"sqlite+aiosqlite:///{Path(folder) / 'bench.sqlite3'}"
            bot = BotProcess(
                "hourglass",
                emulator.base_url,
                emulator.base_file_url,
                url,
                profile_path=profile_path,
            )
            try:
                await bot.ready()
                chat = Chat(emulator.private_chat(emulator.user(first_name="P")), "hourglass")
                await chat.prepare()
                for _ in range(updates):
                    await chat.act(scenario)
            finally:
                await bot.stop()


def report(profile_path: str, updates: int, top: int) -> None:
    stats = pstats.Stats(profile_path)
    print(f"per update, over {updates} updates (ms; cProfile adds its own overhead)")
    entries = stats.stats  # type: ignore[attr-defined]
    for file_part, name in STEPS:
        total = sum(
            cumulative
            for (file, _line, function), (_cc, _nc, _tt, cumulative, _callers) in entries.items()
            if function == name and file.endswith(file_part)
        )
        if total:
            print(f"  {file_part}:{name:28} {1000 * total / updates:8.3f}")
    stats.sort_stats("tottime").print_stats(top)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "scenario", nargs="?", default="/log", choices=("/log", "/readout", "button")
    )
    parser.add_argument("--updates", type=int, default=300)
    parser.add_argument("--top", type=int, default=40)
    parser.add_argument("--output", default=None, help="keep the profile in this file")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        profile_path = args.output or str(Path(folder) / "bot.prof")
        asyncio.run(run(args.scenario, args.updates, profile_path))
        report(profile_path, args.updates, args.top)


if __name__ == "__main__":
    main()
