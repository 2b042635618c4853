"""A simulated Telegram chat: what users do in it, and what tests wait for from the bot."""

from __future__ import annotations

import mimetypes
import re
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from emulator.records import BotMessage, CallbackAnswer, SimUser, UserMessage

if TYPE_CHECKING:
    from emulator.world import TelegramWorld

DEFAULT_TIMEOUT = 10.0
# Who Telegram says sent a message an admin posted anonymously, as the group.
GROUP_ANONYMOUS_BOT = {
    "id": 1087968824,
    "is_bot": True,
    "first_name": "Group",
    "username": "GroupAnonymousBot",
}
_COMMAND = re.compile(r"/[A-Za-z0-9_]{1,64}(?:@[A-Za-z0-9_]{3,64})?")


def command_entities(text: str | None) -> list[dict[str, Any]]:
    """A bot_command entity for a leading /command or /command@botname, as Telegram adds."""
    match = _COMMAND.match(text or "")
    if match is None:
        return []
    return [{"type": "bot_command", "offset": 0, "length": len(match[0])}]


class SimChat:
    """A private or group chat with the bot. Users act through it; tests read the bot's replies.

    Waiting methods (next_reply, next_edit, callback_answer) wake on the bot's calls, never
    poll, and fail with an AssertionError carrying the transcript on timeout.
    """

    def __init__(
        self,
        world: TelegramWorld,
        *,
        chat_id: int,
        chat_type: str,
        title: str | None = None,
        user: SimUser | None = None,
        members: Sequence[SimUser] = (),
        admins: Sequence[SimUser] = (),
    ) -> None:
        self.world = world
        self.id = chat_id
        self.type = chat_type
        self.title = title
        self.user = user
        self.members = list(members)
        # Group roles: the first admin is the creator, the others administrators.
        self.admins = list(admins)
        self.bot_messages: list[BotMessage] = []
        self.user_messages: dict[int, UserMessage] = {}
        self.edit_log: list[BotMessage] = []
        self.chat_actions: list[str] = []
        self._bot_messages_by_id: dict[int, BotMessage] = {}
        self._user_message_json: dict[int, dict[str, Any]] = {}
        self._next_message_id = 1
        self._reply_cursor = 0
        self._edit_cursor = 0
        self._log: list[str] = []

    def __repr__(self) -> str:
        return f"SimChat({self.type} {self.id} {self.name!r})"

    @property
    def name(self) -> str:
        if self.title is not None:
            return self.title
        return self.user.full_name if self.user else str(self.id)

    def to_dict(self) -> dict[str, Any]:
        if self.type == "private" and self.user is not None:
            chat = self.user.to_dict()
            chat.pop("is_bot")
            chat.pop("language_code", None)
            return {**chat, "type": "private"}
        return {"id": self.id, "type": self.type, "title": self.title}

    def status_of(self, user_id: int) -> str:
        """The user's getChatMember status here: creator, administrator, member or left."""
        if self.type == "private":
            return "member" if self.user is not None and self.user.id == user_id else "left"
        admin_ids = [admin.id for admin in self.admins]
        if admin_ids[:1] == [user_id]:
            return "creator"
        if user_id in admin_ids:
            return "administrator"
        return "member" if any(m.id == user_id for m in self.members) else "left"

    def promote(self, user: SimUser) -> None:
        """The user becomes an administrator of the group (a member too, if not yet)."""
        if all(m.id != user.id for m in self.members):
            self.members.append(user)
        if all(a.id != user.id for a in self.admins):
            self.admins.append(user)

    def demote(self, user: SimUser) -> None:
        self.admins = [a for a in self.admins if a.id != user.id]

    # -- what users do -------------------------------------------------------------------------

    async def send(
        self,
        text: str,
        *,
        sender: SimUser | None = None,
        reply_to: BotMessage | UserMessage | int | None = None,
        as_group: bool = False,
    ) -> UserMessage:
        """The user sends a text message; a leading /command gets its bot_command entity.

        ``as_group``: an admin posts anonymously, as the group itself (Telegram then names the
        group as ``sender_chat`` and GroupAnonymousBot as ``from``).
        """
        sender = self._sender(sender)
        payload = self._new_user_message(sender, reply_to)
        if as_group:
            if self.status_of(sender.id) not in ("creator", "administrator"):
                raise ValueError(f"only an admin of {self!r} can post as the group")
            payload["from"] = dict(GROUP_ANONYMOUS_BOT)
            payload["sender_chat"] = self.to_dict()
        payload["text"] = text
        entities = command_entities(text)
        if entities:
            payload["entities"] = entities
        message = UserMessage(self.id, payload["message_id"], sender, payload["date"], text=text)
        self._remember_user_message(message, payload, f"{sender.first_name}: {text}")
        return message

    async def upload(
        self,
        filename: str,
        content: bytes,
        *,
        caption: str | None = None,
        mime_type: str | None = None,
        sender: SimUser | None = None,
    ) -> UserMessage:
        """The user sends a file as a document, with an optional caption."""
        sender = self._sender(sender)
        mime_type = mime_type or mimetypes.guess_type(filename)[0] or "application/octet-stream"
        stored = self.world.store_file(
            content, kind="document", filename=filename, mime_type=mime_type
        )
        payload = self._new_user_message(sender, None)
        payload["document"] = stored.document_dict()
        if caption:
            payload["caption"] = caption
            entities = command_entities(caption)
            if entities:
                payload["caption_entities"] = entities
        message = UserMessage(
            self.id,
            payload["message_id"],
            sender,
            payload["date"],
            caption=caption,
            document=stored,
        )
        line = f"{sender.first_name}: [document {filename}, {len(content)} B]"
        self._remember_user_message(message, payload, line + (f" {caption}" if caption else ""))
        return message

    async def press(
        self,
        message: BotMessage | int,
        button_text: str | None = None,
        *,
        callback_data: str | None = None,
        sender: SimUser | None = None,
    ) -> str:
        """The user presses an inline button (by text or callback_data) of the message as it is
        now; returns the callback query id. Does not wait for the bot."""
        if (button_text is None) == (callback_data is None):
            raise ValueError("press() needs exactly one of button_text and callback_data")
        sender = self._sender(sender)
        message_id = message if isinstance(message, int) else message.message_id
        current = self._bot_messages_by_id.get(message_id)
        if current is None or current.deleted:
            raise AssertionError(f"No bot message #{message_id} to press a button on.\n{self}")
        label, data = self._find_button(current, button_text, callback_data)
        query = self.world.new_callback_query(
            chat_id=self.id, message_id=message_id, sender=sender, data=data
        )
        payload = {
            "id": query.query_id,
            "from": sender.to_dict(),
            "chat_instance": f"ci{abs(self.id)}",
            "data": data,
            "message": self.message_json(message_id),
        }
        self._log.append(f"{sender.first_name} pressed [{label}] on #{message_id}")
        self.world.enqueue_update("callback_query", payload)
        return query.query_id

    # -- what tests wait for -------------------------------------------------------------------

    @property
    def unread(self) -> list[BotMessage]:
        """Bot messages not yet returned by next_reply."""
        return self.bot_messages[self._reply_cursor :]

    async def next_reply(self, timeout: float = DEFAULT_TIMEOUT) -> BotMessage:
        """The next bot message in this chat not yet returned (the live object)."""
        arrived = await self.world.wait_until(
            lambda: self._reply_cursor < len(self.bot_messages), timeout
        )
        if not arrived:
            raise AssertionError(f"No reply from the bot within {timeout} s.\n{self}")
        message = self.bot_messages[self._reply_cursor]
        self._reply_cursor += 1
        return message

    async def next_replies(self, count: int, timeout: float = DEFAULT_TIMEOUT) -> list[BotMessage]:
        return [await self.next_reply(timeout) for _ in range(count)]

    async def next_edit(self, timeout: float = DEFAULT_TIMEOUT) -> BotMessage:
        """A snapshot of the next edited bot message (text or markup) not yet returned."""
        arrived = await self.world.wait_until(
            lambda: self._edit_cursor < len(self.edit_log), timeout
        )
        if not arrived:
            raise AssertionError(f"No edit by the bot within {timeout} s.\n{self}")
        snapshot = self.edit_log[self._edit_cursor]
        self._edit_cursor += 1
        return snapshot

    async def callback_answer(
        self, query_id: str, timeout: float = DEFAULT_TIMEOUT
    ) -> CallbackAnswer:
        """Wait until the bot answered that button press; returns its answer."""
        query = self.world.callback_queries.get(query_id)
        if query is None:
            raise AssertionError(f"No button press with callback query id {query_id!r}")
        if not await self.world.wait_until(lambda: query.answer is not None, timeout):
            raise AssertionError(
                f"The bot did not answer callback query {query_id} within {timeout} s.\n{self}"
            )
        assert query.answer is not None
        return query.answer

    async def expect_silence(
        self,
        sentinel: str,
        reply_contains: str,
        *,
        sender: SimUser | None = None,
        timeout: float = DEFAULT_TIMEOUT,
    ) -> BotMessage:
        """Assert the bot has nothing more to say here: no unread reply now, and none before the
        reply to `sentinel` (a message containing `reply_contains`), which is returned.

        Deterministic while the Application handles one chat's updates one at a time (PTB's
        default, or Hourglass's per-chat order, and no block=False handlers): everything the
        bot does for this chat's earlier updates is then sent before it sees the sentinel.
        """
        if self.unread:
            raise AssertionError(f"Unexpected bot message(s): {self.unread!r}\n{self}")
        await self.send(sentinel, sender=sender)
        reply = await self.next_reply(timeout)
        if reply_contains not in reply.text:
            raise AssertionError(
                f"Expected only the reply to {sentinel!r}, containing {reply_contains!r}, "
                f"but the bot sent {reply.text!r} first.\n{self}"
            )
        return reply

    def transcript(self) -> str:
        """The conversation so far, readable, for failure messages and debugging."""
        header = f"--- {self.type} chat {self.id} ({self.name}) ---"
        return "\n".join([header, *self._log, "--- end ---"])

    def __str__(self) -> str:
        return self.transcript()

    # -- the bot's side, used by the Bot API methods -------------------------------------------

    def new_message_id(self) -> int:
        message_id = self._next_message_id
        self._next_message_id += 1
        return message_id

    def bot_message(self, message_id: int) -> BotMessage | None:
        return self._bot_messages_by_id.get(message_id)

    def has_message(self, message_id: int) -> bool:
        message = self._bot_messages_by_id.get(message_id)
        if message is not None:
            return not message.deleted
        return message_id in self._user_message_json

    def add_bot_message(self, message: BotMessage) -> None:
        self.bot_messages.append(message)
        self._bot_messages_by_id[message.message_id] = message
        self.note(_indent(f"bot #{message.message_id}: {message.describe()}"))

    def record_edit(self, message: BotMessage) -> None:
        snapshot = message.snapshot()
        message.edits.append(snapshot)
        self.edit_log.append(snapshot)
        self.note(_indent(f"bot edited #{message.message_id}: {message.describe()}"))

    def delete_message(self, message_id: int) -> bool:
        bot_message = self._bot_messages_by_id.get(message_id)
        if bot_message is not None and not bot_message.deleted:
            bot_message.deleted = True
        elif self._user_message_json.pop(message_id, None) is None:
            return False
        self.note(f"bot deleted #{message_id}")
        return True

    def note(self, line: str) -> None:
        """Add a line to the transcript and wake waiters."""
        self._log.append(line)
        self.world.notify()

    def message_json(self, message_id: int, *, with_reply: bool = True) -> dict[str, Any]:
        """A message of this chat as the Bot API returns it."""
        user_message = self._user_message_json.get(message_id)
        if user_message is not None:
            return user_message
        message = self._bot_messages_by_id[message_id]
        payload: dict[str, Any] = {
            "message_id": message.message_id,
            "from": self.world.bot_user,
            "chat": self.to_dict(),
            "date": message.date,
        }
        if message.edit_date is not None:
            payload["edit_date"] = message.edit_date
        text_key, entities_key = ("text", "entities")
        if message.photo or message.document:
            text_key, entities_key = ("caption", "caption_entities")
        if message.photo:
            payload["photo"] = message.photo.photo_sizes()
        if message.document:
            payload["document"] = message.document.document_dict()
        if message.text:
            payload[text_key] = message.text
        if message.entities:
            payload[entities_key] = message.entities
        if message.inline_markup:
            payload["reply_markup"] = message.inline_markup
        replied = message.reply_to_message_id
        if with_reply and replied is not None and self.has_message(replied):
            payload["reply_to_message"] = self.message_json(replied, with_reply=False)
        return payload

    # -- helpers -------------------------------------------------------------------------------

    def _sender(self, sender: SimUser | None) -> SimUser:
        if sender is not None:
            return sender
        if self.user is None:
            raise ValueError(f"{self!r} is a group: say which member sends (sender=...)")
        return self.user

    def _new_user_message(
        self, sender: SimUser, reply_to: BotMessage | UserMessage | int | None
    ) -> dict[str, Any]:
        payload: dict[str, Any] = {
            "message_id": self.new_message_id(),
            "from": sender.to_dict(),
            "chat": self.to_dict(),
            "date": self.world.now(),
        }
        if reply_to is not None:
            replied = reply_to if isinstance(reply_to, int) else reply_to.message_id
            payload["reply_to_message"] = self.message_json(replied, with_reply=False)
        return payload

    def _remember_user_message(
        self, message: UserMessage, payload: dict[str, Any], line: str
    ) -> None:
        self.user_messages[message.message_id] = message
        self._user_message_json[message.message_id] = payload
        self._log.append(line)
        self.world.enqueue_update("message", payload)

    def _find_button(
        self, message: BotMessage, button_text: str | None, callback_data: str | None
    ) -> tuple[str, str]:
        for row in message.inline_markup["inline_keyboard"] if message.inline_markup else []:
            for button in row:
                if (button_text is not None and button["text"] == button_text) or (
                    callback_data is not None and button.get("callback_data") == callback_data
                ):
                    if "callback_data" not in button:
                        raise AssertionError(f"Button {button['text']!r} is not a callback button")
                    return str(button["text"]), str(button["callback_data"])
        raise AssertionError(
            f"No button {button_text or callback_data!r} on bot message #{message.message_id}; "
            f"it has {message.buttons}.\n{self}"
        )


def _indent(text: str) -> str:
    return text.replace("\n", "\n    ")
