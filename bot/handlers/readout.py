"""/readout: the statistics of one experiment in plain words, with the verdict."""

from __future__ import annotations

from telegram import Update
from telegram.ext import BaseHandler, CallbackQueryHandler, CommandHandler, ContextTypes

from bot import buttons, flows
from bot.keyboards import button, markup
from bot.pickers import offer_experiments
from bot.render.money import money_block
from bot.render.readout import readout_text
from bot.render.story import story_text
from bot.render.target import target_text
from bot.replies import reply
from bot.runtime import Runtime, chat_id_of, currency_of, runtime_of, tr
from experiments import parsers, services

USAGE = "/readout #1"


async def readout_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    if context.args:
        await _readout(update, context, parsers.experiment_number(context.args[0], USAGE))
        return
    t = tr(context)
    await offer_experiments(
        update,
        context,
        kind=buttons.Readout,
        question=t.gettext("Readout of which experiment?"),
        none_text=t.gettext("No experiments yet. Start one with /new."),
    )


async def readout_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    pressed = await flows.answer_button(update, context, buttons.Readout)
    if pressed is not None:
        await _readout(update, context, pressed.number)


async def _readout(update: Update, context: ContextTypes.DEFAULT_TYPE, number: int) -> None:
    runtime = runtime_of(context)
    result = await services.readout(runtime.uow(), chat_id_of(update), number, clock=runtime.clock)
    t = tr(context)
    actions = [button("📈 " + t.gettext("Chart"), buttons.Chart(number))]
    if result.experiment.takes_results:
        actions += [
            button("➕ " + t.gettext("Log results"), buttons.LogResults(number)),
            button("🏁 " + t.gettext("Conclude"), buttons.Conclude(number)),
        ]
    if result.target is not None:
        text = target_text(t, result)
    elif result.story is not None:
        text = story_text(t, result)
    else:
        text = readout_text(t, result)
    money = money_block(t, currency_of(context), result.money, number=number)
    if money:
        text += "\n\n" + money
    await reply(update, context, text, markup([actions]))


def handlers(runtime: Runtime) -> list[BaseHandler]:
    return [
        CommandHandler("readout", readout_command),
        CallbackQueryHandler(readout_button, pattern=buttons.Readout.pattern),
    ]
