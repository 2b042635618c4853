"""/delete: remove an experiment after a confirmation that says what goes, export offered first."""

from __future__ import annotations

from functools import partial

from telegram import InputFile, Update
from telegram.constants import ParseMode
from telegram.ext import BaseHandler, CallbackQueryHandler, CommandHandler, ContextTypes

from bot import buttons, flows
from bot.keyboards import button, markup
from bot.pickers import offer_experiments
from bot.render.editing import deleted_text, deletion_question, kept_text
from bot.replies import edit_or_reply
from bot.runtime import Runtime, chat_id_of, runtime_of, tr
from bot.users import actor_of
from experiments import editing, imports, observations, parsers
from experiments.domain import N_, InvalidInput

USAGE = "/delete #1"


async def delete_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """`/delete #N` asks for confirmation; bare, it asks which experiment first."""
    args = context.args or []
    t = tr(context)
    if not args:
        await offer_experiments(
            update,
            context,
            kind=partial(buttons.Delete, "ask"),
            question=t.gettext("Delete which experiment?"),
            none_text=t.gettext("There is no experiment to delete."),
        )
        return
    if len(args) > 1:
        raise InvalidInput(
            N_("Write /delete and the experiment's number only, e.g. {usage}"), usage=USAGE
        )
    await _ask(update, context, parsers.experiment_number(args[0], USAGE))


async def delete_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Ask asks, csv sends the export, yes deletes, no keeps."""
    pressed = await flows.answer_button(update, context, buttons.Delete)
    if pressed is None:
        return
    action, number = pressed.action, pressed.number
    if action == "ask":
        await _ask(update, context, number)
    elif action == "csv":
        await _send_export(update, context, number)
    elif action == "yes":
        removal = await editing.delete_experiment(
            runtime_of(context).uow(),
            chat_id_of(update),
            number,
            actor=await actor_of(update, context),
        )
        await edit_or_reply(update, context, deleted_text(tr(context), removal))
    else:
        await edit_or_reply(update, context, kept_text(tr(context), number))


async def _ask(update: Update, context: ContextTypes.DEFAULT_TYPE, number: int) -> None:
    removal = await editing.preview_deletion(
        runtime_of(context).uow(), chat_id_of(update), number, actor=await actor_of(update, context)
    )
    t = tr(context)
    rows = []
    if removal.results:
        rows.append(
            [button("📤 " + t.gettext("Export its results first"), buttons.Delete("csv", number))]
        )
    rows.append(
        [
            button(
                "🗑 " + t.gettext("Delete #{number}").format(number=number),
                buttons.Delete("yes", number),
            ),
            button("↩️ " + t.gettext("Keep it"), buttons.Delete("no", number)),
        ]
    )
    await edit_or_reply(update, context, deletion_question(t, removal), markup(rows))


async def _send_export(update: Update, context: ContextTypes.DEFAULT_TYPE, number: int) -> None:
    """The experiment's results as a CSV file in the /export format; the question stays."""
    logged = await observations.export_observations(
        runtime_of(context).uow(), chat_id_of(update), number
    )
    t = tr(context)
    caption = t.ngettext(
        "📤 {count} logged result of #{number}, in the /export format.",
        "📤 {count} logged results of #{number}, in the /export format.",
        len(logged),
    ).format(count=t.number(len(logged)), number=number)
    filename = f"hourglass-{number}-{flows.local_today(context).isoformat()}.csv"
    await context.bot.send_document(
        chat_id_of(update),
        InputFile(imports.export_csv(logged), filename=filename),
        caption=caption,
        parse_mode=ParseMode.HTML,
    )


def handlers(runtime: Runtime) -> list[BaseHandler]:
    return [
        CommandHandler("delete", delete_command),
        CallbackQueryHandler(delete_button, pattern=buttons.Delete.pattern),
    ]
