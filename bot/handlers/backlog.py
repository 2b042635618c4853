"""/list backlog, starting a draft from it, and the ICE keypad that scores a draft."""

from __future__ import annotations

import re

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.ext import BaseHandler, CallbackQueryHandler, ContextTypes, MessageHandler, filters

from bot import buttons, flows
from bot.i18n import Translator
from bot.keyboards import button, experiment_card, markup, rows_of
from bot.render.backlog import (
    ICE_STEPS,
    MAX_LISTED,
    backlog_text,
    ice_question,
    ice_saved,
    ice_skipped,
)
from bot.render.experiments import card
from bot.replies import edit_or_reply, reply
from bot.runtime import Runtime, chat_id_of, runtime_of, tr
from bot.users import actor_of
from experiments import backlog, editing, services
from experiments.domain import ExperimentView, Ice
from experiments.parsers import WORDS, Word

# "/list backlog" (and its Russian words); plain /list is the experiments' list.
BACKLOG_COMMAND = re.compile(
    r"^/list(@\w+)?\s+(" + "|".join(sorted(WORDS[Word.BACKLOG])) + r")\s*$", re.IGNORECASE
)
BUTTON_NAME_CHARS = 28


async def backlog_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    await show_backlog(update, context)


async def list_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """bl:list, under a scored draft."""
    await flows.answer_query(update)
    await show_backlog(update, context)


async def show_backlog(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    found = await backlog.backlog(runtime_of(context).uow(), chat_id_of(update))
    t = tr(context)
    starts = [
        button(
            "▶️ " + t.gettext("Start") + f" #{item.experiment.number} " + _short(item.experiment),
            buttons.BacklogStart(item.experiment.number),
        )
        for item in found.items[:MAX_LISTED]
    ]
    await reply(update, context, backlog_text(t, found), markup(rows_of(starts, 1)))


async def start_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """From the backlog, the digest or a scored draft: the draft starts running."""
    pressed = await flows.answer_button(update, context, buttons.BacklogStart)
    if pressed is None:
        return
    number = pressed.number
    runtime = runtime_of(context)
    summary = await backlog.start_draft(
        runtime.uow(), chat_id_of(update), number, clock=runtime.clock
    )
    t = tr(context)
    text = "▶️ " + t.gettext("Started #{number}: it is running now.").format(number=number)
    await reply(
        update,
        context,
        text + "\n\n" + card(t, summary),
        experiment_card(t, summary.experiment),
    )


# ---------------------------------------------------------------- the ICE keypad


async def ask_ice(
    update: Update, context: ContextTypes.DEFAULT_TYPE, experiment: ExperimentView
) -> None:
    """Sends the keypad that scores a new draft: impact, then confidence, then ease."""
    t = tr(context)
    await reply(
        update,
        context,
        ice_question(t, experiment, ()),
        ice_keypad(t, experiment.number, ()),
    )


def ice_keypad(t: Translator, number: int, given: tuple[int, ...]) -> InlineKeyboardMarkup:
    """1–10 in two rows of five; each button carries the answers so far (no state kept)."""
    keys = [
        button(str(value), buttons.IceScores(number, (*given, value))) for value in range(1, 11)
    ]
    skip: list[InlineKeyboardButton] = [
        button("⏭ " + t.gettext("Score it later"), buttons.IceSkip(number))
    ]
    return markup([*rows_of(keys, 5), skip])


async def ice_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """The answers so far: the next question, or the score saved after the third answer."""
    pressed = await flows.answer_button(update, context, buttons.IceScores)
    if pressed is None:
        return
    number, given = pressed.number, pressed.scores
    runtime = runtime_of(context)
    t = tr(context)
    if len(given) < ICE_STEPS:
        summary = await services.get_experiment(runtime.uow(), chat_id_of(update), number)
        await edit_or_reply(
            update,
            context,
            ice_question(t, summary.experiment, given),
            ice_keypad(t, number, given),
        )
        return
    edited = await editing.set_ice(
        runtime.uow(),
        chat_id_of(update),
        number,
        Ice(*given),
        actor=await actor_of(update, context),
    )
    row = [button("📥 " + t.gettext("Backlog"), buttons.BacklogList())]
    if edited.experiment.is_draft:
        start = "▶️ " + t.gettext("Start #{number} now").format(number=number)
        row.insert(0, button(start, buttons.BacklogStart(number)))
    keyboard = markup([row])
    await edit_or_reply(update, context, ice_saved(t, edited.experiment), keyboard)


async def ice_skip_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Score it later: the draft stays unscored."""
    pressed = await flows.answer_button(update, context, buttons.IceSkip)
    if pressed is None:
        return
    summary = await services.get_experiment(
        runtime_of(context).uow(), chat_id_of(update), pressed.number
    )
    await edit_or_reply(update, context, ice_skipped(tr(context), summary.experiment))


def _short(experiment: ExperimentView) -> str:
    name = experiment.name
    return name if len(name) <= BUTTON_NAME_CHARS else name[: BUTTON_NAME_CHARS - 1] + "…"


def handlers(runtime: Runtime) -> list[BaseHandler]:
    return [
        MessageHandler(filters.Regex(BACKLOG_COMMAND), backlog_command),
        CallbackQueryHandler(list_button, pattern=buttons.BacklogList.pattern),
        CallbackQueryHandler(start_button, pattern=buttons.BacklogStart.pattern),
        CallbackQueryHandler(ice_button, pattern=buttons.IceScores.pattern),
        CallbackQueryHandler(ice_skip_button, pattern=buttons.IceSkip.pattern),
    ]
