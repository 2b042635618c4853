"""Memory bench: resident memory of a running bot through a session, next to an echo bot.

The bot runs in a process of its own (bench/botprocess.py) against the Bot API emulator in
this process. A founder creates an experiment, logs two weeks of results, reads it out, asks
for its chart and exports the results; the same messages go, as the same-run baseline, to a
bare python-telegram-bot echo bot. Printed: resident memory (RSS) after start, after the
readout, after the chart and export, and the peak (VmHWM), in MB.

    uv run python bench/memory.py
"""

from __future__ import annotations

import asyncio
import tempfile
from pathlib import Path

from botprocess import BotProcess
from interpreter import describe

from emulator import DEFAULT_TOKEN, BotApiEmulator

WAIT = 120.0
LOGS = [
    f"/log #1 {arm} 1000 {40 + day % 7 + 5 * (arm == 'B')}" for day in range(14) for arm in "AB"
]
STAGES = (
    ("started", []),
    ("after 28 /log and /readout", ["/new Referral reward", *LOGS, "/readout #1"]),
    ("after /chart and /export", ["/chart #1", "/export"]),
)


async def session(kind: str) -> list[tuple[str, float, float]]:
    rows: list[tuple[str, float, float]] = []
    with tempfile.TemporaryDirectory() as folder:
        async with BotApiEmulator(token=DEFAULT_TOKEN) as emulator:
            url = f"sqlite+aiosqlite:///{Path(folder) / 'bench.sqlite3'}"
            bot = BotProcess(kind, emulator.base_url, emulator.base_file_url, url)
            try:
                await bot.ready()
                chat = emulator.private_chat(emulator.user(first_name="Founder"))
                for label, messages in STAGES:
                    for text in messages:
                        await chat.send(text)
                        await chat.next_reply(WAIT)
                    # Everything before it is done once this is answered (a chat is in order).
                    await chat.send("/help")
                    await chat.next_reply(WAIT)
                    rss, peak = bot.memory_mb()
                    rows.append((label, rss, peak))
            finally:
                await bot.stop()
    return rows


async def main() -> None:
    print(describe())
    hourglass = await session("hourglass")
    echo = await session("echo")
    print("Resident memory of the bot process, MB (peak = VmHWM so far)")
    print(f"{'':28} {'Hourglass':>10} {'peak':>7} | {'echo bot':>9} {'peak':>7}")
    for (label, rss, peak), (_, echo_rss, echo_peak) in zip(hourglass, echo, strict=True):
        print(f"{label:28} {rss:10.1f} {peak:7.1f} | {echo_rss:9.1f} {echo_peak:7.1f}")


if __name__ == "__main__":
    asyncio.run(main())
