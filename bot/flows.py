"""What every guided conversation shares: cancel, timeout, skip buttons, per-chat drafts."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any, TypeVar
from zoneinfo import ZoneInfo

from telegram import InlineKeyboardButton, Update
from telegram.ext import (
    BaseHandler,
    CallbackQueryHandler,
    CommandHandler,
    ContextTypes,
    ConversationHandler,
)

from bot import buttons
from bot.buttons import ButtonData
from bot.conversations import SharedConversation, memory_of
from bot.keyboards import button
from bot.replies import reply
from bot.runtime import Runtime, runtime_of, tr, workspace_of
from experiments.domain import N_

END = ConversationHandler.END
EXPIRED_TEXT = N_("This button has expired. Type the command again.")

Pressed = TypeVar("Pressed", bound=ButtonData)


def draft(
    context: ContextTypes.DEFAULT_TYPE, update: Update, flow: str, *, chat_wide: bool = False
) -> dict[str, Any]:
    """The answers given so far in one flow (or a value kept between two presses), per user
    and chat — or, ``chat_wide``, per chat. Kept in the database (``bot.conversations``)."""
    memory = memory_of(update)
    if memory is None:
        # An update without a person: nothing to keep for the next one.
        return {}
    return memory.draft(flow, chat_wide=chat_wide)


def drop_draft(
    context: ContextTypes.DEFAULT_TYPE, update: Update, flow: str, *, chat_wide: bool = False
) -> None:
    memory = memory_of(update)
    if memory is not None:
        memory.drop(flow, chat_wide=chat_wide)


def cancel_button(context: ContextTypes.DEFAULT_TYPE) -> InlineKeyboardButton:
    return button("✖️ " + tr(context).gettext("Cancel"), buttons.Cancel())


def skip_button(context: ContextTypes.DEFAULT_TYPE, data: ButtonData) -> InlineKeyboardButton:
    return button("⏭ " + tr(context).gettext("Skip"), data)


async def answer_query(update: Update) -> None:
    """Answers the button press (Telegram wants every one answered)."""
    query = update.callback_query
    assert query is not None
    await query.answer()


async def answer_button(
    update: Update, context: ContextTypes.DEFAULT_TYPE, kind: type[Pressed]
) -> Pressed | None:
    """Answers the button press and returns its data decoded as ``kind``; data that is not
    (forged, or from a button whose format changed) is answered as an expired button: None."""
    query = update.callback_query
    assert query is not None
    pressed_button = kind.decode(query.data)
    if pressed_button is None:
        await answer_expired(update, context)
        return None
    await query.answer()
    return pressed_button


async def pressed_button(
    update: Update, context: ContextTypes.DEFAULT_TYPE, kind: type[Pressed]
) -> Pressed | None:
    """A step's choice: the press answered, decoded as ``kind`` and its keyboard removed."""
    found = await answer_button(update, context, kind)
    if found is not None:
        await remove_buttons(update)
    return found


async def answer_expired(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    query = update.callback_query
    assert query is not None
    await query.answer(tr(context).gettext(EXPIRED_TEXT), show_alert=True)


async def remove_buttons(update: Update) -> None:
    """Takes the keyboard off the message whose button was pressed, so it can't be pressed twice."""
    query = update.callback_query
    if query is not None and query.message is not None:
        await query.edit_message_reply_markup(reply_markup=None)


async def pressed(update: Update) -> object | None:
    """For a step answered by typing or by a button: the button's data, to decode with the
    kinds the step offers (the press answered and its keyboard removed), or None when the
    answer was typed."""
    if update.callback_query is None:
        return None
    await answer_query(update)
    await remove_buttons(update)
    return update.callback_query.data


def local_zone(context: ContextTypes.DEFAULT_TYPE) -> ZoneInfo:
    """The chat's workspace's timezone, where days begin and end for it."""
    workspace = workspace_of(context)
    return ZoneInfo(workspace.timezone if workspace else "UTC")


def local_today(context: ContextTypes.DEFAULT_TYPE) -> date:
    now: datetime = runtime_of(context).clock()
    return now.astimezone(local_zone(context)).date()


def conversation(
    name: str,
    runtime: Runtime,
    entry_points: list[BaseHandler],
    states: dict[object, list[BaseHandler]],
    command: str,
) -> ConversationHandler:
    """A guided flow with /cancel, a Cancel button and a timeout that says it gave up; its
    step and draft are shared by every process (``bot.conversations``)."""

    async def cancel(update: Update, context: ContextTypes.DEFAULT_TYPE) -> int:
        drop_draft(context, update, name)
        if update.callback_query is not None:
            await answer_query(update)
            await remove_buttons(update)
        await reply(update, context, tr(context).gettext("Cancelled. Nothing was saved."))
        return END

    return SharedConversation(
        entry_points=entry_points,
        states=states,
        fallbacks=[
            CommandHandler("cancel", cancel),
            CallbackQueryHandler(cancel, pattern=buttons.Cancel.pattern),
        ],
        name=name,
        allow_reentry=True,
        give_up=lambda t: t.gettext(TIMEOUT_TEXT).format(command=command),
    )


TIMEOUT_TEXT = N_(
    "⌛ I stopped waiting for an answer, so nothing was saved. Type /{command} to start again."
)
