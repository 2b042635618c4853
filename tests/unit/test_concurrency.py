"""The update processor's per-chat order and the rate limiter's per-chat "retry after".

Events instead of clocks: a handler or a Bot API call waits on an event the test sets.
"""

from __future__ import annotations

import asyncio
from datetime import timedelta
from typing import Any

import pytest
from telegram import Chat, Message, Update, User
from telegram.error import RetryAfter

from bot.concurrency import PerChatRateLimiter, PerChatUpdateProcessor

GROUP, PRIVATE = -100, 7


def update_in(chat_id: int, update_id: int) -> Update:
    chat = Chat(chat_id, Chat.PRIVATE if chat_id > 0 else Chat.GROUP)
    user = User(1, "Alice", is_bot=False)
    message = Message(update_id, None, chat, from_user=user, text="hi")  # type: ignore[arg-type]
    return Update(update_id, message=message)


async def settle() -> None:
    """Lets every task that can run, run (a few passes of the event loop)."""
    for _ in range(20):
        await asyncio.sleep(0)


async def test_one_chat_in_order_and_other_chats_meanwhile() -> None:
    processor = PerChatUpdateProcessor(max_running_updates=4)
    first_may_end = asyncio.Event()
    events: list[str] = []

    async def handle(name: str, wait: asyncio.Event | None = None) -> None:
        events.append(f"{name} starts")
        if wait is not None:
            await wait.wait()
        events.append(f"{name} ends")

    tasks = [
        asyncio.create_task(
            processor.process_update(update_in(GROUP, 1), handle("g1", first_may_end))
        ),
        asyncio.create_task(processor.process_update(update_in(GROUP, 2), handle("g2"))),
        asyncio.create_task(processor.process_update(update_in(PRIVATE, 3), handle("p3"))),
    ]
    await settle()
    assert events == ["g1 starts", "p3 starts", "p3 ends"]
    assert processor.chats_in_progress() == 1  # the group; the private chat is forgotten
    first_may_end.set()
    await asyncio.gather(*tasks)
    assert events[3:] == ["g1 ends", "g2 starts", "g2 ends"]
    assert processor.chats_in_progress() == 0


async def test_updates_waiting_for_their_chat_take_no_running_place() -> None:
    processor = PerChatUpdateProcessor(max_running_updates=2)
    release = asyncio.Event()
    done: list[int] = []

    async def handle(number: int, wait: bool) -> None:
        if wait:
            await release.wait()
        done.append(number)

    busy = [
        asyncio.create_task(processor.process_update(update_in(GROUP, n), handle(n, True)))
        for n in range(1, 6)
    ]
    other = asyncio.create_task(processor.process_update(update_in(PRIVATE, 9), handle(9, False)))
    await settle()
    # Five group updates queued behind the first, yet the private one ran with 2 places.
    assert done == [9]
    release.set()
    await asyncio.gather(*busy, other)
    assert done == [9, 1, 2, 3, 4, 5]


# PTB's own RetryAfter warns about the type its attribute will have; not ours to change.
@pytest.mark.filterwarnings("ignore::telegram.warnings.PTBDeprecationWarning")
async def test_a_retry_after_pauses_only_the_chat_it_came_for() -> None:
    limiter = PerChatRateLimiter(max_retries=1)
    calls: list[int] = []

    async def send(chat_id: int) -> dict[str, Any]:
        calls.append(chat_id)
        if chat_id == GROUP and calls.count(GROUP) == 1:
            raise RetryAfter(timedelta(hours=1))
        return {"chat_id": chat_id}

    async def request(chat_id: int) -> Any:
        return await limiter.process_request(
            send, (chat_id,), {}, "sendMessage", {"chat_id": chat_id}, None
        )

    group = asyncio.create_task(request(GROUP))
    await settle()
    assert calls == [GROUP]  # refused, waiting out its hour
    # Another chat's call goes through at once (a guard, not a measurement: it would wait an
    # hour if the pause were for every chat).
    assert await asyncio.wait_for(request(PRIVATE), 60) == {"chat_id": PRIVATE}
    # The same group's next call waits with it.
    second = asyncio.create_task(request(GROUP))
    await settle()
    assert calls == [GROUP, PRIVATE]
    assert not group.done() and not second.done()
    group.cancel()
    second.cancel()
    await asyncio.gather(group, second, return_exceptions=True)
