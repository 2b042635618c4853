"""Updates bench: the bot's CPU and latency per update, next to a bare echo bot.

The Bot API emulator and the simulated users run in this process; the bot runs in a process of
its own (bench/botprocess.py), so its CPU time is read alone from /proc. Each scenario — `/log`,
`/readout` and a press of the 📊 Readout button under a /log reply — is sent by 1 chat, then by
10 chats at once (each chat waits for the answer before its next update), first to the
Hourglass bot (temporary SQLite database, rate limiter off) and then, as the same-run baseline,
to a bare python-telegram-bot echo bot on the same emulator, and to that echo bot on the
Hourglass bot's own HTTP client (``echo-lean``: what the same Bot API calls cost with no work
behind them and no httpx). Printed: updates per second, the median and 99th percentile from
sending to the answer, and the bot's CPU milliseconds per update, with the ratios to both.

    uv run python bench/updates.py [--updates 120] [--rounds 2]
"""

from __future__ import annotations

import argparse
import asyncio
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from botprocess import BotProcess

from emulator import DEFAULT_TOKEN, BotApiEmulator, BotMessage, SimChat

SCENARIOS = ("/log", "/readout", "button")
WAIT = 60.0


@dataclass
class Measured:
    updates: int
    seconds: float
    cpu_seconds: float
    latencies: list[float]

    @property
    def per_second(self) -> float:
        return self.updates / self.seconds

    @property
    def cpu_ms(self) -> float:
        return 1000 * self.cpu_seconds / self.updates

    def percentile(self, share: float) -> float:
        ordered = sorted(self.latencies)
        return 1000 * ordered[min(len(ordered) - 1, int(share * len(ordered)))]


class Chat:
    """A simulated founder with an experiment (Hourglass) or a first message (echo)."""

    def __init__(self, chat: SimChat, kind: str) -> None:
        self.chat = chat
        self.kind = kind
        self.last: BotMessage | None = None
        self.count = 0

    async def prepare(self) -> None:
        if self.kind == "hourglass":
            await self.chat.send("/new Referral reward")
            await self.chat.next_reply(WAIT)
        await self.act("/log")

    async def act(self, scenario: str) -> None:
        self.count += 1
        if scenario == "button":
            assert self.last is not None
            query = await self.chat.press(self.last, "📊 Readout")
            await self.chat.callback_answer(query, WAIT)
            await self.chat.next_reply(WAIT)
            return
        if scenario == "/log":
            arm = "AB"[self.count % 2]
            await self.chat.send(f"/log #1 {arm} 100 {self.count % 9}")
            self.last = await self.chat.next_reply(WAIT)
        else:
            await self.chat.send("/readout #1")
            await self.chat.next_reply(WAIT)


async def run_scenario(bot: BotProcess, chats: list[Chat], scenario: str, updates: int) -> Measured:
    per_chat = max(1, updates // len(chats))
    latencies: list[float] = []

    async def one_chat(chat: Chat) -> None:
        for _ in range(per_chat):
            start = time.perf_counter()
            await chat.act(scenario)
            latencies.append(time.perf_counter() - start)

    for chat in chats:  # warm-up: caches, first imports
        await chat.act(scenario)
    cpu = bot.cpu_seconds()
    start = time.perf_counter()
    await asyncio.gather(*(one_chat(chat) for chat in chats))
    seconds = time.perf_counter() - start
    return Measured(per_chat * len(chats), seconds, bot.cpu_seconds() - cpu, latencies)


async def measure(
    kind: str, chat_counts: tuple[int, ...], updates: int
) -> dict[tuple[str, int], Measured]:
    results: dict[tuple[str, int], Measured] = {}
    with tempfile.TemporaryDirectory() as folder:
        async with BotApiEmulator(token=DEFAULT_TOKEN) as emulator:
            url = f"sqlite+aiosqlite:///{Path(folder) / 'bench.sqlite3'}"
            bot = BotProcess(kind, emulator.base_url, emulator.base_file_url, url)
            try:
                await bot.ready()
                for count in chat_counts:
                    chats = [
                        Chat(emulator.private_chat(emulator.user(first_name=f"F{count}-{i}")), kind)
                        for i in range(count)
                    ]
                    for chat in chats:
                        await chat.prepare()
                    for scenario in SCENARIOS:
                        results[scenario, count] = await run_scenario(bot, chats, scenario, updates)
            finally:
                await bot.stop()
    return results


def best(runs: list[Measured]) -> Measured:
    """The round with the least CPU per update: the one least disturbed by other work."""
    return min(runs, key=lambda run: run.cpu_ms)


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--updates", type=int, default=120, help="updates per scenario")
    parser.add_argument("--rounds", type=int, default=2, help="alternating rounds per bot")
    args = parser.parse_args()
    chat_counts = (1, 10)
    kinds = ("hourglass", "echo", "echo-lean")
    runs: dict[str, dict[tuple[str, int], list[Measured]]] = {kind: {} for kind in kinds}
    for _ in range(args.rounds):
        for kind in kinds:
            for key, measured in (await measure(kind, chat_counts, args.updates)).items():
                runs[kind].setdefault(key, []).append(measured)
    print(
        f"{args.updates} updates per scenario, best of {args.rounds} rounds; "
        "CPU is the bot process's alone."
    )
    header = (
        f"{'scenario':9} {'chats':>5} | {'bot':9} {'upd/s':>7} {'p50 ms':>7} {'p99 ms':>7} "
        f"{'CPU ms/upd':>10} | {'× echo':>6} {'× lean':>6}"
    )
    print(header)
    print("-" * len(header))
    for scenario in SCENARIOS:
        for count in chat_counts:
            echo = best(runs["echo"][scenario, count])
            lean = best(runs["echo-lean"][scenario, count])
            for kind in kinds:
                m = best(runs[kind][scenario, count])
                ratios = ""
                if kind == "hourglass":
                    ratios = f"{m.cpu_ms / echo.cpu_ms:6.2f} {m.cpu_ms / lean.cpu_ms:6.2f}"
                p50, p99 = m.percentile(0.5), m.percentile(0.99)
                print(
                    f"{scenario:9} {count:5} | {kind:9} {m.per_second:7.1f} {p50:7.1f} "
                    f"{p99:7.1f} {m.cpu_ms:10.2f} | {ratios}"
                )


if __name__ == "__main__":
    asyncio.run(main())
