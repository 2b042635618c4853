"""Last in line: /cancel with nothing open, and commands the bot does not know."""

from __future__ import annotations

from telegram import Update
from telegram.ext import (
    BaseHandler,
    CallbackQueryHandler,
    CommandHandler,
    ContextTypes,
    MessageHandler,
    filters,
)

from bot.handlers.start import cancel_outside_a_flow
from bot.replies import esc, reply
from bot.runtime import Runtime, tr


async def unknown_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    message = update.effective_message
    word = (message.text or "").split()[0] if message and message.text else ""
    text = tr(context).gettext("I don't know {command}. /help lists what I can do.")
    await reply(update, context, text.format(command=esc(word)))


async def stale_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """A button nobody handles any more (its flow ended or timed out): say so, answer anyway."""
    query = update.callback_query
    assert query is not None
    await query.answer(
        tr(context).gettext("This button has expired. Type the command again."), show_alert=True
    )


def handlers(runtime: Runtime) -> list[BaseHandler]:
    return [
        CommandHandler("cancel", cancel_outside_a_flow),
        MessageHandler(filters.COMMAND & filters.ChatType.PRIVATE, unknown_command),
        CallbackQueryHandler(stale_button),
    ]
