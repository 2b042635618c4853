"""Imports that are safe to repeat and undone as a whole, on a real database."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from db.models import ImportRecord, Observation
from db.unit_of_work import Database
from experiments import import_records, imports, observations, services
from experiments.domain import Outcome
from experiments.import_records import (
    ImportAlreadyUndone,
    ImportIntoConcludedExperiment,
    ImportRefused,
    UnknownImport,
)
from experiments.imports import BadLine, BadLines, ImportResult
from tests.service.conftest import ALICE, BOB, CHAT, OTHER_CHAT
from tests.service.test_experiments import count_rows
from tests.service.test_imports import HEADER, csv_file, experiments, totals
from tests.support import ADMIN, FrozenClock

__all__ = ["experiments"]  # the fixture, used by name

WEEK = csv_file(
    HEADER,
    "1,A,1000,40,,2026-03-01T10:00:00Z",
    "1,B,1000,52,80.00,2026-03-01T10:00:00Z",
    "2,new,300,30,,2026-03-01T11:00:00Z",
)


async def import_file(
    database: Database, content: bytes, clock: FrozenClock, chat: int = CHAT
) -> ImportResult | ImportRefused:
    return await imports.import_observations(
        database.unit_of_work(), chat, content, author=BOB, filename="week.csv", clock=clock
    )


async def imported(database: Database, content: bytes, clock: FrozenClock) -> ImportResult:
    result = await import_file(database, content, clock)
    assert isinstance(result, ImportResult)
    return result


async def state(database: Database) -> tuple[object, ...]:
    return (
        await count_rows(database, Observation),
        await count_rows(database, ImportRecord),
        await totals(database, 1),
        await totals(database, 2),
    )


async def test_the_same_bytes_again_are_refused_naming_the_first_import(
    database: Database, experiments: None, clock: FrozenClock
) -> None:
    first = await imported(database, WEEK, clock)
    before = await state(database)
    clock.advance(days=1)
    refused = await import_file(database, WEEK, clock)
    assert isinstance(refused, ImportRefused)
    assert refused.same_file is not None
    assert refused.same_file.id == first.import_id
    assert (refused.same_file.filename, refused.same_file.rows) == ("week.csv", 3)
    assert refused.same_file.imported_at == datetime(2026, 3, 2, 9, 30, tzinfo=UTC)
    assert refused.same_file.imported_by == "Bob"
    assert await state(database) == before


async def test_the_same_file_in_another_chat_is_a_new_import(
    database: Database, experiments: None, clock: FrozenClock
) -> None:
    await imported(database, csv_file(HEADER, "1,A,10,1,,2026-03-01T10:00:00Z"), clock)
    elsewhere = await import_file(
        database, csv_file(HEADER, "1,A,10,1,,2026-03-01T10:00:00Z"), clock, chat=OTHER_CHAT
    )
    assert isinstance(elsewhere, ImportResult)


async def test_results_already_logged_are_recognised_in_other_bytes(
    database: Database, experiments: None, clock: FrozenClock
) -> None:
    await observations.log_observation(
        database.unit_of_work(), CHAT, 1, "A", 120, 6, author=ALICE, clock=clock
    )
    before = await state(database)
    # The same result, its time without seconds, after a new one; the revenue column left out.
    refused = await import_file(
        database,
        csv_file(
            "experiment;variant;visitors;conversions;logged_at",
            "1;B;50;2;2026-03-02 09:00",
            "1;A;120;6;2026-03-02 09:30",
        ),
        clock,
    )
    assert isinstance(refused, ImportRefused)
    assert refused.same_file is None
    assert (refused.repeated_lines, refused.repeated_count, refused.rows) == ((3,), 1, 2)
    assert refused.first_logged_at == refused.last_logged_at == clock.now
    assert refused.earlier_imports == ()
    assert await state(database) == before


async def test_a_result_differs_by_its_counts_revenue_variant_or_a_minute(
    database: Database, experiments: None, clock: FrozenClock
) -> None:
    await imported(database, WEEK, clock)
    result = await import_file(
        database,
        csv_file(
            HEADER,
            "1,A,1000,41,,2026-03-01T10:00:00Z",
            "1,B,1000,52,80.01,2026-03-01T10:00:00Z",
            "2,old,300,30,,2026-03-01T11:00:00Z",
            "1,A,1000,40,,2026-03-01T10:01:01Z",
            "1,A,1000,40,,",
        ),
        clock,
    )
    assert isinstance(result, ImportResult)
    assert result.rows == 5


async def test_each_logged_result_answers_for_one_line_only(
    database: Database, experiments: None, clock: FrozenClock
) -> None:
    await imported(database, csv_file(HEADER, "1,A,10,1,,2026-03-01T10:00:00Z"), clock)
    refused = await import_file(
        database,
        csv_file(HEADER, "1,A,10,1,,2026-03-01T10:00:00Z", "1,A,10,1,,2026-03-01T10:00:00Z"),
        clock,
    )
    assert isinstance(refused, ImportRefused)
    assert (refused.repeated_lines, refused.repeated_count) == ((2,), 1)
    assert [r.filename for r in refused.earlier_imports] == ["week.csv"]


async def test_undo_import_removes_all_its_results_once(
    database: Database, experiments: None, clock: FrozenClock
) -> None:
    await observations.log_observation(
        database.unit_of_work(), CHAT, 1, "A", 100, 5, author=ALICE, clock=clock
    )
    first = await imported(database, WEEK, clock)
    clock.advance(minutes=5)
    undone = await import_records.undo_import(
        database.unit_of_work(), CHAT, first.import_id, author=ALICE, clock=clock, actor=ADMIN
    )
    assert undone.removed == 3
    assert undone.experiments == ((1, "Checkout"), (2, "Pricing"))
    assert undone.record.undone_at == clock.now
    assert await totals(database, 1) == [("A", 100, 5), ("B", 0, 0)]
    assert await totals(database, 2) == [("old", 0, 0), ("new", 0, 0)]
    before = await state(database)
    with pytest.raises(ImportAlreadyUndone):
        await import_records.undo_import(
            database.unit_of_work(), CHAT, first.import_id, author=ALICE, clock=clock, actor=ADMIN
        )
    with pytest.raises(UnknownImport):
        await import_records.undo_import(
            database.unit_of_work(),
            OTHER_CHAT,
            first.import_id,
            author=BOB,
            clock=clock,
            actor=ADMIN,
        )
    assert await state(database) == before
    # An undone file is no longer "already imported".
    assert isinstance(await import_file(database, WEEK, clock), ImportResult)


async def test_undo_import_refuses_when_an_experiment_was_concluded_since(
    database: Database, experiments: None, clock: FrozenClock
) -> None:
    first = await imported(database, WEEK, clock)
    await services.conclude(
        database.unit_of_work(), CHAT, 2, Outcome.LOST, clock=clock, actor=ADMIN
    )
    before = await state(database)
    with pytest.raises(ImportIntoConcludedExperiment):
        await import_records.undo_import(
            database.unit_of_work(), CHAT, first.import_id, author=ALICE, clock=clock, actor=ADMIN
        )
    assert await state(database) == before


async def test_every_bad_line_is_named_in_line_order(
    database: Database, experiments: None, clock: FrozenClock
) -> None:
    content = csv_file(HEADER, "1,A,10,1,,", "9,A,1,0,,", "1,A,x,1,,", "1,C,1,0,,", "1,A,1,2,,")
    with pytest.raises(BadLines) as caught:
        await import_file(database, content, clock)
    assert caught.value.lines == (3, 4, 5, 6)
    assert await count_rows(database, Observation) == 0
    assert await count_rows(database, ImportRecord) == 0


async def test_one_bad_line_is_named_alone(
    database: Database, experiments: None, clock: FrozenClock
) -> None:
    with pytest.raises(BadLine) as caught:
        await import_file(database, csv_file(HEADER, "1,A,10,1,,", "1,A,x,1,,"), clock)
    assert caught.value.line == 3


async def test_twenty_bad_lines_are_named_and_the_rest_counted(
    database: Database, experiments: None, clock: FrozenClock
) -> None:
    with pytest.raises(BadLines) as caught:
        await import_file(database, csv_file(HEADER, *["1,A,1,x,,"] * 23), clock)
    assert caught.value.lines == tuple(range(2, 22))
    assert caught.value.message().splitlines()[-2] == "…and 3 more."


async def test_leaving_out_repeated_results_imports_only_the_new_ones(
    database: Database, experiments: None, clock: FrozenClock
) -> None:
    await imported(database, WEEK, clock)
    grown = WEEK + b"1,A,10,1,,2026-03-02T08:00:00Z\n"
    result = await imports.import_observations(
        database.unit_of_work(), CHAT, grown, author=BOB, leave_out_repeated=True, clock=clock
    )
    assert isinstance(result, ImportResult)
    assert (result.rows, result.left_out) == (1, 3)
    assert await totals(database, 1) == [("A", 1010, 41), ("B", 1000, 52)]
    # Nothing new left: refused even so.
    refused = await imports.import_observations(
        database.unit_of_work(),
        CHAT,
        WEEK + b"\n",
        author=BOB,
        leave_out_repeated=True,
        clock=clock,
    )
    assert isinstance(refused, ImportRefused)
    assert refused.repeated_count == refused.rows == 3
