"""Bot API methods that send, edit and delete messages, answer buttons and serve files."""

from __future__ import annotations

import html
import mimetypes
from typing import Any

from emulator.chat import SimChat
from emulator.html import FormattedText, HtmlParseError, parse_html
from emulator.records import (
    BotMessage,
    CallbackAnswer,
    StoredFile,
    UploadedFile,
    bad_request,
    image_size,
)
from emulator.world import TelegramWorld

Params = dict[str, Any]

MAX_TEXT_LENGTH = 4096
MAX_CAPTION_LENGTH = 1024
MAX_CALLBACK_DATA_BYTES = 64
_BUTTON_ACTIONS = (
    "callback_data",
    "url",
    "login_url",
    "switch_inline_query",
    "switch_inline_query_current_chat",
    "switch_inline_query_chosen_chat",
    "copy_text",
    "web_app",
    "callback_game",
    "pay",
)


class _Text:
    """Message text (or caption) after Telegram's parsing: plain text, entities, HTML source."""

    def __init__(self, params: Params, field: str, *, limit: int, too_long: str) -> None:
        source = params.get(field)
        source = "" if source is None else str(source)
        self.parse_mode = params.get("parse_mode") or None
        if str(self.parse_mode).lower() == "html":
            try:
                formatted = parse_html(source).stripped()
            except HtmlParseError as error:
                raise bad_request(str(error)) from error
            self.html = source
            self.entities = formatted.entities()
        else:
            # Markdown is not validated: the text is kept as sent
            formatted = FormattedText(source).stripped()
            self.html = html.escape(formatted.text, quote=False)
            explicit = params.get("entities" if field == "text" else "caption_entities")
            self.entities = list(explicit) if isinstance(explicit, list) else []
        self.text = formatted.text
        if len(self.text) > limit:
            raise bad_request(too_long)


def _message_text(params: Params) -> _Text:
    text = _Text(params, "text", limit=MAX_TEXT_LENGTH, too_long="message is too long")
    if not text.text:
        raise bad_request("message text is empty")
    return text


def _caption(params: Params) -> _Text:
    return _Text(
        params, "caption", limit=MAX_CAPTION_LENGTH, too_long="message caption is too long"
    )


def _reply_markup(params: Params, *, inline_only: bool = False) -> dict[str, Any] | None:
    markup = params.get("reply_markup")
    if markup is None or markup == "":
        return None
    if not isinstance(markup, dict):
        raise bad_request("can't parse reply keyboard markup JSON object")
    if "inline_keyboard" not in markup:
        if inline_only:
            raise bad_request("can't parse inline keyboard markup JSON object")
        return markup
    rows = markup["inline_keyboard"]
    if not isinstance(rows, list) or not all(isinstance(row, list) for row in rows):
        raise bad_request(
            'field "inline_keyboard" of the InlineKeyboardMarkup should be an Array of Arrays'
        )
    for row in rows:
        for button in row:
            if not isinstance(button, dict) or not isinstance(button.get("text"), str):
                raise bad_request(
                    'can\'t parse inline keyboard button: Field "text" must be of type String'
                )
            data = button.get("callback_data")
            if data is not None and (
                not isinstance(data, str) or not 1 <= len(data.encode()) <= MAX_CALLBACK_DATA_BYTES
            ):
                raise bad_request("BUTTON_DATA_INVALID")
            if not any(action in button for action in _BUTTON_ACTIONS):
                raise bad_request(
                    "can't parse inline keyboard button: "
                    "Text buttons are unallowed in the inline keyboard"
                )
    return markup


def _reply_to(chat: SimChat, params: Params) -> int | None:
    reply = params.get("reply_parameters")
    if isinstance(reply, dict):
        message_id, allow_missing = (
            reply.get("message_id"),
            reply.get("allow_sending_without_reply"),
        )
    else:
        message_id = params.get("reply_to_message_id")
        allow_missing = params.get("allow_sending_without_reply")
    if message_id is None:
        return None
    if not isinstance(message_id, int) or not chat.has_message(message_id):
        if allow_missing:
            return None
        raise bad_request("message to be replied not found")
    return message_id


def _send(chat: SimChat, world: TelegramWorld, params: Params, **content: Any) -> dict[str, Any]:
    message = BotMessage(
        chat_id=chat.id,
        message_id=chat.new_message_id(),
        date=world.now(),
        reply_markup=_reply_markup(params),
        reply_to_message_id=_reply_to(chat, params),
        **content,
    )
    chat.add_bot_message(message)
    return chat.message_json(message.message_id)


def send_message(world: TelegramWorld, params: Params) -> dict[str, Any]:
    chat = world.chat_for(params.get("chat_id"))
    text = _message_text(params)
    return _send(
        chat,
        world,
        params,
        text=text.text,
        html=text.html,
        entities=text.entities,
        parse_mode=text.parse_mode,
    )


def _input_file(world: TelegramWorld, params: Params, field: str) -> StoredFile:
    value = params.get(field)
    if isinstance(value, str) and value.startswith("attach://"):
        value = params.get(value.removeprefix("attach://"))
    if isinstance(value, UploadedFile):
        if not value.content:
            raise bad_request("file must be non-empty")
        if field == "photo" and image_size(value.content) is None:
            raise bad_request("IMAGE_PROCESS_FAILED")
        mime_type = value.content_type
        if not mime_type or mime_type == "application/octet-stream":
            mime_type = mimetypes.guess_type(value.filename or "")[0] or mime_type
        return world.store_file(
            value.content, kind=field, filename=value.filename, mime_type=mime_type
        )
    if isinstance(value, str) and value:
        stored = world.files.get(value)
        if stored is None:
            raise bad_request("wrong file identifier/HTTP URL specified")
        if stored.kind != field:
            raise bad_request(f"can't use file of type {stored.kind.title()} as {field.title()}")
        return stored
    raise bad_request(f"there is no {field} in the request")


def send_photo(world: TelegramWorld, params: Params) -> dict[str, Any]:
    return _send_file(world, params, "photo")


def send_document(world: TelegramWorld, params: Params) -> dict[str, Any]:
    return _send_file(world, params, "document")


def _send_file(world: TelegramWorld, params: Params, field: str) -> dict[str, Any]:
    """sendPhoto and sendDocument: a file (in ``field``) with an optional caption."""
    chat = world.chat_for(params.get("chat_id"))
    caption = _caption(params)
    stored = _input_file(world, params, field)
    return _send(
        chat,
        world,
        params,
        text=caption.text,
        html=caption.html,
        entities=caption.entities,
        parse_mode=caption.parse_mode,
        **{field: stored},
    )


def _editable(world: TelegramWorld, params: Params) -> tuple[SimChat, BotMessage]:
    if params.get("inline_message_id"):
        raise bad_request("inline messages are not supported by the emulator")
    chat = world.chat_for(params.get("chat_id"))
    message_id = params.get("message_id")
    if message_id is None:
        raise bad_request("message identifier is not specified")
    message = chat.bot_message(message_id) if isinstance(message_id, int) else None
    if message is None:
        if isinstance(message_id, int) and chat.has_message(message_id):
            raise bad_request("message can't be edited")
        raise bad_request("message to edit not found")
    if message.deleted:
        raise bad_request("message to edit not found")
    return chat, message


_NOT_MODIFIED = (
    "message is not modified: specified new message content and reply markup are exactly "
    "the same as a current content and reply markup of the message"
)


def _apply_edit(
    world: TelegramWorld,
    chat: SimChat,
    message: BotMessage,
    text: _Text | None,
    markup: dict[str, Any] | None,
) -> dict[str, Any]:
    same_text = text is None or (text.text, text.entities) == (message.text, message.entities)
    if same_text and markup == message.inline_markup:
        raise bad_request(_NOT_MODIFIED)
    if text is not None:
        message.text, message.html = text.text, text.html
        message.entities, message.parse_mode = text.entities, text.parse_mode
    message.reply_markup = markup
    message.edit_date = world.now()
    chat.record_edit(message)
    return chat.message_json(message.message_id)


def edit_message_text(world: TelegramWorld, params: Params) -> dict[str, Any]:
    chat, message = _editable(world, params)
    if message.kind != "text":
        raise bad_request("there is no text in the message to edit")
    text = _message_text(params)
    return _apply_edit(world, chat, message, text, _reply_markup(params, inline_only=True))


def edit_message_caption(world: TelegramWorld, params: Params) -> dict[str, Any]:
    chat, message = _editable(world, params)
    if message.kind == "text":
        raise bad_request("there is no caption in the message to edit")
    caption = _caption(params)
    return _apply_edit(world, chat, message, caption, _reply_markup(params, inline_only=True))


def edit_message_reply_markup(world: TelegramWorld, params: Params) -> dict[str, Any]:
    chat, message = _editable(world, params)
    return _apply_edit(world, chat, message, None, _reply_markup(params, inline_only=True))


def delete_message(world: TelegramWorld, params: Params) -> bool:
    chat = world.chat_for(params.get("chat_id"))
    message_id = params.get("message_id")
    if not isinstance(message_id, int) or not chat.delete_message(message_id):
        raise bad_request("message to delete not found")
    return True


def answer_callback_query(world: TelegramWorld, params: Params) -> bool:
    query = world.callback_queries.get(str(params.get("callback_query_id", "")))
    if query is None or query.answer is not None:
        raise bad_request("query is too old and response timeout expired or query ID is invalid")
    query.answer = CallbackAnswer(
        query_id=query.query_id,
        text=params.get("text") or None,
        show_alert=bool(params.get("show_alert")),
        url=params.get("url") or None,
        cache_time=params.get("cache_time"),
    )
    alert = " (alert)" if query.answer.show_alert else ""
    shown = f": {query.answer.text!r}{alert}" if query.answer.text else ""
    world.chats[query.chat_id].note(f"    bot answered the press{shown}")
    return True


def get_file(world: TelegramWorld, params: Params) -> dict[str, Any]:
    stored = world.files.get(str(params.get("file_id", "")))
    if stored is None:
        raise bad_request("invalid file_id")
    return {
        "file_id": stored.file_id,
        "file_unique_id": stored.file_unique_id,
        "file_size": stored.size,
        "file_path": stored.file_path,
    }


def send_chat_action(world: TelegramWorld, params: Params) -> bool:
    chat = world.chat_for(params.get("chat_id"))
    action = params.get("action")
    if not action:
        raise bad_request("action is empty")
    chat.chat_actions.append(str(action))
    return True


METHODS = {
    "sendMessage": send_message,
    "sendPhoto": send_photo,
    "sendDocument": send_document,
    "editMessageText": edit_message_text,
    "editMessageCaption": edit_message_caption,
    "editMessageReplyMarkup": edit_message_reply_markup,
    "deleteMessage": delete_message,
    "answerCallbackQuery": answer_callback_query,
    "getFile": get_file,
    "sendChatAction": send_chat_action,
}
