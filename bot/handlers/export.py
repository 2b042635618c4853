"""/export sends every logged result as a CSV file; a CSV file sent to the chat is imported.

The file's format is ``experiments.imports``: the header
``experiment,variant,visitors,conversions,revenue,logged_at``, ``experiment`` as a plain
number (3 for #3), ``logged_at`` in ISO 8601 UTC, revenue empty when there was none.
"""

from __future__ import annotations

from telegram import Document, InlineKeyboardMarkup, InputFile, Update
from telegram.constants import ParseMode
from telegram.ext import (
    BaseHandler,
    CallbackQueryHandler,
    CommandHandler,
    ContextTypes,
    MessageHandler,
    filters,
)

from bot import buttons, flows
from bot.i18n import Translator
from bot.keyboards import button, markup
from bot.render.imports import imported_text, refused_text, undone_import_text
from bot.replies import reply
from bot.runtime import Runtime, chat_id_of, runtime_of, tr
from bot.users import actor_of, author_of
from experiments import import_records, imports, observations, parsers
from experiments.import_records import ImportRefused

CSV_MIME_TYPES = ("text/csv", "text/comma-separated-values", "application/csv")


async def export_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    logged = await observations.export_observations(runtime_of(context).uow(), chat_id_of(update))
    t = tr(context)
    if not logged:
        await reply(
            update,
            context,
            t.gettext("Nothing to export yet: no results are logged in this chat. /log adds some."),
        )
        return
    count = len(logged)
    caption = (
        t.ngettext("📤 {count} logged result.", "📤 {count} logged results.", count).format(
            count=t.number(count)
        )
        + " "
        + t.gettext(
            "One line per entry; the totals are the sums. "
            "The experiment column is its number (3 for #3)."
        )
    )
    filename = f"hourglass-export-{flows.local_today(context).isoformat()}.csv"
    await context.bot.send_document(
        chat_id_of(update),
        InputFile(imports.export_csv(logged), filename=filename),
        caption=caption,
        parse_mode=ParseMode.HTML,
    )


async def import_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """`/import` typed: how to send a file, with the header."""
    await reply(update, context, how_to_import(tr(context)))


def how_to_import(t: Translator) -> str:
    return "\n".join(
        [
            t.gettext(
                "To add many results at once, send me a .csv file (as a document). "
                "Its first line is the header:"
            ),
            f"<code>{imports.CSV_HEADER}</code>",
            t.gettext("then one result per line, for example:"),
            f"<code>{imports.CSV_EXAMPLE_ROW}</code>",
            t.gettext(
                "The experiment is its number (1 or #1). Revenue and logged_at may be empty "
                "or left out; logged_at is ISO 8601 in UTC, or a day like 2026-03-02 (noon "
                "in your timezone); empty means now."
            ),
            t.gettext(
                "Up to {rows} lines and 1 MB. If any line is wrong, nothing is imported "
                "and I list the wrong lines. A file or results already imported are refused, "
                "and every import can be undone with its button. /export gives a file in the "
                "same format."
            ).format(rows=t.number(imports.MAX_IMPORT_ROWS)),
        ]
    )


async def document_received(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """A CSV file (any caption), or any file captioned /import: imported all-or-nothing."""
    message = update.effective_message
    assert message is not None and message.document is not None
    document = message.document
    asked = parsers.command_word(message.caption or "").lower() == "/import"
    if not (_is_csv(document) or asked):
        if message.chat.type == "private":
            await reply(update, context, how_to_import(tr(context)))
        return  # in a group, files that are not CSV are people sharing things with each other
    if document.file_size is not None:
        imports.check_file_size(document.file_size)
    content = bytes(await (await document.get_file()).download_as_bytearray())
    await _import(update, context, content, document.file_id, document.file_name)


async def _import(
    update: Update,
    context: ContextTypes.DEFAULT_TYPE,
    content: bytes,
    file_id: str,
    filename: str | None,
    *,
    leave_out_repeated: bool = False,
) -> None:
    runtime = runtime_of(context)
    result = await imports.import_observations(
        runtime.uow(),
        chat_id_of(update),
        content,
        author=author_of(update),
        filename=filename,
        leave_out_repeated=leave_out_repeated,
        clock=runtime.clock,
    )
    t = tr(context)
    zone = flows.local_zone(context)
    if isinstance(result, ImportRefused):
        keyboard = _refusal_keyboard(
            t, result, _offer_new_ones(update, context, result, file_id, filename)
        )
        await reply(update, context, refused_text(t, result, zone), keyboard)
        return
    await reply(
        update,
        context,
        imported_text(t, result),
        markup(
            [[button("↩️ " + t.gettext("Undo this import"), buttons.ImportUndo(result.import_id))]]
        ),
    )


# The refused file whose new results can still be imported (the latest one per user and
# chat), and the number of the last one offered, so an earlier offer's button can't take it.
NEW_ONES_FLOW = "imp:new"


def _offer_new_ones(
    update: Update,
    context: ContextTypes.DEFAULT_TYPE,
    refused: ImportRefused,
    file_id: str,
    filename: str | None,
) -> buttons.ImportNewOnes | None:
    """When a refused file has results not logged before, remembers it (the latest one per
    user and chat) for the "Import only the new ones" button; that button's data."""
    if refused.same_file is not None or refused.repeated_count >= refused.rows:
        return None
    kept = flows.draft(context, update, NEW_ONES_FLOW)
    token = int(kept.get("last", 0)) + 1
    kept.update(last=token, token=token, file_id=file_id, filename=filename)
    return buttons.ImportNewOnes(token)


async def import_new_ones_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Imports the remembered file again, leaving out the results already logged."""
    pressed = await flows.answer_button(update, context, buttons.ImportNewOnes)
    if pressed is None:
        return
    await flows.remove_buttons(update)
    kept = flows.draft(context, update, NEW_ONES_FLOW)
    if kept.get("token") != pressed.token:
        await reply(
            update,
            context,
            tr(context).gettext("That file is no longer waiting; send it again to import it."),
        )
        return
    file_id, filename = kept.pop("file_id"), kept.pop("filename")
    del kept["token"]
    content = bytes(await (await context.bot.get_file(file_id)).download_as_bytearray())
    await _import(update, context, content, file_id, filename, leave_out_repeated=True)


async def undo_import_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """The "Undo this import" button: every result of that file goes, or none."""
    pressed = await flows.answer_button(update, context, buttons.ImportUndo)
    if pressed is None:
        return
    runtime = runtime_of(context)
    result = await import_records.undo_import(
        runtime.uow(),
        chat_id_of(update),
        pressed.import_id,
        author=author_of(update),
        actor=await actor_of(update, context),
        clock=runtime.clock,
    )
    # The button stays: pressed again, it says the import is already undone.
    await reply(update, context, undone_import_text(tr(context), result, flows.local_zone(context)))


def _is_csv(document: Document) -> bool:
    name = (document.file_name or "").lower()
    return name.endswith(".csv") or (document.mime_type or "").lower() in CSV_MIME_TYPES


def _refusal_keyboard(
    t: Translator, refused: ImportRefused, new_ones: buttons.ImportNewOnes | None
) -> InlineKeyboardMarkup | None:
    """A refused file offers to import only its new results, and to undo the import it
    repeats (to import it anew)."""
    rows = []
    if new_ones is not None:
        rows.append([button("📥 " + t.gettext("Import only the new ones"), new_ones)])
    records = [refused.same_file] if refused.same_file else list(refused.earlier_imports)
    if len(records) == 1 and records[0] is not None:
        undo = buttons.ImportUndo(records[0].id)
        rows.append([button("↩️ " + t.gettext("Undo that import"), undo)])
    return markup(rows) if rows else None


def handlers(runtime: Runtime) -> list[BaseHandler]:
    return [
        CommandHandler("export", export_command),
        CommandHandler("import", import_command),
        CallbackQueryHandler(undo_import_button, pattern=buttons.ImportUndo.pattern),
        CallbackQueryHandler(import_new_ones_button, pattern=buttons.ImportNewOnes.pattern),
        MessageHandler(filters.Document.ALL, document_received),
    ]
