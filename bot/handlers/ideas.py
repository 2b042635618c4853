"""/ideas: small experiment ideas for the constraint stage (or any stage), started in one tap."""

from __future__ import annotations

from telegram import Update
from telegram.ext import BaseHandler, CallbackQueryHandler, CommandHandler, ContextTypes

from bot import buttons, flows
from bot.handlers.backlog import ask_ice
from bot.keyboards import button, experiment_card, markup, rows_of
from bot.render import labels
from bot.render.experiments import card
from bot.render.funnel import ideas_text, pick_stage_text, started_from_idea
from bot.render.stages import stages_button
from bot.replies import reply
from bot.runtime import Runtime, chat_id_of, runtime_of, tr
from bot.users import author_of
from experiments import parsers
from experiments.domain import Business, Stage
from experiments.ideas import StageIdeas, ideas_at_stage, ideas_for_constraint, start_idea

BUTTON_TITLE_CHARS = 32


async def ideas_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """`/ideas trust` for one stage; bare, the constraint's ideas or a stage to pick."""
    if context.args:
        stage = parsers.stage(" ".join(context.args), tr(context).gettext)
        await _show_stage(update, context, stage)
        return
    found = await ideas_for_constraint(runtime_of(context).uow(), chat_id_of(update))
    if found is None:
        await _pick_stage(update, context)
        return
    await _show(update, context, found)


async def stage_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """A stage, from the picker or under a funnel."""
    pressed = await flows.answer_button(update, context, buttons.IdeasStage)
    if pressed is not None:
        await _show_stage(update, context, pressed.stage)


async def pick_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    await flows.answer_query(update)
    await _pick_stage(update, context)


async def _pick_stage(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    t = tr(context)
    stages = [button(labels.stage(t, stage), buttons.IdeasStage(stage)) for stage in Stage]
    keyboard = markup([*rows_of(stages, 4), [stages_button(t)]])
    await reply(update, context, pick_stage_text(t), keyboard)


async def _show_stage(update: Update, context: ContextTypes.DEFAULT_TYPE, stage: Stage) -> None:
    await _show(
        update, context, await ideas_at_stage(runtime_of(context).uow(), chat_id_of(update), stage)
    )


async def _show(update: Update, context: ContextTypes.DEFAULT_TYPE, found: StageIdeas) -> None:
    t = tr(context)
    start = t.gettext("Start this")
    rows = [
        [
            button(
                f"🧪 {start}: {index + 1}. {_short(t.gettext(idea.title))}",
                buttons.IdeaUse(found.business, found.stage, index),
            )
        ]
        for index, idea in enumerate(found.ideas)
    ]
    rows.append([button("🔁 " + t.gettext("Another stage"), buttons.IdeasPick())])
    text = ideas_text(
        t,
        found.stage,
        found.ideas,
        constraint_rate=found.constraint_rate,
        business=found.business,
    )
    await reply(update, context, text, markup(rows))


async def use_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Creates the experiment from an idea at once and shows its card."""
    pressed = await flows.answer_button(update, context, buttons.IdeaUse)
    if pressed is not None:
        await _start(update, context, pressed.business, pressed.stage, pressed.index)


async def online_use_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Buttons sent before ideas had kinds of business pointed at the online-product
    catalog, which is what they still open."""
    pressed = await flows.answer_button(update, context, buttons.OnlineIdeaUse)
    if pressed is not None:
        await _start(update, context, Business.ONLINE, pressed.stage, pressed.index)


async def _start(
    update: Update,
    context: ContextTypes.DEFAULT_TYPE,
    business: Business,
    stage: Stage,
    index: int,
) -> None:
    runtime = runtime_of(context)
    t = tr(context)
    summary = await start_idea(
        runtime.uow(),
        chat_id_of(update),
        stage,
        index,
        author=author_of(update),
        translate=t.gettext,
        business=business,
        clock=runtime.clock,
    )
    experiment = summary.experiment
    await reply(
        update,
        context,
        started_from_idea(t, experiment, card(t, summary)),
        experiment_card(t, experiment),
    )
    # A draft goes into the backlog: score it while the idea is fresh.
    await ask_ice(update, context, experiment)


def _short(text: str) -> str:
    return text if len(text) <= BUTTON_TITLE_CHARS else text[: BUTTON_TITLE_CHARS - 1] + "…"


def handlers(runtime: Runtime) -> list[BaseHandler]:
    return [
        CommandHandler("ideas", ideas_command),
        CallbackQueryHandler(stage_button, pattern=buttons.IdeasStage.pattern),
        CallbackQueryHandler(pick_button, pattern=buttons.IdeasPick.pattern),
        CallbackQueryHandler(use_button, pattern=buttons.IdeaUse.pattern),
        CallbackQueryHandler(online_use_button, pattern=buttons.OnlineIdeaUse.pattern),
    ]
