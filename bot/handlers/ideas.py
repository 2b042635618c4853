"""/ideas: small experiment ideas for the constraint stage (or any stage), started in one tap."""

from __future__ import annotations

from telegram import Update
from telegram.ext import BaseHandler, CallbackQueryHandler, CommandHandler, ContextTypes

from bot import flows
from bot.keyboards import button, experiment_card, markup, rows_of
from bot.render import labels
from bot.render.experiments import card
from bot.render.funnel import ideas_text, pick_stage_text, started_from_idea
from bot.render.stages import stages_button
from bot.replies import reply
from bot.runtime import Runtime, chat_id_of, runtime_of, tr
from bot.users import author_of
from experiments import services
from experiments.domain import Stage
from experiments.funnel import parse_stage
from experiments.ideas import ideas_for, ideas_for_constraint, start_idea

_STAGES = "|".join(stage.value for stage in Stage)
BUTTON_TITLE_CHARS = 32


async def ideas_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """`/ideas trust` for one stage; bare, the constraint's ideas or a stage to pick."""
    if context.args:
        await _show(update, context, parse_stage(" ".join(context.args), tr(context).gettext))
        return
    found = await ideas_for_constraint(runtime_of(context).uow(), chat_id_of(update))
    if found is None:
        await _pick_stage(update, context)
        return
    await _show(update, context, found.stage, constraint_rate=found.constraint_rate)


async def stage_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """ideas:stage:<stage>, from the picker or under a funnel."""
    data = await flows.answer_query(update)
    await _show(update, context, Stage(data.rsplit(":", 1)[1]))


async def pick_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    await flows.answer_query(update)
    await _pick_stage(update, context)


async def _pick_stage(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    t = tr(context)
    stages = [button(labels.stage(t, stage), f"ideas:stage:{stage.value}") for stage in Stage]
    keyboard = markup([*rows_of(stages, 4), [stages_button(t)]])
    await reply(update, context, pick_stage_text(t), keyboard)


async def _show(
    update: Update,
    context: ContextTypes.DEFAULT_TYPE,
    stage: Stage,
    *,
    constraint_rate: float | None = None,
) -> None:
    t = tr(context)
    ideas = ideas_for(stage)
    start = t.gettext("Start this")
    buttons = [
        [button(f"🧪 {start}: {index + 1}. {_short(t.gettext(idea.title))}", _use(stage, index))]
        for index, idea in enumerate(ideas)
    ]
    buttons.append([button("🔁 " + t.gettext("Another stage"), "ideas:pick")])
    text = ideas_text(t, stage, ideas, constraint_rate=constraint_rate)
    await reply(update, context, text, markup(buttons))


async def use_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """ideas:use:<stage>:<index> creates the experiment at once and shows its card."""
    data = await flows.answer_query(update)
    _area, _action, stage, index = data.split(":")
    runtime = runtime_of(context)
    t = tr(context)
    experiment = await start_idea(
        runtime.uow(),
        chat_id_of(update),
        Stage(stage),
        int(index),
        author=author_of(update),
        translate=t.gettext,
        clock=runtime.clock,
    )
    summary = await services.get_experiment(runtime.uow(), chat_id_of(update), experiment.number)
    await reply(
        update,
        context,
        started_from_idea(t, experiment, card(t, summary)),
        experiment_card(t, experiment.number, experiment.status),
    )


def _use(stage: Stage, index: int) -> str:
    return f"ideas:use:{stage.value}:{index}"


def _short(text: str) -> str:
    return text if len(text) <= BUTTON_TITLE_CHARS else text[: BUTTON_TITLE_CHARS - 1] + "…"


def handlers(runtime: Runtime) -> list[BaseHandler]:
    return [
        CommandHandler("ideas", ideas_command),
        CallbackQueryHandler(stage_button, pattern=rf"^ideas:stage:({_STAGES})$"),
        CallbackQueryHandler(pick_button, pattern=r"^ideas:pick$"),
        CallbackQueryHandler(use_button, pattern=rf"^ideas:use:({_STAGES}):\d{{1,2}}$"),
    ]
