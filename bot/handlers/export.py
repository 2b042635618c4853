"""/export sends every logged result as a CSV file; a CSV file sent to the chat is imported.

The file's format is ``experiments.imports``: the header
``experiment,variant,visitors,conversions,revenue,logged_at``, ``experiment`` as a plain
number (3 for #3), ``logged_at`` in ISO 8601 UTC, revenue empty when there was none.
"""

from __future__ import annotations

from zoneinfo import ZoneInfo

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

from bot import flows
from bot.i18n import Translator
from bot.keyboards import button, markup
from bot.replies import esc, reply
from bot.runtime import Runtime, chat_id_of, runtime_of, tr, workspace_of
from bot.users import actor_of, author_of
from experiments import import_records, imports, observations
from experiments.import_records import ImportRecordView, ImportRefused, UndoneImport
from experiments.imports import ImportResult
from experiments.jumps import JUMP_FACTOR

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
    first_word = ((message.caption or "").split() or [""])[0]
    asked = first_word.split("@")[0].lower() == "/import"
    if not (_is_csv(document) or asked):
        if message.chat.type == "private":
            await reply(update, context, how_to_import(tr(context)))
        return  # in a group, files that are not CSV are people sharing things with each other
    if document.file_size is not None:
        imports.check_file_size(document.file_size)
    content = bytes(await (await document.get_file()).download_as_bytearray())
    runtime = runtime_of(context)
    result = await imports.import_observations(
        runtime.uow(),
        chat_id_of(update),
        content,
        author=author_of(update),
        filename=document.file_name,
        clock=runtime.clock,
    )
    t = tr(context)
    zone = _zone(context)
    if isinstance(result, ImportRefused):
        await reply(update, context, refused_text(t, result, zone), _undo_keyboard(t, result))
        return
    await reply(
        update,
        context,
        imported_text(t, result),
        markup([[button("↩️ " + t.gettext("Undo this import"), _undo_data(result.import_id))]]),
    )


async def undo_import_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """The "Undo this import" button: every result of that file goes, or none."""
    data = await flows.answer_query(update)
    runtime = runtime_of(context)
    result = await import_records.undo_import(
        runtime.uow(),
        chat_id_of(update),
        int(data.rsplit(":", 1)[1]),
        author=author_of(update),
        actor=await actor_of(update, context),
        clock=runtime.clock,
    )
    # The button stays: pressed again, it says the import is already undone.
    await reply(update, context, undone_import_text(tr(context), result, _zone(context)))


def _undo_data(import_id: int) -> str:
    return f"imp:undo:{import_id}"


def _zone(context: ContextTypes.DEFAULT_TYPE) -> ZoneInfo:
    workspace = workspace_of(context)
    return ZoneInfo(workspace.timezone if workspace else "UTC")


def _is_csv(document: Document) -> bool:
    name = (document.file_name or "").lower()
    return name.endswith(".csv") or (document.mime_type or "").lower() in CSV_MIME_TYPES


def imported_text(t: Translator, result: ImportResult) -> str:
    lines = [
        t.ngettext(
            "📥 Imported {count} result:", "📥 Imported {count} results:", result.rows
        ).format(count=t.number(result.rows))
    ]
    for experiment in result.experiments:
        line = t.ngettext(
            "• {title}: {count} entry, {visitors} visitors, {conversions} conversions",
            "• {title}: {count} entries, {visitors} visitors, {conversions} conversions",
            experiment.rows,
        ).format(
            title=f"<b>#{experiment.number} {esc(experiment.name)}</b>",
            count=t.number(experiment.rows),
            visitors=t.number(experiment.visitors),
            conversions=t.number(experiment.conversions),
        )
        if experiment.started:
            line += " " + t.gettext("(it is now running)")
        lines.append(line)
    for jump in result.jumps:
        lines.append(
            "⚠️ "
            + t.gettext(
                "Line {line} ({visitors} visitors on #{number} {variant}) is more than {factor}× "
                "a usual day of that experiment. If it is a typo, undo this import and send "
                "the file corrected."
            ).format(
                line=jump.line,
                visitors=t.number(jump.visitors),
                number=jump.number,
                variant=esc(jump.variant),
                factor=JUMP_FACTOR,
            )
        )
    lines.append(t.gettext("/readout shows where each experiment stands now."))
    return "\n".join(lines)


def _when(t: Translator, record: ImportRecordView, zone: ZoneInfo) -> str:
    return t.gettext("on {when} by {who}").format(
        when=t.datetime(record.imported_at, tzinfo=zone), who=esc(record.imported_by)
    )


def _file(t: Translator, record: ImportRecordView) -> str:
    if record.filename:
        return "“" + esc(record.filename) + "”"
    return t.gettext("a file")


def refused_text(t: Translator, refused: ImportRefused, zone: ZoneInfo) -> str:
    if refused.same_file is not None:
        earlier = refused.same_file
        return "\n".join(
            [
                "⚠️ "
                + t.ngettext(
                    "This file was already imported {when} ({count} result).",
                    "This file was already imported {when} ({count} results).",
                    earlier.rows,
                ).format(when=_when(t, earlier, zone), count=t.number(earlier.rows)),
                t.gettext("Nothing was imported again. To import it anew, undo that import first."),
            ]
        )
    lines = ", ".join(str(line) for line in refused.repeated_lines)
    if refused.repeated_count > len(refused.repeated_lines):
        lines += ", …"
    text = [
        "⚠️ "
        + t.ngettext(
            "{count} of this file's {total} results is already logged, with the same "
            "experiment, variant, visitors, conversions, revenue and time: line {lines}.",
            "{count} of this file's {total} results are already logged, with the same "
            "experiment, variant, visitors, conversions, revenue and time: lines {lines}.",
            refused.repeated_count,
        ).format(count=t.number(refused.repeated_count), total=t.number(refused.rows), lines=lines)
    ]
    for record in refused.earlier_imports[:3]:
        text.append(
            t.gettext("They came with the file {file}, imported {when}.").format(
                file=_file(t, record), when=_when(t, record, zone)
            )
        )
    if not refused.earlier_imports and refused.first_logged_at and refused.last_logged_at:
        first, last = refused.first_logged_at, refused.last_logged_at
        if first.astimezone(zone).date() == last.astimezone(zone).date():
            text.append(
                t.gettext("They were logged on {day}.").format(day=t.date(first.astimezone(zone)))
            )
        else:
            text.append(
                t.gettext("They were logged between {first} and {last}.").format(
                    first=t.date(first.astimezone(zone)), last=t.date(last.astimezone(zone))
                )
            )
    text.append(
        t.gettext(
            "Nothing was imported. If the file also has new results, remove the lines "
            "already logged and send it again."
        )
    )
    return "\n".join(text)


def _undo_keyboard(t: Translator, refused: ImportRefused) -> InlineKeyboardMarkup | None:
    """A refused file offers to undo the import it repeats, to import it anew."""
    records = [refused.same_file] if refused.same_file else list(refused.earlier_imports)
    if len(records) != 1 or records[0] is None:
        return None
    return markup([[button("↩️ " + t.gettext("Undo that import"), _undo_data(records[0].id))]])


def undone_import_text(t: Translator, result: UndoneImport, zone: ZoneInfo) -> str:
    lines = [
        "↩️ "
        + t.ngettext(
            "Undid the import of {file} ({when}): {count} result removed.",
            "Undid the import of {file} ({when}): {count} results removed.",
            result.removed,
        ).format(
            file=_file(t, result.record),
            when=t.datetime(result.record.imported_at, tzinfo=zone),
            count=t.number(result.removed),
        )
    ]
    lines.extend(f"• <b>#{number} {esc(name)}</b>" for number, name in result.experiments)
    lines.append(t.gettext("/readout shows where each experiment stands now."))
    return "\n".join(lines)


def handlers(runtime: Runtime) -> list[BaseHandler]:
    return [
        CommandHandler("export", export_command),
        CommandHandler("import", import_command),
        CallbackQueryHandler(undo_import_button, pattern=r"^imp:undo:\d+$"),
        MessageHandler(filters.Document.ALL, document_received),
    ]
