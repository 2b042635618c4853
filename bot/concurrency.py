"""Updates of different chats handled at once, each chat's in the order they came.

python-telegram-bot handles one update at a time by default, so one slow chat (a group whose
replies wait out Telegram's 20-messages-a-minute limit, a send that hangs) holds up every
other chat. ``PerChatUpdateProcessor`` lets updates of different chats run concurrently while
the updates of one chat still run one after another, in the order Telegram sent them.

Why per-chat order is enough for ``ConversationHandler``: PTB warns that concurrent updates
can break conversations, because the handler reads the conversation's state when an update
arrives and writes the new state when its callback ends; two updates of one conversation
handled at once would both see the old state. A conversation is keyed by chat (and user), so
with per-chat order the next answer of a conversation is never looked at before the previous
step has finished and stored its state: within a chat everything happens as with sequential
handling. The same holds for ``chat_data`` and for the replies' order in a chat.

A chat's replies wait out its own limits only: ``PerChatRateLimiter`` keeps Telegram's
20-messages-a-minute limit per group (as ``AIORateLimiter`` does), and when Telegram answers
"retry after" for one chat, only that chat's calls wait, not every chat's.

Several processes behind one webhook share the database, and with it the guided flows' steps:
there a chat's update is handled while its process holds the chat's lock across processes
(``db.chat_locks``), taken after the chat's turn in the process and kept until the update is
marked done, so another process takes the chat's next update only once this one's step is
stored. A sole receiver (polling, or SQLite) skips it: its own order is the chat's.

Updates without a chat (none that Hourglass handles today) are ordered per user, or run
freely when they have neither.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable, Coroutine
from contextlib import AbstractAsyncContextManager
from typing import TYPE_CHECKING, Any

from telegram import Update
from telegram.error import RetryAfter
from telegram.ext import AIORateLimiter, BaseUpdateProcessor

if TYPE_CHECKING:
    from db.chat_locks import ChatLocks

logger = logging.getLogger(__name__)

# Updates accepted at once (waiting their chat's turn or running); a bound on memory only.
MAX_ACCEPTED_UPDATES = 4096
# Handlers running at once across all chats: a busy chat occupies at most one of them, since
# its later updates wait for their turn without taking a place.
MAX_RUNNING_UPDATES = 64


class PerChatUpdateProcessor(BaseUpdateProcessor):
    """Concurrent across chats, sequential (in arrival order) within each chat.

    PTB starts the processing of updates in the order it fetched them, and ``asyncio.Lock``
    wakes its waiters first come, first served, so a chat's updates take the lock in that
    order. Waiting for a chat's turn happens before a running place is taken, so the updates
    queued behind a slow chat never keep other chats from running.

    ``chat_locks``: other processes handle this bot's updates too; a chat's update is handled
    while holding its lock across them.
    """

    def __init__(
        self,
        max_running_updates: int = MAX_RUNNING_UPDATES,
        max_accepted_updates: int = MAX_ACCEPTED_UPDATES,
        *,
        chat_locks: ChatLocks | None = None,
    ) -> None:
        super().__init__(max(max_accepted_updates, max_running_updates))
        self._running = asyncio.Semaphore(max_running_updates)
        self._chat_locks = chat_locks
        self._turns: dict[object, asyncio.Lock] = {}
        self._waiting: dict[object, int] = {}

    @staticmethod
    def key_of(update: object) -> object | None:
        """What orders an update: its chat, else its user; None when it has neither."""
        if not isinstance(update, Update):
            return None
        if update.effective_chat is not None:
            return ("chat", update.effective_chat.id)
        if update.effective_user is not None:
            return ("user", update.effective_user.id)
        return None

    async def do_process_update(self, update: object, coroutine: Awaitable[Any]) -> None:
        key = self.key_of(update)
        if key is None:
            async with self._running:
                await coroutine
            return
        turn = self._turns.setdefault(key, asyncio.Lock())
        self._waiting[key] = self._waiting.get(key, 0) + 1
        try:
            async with turn, self._running, self._across_processes(key):
                await coroutine
        finally:
            self._waiting[key] -= 1
            if self._waiting[key] == 0:
                # Nobody else of this chat is queued: forget its lock, so chats don't pile up.
                del self._waiting[key]
                del self._turns[key]

    def _across_processes(self, key: object) -> AbstractAsyncContextManager[None]:
        if self._chat_locks is None or not isinstance(key, tuple) or key[0] != "chat":
            return contextlib.nullcontext()
        return self._chat_locks.holding(key[1])

    async def initialize(self) -> None:
        """Nothing to set up."""

    async def shutdown(self) -> None:
        """Nothing to release: PTB waits for the updates in progress before it shuts down."""

    def chats_in_progress(self) -> int:
        """How many chats have an update running or waiting (for tests and diagnostics)."""
        return len(self._turns)


class PerChatRateLimiter(AIORateLimiter):
    """``AIORateLimiter`` whose "retry after" pauses only the chat it came for.

    The overall limit (30 messages a second) and each group's limit (20 a minute) are
    ``AIORateLimiter``'s own. It answers a 429 by pausing every call of the bot until the wait
    is over, so one group flooding would delay replies in every other chat; here a 429 pauses
    the calls to that chat only, and the call is retried after the wait.
    """

    def __init__(self, *, max_retries: int = 3) -> None:
        super().__init__(max_retries=max_retries)
        self._retries = max_retries
        # chat_id -> the event loop time until which calls to the chat wait
        self._paused_until: dict[object, float] = {}

    async def process_request(
        self,
        callback: Callable[..., Coroutine[Any, Any, bool | dict[str, Any] | list[dict[str, Any]]]],
        args: Any,
        kwargs: dict[str, Any],
        endpoint: str,
        data: dict[str, Any],
        rate_limit_args: int | None,
    ) -> bool | dict[str, Any] | list[dict[str, Any]]:
        retries = rate_limit_args or self._retries
        chat_id = data.get("chat_id")
        with contextlib.suppress(ValueError, TypeError):
            chat_id = int(chat_id)  # type: ignore[arg-type]
        # Negative ids are groups (and string ids channels): they get the per-group limit.
        group: int | str | bool = False
        if (isinstance(chat_id, int) and chat_id < 0) or isinstance(chat_id, str):
            group = chat_id
        loop = asyncio.get_running_loop()
        for attempt in range(retries + 1):
            await self._chat_turn(chat_id, loop)
            try:
                return await self._run_request(
                    chat=chat_id is not None,
                    group=group,
                    allow_paid_broadcast=bool(data.get("allow_paid_broadcast", False)),
                    callback=callback,
                    args=args,
                    kwargs=kwargs,
                )
            except RetryAfter as error:
                if attempt == retries:
                    raise
                # As AIORateLimiter reads it (the public attribute warns of its type to come).
                seconds = error._retry_after.total_seconds()
                logger.info("chat %s: rate limit hit, retrying in %.1f s", chat_id, seconds)
                if chat_id is not None:
                    until = loop.time() + seconds + 0.1
                    self._paused_until[chat_id] = max(self._paused_until.get(chat_id, 0), until)
                else:
                    await asyncio.sleep(seconds + 0.1)
        raise AssertionError("unreachable: the last attempt returns or raises")

    async def _chat_turn(self, chat_id: object, loop: asyncio.AbstractEventLoop) -> None:
        """Waits while the chat is paused by a "retry after"; other chats go on."""
        if chat_id is None:
            return
        while (until := self._paused_until.get(chat_id)) is not None:
            delay = until - loop.time()
            if delay <= 0:
                self._paused_until.pop(chat_id, None)
                return
            await asyncio.sleep(delay)
