"""/cost: what an experiment cost, so the readout can give cost per conversion and return."""

from __future__ import annotations

from telegram import Update
from telegram.ext import BaseHandler, CallbackQueryHandler, CommandHandler, ContextTypes

from bot import buttons, flows
from bot.pickers import offer_experiments
from bot.render.editing import cost_text
from bot.replies import reply
from bot.runtime import Runtime, chat_id_of, currency_of, runtime_of, tr
from bot.users import actor_of
from experiments import editing, parsers, services
from experiments.domain import N_, InvalidInput

USAGE = "/cost #1 120"


async def cost_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """`/cost #N 120` sets the cost; `/cost #N` shows it; bare, it asks which experiment."""
    args = context.args or []
    t = tr(context)
    if not args:
        await offer_experiments(
            update,
            context,
            kind=buttons.CostShow,
            question=t.gettext("The cost of which experiment?"),
            none_text=t.gettext("No experiments yet. Start one with /new."),
        )
        return
    number = parsers.experiment_number(args[0], USAGE)
    if len(args) == 1:
        await _show(update, context, number)
        return
    if len(args) > 2:
        raise InvalidInput(
            N_("Write /cost, the experiment and one amount, e.g. {usage}"), usage=USAGE
        )
    amount = parsers.cost(args[1], f"/cost #{number} 120")
    edited = await editing.set_cost(
        runtime_of(context).uow(),
        chat_id_of(update),
        number,
        amount,
        actor=await actor_of(update, context),
    )
    await reply(update, context, cost_text(t, currency_of(context), edited.experiment, saved=True))


async def show_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    pressed = await flows.answer_button(update, context, buttons.CostShow)
    if pressed is None:
        return
    await flows.remove_buttons(update)
    await _show(update, context, pressed.number)


async def _show(update: Update, context: ContextTypes.DEFAULT_TYPE, number: int) -> None:
    summary = await services.get_experiment(runtime_of(context).uow(), chat_id_of(update), number)
    await reply(update, context, cost_text(tr(context), currency_of(context), summary.experiment))


def handlers(runtime: Runtime) -> list[BaseHandler]:
    return [
        CommandHandler("cost", cost_command),
        CallbackQueryHandler(show_button, pattern=buttons.CostShow.pattern),
    ]
