"""Last in line: /cancel with nothing open, and commands the bot does not know."""

from __future__ import annotations

from collections.abc import Iterable

from telegram import Update
from telegram.ext import (
    Application,
    BaseHandler,
    CallbackQueryHandler,
    CommandHandler,
    ContextTypes,
    ConversationHandler,
    MessageHandler,
    filters,
)

from bot import flows
from bot.handlers.start import cancel_outside_a_flow
from bot.replies import esc, reply
from bot.runtime import Runtime, tr
from experiments.parsers import closest_command, command_word

_KNOWN_KEY = "hourglass.known-commands"


async def unknown_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """`/lgo` → "I don't know /lgo. Did you mean /log?"; in a group only when addressed."""
    message = update.effective_message
    text = message.text if message and message.text else ""
    word, *rest = text.split(maxsplit=1) or [""]
    if message is not None and message.chat.type != "private":
        username = context.bot.username or ""
        if not word.casefold().endswith("@" + username.casefold()):
            return  # maybe another bot's command: not ours to answer
    await reply_to_unknown(update, context, word, rest[0] if rest else "")


async def reply_to_unknown(
    update: Update, context: ContextTypes.DEFAULT_TYPE, word: str, arguments: str
) -> None:
    _ = tr(context).gettext
    command = command_word(word)
    suggestion = closest_command(command, known_commands(context.application))
    if suggestion is None:
        text = _("I don't know {command}. /help lists what I can do.").format(command=esc(command))
    else:
        text = _("I don't know {command}. Did you mean /{suggestion}?").format(
            command=esc(command), suggestion=suggestion
        )
        if arguments:
            text += "\n<code>/" + esc(f"{suggestion} {arguments}") + "</code>"
    await reply(update, context, text)


def known_commands(application: Application) -> frozenset[str]:
    """Every command some handler answers, found once from the handlers themselves."""
    found = application.bot_data.get(_KNOWN_KEY)
    if isinstance(found, frozenset):
        return found
    names = frozenset(
        name for group in application.handlers.values() for name in _commands_of(group)
    )
    application.bot_data[_KNOWN_KEY] = names
    return names


def _commands_of(handlers: Iterable[BaseHandler]) -> Iterable[str]:
    for handler in handlers:
        if isinstance(handler, CommandHandler):
            yield from handler.commands
        elif isinstance(handler, ConversationHandler):
            yield from _commands_of(handler.entry_points)
            yield from _commands_of(handler.fallbacks)
            for state in handler.states.values():
                yield from _commands_of(state)


async def stale_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """A button nobody handles any more (its flow ended or timed out): say so, answer anyway."""
    await flows.answer_expired(update, context)


def handlers(runtime: Runtime) -> list[BaseHandler]:
    return [
        CommandHandler("cancel", cancel_outside_a_flow),
        MessageHandler(filters.COMMAND, unknown_command),
        CallbackQueryHandler(stale_button),
    ]
