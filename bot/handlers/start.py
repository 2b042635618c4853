"""/start, /help and /cancel outside a guided flow."""

from __future__ import annotations

from telegram import Update
from telegram.ext import BaseHandler, CallbackQueryHandler, CommandHandler, ContextTypes

from bot import buttons, flows
from bot.commands import COMMANDS
from bot.keyboards import markup
from bot.render.stages import stages_button, stages_text
from bot.replies import esc, reply
from bot.runtime import Runtime, tr, workspace_of
from experiments.domain import N_, Business, InvalidInput
from experiments.parsers import Word, is_word


async def start(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    t = tr(context)
    _ = t.gettext
    user = update.effective_user
    name = esc(user.first_name) if user else ""
    workspace = workspace_of(context)
    shared = workspace is not None and workspace.chat_type != "private"
    lines = [
        _("Hi {name}! I'm Hourglass: I keep your marketing experiments honest.").format(name=name),
        "",
        _(
            "Register an experiment, log its results as they come in, and I'll tell you "
            "in plain words whether to keep running, ship the winner or stop — and each "
            "morning a digest says what to do next."
        ),
        "",
        _("Try it now:"),
        "1. <code>/new "
        + _("Landing headline")
        + "</code> — "
        + _("an A/B test with variants A and B"),
        "2. <code>/log #1 A 1000 42</code> — " + _("1000 visitors, 42 conversions on A"),
        "3. <code>/readout #1</code> — " + _("the verdict"),
        "",
        _("Or type /new alone and I'll guide you. /help lists everything."),
    ]
    if shared:
        lines += ["", _("This group is one shared workspace: everyone here can log and read.")]
    await reply(update, context, "\n".join(lines))


async def help_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """`/help` lists the commands; `/help stages` explains the hourglass."""
    t = tr(context)
    _ = t.gettext
    words = [word.casefold() for word in context.args or []]
    if words:
        if len(words) != 1 or not is_word(words[0], Word.STAGES):
            raise InvalidInput(
                N_("Write /help for every command, or /help stages for what the stages mean.")
            )
        await reply(update, context, stages_text(t, _business(context)))
        return
    lines = ["<b>" + _("Hourglass commands") + "</b>", ""]
    lines += [f"/{command.name} — {_(command.help)}" for command in COMMANDS]
    lines += [
        "",
        _(
            "Every command also works bare: type it alone and I'll ask step by step, "
            "with buttons. /cancel stops a guided step."
        ),
        _(
            "The hourglass stages: Know → Like → Trust → Try → Buy → Repeat → Refer. "
            "Aim experiments at the weakest one (/funnel finds it)."
        ),
    ]
    await reply(update, context, "\n".join(lines), markup([[stages_button(t)]]))


async def stages_help_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """ "What do the stages mean?", wherever a stage is asked: a guided step stays open."""
    await flows.answer_query(update)
    await reply(update, context, stages_text(tr(context), _business(context)))


def _business(context: ContextTypes.DEFAULT_TYPE) -> Business:
    workspace = workspace_of(context)
    return workspace.business if workspace is not None else Business.ALL


async def cancel_outside_a_flow(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    await reply(update, context, tr(context).gettext("Nothing to cancel: no guided step is open."))


def handlers(runtime: Runtime) -> list[BaseHandler]:
    return [
        CommandHandler("start", start),
        CommandHandler("help", help_command),
        # Before the guided flows, so the button answers in the middle of one.
        CallbackQueryHandler(stages_help_button, pattern=buttons.StagesHelp.pattern),
    ]
