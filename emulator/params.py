"""Decoding Bot API call parameters from query strings, JSON, form and multipart bodies."""

from __future__ import annotations

import json
from typing import Any

from aiohttp import web

from emulator.records import UploadedFile, bad_request

# Form and multipart bodies carry every value as a string; PTB JSON-encodes nested objects.
INT_FIELDS = frozenset(
    {
        "chat_id",
        "message_id",
        "offset",
        "limit",
        "timeout",
        "reply_to_message_id",
        "from_chat_id",
        "cache_time",
        "message_thread_id",
        "max_connections",
        "user_id",
    }
)
BOOL_FIELDS = frozenset(
    {
        "show_alert",
        "disable_notification",
        "protect_content",
        "drop_pending_updates",
        "disable_web_page_preview",
        "allow_sending_without_reply",
        "disable_content_type_detection",
        "has_spoiler",
        "show_caption_above_media",
    }
)
JSON_FIELDS = frozenset(
    {
        "reply_markup",
        "reply_parameters",
        "link_preview_options",
        "commands",
        "scope",
        "entities",
        "caption_entities",
        "allowed_updates",
        "media",
    }
)


async def read_params(request: web.Request) -> dict[str, Any]:
    """All parameters of a call, with ints, booleans and JSON objects decoded."""
    raw: dict[str, Any] = dict(request.query)
    if request.method == "POST" and request.body_exists:
        if request.content_type == "application/json":
            try:
                body = await request.json()
            except ValueError as error:
                raise bad_request("can't parse JSON request body") from error
            if not isinstance(body, dict):
                raise bad_request("JSON request body must be an object")
            raw.update(body)
        elif request.content_type in ("application/x-www-form-urlencoded", "multipart/form-data"):
            form = await request.post()
            for name, value in form.items():
                if isinstance(value, web.FileField):
                    raw[name] = UploadedFile(value.filename, value.content_type, value.file.read())
                else:
                    raw[name] = value
    return {name: _decode(name, value) for name, value in raw.items()}


def _decode(name: str, value: Any) -> Any:
    if not isinstance(value, str):
        return value
    if name in INT_FIELDS:
        try:
            return int(value)
        except ValueError:
            return value  # e.g. "@channelname": the method decides
    if name in BOOL_FIELDS:
        return value.lower() in ("true", "1")
    if name in JSON_FIELDS:
        try:
            return json.loads(value)
        except ValueError as error:
            raise bad_request(f"can't parse {name.replace('_', ' ')} JSON object") from error
    return value
