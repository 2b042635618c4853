"""Updates bench: the bot's CPU and latency per update, next to a bare echo bot.

The Bot API emulator and the simulated users run in this process; the bot runs in a process of
its own (bench/botprocess.py), so its CPU time is read alone from /proc. Each scenario — `/log`,
`/readout` and a press of the 📊 Readout button under a /log reply — is sent by 1 chat, then by
10 chats at once (each chat waits for the answer before its next update), to the Hourglass bot
(temporary SQLite database, rate limiter off) and, as the same-run baselines, to a bare
python-telegram-bot echo bot and to that echo bot on the Hourglass bot's own HTTP client
(``echo-lean``: what the same Bot API calls cost with no work behind them and no httpx). The
three run at once, each against an emulator of its own, and take a scenario's updates in
turns, a slice at a time: on a machine whose speed drifts, each ratio compares like with like.
Printed: updates per second, the median and 99th percentile from sending to the answer, and
the bot's CPU milliseconds per update, with the ratios to both baselines.

    uv run python bench/updates.py [--updates 240] [--slices 8]
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from botprocess import BotProcess
from interpreter import describe

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


async def run_scenario(
    bot: BotProcess, chats: list[Chat], scenario: str, updates: int, *, warm_up: bool = True
) -> Measured:
    per_chat = max(1, updates // len(chats))
    latencies: list[float] = []

    async def one_chat(chat: Chat) -> None:
        for _ in range(per_chat):
            start = time.perf_counter()
            await chat.act(scenario)
            latencies.append(time.perf_counter() - start)

    if warm_up:  # caches, first imports
        for chat in chats:
            await chat.act(scenario)
    cpu = bot.cpu_seconds()
    start = time.perf_counter()
    await asyncio.gather(*(one_chat(chat) for chat in chats))
    seconds = time.perf_counter() - start
    return Measured(per_chat * len(chats), seconds, bot.cpu_seconds() - cpu, latencies)


def combined(parts: list[Measured]) -> Measured:
    return Measured(
        sum(p.updates for p in parts),
        sum(p.seconds for p in parts),
        sum(p.cpu_seconds for p in parts),
        [latency for p in parts for latency in p.latencies],
    )


class Contender:
    """One bot under measurement: its process, its emulator and its chats."""

    def __init__(self, kind: str, folder: str) -> None:
        self.kind = kind
        self.folder = folder
        self.stack = contextlib.AsyncExitStack()
        self.chats: dict[int, list[Chat]] = {}

    async def start(self, chat_counts: tuple[int, ...]) -> None:
        emulator = await self.stack.enter_async_context(BotApiEmulator(token=DEFAULT_TOKEN))
        url = f"sqlite+aiosqlite:///{Path(self.folder) / f'{self.kind}.sqlite3'}"
        self.bot = BotProcess(self.kind, emulator.base_url, emulator.base_file_url, url)
        self.stack.push_async_callback(self.bot.stop)
        await self.bot.ready()
        for count in chat_counts:
            self.chats[count] = [
                Chat(emulator.private_chat(emulator.user(first_name=f"F{count}-{i}")), self.kind)
                for i in range(count)
            ]
            for chat in self.chats[count]:
                await chat.prepare()

    async def stop(self) -> None:
        await self.stack.aclose()


async def measure(
    kinds: tuple[str, ...], chat_counts: tuple[int, ...], updates: int, slices: int
) -> dict[tuple[str, str, int], Measured]:
    """Every bot runs at once, each in its own process against its own emulator; each
    scenario's updates go to them in turns, a slice at a time, so that a machine whose speed
    drifts (other work, a shared host) slows every bot alike."""
    results: dict[tuple[str, str, int], Measured] = {}
    with tempfile.TemporaryDirectory() as folder:
        contenders = [Contender(kind, folder) for kind in kinds]
        try:
            for contender in contenders:
                await contender.start(chat_counts)
            for count in chat_counts:
                for scenario in SCENARIOS:
                    parts: dict[str, list[Measured]] = {kind: [] for kind in kinds}
                    for contender in contenders:  # warm-up
                        chats = contender.chats[count]
                        await run_scenario(contender.bot, chats, scenario, len(chats))
                    for _ in range(slices):
                        for contender in contenders:
                            parts[contender.kind].append(
                                await run_scenario(
                                    contender.bot,
                                    contender.chats[count],
                                    scenario,
                                    max(1, updates // slices),
                                    warm_up=False,
                                )
                            )
                    for kind in kinds:
                        results[kind, scenario, count] = combined(parts[kind])
        finally:
            for contender in contenders:
                await contender.stop()
    return results


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--updates", type=int, default=240, help="updates per scenario")
    parser.add_argument("--slices", type=int, default=8, help="turns per scenario and bot")
    args = parser.parse_args()
    print(describe())
    chat_counts = (1, 10)
    kinds = ("hourglass", "echo", "echo-lean")
    runs = await measure(kinds, chat_counts, args.updates, args.slices)
    print(
        f"{args.updates} updates per scenario, each bot in turn {args.slices} times; "
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
            echo = runs["echo", scenario, count]
            lean = runs["echo-lean", scenario, count]
            for kind in kinds:
                m = runs[kind, scenario, count]
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
