"""/list, /show and the card's pause and resume buttons."""

from __future__ import annotations

from functools import partial

from telegram import Update
from telegram.ext import (
    BaseHandler,
    CallbackQueryHandler,
    CommandHandler,
    ContextTypes,
    MessageHandler,
    filters,
)

from bot import buttons, flows
from bot.keyboards import experiment_card
from bot.pickers import offer_experiments
from bot.render.experiments import card, experiment_list
from bot.render.money import money_block
from bot.replies import edit_or_reply, reply
from bot.runtime import Runtime, chat_id_of, currency_of, runtime_of, tr
from experiments import overview, parsers
from experiments.domain import Status

SHOW_USAGE = "/show #1"


async def list_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    runtime = runtime_of(context)
    found = await overview.overviews(runtime.uow(), chat_id_of(update), clock=runtime.clock)
    summaries = [item.summary for item in found]
    verdicts = {item.summary.experiment.number: item.verdict for item in found}
    await reply(update, context, experiment_list(tr(context), summaries, verdicts))


async def show_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """`/show #N`; bare, it offers the experiments as buttons."""
    if context.args:
        await show(update, context, parsers.experiment_number(context.args[0], SHOW_USAGE))
        return
    t = tr(context)
    await offer_experiments(
        update,
        context,
        kind=partial(buttons.Card, "show"),
        question=t.gettext("Which experiment?"),
        none_text=t.gettext("No experiments yet. Start one with /new."),
    )


async def show_shortcut(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """`/show_3`, the tappable form /list prints."""
    assert update.effective_message is not None and update.effective_message.text is not None
    word = parsers.command_word(update.effective_message.text)
    await show(update, context, parsers.experiment_number(word.removeprefix("/show_"), SHOW_USAGE))


async def show(update: Update, context: ContextTypes.DEFAULT_TYPE, number: int) -> None:
    runtime = runtime_of(context)
    found = await overview.overview(runtime.uow(), chat_id_of(update), number, clock=runtime.clock)
    await _render(update, context, found)


async def _render(
    update: Update, context: ContextTypes.DEFAULT_TYPE, found: overview.ExperimentOverview
) -> None:
    summary = found.summary
    number = summary.experiment.number
    t = tr(context)
    keyboard = experiment_card(t, summary.experiment)
    text = card(t, summary, found.verdict)
    money = money_block(t, currency_of(context), summary.money, number=number)
    if money:
        text += "\n\n" + money
    await edit_or_reply(update, context, text, keyboard)


async def card_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Show the card; pause, resume or start (a draft) from it."""
    pressed = await flows.answer_button(update, context, buttons.Card)
    if pressed is None:
        return
    action, number = pressed.action, pressed.number
    if action not in ("pause", "resume", "start"):
        await show(update, context, number)
        return
    runtime = runtime_of(context)
    wanted = Status.PAUSED if action == "pause" else Status.RUNNING
    found = await overview.change_status(
        runtime.uow(), chat_id_of(update), number, wanted, clock=runtime.clock
    )
    await _render(update, context, found)


def handlers(runtime: Runtime) -> list[BaseHandler]:
    return [
        CommandHandler("list", list_command),
        CommandHandler("show", show_command),
        MessageHandler(filters.Regex(r"^/show_\d+(@\w+)?(\s|$)"), show_shortcut),
        CallbackQueryHandler(card_button, pattern=buttons.Card.pattern),
    ]
