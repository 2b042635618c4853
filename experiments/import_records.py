"""Imports that are safe to repeat: recognising a file or results already imported, undoing one.

A file is the same file when its bytes are (SHA-256). Results are the same results when an
observation of the same experiment and variant with the same visitors, conversions and revenue
was logged within a minute of the file's ``logged_at`` (a spreadsheet that re-saves the export
may drop the seconds, or round them to the minute). Only lines with a ``logged_at`` are
compared: a line without one is logged now, and so is always new.
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal

from db.import_repository import LoggedResult
from db.models import ImportRecord
from db.unit_of_work import UnitOfWork
from experiments.clock import Clock, utc_now
from experiments.domain import N_, Author, DomainError
from experiments.roles import Action, Actor, require
from experiments.services import require_workspace

# How far apart two logged_at may be and still be the same result (a minute each way).
SAME_MOMENT = timedelta(seconds=60)
# The refusal names at most this many of the repeated lines.
MAX_LINES_NAMED = 20


@dataclass(frozen=True)
class ImportRecordView:
    id: int
    filename: str | None
    rows: int
    imported_at: datetime
    imported_by: str
    undone_at: datetime | None


@dataclass(frozen=True)
class ImportRefused:
    """Nothing was imported: the file, or some of its results, are already here."""

    rows: int  # results in the file
    same_file: ImportRecordView | None  # the standing import of these very bytes
    repeated_lines: tuple[int, ...]  # lines already logged, the first MAX_LINES_NAMED
    repeated_count: int  # fewer than rows: the others may be imported on their own
    # When the results already logged were logged, and the imports they came with (if any).
    first_logged_at: datetime | None = None
    last_logged_at: datetime | None = None
    earlier_imports: tuple[ImportRecordView, ...] = ()


@dataclass(frozen=True)
class UndoneImport:
    record: ImportRecordView
    removed: int  # observations removed (fewer than the file's rows if some were /undone)
    experiments: tuple[tuple[int, str], ...]  # (number, name) of the experiments it touched


@dataclass(frozen=True)
class ResultLine:
    """One line of a file, checked, in the terms the duplicate check compares."""

    line: int
    experiment_id: int
    variant_id: int
    visitors: int
    conversions: int
    revenue: Decimal | None
    logged_at: datetime | None  # None: logged now


class UnknownImport(DomainError):
    template = N_("I can't find that import in this chat. /export shows the results logged here.")


class ImportAlreadyUndone(DomainError):
    template = N_("That import was already undone; nothing changed.")


class ImportIntoConcludedExperiment(DomainError):
    template = N_(
        "Experiment #{number} is concluded since this file was imported, so its results stay. "
        "Nothing was undone."
    )

    def __init__(self, number: int) -> None:
        super().__init__(number=number)


def fingerprint(content: bytes) -> str:
    return hashlib.sha256(content).hexdigest()


def record_view(record: ImportRecord) -> ImportRecordView:
    return ImportRecordView(
        id=record.id,
        filename=record.filename,
        rows=record.rows,
        imported_at=record.imported_at,
        imported_by=record.imported_by_name,
        undone_at=record.undone_at,
    )


async def same_file(uow: UnitOfWork, workspace_id: int, digest: str) -> ImportRecordView | None:
    found = await uow.imports.standing_with_fingerprint(workspace_id, digest)
    return None if found is None else record_view(found)


async def repeated_results(
    uow: UnitOfWork, lines: Sequence[ResultLine]
) -> list[tuple[int, LoggedResult]]:
    """The lines that repeat a result already logged, in line order, each with that result.

    Each logged observation answers for one line at most, so a file that logs the same numbers
    twice where the chat has them once repeats one of them, not both.
    """
    repository = uow.imports
    by_experiment: dict[int, list[ResultLine]] = defaultdict(list)
    for line in lines:
        if line.logged_at is not None:
            by_experiment[line.experiment_id].append(line)
    repeated: list[tuple[int, LoggedResult]] = []
    for experiment_id, mine in by_experiment.items():
        moments = [line.logged_at for line in mine if line.logged_at is not None]
        logged = await repository.logged_between(
            experiment_id, min(moments) - SAME_MOMENT, max(moments) + SAME_MOMENT
        )
        # Pooled by what they say and the minute they were logged in, so that a line looks at
        # the results of its own minute and the two beside it only.
        pools: dict[tuple[object, ...], list[LoggedResult]] = defaultdict(list)
        for result in logged:
            pools[(*_identity(result), _minute(result.logged_at))].append(result)
        for line in mine:
            assert line.logged_at is not None
            match = _take_match(pools, line, line.logged_at)
            if match is not None:
                repeated.append((line.line, match))
    repeated.sort(key=lambda pair: pair[0])
    return repeated


async def refusal(
    uow: UnitOfWork, repeated: Sequence[tuple[int, LoggedResult]], rows: int
) -> ImportRefused:
    """Why a file that repeats results is refused: which lines, and when they were logged."""
    repository = uow.imports
    logged_at = [result.logged_at for _line, result in repeated]
    import_ids = {r.import_id for _line, r in repeated if r.import_id is not None}
    records = await repository.by_ids(import_ids)
    return ImportRefused(
        rows=rows,
        same_file=None,
        repeated_lines=tuple(line for line, _r in repeated[:MAX_LINES_NAMED]),
        repeated_count=len(repeated),
        first_logged_at=min(logged_at),
        last_logged_at=max(logged_at),
        earlier_imports=tuple(record_view(records[i]) for i in sorted(records)),
    )


def _take_match(
    pools: dict[tuple[object, ...], list[LoggedResult]], line: ResultLine, moment: datetime
) -> LoggedResult | None:
    """The first logged result that says what the line says within a minute of it (removed
    from its pool, so it answers for one line only)."""
    identity = (line.variant_id, line.visitors, line.conversions, _money(line.revenue))
    minute = _minute(moment)
    for near in (minute - 1, minute, minute + 1):
        pool = pools.get((*identity, near))
        if not pool:
            continue
        for index, result in enumerate(pool):
            if abs(result.logged_at - moment) <= SAME_MOMENT:
                return pool.pop(index)
    return None


def _minute(moment: datetime) -> int:
    return int(moment.timestamp() // 60)


def _money(value: Decimal | None) -> Decimal | None:
    return None if value is None else Decimal(value).quantize(Decimal("0.01"))


def _identity(result: LoggedResult) -> tuple[object, ...]:
    return (
        result.variant_id,
        int(result.visitors),
        int(result.conversions),
        _money(result.revenue),
    )


def new_record(
    workspace_id: int, digest: str, filename: str | None, rows: int, author: Author, now: datetime
) -> ImportRecord:
    return ImportRecord(
        workspace_id=workspace_id,
        fingerprint=digest,
        filename=(filename or None) and filename[:255],
        rows=rows,
        imported_at=now,
        imported_by_id=author.user_id,
        imported_by_name=author.name,
    )


async def undo_import(
    uow: UnitOfWork,
    chat_id: int,
    import_id: int,
    *,
    author: Author,
    actor: Actor,
    clock: Clock = utc_now,
) -> UndoneImport:
    """Removes every result a file brought, all of them or (when one can't go) none."""
    async with uow:
        workspace = await require_workspace(uow, chat_id)
        repository = uow.imports
        record = await repository.get(workspace.id, import_id)
        if record is None:
            raise UnknownImport()
        if record.undone_at is not None:
            raise ImportAlreadyUndone()
        require(
            Action.UNDO_IMPORT,
            actor,
            entry_by_id=record.imported_by_id,
            entry_by_name=record.imported_by_name,
        )
        experiments = await repository.experiments_of(record.id)
        for experiment in experiments:
            if not experiment.takes_results:
                raise ImportIntoConcludedExperiment(experiment.number)
        removed = await repository.count_observations(record.id)
        await repository.remove_observations(record.id)
        record.undone_at = clock()
        record.undone_by_name = author.name
        view = record_view(record)
        await uow.commit()
    return UndoneImport(
        record=view,
        removed=removed,
        experiments=tuple(sorted((e.number, e.name) for e in experiments)),
    )
