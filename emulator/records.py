"""Value objects of the emulated Telegram world: users, files, bot messages, faults, calls."""

from __future__ import annotations

import dataclasses
import struct
from dataclasses import dataclass, field
from typing import Any, NamedTuple


class ApiError(Exception):
    """A Bot API error answer: {"ok": false, "error_code": ..., "description": ...}."""

    def __init__(self, error_code: int, description: str, *, retry_after: int | None = None):
        super().__init__(f"{error_code} {description}")
        self.error_code = error_code
        self.description = description
        self.retry_after = retry_after

    def to_json(self) -> dict[str, Any]:
        body: dict[str, Any] = {
            "ok": False,
            "error_code": self.error_code,
            "description": self.description,
        }
        if self.retry_after is not None:
            body["parameters"] = {"retry_after": self.retry_after}
        return body


def bad_request(reason: str) -> ApiError:
    return ApiError(400, f"Bad Request: {reason}")


@dataclass(frozen=True)
class SimUser:
    """A simulated Telegram user."""

    id: int
    first_name: str
    last_name: str | None = None
    username: str | None = None
    language_code: str | None = "en"

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}" if self.last_name else self.first_name

    def to_dict(self) -> dict[str, Any]:
        user: dict[str, Any] = {"id": self.id, "is_bot": False, "first_name": self.first_name}
        if self.last_name:
            user["last_name"] = self.last_name
        if self.username:
            user["username"] = self.username
        if self.language_code:
            user["language_code"] = self.language_code
        return user


@dataclass(frozen=True)
class StoredFile:
    """A file held by the emulator: uploaded by a user or sent by the bot."""

    file_id: str
    file_unique_id: str
    file_path: str
    kind: str  # "photo" or "document"
    filename: str | None
    mime_type: str | None
    content: bytes = field(repr=False)

    @property
    def size(self) -> int:
        return len(self.content)

    def document_dict(self) -> dict[str, Any]:
        document: dict[str, Any] = {
            "file_id": self.file_id,
            "file_unique_id": self.file_unique_id,
            "file_size": self.size,
        }
        if self.filename:
            document["file_name"] = self.filename
        if self.mime_type:
            document["mime_type"] = self.mime_type
        return document

    def photo_sizes(self) -> list[dict[str, Any]]:
        width, height = image_size(self.content) or (0, 0)
        return [
            {
                "file_id": self.file_id,
                "file_unique_id": self.file_unique_id,
                "file_size": self.size,
                "width": width,
                "height": height,
            }
        ]


@dataclass(frozen=True)
class UploadedFile:
    """A file part of a multipart request, as it appears in ApiCall.params."""

    filename: str | None
    content_type: str | None
    content: bytes = field(repr=False)


def image_size(content: bytes) -> tuple[int, int] | None:
    """(width, height) of a PNG, GIF, JPEG or WebP image; None when it is not one."""
    if content.startswith(b"\x89PNG\r\n\x1a\n") and len(content) >= 24:
        width, height = struct.unpack(">II", content[16:24])
        return int(width), int(height)
    if content[:6] in (b"GIF87a", b"GIF89a") and len(content) >= 10:
        width, height = struct.unpack("<HH", content[6:10])
        return int(width), int(height)
    if content.startswith(b"RIFF") and content[8:12] == b"WEBP":
        return (0, 0)
    if content.startswith(b"\xff\xd8"):
        pos = 2
        while pos + 9 <= len(content) and content[pos] == 0xFF:
            marker = content[pos + 1]
            (length,) = struct.unpack(">H", content[pos + 2 : pos + 4])
            if 0xC0 <= marker <= 0xCF and marker not in (0xC4, 0xC8, 0xCC):
                height, width = struct.unpack(">HH", content[pos + 5 : pos + 9])
                return int(width), int(height)
            pos += 2 + length
        return (0, 0)
    return None


def image_extension(content: bytes) -> str:
    if content.startswith(b"\x89PNG"):
        return "png"
    if content.startswith(b"GIF8"):
        return "gif"
    if content.startswith(b"RIFF"):
        return "webp"
    return "jpg"


class Button(NamedTuple):
    """An inline keyboard button: its text and its callback_data (or url)."""

    text: str
    data: str | None


@dataclass
class BotMessage:
    """A message the bot sent, as it is now; `edits` holds a snapshot after each edit."""

    chat_id: int
    message_id: int
    date: int
    text: str  # the text, or the caption of a photo / document
    html: str  # the text as the bot sent it when parse_mode was HTML, else escaped
    entities: list[dict[str, Any]] = field(default_factory=list)
    parse_mode: str | None = None
    reply_markup: dict[str, Any] | None = None
    photo: StoredFile | None = None
    document: StoredFile | None = None
    reply_to_message_id: int | None = None
    edit_date: int | None = None
    deleted: bool = False
    edits: list[BotMessage] = field(default_factory=list, repr=False)

    @property
    def kind(self) -> str:
        return "photo" if self.photo else "document" if self.document else "text"

    @property
    def inline_markup(self) -> dict[str, Any] | None:
        if self.reply_markup and "inline_keyboard" in self.reply_markup:
            return self.reply_markup
        return None

    @property
    def buttons(self) -> list[list[Button]]:
        """Inline keyboard rows of (text, callback_data or url)."""
        markup = self.inline_markup
        if markup is None:
            return []
        return [
            [Button(b["text"], b.get("callback_data", b.get("url"))) for b in row]
            for row in markup["inline_keyboard"]
        ]

    @property
    def button_texts(self) -> list[str]:
        return [button.text for row in self.buttons for button in row]

    @property
    def keyboard(self) -> list[list[str]]:
        """Reply keyboard rows (button texts) when the message carries a ReplyKeyboardMarkup."""
        rows = (self.reply_markup or {}).get("keyboard", [])
        return [[b if isinstance(b, str) else b["text"] for b in row] for row in rows]

    @property
    def force_reply(self) -> bool:
        return bool((self.reply_markup or {}).get("force_reply"))

    @property
    def remove_keyboard(self) -> bool:
        return bool((self.reply_markup or {}).get("remove_keyboard"))

    def snapshot(self) -> BotMessage:
        return dataclasses.replace(self, edits=[])

    def describe(self) -> str:
        """One readable line (or a few) for a transcript."""
        parts = []
        if self.photo:
            parts.append(
                f"[photo {self.photo.filename or self.photo.file_id}, {self.photo.size} B]"
            )
        if self.document:
            parts.append(
                f"[document {self.document.filename or self.document.file_id}, "
                f"{self.document.size} B]"
            )
        if self.text:
            parts.append(self.text)
        line = " ".join(parts)
        if self.buttons:
            line += "\n" + "\n".join(
                "  ".join(f"[{button.text}]" for button in row) for row in self.buttons
            )
        if self.force_reply:
            line += "\n(force reply)"
        return line


@dataclass(frozen=True)
class UserMessage:
    """A message a simulated user sent."""

    chat_id: int
    message_id: int
    sender: SimUser
    date: int
    text: str | None = None
    caption: str | None = None
    document: StoredFile | None = None


@dataclass(frozen=True)
class CallbackAnswer:
    """The bot's answerCallbackQuery for one button press."""

    query_id: str
    text: str | None = None
    show_alert: bool = False
    url: str | None = None
    cache_time: int | None = None


class ApiCall(NamedTuple):
    """One Bot API call the bot made: the method name and its decoded parameters."""

    method: str
    params: dict[str, Any]


@dataclass(frozen=True)
class Fault:
    """How an injected failure answers a matching call."""

    kind: str  # "error", "drop", "hang" or "hold"
    error_code: int = 0
    description: str = ""
    retry_after: int | None = None
    # for "drop": perform the call first, then lose the answer (the message *was* sent)
    processed: bool = False

    @classmethod
    def too_many_requests(cls, retry_after: int = 1) -> Fault:
        return cls(
            "error", 429, f"Too Many Requests: retry after {retry_after}", retry_after=retry_after
        )

    @classmethod
    def forbidden(cls, description: str = "Forbidden: bot was blocked by the user") -> Fault:
        return cls("error", 403, description)

    @classmethod
    def bad_request(cls, reason: str) -> Fault:
        return cls("error", 400, f"Bad Request: {reason}")

    @classmethod
    def error(cls, error_code: int, description: str) -> Fault:
        return cls("error", error_code, description)

    @classmethod
    def drop_connection(cls, *, processed: bool = False) -> Fault:
        """Close the connection without an answer; with processed=True after doing the call."""
        return cls("drop", processed=processed)

    @classmethod
    def hang(cls) -> Fault:
        """Never answer (until the client gives up or the emulator stops): client timeouts."""
        return cls("hang")

    @classmethod
    def hold(cls) -> Fault:
        """Keep the call waiting until the test releases it (``BotApiEmulator.release``), then
        answer it normally: a slow send whose end the test decides, with no clock involved."""
        return cls("hold")

    def api_error(self) -> ApiError:
        return ApiError(self.error_code, self.description, retry_after=self.retry_after)


@dataclass
class Injection:
    """A fault armed for the next `remaining` calls matching method and chat_id."""

    fault: Fault
    method: str | None = None
    chat_id: int | None = None
    remaining: int = 1
    # for "hold": calls waiting now, and whether the test let them go
    held: int = 0
    released: bool = False

    def matches(self, method: str, chat_id: object) -> bool:
        if self.remaining <= 0:
            return False
        if self.method is None:
            # a catch-all must not starve long polling
            method_ok = method.lower() != "getupdates"
        else:
            method_ok = self.method.lower() == method.lower()
        return method_ok and (self.chat_id is None or self.chat_id == chat_id)


@dataclass(frozen=True)
class FiredFault:
    """A fault that answered a call."""

    method: str
    chat_id: int | None
    fault: Fault
