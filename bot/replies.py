"""Sending replies: HTML escaping, splitting below Telegram's 4096-character limit."""

from __future__ import annotations

import html

from telegram import InlineKeyboardMarkup, Message, Update
from telegram.constants import ParseMode
from telegram.error import BadRequest
from telegram.ext import ContextTypes

from bot.runtime import chat_id_of

MESSAGE_LIMIT = 4096
# Headroom below the hard limit, for the closing tags a split may need.
CHUNK_LIMIT = 3900


def esc(text: object) -> str:
    """Escapes anything a user typed before it goes into an HTML reply."""
    written = str(text)
    # Most names have nothing to escape: three lookups cost a third of escaping them.
    if "&" in written or "<" in written or ">" in written:
        return html.escape(written, quote=False)
    return written


def split_html(text: str, limit: int = CHUNK_LIMIT) -> list[str]:
    """Splits at line breaks so each piece stays under the limit and no tag is cut.

    Renderers keep tags within one line, so a split between lines never breaks markup.
    A single line longer than the limit is cut at a space, outside any tag.
    """
    pieces: list[str] = []
    current = ""
    for line in text.split("\n"):
        while len(line) > limit:
            cut = _safe_cut(line, limit)
            if current:
                pieces.append(current)
                current = ""
            pieces.append(line[:cut])
            line = line[cut:].lstrip(" ")
        candidate = line if not current else current + "\n" + line
        if len(candidate) > limit:
            pieces.append(current)
            current = line
        else:
            current = candidate
    if current.strip():
        pieces.append(current)
    return pieces or [text[:limit]]


def _safe_cut(line: str, limit: int) -> int:
    cut = line.rfind(" ", 0, limit)
    cut = cut if cut > limit // 2 else limit
    # Never cut inside a tag or an entity.
    open_tag = line.rfind("<", 0, cut)
    if open_tag > line.rfind(">", 0, cut):
        cut = open_tag
    amp = line.rfind("&", 0, cut)
    if amp > line.rfind(";", 0, cut):
        cut = amp
    return max(cut, 1)


async def reply(
    update: Update,
    context: ContextTypes.DEFAULT_TYPE,
    text: str,
    keyboard: InlineKeyboardMarkup | None = None,
) -> Message:
    """Sends HTML to the update's chat; the keyboard goes with the last piece."""
    pieces = split_html(text)
    sent: Message | None = None
    for index, piece in enumerate(pieces):
        last = index == len(pieces) - 1
        sent = await context.bot.send_message(
            chat_id_of(update),
            piece,
            parse_mode=ParseMode.HTML,
            reply_markup=keyboard if last else None,
        )
    assert sent is not None
    return sent


async def edit_or_reply(
    update: Update,
    context: ContextTypes.DEFAULT_TYPE,
    text: str,
    keyboard: InlineKeyboardMarkup | None = None,
) -> None:
    """From a button: replaces the message the button was on; otherwise sends a new one."""
    query = update.callback_query
    if query is not None and query.message is not None and len(text) <= CHUNK_LIMIT:
        try:
            await query.edit_message_text(
                text,
                parse_mode=ParseMode.HTML,
                reply_markup=keyboard,
            )
            return
        except BadRequest as error:
            if "not modified" in str(error).lower():
                return
            raise
    await reply(update, context, text, keyboard)
