"""Who sent an update, as the services want to know them."""

from __future__ import annotations

from telegram import Update
from telegram.constants import ChatType
from telegram.ext import ContextTypes

from bot.runtime import runtime_of
from experiments.domain import Author
from experiments.roles import Actor


def author_of(update: Update) -> Author:
    user = update.effective_user
    if user is None:
        return Author(user_id=0, name="?")
    return Author(user_id=user.id, name=user.full_name[:128])


async def actor_of(update: Update, context: ContextTypes.DEFAULT_TYPE) -> Actor:
    """The sender with their role here: in a private chat they may do everything; in a group,
    whether they are an admin is asked of Telegram (cached briefly per chat)."""
    author = author_of(update)
    chat = update.effective_chat
    if chat is None or chat.type == ChatType.PRIVATE:
        return Actor(author.user_id, author.name, private_chat=chat is not None)
    message = update.message
    if (
        message is not None
        and message.sender_chat is not None
        and message.sender_chat.id == chat.id
    ):
        # Posted anonymously as the group itself: only its admins can do that.
        return Actor(author.user_id, author.name, is_admin=True)
    admins = await runtime_of(context).chat_admins.admin_ids(context.bot, chat.id)
    return Actor(author.user_id, author.name, is_admin=author.user_id in admins)
