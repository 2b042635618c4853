"""/funnel and /chart funnel: log how many people reached each stage, see the constraint."""

from __future__ import annotations

import asyncio
from datetime import datetime

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, InputFile, Update
from telegram.ext import (
    BaseHandler,
    CallbackQueryHandler,
    CommandHandler,
    ContextTypes,
    MessageHandler,
    filters,
)

from bot import buttons, flows
from bot.keyboards import button, markup
from bot.render import labels
from bot.render.funnel import (
    constraint_sentence,
    funnel_history_text,
    funnel_text,
    no_funnel_text,
    period,
)
from bot.render.funnel_chart import funnel_chart_png
from bot.render.stages import stages_button
from bot.replies import reply
from bot.runtime import Runtime, chat_id_of, runtime_of, tr
from bot.users import author_of
from experiments import parsers
from experiments.domain import N_, STAGE_NAMES, InvalidInput
from experiments.funnel import (
    FUNNEL_STAGES,
    FUNNEL_USAGE,
    FunnelView,
    check_stage_count,
    funnel_history,
    latest_funnel,
    log_funnel,
)
from experiments.parsers import Word

FLOW = "funnel"
COUNT = 0
TEXT = filters.TEXT & ~filters.COMMAND
HISTORY_PERIODS = 8


async def funnel_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> int:
    """`/funnel [day] <Know> <Like> … <Refer>` logs the last seven days, or the week of the day
    (`2026-11-16`, `last week`, …); bare, it shows the latest funnel; `/funnel history` lists
    the last periods."""
    words = context.args or []
    if not words:
        await _show_latest(update, context)
        return flows.END
    if parsers.is_word(words[0], Word.HISTORY):
        if len(words) > 1:
            raise InvalidInput(N_("Write /funnel history alone to see the last periods."))
        await _show_history(update, context)
        return flows.END
    week_of, words = parsers.leading_day(
        words, now=runtime_of(context).clock(), zone=flows.local_zone(context)
    )
    counts = [parsers.count(word, N_("people"), FUNNEL_USAGE) for word in words]
    await _log(update, context, counts, week_of)
    return flows.END


async def _show_latest(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    view = await latest_funnel(runtime_of(context).uow(), chat_id_of(update))
    t = tr(context)
    log_button = button("📝 " + t.gettext("Log this week's numbers"), buttons.FunnelLog())
    if view is None:
        await reply(update, context, no_funnel_text(t), markup([[log_button], [stages_button(t)]]))
        return
    heading = "📊 <b>" + t.gettext("Your hourglass funnel") + "</b>"
    keyboard = _funnel_keyboard(context, view, extra=[log_button])
    await reply(update, context, funnel_text(t, view, heading), keyboard)


async def _log(
    update: Update,
    context: ContextTypes.DEFAULT_TYPE,
    counts: list[int],
    week_of: datetime | None = None,
) -> None:
    runtime = runtime_of(context)
    view = await log_funnel(
        runtime.uow(),
        chat_id_of(update),
        counts,
        author=author_of(update),
        week_of=week_of,
        clock=runtime.clock,
    )
    t = tr(context)
    heading = "✅ <b>" + t.gettext("Funnel logged") + "</b>"
    await reply(update, context, funnel_text(t, view, heading), _funnel_keyboard(context, view))


async def _show_history(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    views = await funnel_history(runtime_of(context).uow(), chat_id_of(update), HISTORY_PERIODS)
    await reply(update, context, funnel_history_text(tr(context), views))


def _funnel_keyboard(
    context: ContextTypes.DEFAULT_TYPE,
    view: FunnelView,
    extra: list[InlineKeyboardButton] | None = None,
) -> InlineKeyboardMarkup:
    t = tr(context)
    rows: list[list[InlineKeyboardButton]] = []
    if view.constraint is not None:
        ideas = t.gettext("Ideas for {stage}").format(stage=labels.stage(t, view.constraint))
        rows.append([button("💡 " + ideas, buttons.IdeasStage(view.constraint))])
    rows.append([button("📈 " + t.gettext("Funnel chart"), buttons.FunnelChart())])
    rows.append(extra or [])
    if view.first:
        rows.append([stages_button(t)])
    return markup(rows)


# ---------------------------------------------------------------- the guided flow


async def start_guided(update: Update, context: ContextTypes.DEFAULT_TYPE) -> int:
    """The "Log this week's numbers" button: ask for each stage's count in turn."""
    await flows.answer_query(update)
    flows.drop_draft(context, update, FLOW)
    flows.draft(context, update, FLOW)["counts"] = []
    t = tr(context)
    intro = t.gettext(
        "Let's log this week's funnel: how many people reached each stage, "
        "Know → Like → Trust → Try → Buy → Repeat → Refer. Send one number at a time."
    )
    await _ask_count(update, context, [], intro)
    return COUNT


async def _ask_count(
    update: Update, context: ContextTypes.DEFAULT_TYPE, counts: list[int], intro: str = ""
) -> None:
    t = tr(context)
    stage = FUNNEL_STAGES[len(counts)]
    question = t.gettext("How many people reached <b>{stage}</b> this week? ({position} of 7)")
    text = question.format(stage=labels.stage(t, stage), position=len(counts) + 1)
    if counts:
        previous = FUNNEL_STAGES[len(counts) - 1]
        text += "\n" + t.gettext("{stage} had {count}.").format(
            stage=labels.stage(t, previous), count=t.number(counts[-1])
        )
    await reply(
        update,
        context,
        (intro + "\n\n" if intro else "") + text,
        markup([[flows.cancel_button(context)]]),
    )


async def got_count(update: Update, context: ContextTypes.DEFAULT_TYPE) -> int:
    assert update.effective_message is not None
    counts: list[int] = flows.draft(context, update, FLOW).setdefault("counts", [])
    stage = FUNNEL_STAGES[len(counts)]
    words = (update.effective_message.text or "").split()
    value = parsers.count_value(words[0]) if len(words) == 1 else None
    if value is None:
        raise InvalidInput(
            N_("Send one whole number: how many people reached {stage}, e.g. 1200."),
            stage=STAGE_NAMES[stage],
        )
    counts.append(check_stage_count(stage, value, counts[-1] if counts else None))
    if len(counts) < len(FUNNEL_STAGES):
        await _ask_count(update, context, counts)
        return COUNT
    await _log(update, context, counts)
    flows.drop_draft(context, update, FLOW)
    return flows.END


# ---------------------------------------------------------------- the chart


async def funnel_chart(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """`/chart funnel` or the "Funnel chart" button: the latest funnel as a picture."""
    if update.callback_query is not None:
        await flows.answer_query(update)
    # The latest period, drawn over the one before it (as outlines) when there is one.
    history = await funnel_history(runtime_of(context).uow(), chat_id_of(update), limit=2)
    t = tr(context)
    if not history:
        await reply(update, context, no_funnel_text(t))
        return
    view, previous = history[0], (history[1] if len(history) > 1 else None)
    png = await asyncio.to_thread(funnel_chart_png, t, view, previous)
    caption = "📈 " + t.gettext("Hourglass funnel, {period}").format(period=period(t, view))
    caption += "\n" + constraint_sentence(t, view)
    await context.bot.send_photo(
        chat_id_of(update), photo=InputFile(png, filename="funnel.png"), caption=caption
    )


def handlers(runtime: Runtime) -> list[BaseHandler]:
    return [
        flows.conversation(
            FLOW,
            runtime,
            entry_points=[
                CommandHandler("funnel", funnel_command),
                CallbackQueryHandler(start_guided, pattern=buttons.FunnelLog.pattern),
            ],
            states={COUNT: [MessageHandler(TEXT, got_count)]},
            command="funnel",
        ),
        MessageHandler(filters.Regex(r"(?i)^/chart(@\w+)?\s+funnel\b"), funnel_chart),
        CallbackQueryHandler(funnel_chart, pattern=buttons.FunnelChart.pattern),
    ]
