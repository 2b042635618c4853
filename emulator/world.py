"""The emulated Telegram server's state: users, chats, files, the update queue, and waiting."""

from __future__ import annotations

import asyncio
import json
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from emulator.chat import SimChat
from emulator.records import (
    CallbackAnswer,
    SimUser,
    StoredFile,
    bad_request,
    image_extension,
)

FIRST_USER_ID = 100_000_001
FIRST_GROUP_ID = -400_000_001


@dataclass
class CallbackQuery:
    """A button press waiting for (or holding) the bot's answer."""

    query_id: str
    chat_id: int
    message_id: int
    sender: SimUser
    data: str
    answer: CallbackAnswer | None = None


class TelegramWorld:
    """Everything the emulator knows, independent of HTTP; mutations call notify()."""

    def __init__(
        self,
        *,
        bot_id: int,
        bot_username: str,
        bot_first_name: str,
        clock: Callable[[], float],
        first_update_id: int = 1,
    ) -> None:
        self.bot_user: dict[str, Any] = {
            "id": bot_id,
            "is_bot": True,
            "first_name": bot_first_name,
            "username": bot_username,
        }
        self.clock = clock
        self.users: dict[int, SimUser] = {}
        self.chats: dict[int, SimChat] = {}
        self.files: dict[str, StoredFile] = {}
        self.files_by_path: dict[str, StoredFile] = {}
        self.updates: list[dict[str, Any]] = []
        # Every update id a getUpdates answer carried (tests check each was handled).
        self.handed_out: set[int] = set()
        self.callback_queries: dict[str, CallbackQuery] = {}
        self.blocked: dict[int, str] = {}
        self.commands: dict[tuple[str, str], list[dict[str, Any]]] = {}
        self.webhook: dict[str, Any] | None = None
        self.descriptions: dict[str, str] = {}
        self.closing = False
        self.poll_generation = 0
        self._changed = asyncio.Event()
        self._next_update_id = first_update_id
        self._next_user_id = FIRST_USER_ID
        self._next_group_id = FIRST_GROUP_ID
        self._next_file_number = 1
        self._next_query_number = 1

    @property
    def bot_username(self) -> str:
        return str(self.bot_user["username"])

    def now(self) -> int:
        return int(self.clock())

    # -- waiting -------------------------------------------------------------------------------

    def notify(self) -> None:
        """Wake everyone waiting in wait_until so they re-check their condition."""
        self._changed.set()
        self._changed = asyncio.Event()

    async def wait_until(self, predicate: Callable[[], bool], timeout: float | None) -> bool:
        """Wait until predicate() holds (re-checked on every change); False on timeout."""
        loop = asyncio.get_running_loop()
        deadline = math.inf if timeout is None else loop.time() + timeout
        while not predicate():
            remaining = deadline - loop.time()
            if remaining <= 0:
                return False
            changed = self._changed
            try:
                async with asyncio.timeout(None if math.isinf(remaining) else remaining):
                    await changed.wait()
            except TimeoutError:
                return predicate()
        return True

    # -- users, chats, files -------------------------------------------------------------------

    def add_user(
        self,
        first_name: str,
        *,
        last_name: str | None = None,
        username: str | None = None,
        language_code: str | None = "en",
        user_id: int | None = None,
    ) -> SimUser:
        if user_id is None:
            user_id = self._next_user_id
            self._next_user_id += 1
        user = SimUser(user_id, first_name, last_name, username, language_code)
        self.users[user.id] = user
        return user

    def private_chat(self, user: SimUser) -> SimChat:
        chat = self.chats.get(user.id)
        if chat is None:
            chat = SimChat(self, chat_id=user.id, chat_type="private", user=user, members=[user])
            self.chats[chat.id] = chat
        return chat

    def group_chat(
        self,
        title: str,
        members: Sequence[SimUser],
        *,
        admins: Sequence[SimUser] | None = None,
    ) -> SimChat:
        chat_id = self._next_group_id
        self._next_group_id -= 1
        chat = SimChat(
            self,
            chat_id=chat_id,
            chat_type="group",
            title=title,
            members=members,
            admins=list(members[:1]) if admins is None else admins,
        )
        self.chats[chat.id] = chat
        return chat

    def chat_for(self, chat_id: object) -> SimChat:
        """The chat a Bot API call addresses, or Telegram's "chat not found"."""
        chat = self.chats.get(chat_id) if isinstance(chat_id, int) else None
        if chat is None:
            if chat_id is None or chat_id == "":
                raise bad_request("chat_id is empty")
            raise bad_request("chat not found")
        return chat

    def store_file(
        self, content: bytes, *, kind: str, filename: str | None, mime_type: str | None
    ) -> StoredFile:
        number = self._next_file_number
        self._next_file_number += 1
        folder = "photos" if kind == "photo" else "documents"
        suffix = filename.rsplit(".", 1)[-1] if filename and "." in filename else "bin"
        if kind == "photo":
            # Telegram keeps no name for photos
            filename, suffix = None, image_extension(content)
        stored = StoredFile(
            file_id=f"EMU{kind[:3].upper()}{number:06d}",
            file_unique_id=f"U{number:06d}",
            file_path=f"{folder}/file_{number}.{suffix}",
            kind=kind,
            filename=filename,
            mime_type=mime_type,
            content=content,
        )
        self.files[stored.file_id] = stored
        self.files_by_path[stored.file_path] = stored
        return stored

    # -- updates -------------------------------------------------------------------------------

    def enqueue_update(self, kind: str, payload: dict[str, Any]) -> int:
        update_id = self._next_update_id
        self._next_update_id += 1
        self.updates.append({"update_id": update_id, kind: payload})
        self.notify()
        return update_id

    def confirm_updates(self, offset: int | None) -> None:
        """Forget updates the bot confirmed with getUpdates(offset=...), as Telegram does."""
        if offset is None:
            return
        if offset < 0:
            self.updates = self.updates[offset:]
        else:
            self.updates = [u for u in self.updates if u["update_id"] >= offset]

    def new_callback_query(
        self, *, chat_id: int, message_id: int, sender: SimUser, data: str
    ) -> CallbackQuery:
        query_id = f"{self.bot_user['id']}{self._next_query_number:08d}"
        self._next_query_number += 1
        query = CallbackQuery(query_id, chat_id, message_id, sender, data)
        self.callback_queries[query_id] = query
        return query

    # -- bot settings ---------------------------------------------------------------------------

    @staticmethod
    def commands_key(scope: dict[str, Any] | None, language_code: str | None) -> tuple[str, str]:
        scope = scope or {"type": "default"}
        return json.dumps(scope, sort_keys=True), language_code or ""
