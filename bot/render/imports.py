"""Replies about imported files: what came in, why a file was refused, what an undo removed."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from bot.i18n import Translator
from bot.replies import esc
from experiments.import_records import ImportRecordView, ImportRefused, UndoneImport
from experiments.imports import ImportResult
from experiments.jumps import JUMP_FACTOR


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
    if result.left_out:
        lines.append(
            t.ngettext(
                "{count} result already logged was left out.",
                "{count} results already logged were left out.",
                result.left_out,
            ).format(count=t.number(result.left_out))
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
    new = refused.rows - refused.repeated_count
    if new:
        text.append(
            t.ngettext(
                "Nothing was imported yet. “Import only the new ones” adds the {count} other "
                "result and leaves out those already logged.",
                "Nothing was imported yet. “Import only the new ones” adds the {count} other "
                "results and leaves out those already logged.",
                new,
            ).format(count=t.number(new))
        )
    else:
        text.append(t.gettext("Nothing was imported."))
    return "\n".join(text)


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
