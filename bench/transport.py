"""Transport bench: the CPU of one Bot API call in the bot's HTTP client, next to httpx's.

A server in a process of its own answers every request at once with a typical ``sendMessage``
result; this process makes the calls one after another, through python-telegram-bot's
``post`` (JSON decoding and error checks included), with the bot's client
(``bot.transport.StreamRequest``) and, as the same-run baseline, python-telegram-bot's default
client (``HTTPXRequest``), in turns over ``--rounds``. Printed: CPU microseconds per call
(median over rounds) and calls per second, for a small call and for a message with a keyboard.

    uv run python bench/transport.py [--calls 3000] [--rounds 3]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import statistics
import subprocess
import sys
import time
from pathlib import Path

from telegram import InlineKeyboardButton, InlineKeyboardMarkup
from telegram.request import BaseRequest, HTTPXRequest, RequestData
from telegram.request._requestparameter import RequestParameter

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bot.transport import StreamRequest

RESULT = {
    "ok": True,
    "result": {
        "message_id": 42,
        "from": {"id": 1, "is_bot": True, "first_name": "Hourglass", "username": "hg_bot"},
        "chat": {"id": 7, "type": "private", "first_name": "Alice"},
        "date": 1764700000,
        "text": "Logged #3 A: 120 visitors, 9 conversions. Day 4 of 14.",
    },
}

SERVER = f"""
import asyncio
BODY = {json.dumps(RESULT).encode()!r}
HEAD = "HTTP/1.1 200 OK\\r\\nContent-Type: application/json\\r\\nContent-Length: %d\\r\\n\\r\\n"
ANSWER = (HEAD % len(BODY)).encode() + BODY
async def serve(reader, writer):
    try:
        while True:
            head = await reader.readuntil(b"\\r\\n\\r\\n")
            length = 0
            for line in head.split(b"\\r\\n"):
                if line.lower().startswith(b"content-length:"):
                    length = int(line.split(b":")[1])
            await reader.readexactly(length)
            writer.write(ANSWER)
    except (asyncio.IncompleteReadError, ConnectionError):
        writer.close()
async def main():
    server = await asyncio.start_server(serve, "127.0.0.1", 0)
    print(server.sockets[0].getsockname()[1], flush=True)
    await server.serve_forever()
asyncio.run(main())
"""


def calls() -> dict[str, RequestData | None]:
    keyboard = InlineKeyboardMarkup(
        [
            [InlineKeyboardButton("📊 Readout", callback_data="readout:3")],
            [InlineKeyboardButton("↩️ Undo", callback_data="undo:3:118")],
        ]
    )
    message = RequestData(
        [
            RequestParameter.from_input("chat_id", 7),
            RequestParameter.from_input("text", "Logged <b>#3 A</b>: 120 visitors, 9 conversions."),
            RequestParameter.from_input("parse_mode", "HTML"),
            RequestParameter.from_input("reply_markup", keyboard),
        ]
    )
    return {"getMe (no parameters)": None, "sendMessage with a keyboard": message}


async def cpu_per_call(client: BaseRequest, url: str, data: RequestData | None, n: int) -> float:
    await client.initialize()
    for _ in range(50):
        await client.post(url, data)
    start = time.process_time()
    for _ in range(n):
        await client.post(url, data)
    spent = time.process_time() - start
    await client.shutdown()
    return 1e6 * spent / n


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--calls", type=int, default=3000)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    server = subprocess.Popen([sys.executable, "-c", SERVER], stdout=subprocess.PIPE, text=True)
    try:
        assert server.stdout is not None
        url = f"http://127.0.0.1:{server.stdout.readline().strip()}/botTOKEN/sendMessage"
        clients = {
            "bot.transport.StreamRequest": StreamRequest,
            "baseline: HTTPXRequest (httpx)": HTTPXRequest,
        }
        print(f"| {'call':<28} | {'client':<30} | CPU µs per call | calls/s of CPU |")
        print(f"|{'-' * 30}|{'-' * 32}|-----------------|----------------|")
        for label, data in calls().items():
            measured: dict[str, list[float]] = {name: [] for name in clients}
            for _ in range(args.rounds):
                for name, make in clients.items():
                    measured[name].append(asyncio.run(cpu_per_call(make(), url, data, args.calls)))
            for name, values in measured.items():
                micros = statistics.median(values)
                print(f"| {label:<28} | {name:<30} | {micros:15.0f} | {1e6 / micros:14,.0f} |")
    finally:
        server.kill()
        server.wait()


if __name__ == "__main__":
    main()
