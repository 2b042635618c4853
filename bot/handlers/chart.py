"""/chart #N and the card's Chart button: the cumulative conversion rate per variant, as a PNG."""

from __future__ import annotations

import asyncio

from telegram import InputFile, Update
from telegram.constants import ChatAction, ParseMode
from telegram.ext import BaseHandler, CallbackQueryHandler, CommandHandler, ContextTypes

from bot import buttons, flows
from bot.keyboards import button, experiment_picker, markup
from bot.render import charts
from bot.replies import esc, reply
from bot.runtime import Runtime, chat_id_of, runtime_of, tr
from experiments import observations, parsers, services
from experiments.curves import cumulative_curves
from experiments.parsers import Word

USAGE = "/chart #1"


async def chart_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """`/chart #N`; bare, a picker of experiments with results, and the funnel."""
    args = context.args or []
    if args and parsers.is_word(args[0], Word.FUNNEL):
        return  # "/chart funnel" belongs to bot/handlers/funnel.py, registered before this one
    if args:
        await _chart(update, context, parsers.experiment_number(args[0], USAGE))
        return
    summaries = await services.list_experiments(runtime_of(context).uow(), chat_id_of(update))
    with_results = [s for s in summaries if s.visitors]
    t = tr(context)
    funnel = button("⏳ " + t.gettext("Funnel"), buttons.FunnelChart())  # answered in funnel.py
    if not with_results:
        text = t.gettext(
            "No experiment has results yet, so there is no conversion chart to draw. "
            "Log some with /log — or chart the hourglass funnel."
        )
        await reply(update, context, text, markup([[funnel]]))
        return
    await reply(
        update,
        context,
        t.gettext("Chart which experiment? Or the hourglass funnel:"),
        experiment_picker(
            buttons.Chart,
            [(s.experiment.number, s.experiment.name) for s in with_results],
            [funnel],
        ),
    )


async def chart_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """From a card, a readout or the picker."""
    pressed = await flows.answer_button(update, context, buttons.Chart)
    if pressed is not None:
        await _chart(update, context, pressed.number)


async def _chart(update: Update, context: ContextTypes.DEFAULT_TYPE, number: int) -> None:
    runtime = runtime_of(context)
    chat_id = chat_id_of(update)
    history = await observations.conversion_history(
        runtime.uow(), chat_id, number, clock=runtime.clock
    )
    experiment = history.experiment
    t = tr(context)
    if not history.visitors:
        text = t.gettext(
            "{title} has no results yet, so there is nothing to chart. "
            "Log some like this: <code>/log #{number} {variant} 1000 42</code>"
        ).format(
            title=f"<b>#{number} {esc(experiment.name)}</b>",
            number=number,
            variant=esc(experiment.control),
        )
        await reply(update, context, text)
        return
    await context.bot.send_chat_action(chat_id, ChatAction.UPLOAD_PHOTO)
    # Drawing takes a few hundred milliseconds: off the event loop, so other chats go on.
    png = await asyncio.to_thread(charts.conversion_chart, t, history)
    curves = cumulative_curves(history.daily, experiment.variants)
    await context.bot.send_photo(
        chat_id,
        InputFile(png, filename=f"hourglass-chart-{number}.png"),
        caption=charts.chart_caption(t, number, curves),
        parse_mode=ParseMode.HTML,
        reply_markup=markup([[button("📊 " + t.gettext("Readout"), buttons.Readout(number))]]),
    )


def handlers(runtime: Runtime) -> list[BaseHandler]:
    # Blocking: other chats go on while a chart is drawn (chats are handled concurrently, the
    # drawing runs in a worker thread), and this chat's next update waits its turn, so its
    # replies keep their order and the update is marked handled only once the chart is sent.
    return [
        CommandHandler("chart", chart_command),
        CallbackQueryHandler(chart_button, pattern=buttons.Chart.pattern),
    ]
