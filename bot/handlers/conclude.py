"""/conclude: close an experiment as won, lost or inconclusive, then ask for the learning."""

from __future__ import annotations

from telegram import Update
from telegram.ext import BaseHandler, CallbackQueryHandler, CommandHandler, ContextTypes

from bot import buttons, flows
from bot.keyboards import button, experiment_card, markup, winner_choice
from bot.pickers import offer_experiments, variant_named
from bot.render import labels
from bot.render.experiments import title
from bot.replies import edit_or_reply, reply
from bot.runtime import Runtime, chat_id_of, runtime_of, tr
from bot.users import actor_of
from experiments import parsers, services
from experiments.domain import N_, ExperimentView, InvalidInput, Outcome, Status, VariantsChanged
from experiments.roles import Action

# The example shown in replies; translated, so a Russian reply shows a Russian outcome word.
USAGE = N_("/conclude #1 won")
REOPEN_USAGE = "/reopen #2"


async def conclude_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """`/conclude #N won|lost|inconclusive` or `/conclude #N <variant>`; `/conclude #N` asks
    which variant won; bare, which experiment."""
    args = context.args or []
    t = tr(context)
    if not args:
        await offer_experiments(
            update,
            context,
            kind=buttons.Conclude,
            question=t.gettext("Conclude which experiment?"),
            none_text=t.gettext("There is no open experiment to conclude."),
            suitable=lambda s: s.experiment.can_change_to(Status.CONCLUDED),
        )
        return
    number = parsers.experiment_number(args[0], USAGE)
    if len(args) == 1:
        await _ask_winner(update, context, number)
        return
    outcome = parsers.outcome_word(args[1]) if len(args) == 2 else None
    winner, rest = await variant_named(update, context, number, args[1:])
    if rest:
        raise InvalidInput(
            N_(
                "Write the variant that won, or won, lost or inconclusive, e.g. {usage} "
                "or /conclude #1 B"
            ),
            usage=USAGE,
        )
    if outcome is None:
        # Not an outcome word: the name of the variant that won (checked by the service).
        await conclude_experiment(update, context, number, None, winner=winner)
        return
    await conclude_experiment(update, context, number, outcome)


async def _ask_winner(update: Update, context: ContextTypes.DEFAULT_TYPE, number: int) -> None:
    """Which variant won, with a button per variant and one for no winner."""
    experiment = await _may_conclude(update, context, number)
    t = tr(context)
    text = "\n".join(
        [
            t.gettext("Which variant won {title}?").format(title=title(experiment)),
            t.gettext("If the control stayed best, pick it; if the data can't tell, pick “none”."),
        ]
    )
    await edit_or_reply(update, context, text, winner_choice(t, number, experiment.variants))


async def _may_conclude(
    update: Update, context: ContextTypes.DEFAULT_TYPE, number: int
) -> ExperimentView:
    """Refuses (naming who can) before the question is asked or its buttons are taken away."""
    return await services.check_permission(
        runtime_of(context).uow(),
        chat_id_of(update),
        number,
        Action.CONCLUDE,
        actor=await actor_of(update, context),
    )


async def winner_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """The variant at a position won, or none did. A refused member keeps the buttons: the
    use case refuses before anything changes, and they are taken away only once it is done."""
    pressed = await flows.answer_button(update, context, buttons.Winner)
    if pressed is None:
        return
    number = pressed.number
    try:
        if pressed.position is None:
            concluded = await _conclude(update, context, number, Outcome.INCONCLUSIVE)
        else:
            concluded = await _conclude(update, context, number, winner_position=pressed.position)
    except VariantsChanged:
        await flows.remove_buttons(update)
        await _ask_winner(update, context, number)
        return
    await flows.remove_buttons(update)
    await _say_concluded(update, context, concluded)


async def end_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    pressed = await flows.answer_button(update, context, buttons.Conclude)
    if pressed is not None:
        await _ask_winner(update, context, pressed.number)


async def outcome_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    pressed = await flows.answer_button(update, context, buttons.ConcludeAs)
    if pressed is None:
        return
    concluded = await _conclude(update, context, pressed.number, pressed.outcome)
    await flows.remove_buttons(update)
    await _say_concluded(update, context, concluded)


async def conclude_experiment(
    update: Update,
    context: ContextTypes.DEFAULT_TYPE,
    number: int,
    outcome: Outcome | None,
    *,
    winner: str | None = None,
) -> None:
    """Concludes (a won one with the variant shipped, if given), then asks for the learning."""
    concluded = await _conclude(update, context, number, outcome, winner=winner)
    await _say_concluded(update, context, concluded)


async def _conclude(
    update: Update,
    context: ContextTypes.DEFAULT_TYPE,
    number: int,
    outcome: Outcome | None = None,
    *,
    winner: str | None = None,
    winner_position: int | None = None,
) -> ExperimentView:
    runtime = runtime_of(context)
    return await services.conclude(
        runtime.uow(),
        chat_id_of(update),
        number,
        outcome,
        actor=await actor_of(update, context),
        winner=winner,
        winner_position=winner_position,
        clock=runtime.clock,
    )


async def _say_concluded(
    update: Update, context: ContextTypes.DEFAULT_TYPE, experiment: ExperimentView
) -> None:
    t = tr(context)
    text = "\n".join(
        [
            t.gettext("🏁 {title} is concluded: {outcome}.").format(
                title=title(experiment), outcome=labels.outcome_with_winner(t, experiment)
            ),
            t.gettext(
                "What did it teach you? Writing it down now, while it's fresh, "
                "is what makes the next experiment better."
            ),
        ]
    )
    keyboard = markup(
        [
            [
                button(
                    "💡 " + t.gettext("Write the learning"), buttons.LearnStart(experiment.number)
                )
            ],
            [
                button(
                    "🧪 " + t.gettext("Start the next iteration"),
                    buttons.NextIteration(experiment.number),
                )
            ],
        ]
    )
    await reply(update, context, text, keyboard)


async def reopen_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """`/reopen #N`: the conclusion is taken back; bare, it asks which experiment."""
    args = context.args or []
    t = tr(context)
    if not args:
        await offer_experiments(
            update,
            context,
            kind=buttons.Reopen,
            question=t.gettext("Reopen which experiment?"),
            none_text=t.gettext("There is no concluded experiment to reopen."),
            suitable=lambda s: s.experiment.is_concluded,
        )
        return
    if len(args) > 1:
        raise InvalidInput(
            N_("Write /reopen and the experiment's number only, e.g. {usage}"),
            usage=REOPEN_USAGE,
        )
    await _reopen(update, context, parsers.experiment_number(args[0], REOPEN_USAGE))


async def reopen_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Reopen, on a concluded experiment's card or the "which one?" question."""
    pressed = await flows.answer_button(update, context, buttons.Reopen)
    if pressed is None:
        return
    await _reopen(update, context, pressed.number)
    await flows.remove_buttons(update)


async def _reopen(update: Update, context: ContextTypes.DEFAULT_TYPE, number: int) -> None:
    experiment = await services.reopen(
        runtime_of(context).uow(), chat_id_of(update), number, actor=await actor_of(update, context)
    )
    t = tr(context)
    text = t.gettext("🔓 {title} is open again: {status}. Its outcome is cleared.").format(
        title=title(experiment), status=labels.status(t, experiment.status)
    )
    keyboard = experiment_card(t, experiment)
    await reply(update, context, text, keyboard)


def handlers(runtime: Runtime) -> list[BaseHandler]:
    return [
        CommandHandler("conclude", conclude_command),
        CommandHandler("reopen", reopen_command),
        CallbackQueryHandler(reopen_button, pattern=buttons.Reopen.pattern),
        CallbackQueryHandler(end_button, pattern=buttons.Conclude.pattern),
        CallbackQueryHandler(outcome_button, pattern=buttons.ConcludeAs.pattern),
        CallbackQueryHandler(winner_button, pattern=buttons.Winner.pattern),
    ]
