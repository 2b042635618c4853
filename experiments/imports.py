"""Observations as a CSV file: writing the export, and importing a file all-or-nothing.

The format, one result per line after the header::

    experiment,variant,visitors,conversions,revenue,logged_at
    3,B,1200,54,19.90,2026-03-02T09:00:00Z

``experiment`` is the experiment's number as an integer (``3`` for #3; ``#3`` is accepted on
import), ``revenue`` is empty when there was none, ``logged_at`` is ISO 8601 in UTC. On import,
``revenue`` and ``logged_at`` may be empty or left out (an empty ``logged_at`` means now),
``logged_at`` may be a day alone (``2026-03-02``, ``02.03.2026``: noon of that day in the
workspace's timezone, as /log stores a past day) and is read by ``dates.parse_moment``, the
columns may come in any order, spaces around values are ignored, and a file saved by a
spreadsheet with ``;`` between values is read too.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, tzinfo
from decimal import Decimal
from zoneinfo import ZoneInfo

from db.models import Workspace
from db.unit_of_work import UnitOfWork
from experiments import dates, import_records, jumps, observations, parsers
from experiments import experiment as entity
from experiments.clock import Clock, utc_now
from experiments.domain import (
    MAX_MONEY,
    N_,
    Author,
    DomainError,
    InvalidInput,
    UnknownExperiment,
    check_cents,
)
from experiments.import_records import ImportRefused, ResultLine
from experiments.observations import ExportedObservation

CSV_COLUMNS = ("experiment", "variant", "visitors", "conversions", "revenue", "logged_at")
CSV_HEADER = ",".join(CSV_COLUMNS)
REQUIRED_COLUMNS = ("experiment", "variant", "visitors", "conversions")
CSV_EXAMPLE_ROW = "1,B,1200,54,19.90,2026-03-02T09:00:00Z"
MAX_IMPORT_BYTES = 1024 * 1024
MAX_IMPORT_ROWS = 10_000
# A file's bad lines are all named in one reply, up to this many.
MAX_BAD_LINES_NAMED = 20

# Control characters (NUL, …) don't belong in a text file, and Telegram would refuse to echo them.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


# ---------------------------------------------------------------- results and errors


@dataclass(frozen=True)
class ImportedExperiment:
    number: int
    name: str
    rows: int
    visitors: int
    conversions: int
    started: bool  # a draft that these results started


@dataclass(frozen=True)
class ImportResult:
    rows: int
    experiments: tuple[ImportedExperiment, ...]  # in order of number
    import_id: int  # the import record, to undo it as a whole
    # Lines more than ten times their experiment's usual day (the first MAX_BAD_LINES_NAMED).
    jumps: tuple[JumpLine, ...] = ()
    left_out: int = 0  # lines left out because their results were already logged


@dataclass(frozen=True)
class JumpLine:
    line: int
    number: int
    variant: str
    visitors: int


class BadLine(DomainError):
    """One line of an imported file breaks a rule, so nothing from the file is imported."""

    template = N_(
        "Line {line} of the file: {problem}\n"
        "Nothing from this file was imported; correct that line and send the file again."
    )

    def __init__(self, line: int, problem: DomainError) -> None:
        self.line = line
        self.problem = problem
        super().__init__(line=line)

    def message(self, translate: Callable[[str], str] = str) -> str:
        # The problem is a domain error of its own, translated with the same function.
        return translate(self.template).format(
            line=self.line, problem=self.problem.message(translate)
        )


class BadLines(DomainError):
    """Several lines of an imported file break rules: all of them named (up to a limit), in
    line order, so the file is corrected in one go. Nothing from the file is imported."""

    template = N_("Some lines of the file have problems, so nothing from it was imported:")
    line_template = N_("Line {line}: {problem}")
    more_template = N_("…and {more} more.")
    closing = N_("Correct those lines and send the file again.")

    def __init__(self, problems: Sequence[BadLine]) -> None:
        self.problems = tuple(problems)
        super().__init__()

    @property
    def lines(self) -> tuple[int, ...]:
        return tuple(p.line for p in self.problems[:MAX_BAD_LINES_NAMED])

    def message(self, translate: Callable[[str], str] = str) -> str:
        parts = [translate(self.template)]
        for problem in self.problems[:MAX_BAD_LINES_NAMED]:
            parts.append(
                translate(self.line_template).format(
                    line=problem.line, problem=problem.problem.message(translate)
                )
            )
        if len(self.problems) > MAX_BAD_LINES_NAMED:
            parts.append(
                translate(self.more_template).format(more=len(self.problems) - MAX_BAD_LINES_NAMED)
            )
        parts.append(translate(self.closing))
        return "\n".join(parts)


def refuse_bad_lines(problems: Sequence[BadLine]) -> None:
    """One bad line is named on its own; several are named together, in line order."""
    ordered = sorted(problems, key=lambda p: p.line)
    if len(ordered) == 1:
        raise ordered[0]
    if ordered:
        raise BadLines(ordered)


# ---------------------------------------------------------------- export


def export_csv(observations: Sequence[ExportedObservation]) -> bytes:
    """The export file: the header, then one line per logged result (UTF-8)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(CSV_COLUMNS)
    for observation in observations:
        writer.writerow(
            [
                observation.experiment,
                observation.variant,
                observation.visitors,
                observation.conversions,
                "" if observation.revenue is None else str(observation.revenue),
                observation.logged_at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
            ]
        )
    return buffer.getvalue().encode("utf-8")


# ---------------------------------------------------------------- import


@dataclass(frozen=True)
class _Row:
    """One line of the file, read but not yet checked against the experiments."""

    line: int
    number: int
    variant: str
    visitors: int
    conversions: int
    revenue: Decimal | None
    logged_at: datetime | None


def check_file_size(size: int) -> None:
    """Files over the limit are refused before they are read (or even downloaded)."""
    if size > MAX_IMPORT_BYTES:
        raise InvalidInput(
            N_(
                "That file is {size} KB; I import files up to {limit} MB ({rows} results). "
                "Split it and send the parts one by one."
            ),
            size=(size + 1023) // 1024,
            limit=MAX_IMPORT_BYTES // (1024 * 1024),
            rows=MAX_IMPORT_ROWS,
        )


async def import_observations(
    uow: UnitOfWork,
    chat_id: int,
    content: bytes,
    *,
    author: Author,
    filename: str | None = None,
    leave_out_repeated: bool = False,
    clock: Clock = utc_now,
) -> ImportResult | ImportRefused:
    """Adds every result of a CSV file to this chat's experiments, or none of them.

    A file already imported (the same bytes, not undone since) or one that repeats results
    already logged is refused, and says when they came; with ``leave_out_repeated``, the
    results not logged before are imported and the others left out (when there are any new).
    Every line is read and checked by the same rules as ``observations.log_observation``; bad
    lines raise ``BadLine`` (``BadLines`` for several) and the file changes nothing. Then all
    results are inserted in one unit of work, under one import record, so they can be undone
    together.
    """
    check_file_size(len(content))
    now = clock()
    digest = import_records.fingerprint(content)
    async with uow:
        workspace = await uow.workspaces.by_chat(chat_id)
        if workspace is not None:
            refused = await _same_file(uow, workspace.id, digest)
            if refused is not None:
                return refused
        timezone = workspace.timezone if workspace is not None else "UTC"
        zone = ZoneInfo(timezone)
        rows, problems = parse_csv(content, now=now, zone=zone)
        by_number: dict[int, entity.Experiment] = {}
        lines: list[ResultLine] = []
        for row in rows:
            try:
                experiment = await _experiment(uow, workspace, row.number, by_number)
                arm = experiment.check_result(
                    row.variant, row.visitors, row.conversions, row.revenue
                )
            except DomainError as problem:
                problems.append(BadLine(row.line, problem))
                continue
            lines.append(
                ResultLine(
                    row.line,
                    experiment.id,
                    arm.id,
                    row.visitors,
                    row.conversions,
                    row.revenue,
                    row.logged_at,
                )
            )
        refuse_bad_lines(problems)
        assert workspace is not None  # every line names an experiment of this workspace
        # One import of a workspace at a time from here to the commit: two uploads at once of
        # the same file, or of the same results, are checked one after the other, so the
        # second sees the first (asked again, as it may have committed since).
        await uow.workspaces.lock(workspace.id)
        refused = await _same_file(uow, workspace.id, digest)
        if refused is not None:
            return refused
        repeated = await import_records.repeated_results(uow, lines)
        if repeated and not (leave_out_repeated and len(repeated) < len(rows)):
            return await import_records.refusal(uow, repeated, len(rows))
        left_out = {line for line, _result in repeated}
        lines = [line for line in lines if line.line not in left_out]
        rows = [row for row in rows if row.line not in left_out]
        # A file is deliberate bulk history (often a week per line), so a jump is not asked
        # about line by line: the reply names it, beside the button that undoes the import.
        jump_lines = await _jumps(uow, lines, by_number, timezone)
        # Only now that every line is good and new does anything change.
        started = set()
        for number, experiment in by_number.items():
            if experiment.start_if_draft(now):
                started.add(number)
                await uow.experiments.save(experiment)
        record = await uow.imports.add(
            import_records.new_record(workspace.id, digest, filename, len(rows), author, now)
        )
        new_rows = [
            {
                "experiment_id": line.experiment_id,
                "variant_id": line.variant_id,
                "visitors": line.visitors,
                "conversions": line.conversions,
                "revenue": line.revenue,
                "logged_at": line.logged_at or now,
                "logged_by_id": author.user_id,
                "logged_by_name": author.name,
                "import_id": record.id,
            }
            for line in lines
        ]
        await uow.observations.add_many(new_rows)
        await uow.commit()
    return ImportResult(
        rows=len(rows),
        experiments=tuple(
            _imported(by_number[number], [r for r in rows if r.number == number], started)
            for number in sorted(by_number)
        ),
        import_id=record.id,
        jumps=jump_lines,
        left_out=len(left_out),
    )


async def _same_file(uow: UnitOfWork, workspace_id: int, digest: str) -> ImportRefused | None:
    earlier = await import_records.same_file(uow, workspace_id, digest)
    if earlier is None:
        return None
    return ImportRefused(rows=earlier.rows, same_file=earlier, repeated_lines=(), repeated_count=0)


async def _jumps(
    uow: UnitOfWork,
    lines: Sequence[ResultLine],
    by_number: dict[int, entity.Experiment],
    timezone: str,
) -> tuple[JumpLine, ...]:
    """The lines more than ten times the usual day their experiment had before this file."""
    found: list[JumpLine] = []
    for experiment in by_number.values():
        usual = await observations.usual_day(uow, experiment, timezone)
        if usual is None:
            continue
        names = {v.id: v.name for v in experiment.variants}
        found.extend(
            JumpLine(line.line, experiment.number, names[line.variant_id], line.visitors)
            for line in lines
            if line.experiment_id == experiment.id and jumps.is_jump(line.visitors, usual)
        )
    found.sort(key=lambda jump: jump.line)
    return tuple(found[:MAX_BAD_LINES_NAMED])


async def _experiment(
    uow: UnitOfWork,
    workspace: Workspace | None,
    number: int,
    known: dict[int, entity.Experiment],
) -> entity.Experiment:
    if number not in known:
        # Another chat's experiment is not looked at: numbers are per workspace.
        found = None if workspace is None else await uow.experiments.load(workspace.id, number)
        if found is None:
            raise UnknownExperiment(number)
        known[number] = found
    return known[number]


def _imported(
    experiment: entity.Experiment, rows: list[_Row], started: set[int]
) -> ImportedExperiment:
    return ImportedExperiment(
        number=experiment.number,
        name=experiment.name,
        rows=len(rows),
        visitors=sum(r.visitors for r in rows),
        conversions=sum(r.conversions for r in rows),
        started=experiment.number in started,
    )


# ---------------------------------------------------------------- reading the file


def parse_csv(
    content: bytes, *, now: datetime, zone: tzinfo = UTC
) -> tuple[list[_Row], list[BadLine]]:
    """The file's good result lines as plain values, and its bad lines' problems.

    A problem with the file as a whole (not text, no header, too long) raises ``BadLine``.
    """
    text = _decode(content)
    if not text.strip():
        raise BadLine(
            1,
            InvalidInput(
                N_("the file is empty. Its first line must be the header {header}."),
                header=CSV_HEADER,
            ),
        )
    first_line = next(line for line in text.splitlines() if line.strip())
    delimiter = ";" if ";" in first_line and "," not in first_line else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    rows: list[_Row] = []
    problems: list[BadLine] = []
    columns: list[str] | None = None
    results = 0
    try:
        for values in reader:
            if not any(value.strip() for value in values):
                continue  # blank lines are fine
            if columns is None:
                columns = _header(values, reader.line_num)
                continue
            if results == MAX_IMPORT_ROWS:
                raise BadLine(
                    reader.line_num,
                    InvalidInput(
                        N_(
                            "a file can hold at most {limit} results. "
                            "Split it and send the parts one by one."
                        ),
                        limit=MAX_IMPORT_ROWS,
                    ),
                )
            results += 1
            try:
                rows.append(_row(columns, values, reader.line_num, delimiter, now, zone))
            except BadLine as problem:
                problems.append(problem)
    except csv.Error as error:
        # The reader can't go on past this line; the lines before it are still reported.
        problems.append(
            BadLine(
                reader.line_num,
                InvalidInput(
                    N_(
                        "I can't read it as CSV ({reason}). Save the file as CSV and send it again."
                    ),
                    reason=str(error),
                ),
            )
        )
        refuse_bad_lines(problems)
    if not results:
        raise BadLine(
            reader.line_num + 1,
            InvalidInput(
                N_("there are no results below the header. Add one result per line, e.g. {row}"),
                row=CSV_EXAMPLE_ROW,
            ),
        )
    return rows, problems


def _decode(content: bytes) -> str:
    problem = InvalidInput(
        N_("the file is not UTF-8 text. Save it as “CSV UTF-8” and send it again.")
    )
    try:
        # utf-8-sig: spreadsheets often start a UTF-8 file with a byte-order mark.
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise BadLine(content[: error.start].count(b"\n") + 1, problem) from None
    control = _CONTROL.search(text)
    if control is not None:
        raise BadLine(text[: control.start()].count("\n") + 1, problem)
    return text


def _header(values: list[str], line: int) -> list[str]:
    columns = [value.strip().lower() for value in values]
    for column in columns:
        if column not in CSV_COLUMNS:
            raise BadLine(
                line,
                InvalidInput(
                    N_(
                        "“{column}” is not a column I know. The first line must be the header "
                        "{header} (revenue and logged_at may be left out)."
                    ),
                    column=column,
                    header=CSV_HEADER,
                ),
            )
        if columns.count(column) > 1:
            raise BadLine(
                line,
                InvalidInput(
                    N_("the column “{column}” appears twice. The header is {header}."),
                    column=column,
                    header=CSV_HEADER,
                ),
            )
    for column in REQUIRED_COLUMNS:
        if column not in columns:
            raise BadLine(
                line,
                InvalidInput(
                    N_(
                        "the header has no column “{column}”. The first line must be the header "
                        "{header} (revenue and logged_at may be left out)."
                    ),
                    column=column,
                    header=CSV_HEADER,
                ),
            )
    return columns


def _row(
    columns: list[str], values: list[str], line: int, delimiter: str, now: datetime, zone: tzinfo
) -> _Row:
    if len(values) != len(columns):
        raise BadLine(
            line,
            InvalidInput(
                N_(
                    "it has {found} values, but the header has {expected} columns: {columns}. "
                    "Leave a value empty rather than out, e.g. {row}"
                ),
                found=len(values),
                expected=len(columns),
                columns=",".join(columns),
                row=CSV_EXAMPLE_ROW,
            ),
        )
    cell = {column: value.strip() for column, value in zip(columns, values, strict=True)}
    try:
        return _Row(
            line=line,
            number=_experiment_number(cell["experiment"]),
            variant=_variant(cell["variant"]),
            visitors=_count(cell["visitors"], N_("visitors")),
            conversions=_count(cell["conversions"], N_("conversions")),
            revenue=_revenue(cell.get("revenue", ""), delimiter),
            logged_at=_logged_at(cell.get("logged_at", ""), now, zone),
        )
    except DomainError as problem:
        raise BadLine(line, problem) from None


def _experiment_number(token: str) -> int:
    number = parsers.experiment_number_value(token)
    if number is None:
        raise InvalidInput(
            N_("“{token}” is not an experiment number. Write it like 3 (or #3)."), token=token
        )
    return number


def _variant(token: str) -> str:
    if not token:
        raise InvalidInput(N_("the variant is empty. Write its name, e.g. B."))
    return token


def _count(token: str, what: str) -> int:
    if not token.replace("_", ""):
        raise InvalidInput(
            N_("the number of {what} is missing. Write a whole number, e.g. 1200."), what=what
        )
    # Only "_" between digits: a file's "," or ";" separates its values, and 19,90 is money.
    value = parsers.count_value(token, separators="_")
    if value is None:
        raise InvalidInput(
            N_("“{token}” is not a whole number of {what}. Write digits only, e.g. 1200."),
            token=token,
            what=what,
        )
    # A negative count is read, so that the shared rules explain why it can't be.
    return value


def _revenue(token: str, delimiter: str) -> Decimal | None:
    if not token:
        return None
    # Spreadsheets that separate values with ; also write 19,90.
    value = parsers.money_value(token, decimal_comma=delimiter == ";")
    if value is None or not value.is_finite() or abs(value) > MAX_MONEY:
        raise InvalidInput(
            N_("“{token}” is not an amount of money. Write it like 19.90, or leave it empty."),
            token=token,
        )
    # A negative amount is read, so that the shared rules explain why it can't be.
    return check_cents(value, token)


def _logged_at(token: str, now: datetime, zone: tzinfo) -> datetime | None:
    if not token:
        return None
    try:
        return dates.parse_moment(token, now=now, zone=zone)
    except dates.NotADate:
        raise InvalidInput(
            N_(
                "“{token}” is not a date and time. Write it in ISO 8601 like "
                "2026-03-02T09:00:00Z (UTC), or a day like 2026-03-02 (noon in your timezone), "
                "or leave it empty for now."
            ),
            token=token,
        ) from None
