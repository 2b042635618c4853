"""Who the admins of a group are, asked of Telegram and kept briefly, one entry per chat."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable

from telegram import Bot, ChatMember
from telegram.error import TelegramError

logger = logging.getLogger(__name__)

# Long enough that a burst of button presses asks Telegram once; short enough that a new admin
# is recognised within a minute.
ADMIN_CACHE_SECONDS = 60.0
_ADMIN_STATUSES = (ChatMember.OWNER, ChatMember.ADMINISTRATOR)


class ChatAdmins:
    """getChatAdministrators, cached for ``ttl`` seconds per chat."""

    def __init__(
        self, ttl: float = ADMIN_CACHE_SECONDS, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self._ttl = ttl
        self._clock = clock
        self._cache: dict[int, tuple[float, frozenset[int]]] = {}

    async def admin_ids(self, bot: Bot, chat_id: int) -> frozenset[int]:
        """The user ids of the group's creator and administrators (empty if Telegram can't say,
        so only authors are let through then)."""
        now = self._clock()
        cached = self._cache.get(chat_id)
        if cached is not None and now - cached[0] < self._ttl:
            return cached[1]
        try:
            members = await bot.get_chat_administrators(chat_id)
        except TelegramError as error:
            logger.warning("could not ask for the admins of chat %s: %s", chat_id, error)
            return frozenset()
        admins = frozenset(m.user.id for m in members if m.status in _ADMIN_STATUSES)
        self._cache[chat_id] = (now, admins)
        return admins

    def forget(self, chat_id: int) -> None:
        self._cache.pop(chat_id, None)
