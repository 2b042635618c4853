"""Importing results from a CSV file, all-or-nothing, and writing the export, on a real database."""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime
from decimal import Decimal

import pytest

from db.models import Experiment, Observation
from db.unit_of_work import Database
from experiments import imports, observations, services
from experiments.domain import N_, InvalidInput, Outcome, Status
from experiments.imports import BadLine
from tests.service.conftest import ALICE, BOB, CHAT, OTHER_CHAT
from tests.service.test_experiments import count_rows
from tests.support import ADMIN, FrozenClock

HEADER = "experiment,variant,visitors,conversions,revenue,logged_at"


@pytest.fixture
async def experiments(database: Database, workspace: int) -> None:
    """#1 Checkout (A, B) and #2 Pricing (old, new) in CHAT; another chat has only #1 Theirs."""
    await services.create_experiment(database.unit_of_work(), CHAT, "Checkout", author=ALICE)
    await services.create_experiment(
        database.unit_of_work(), CHAT, "Pricing", ["old", "new"], author=ALICE
    )
    await services.create_experiment(database.unit_of_work(), OTHER_CHAT, "Theirs", author=BOB)


def csv_file(*lines: str) -> bytes:
    return ("\n".join(lines) + "\n").encode()


async def import_file(
    database: Database, content: bytes, clock: FrozenClock, chat: int = CHAT
) -> imports.ImportResult:
    return await imports.import_observations(
        database.unit_of_work(), chat, content, author=BOB, clock=clock
    )


async def totals(database: Database, number: int) -> list[tuple[str, int, int]]:
    summary = await services.get_experiment(database.unit_of_work(), CHAT, number)
    return [(t.name, t.visitors, t.conversions) for t in summary.totals]


# ---------------------------------------------------------------- good files


async def test_import_adds_every_row_and_reports_per_experiment(
    database: Database, experiments: None, clock: FrozenClock
) -> None:
    result = await import_file(
        database,
        csv_file(
            HEADER,
            "1,A,1000,40,,2026-03-01T09:00:00Z",
            "1,B,1000,55,120.50,2026-03-01T09:00:00Z",
            "#2,new,300,30,,",
            "1,b,500,20,,2026-03-02T08:00:00+03:00",
        ),
        clock,
    )
    assert result.rows == 4
    assert [(e.number, e.name, e.rows, e.visitors, e.conversions) for e in result.experiments] == [
        (1, "Checkout", 3, 2500, 115),
        (2, "Pricing", 1, 300, 30),
    ]
    assert await totals(database, 1) == [("A", 1000, 40), ("B", 1500, 75)]
    assert await totals(database, 2) == [("old", 0, 0), ("new", 300, 30)]
    exported = await observations.export_observations(database.unit_of_work(), CHAT)
    assert [(e.experiment, e.variant, e.revenue, e.logged_at, e.logged_by) for e in exported] == [
        (1, "A", None, datetime(2026, 3, 1, 9, tzinfo=UTC), "Bob"),
        (1, "B", Decimal("120.50"), datetime(2026, 3, 1, 9, tzinfo=UTC), "Bob"),
        (1, "B", None, datetime(2026, 3, 2, 5, tzinfo=UTC), "Bob"),  # +03:00 read as UTC
        (2, "new", None, clock.now, "Bob"),  # no logged_at: now
    ]


async def test_import_takes_only_the_required_columns_in_any_order_with_spaces(
    database: Database, experiments: None, clock: FrozenClock
) -> None:
    content = csv_file(" Visitors , experiment,variant ,conversions", " 200 , 1 , B , 9 ")
    result = await import_file(database, content, clock)
    assert result.rows == 1
    assert await totals(database, 1) == [("A", 0, 0), ("B", 200, 9)]


async def test_import_reads_a_spreadsheets_semicolons_bom_and_decimal_comma(
    database: Database, experiments: None, clock: FrozenClock
) -> None:
    content = "\ufeffexperiment;variant;visitors;conversions;revenue\r\n1;A;100;5;19,90\r\n"
    await import_file(database, content.encode("utf-8"), clock)
    exported = await observations.export_observations(database.unit_of_work(), CHAT)
    assert [(e.visitors, e.conversions, e.revenue) for e in exported] == [
        (100, 5, Decimal("19.90"))
    ]


async def test_import_skips_blank_lines_and_counts_lines_as_written(
    database: Database, experiments: None, clock: FrozenClock
) -> None:
    with pytest.raises(BadLine) as caught:
        await import_file(database, csv_file(HEADER, "", "1,A,10,1,,", "", "1,A,10,x,,"), clock)
    assert caught.value.line == 5


async def test_import_starts_a_draft_like_log_does(
    database: Database, workspace: int, clock: FrozenClock
) -> None:
    await services.create_experiment(
        database.unit_of_work(), CHAT, "Later", author=ALICE, status=Status.DRAFT
    )
    result = await import_file(database, csv_file(HEADER, "1,A,10,1,,"), clock)
    assert result.experiments[0].started
    summary = await services.get_experiment(database.unit_of_work(), CHAT, 1)
    assert summary.experiment.status is Status.RUNNING
    assert summary.experiment.started_at == clock.now


async def test_import_of_ten_thousand_rows_is_one_quick_batch(
    database: Database, experiments: None, clock: FrozenClock
) -> None:
    lines = [
        f"1,{'AB'[i % 2]},100,{i % 7},,2026-02-{1 + i % 28:02d}T10:00:00Z" for i in range(10_000)
    ]
    result = await import_file(database, csv_file(HEADER, *lines), clock)
    assert result.rows == 10_000
    assert await count_rows(database, Observation) == 10_000
    assert sum(v for _name, v, _c in await totals(database, 1)) == 1_000_000


async def test_export_then_import_elsewhere_gives_the_same_totals(
    database: Database, experiments: None, clock: FrozenClock
) -> None:
    await observations.log_observation(
        database.unit_of_work(), CHAT, 1, "A", 120, 6, author=ALICE, clock=clock
    )
    await observations.log_observation(
        database.unit_of_work(),
        CHAT,
        1,
        "B",
        130,
        9,
        author=ALICE,
        revenue=Decimal("45.10"),
        clock=clock,
    )
    exported = imports.export_csv(
        await observations.export_observations(database.unit_of_work(), CHAT)
    )
    lines = list(csv.reader(io.StringIO(exported.decode())))
    assert lines == [
        HEADER.split(","),
        ["1", "A", "120", "6", "", "2026-03-02T09:30:00Z"],
        ["1", "B", "130", "9", "45.10", "2026-03-02T09:30:00Z"],
    ]
    await import_file(database, exported, clock, chat=OTHER_CHAT)
    theirs = await services.get_experiment(database.unit_of_work(), OTHER_CHAT, 1)
    assert [(t.visitors, t.conversions, t.revenue) for t in theirs.totals] == [
        (120, 6, None),
        (130, 9, Decimal("45.10")),
    ]


# ---------------------------------------------------------------- bad files change nothing


BAD_FILES = [
    pytest.param(
        csv_file(HEADER, "1,A,100,5,,", "9,A,10,1,,"),
        3,
        "There is no experiment #9 here. /list shows your experiments.",
        id="unknown experiment",
    ),
    pytest.param(
        csv_file(HEADER, "1,A,100,5,,", "1,C,10,1,,"),
        3,
        "Experiment #1 has no variant “C”. Its variants are: A, B.",
        id="unknown variant",
    ),
    pytest.param(
        csv_file(HEADER, "1,A,ten,1,,"),
        2,
        "“ten” is not a whole number of visitors. Write digits only, e.g. 1200.",
        id="non-numeric visitors",
    ),
    pytest.param(
        csv_file(HEADER, "1,A,10,1.5,,"),
        2,
        "“1.5” is not a whole number of conversions.",
        id="fractional conversions",
    ),
    pytest.param(
        csv_file(HEADER, "1,A,10,,,"),
        2,
        "the number of conversions is missing",
        id="missing conversions",
    ),
    pytest.param(
        csv_file(HEADER, "1,A,-10,1,,"),
        2,
        "Counts can't be negative (visitors: -10).",
        id="negative visitors",
    ),
    pytest.param(
        csv_file(HEADER, "1,A,10,12,,"),
        2,
        "Conversions (12) can't exceed visitors (10).",
        id="conversions above visitors",
    ),
    pytest.param(
        csv_file(HEADER, "1,A,2000000000,1,,"),
        2,
        "is more than one entry can hold",
        id="count over a billion",
    ),
    pytest.param(
        csv_file(HEADER, "1,A,10,1,-5,"),
        2,
        "Revenue can't be negative.",
        id="negative revenue",
    ),
    pytest.param(
        csv_file(HEADER, "1,A,10,1,lots,"),
        2,
        "“lots” is not an amount of money.",
        id="bad revenue",
    ),
    pytest.param(
        csv_file(HEADER, "1,A,10,1,,someday"),
        2,
        "“someday” is not a date and time. Write it in ISO 8601 like 2026-03-02T09:00:00Z",
        id="bad date",
    ),
    pytest.param(
        csv_file(HEADER, "1,A,10,1,,2026-03-05T00:00:00Z"),
        2,
        "“2026-03-05T00:00:00Z” is in the future.",
        id="future date",
    ),
    pytest.param(
        csv_file(HEADER, "x,A,10,1,,"),
        2,
        "“x” is not an experiment number. Write it like 3 (or #3).",
        id="bad experiment number",
    ),
    pytest.param(
        csv_file(HEADER, "1,,10,1,,"),
        2,
        "the variant is empty",
        id="empty variant",
    ),
    pytest.param(
        csv_file(HEADER, "1,A,10"),
        2,
        "it has 3 values, but the header has 6 columns",
        id="too few values",
    ),
    pytest.param(
        csv_file("experiment,variant,visits,conversions", "1,A,10,1"),
        1,
        "“visits” is not a column I know. The first line must be the header "
        "experiment,variant,visitors,conversions,revenue,logged_at",
        id="unknown column",
    ),
    pytest.param(
        csv_file("experiment,variant,visitors", "1,A,10"),
        1,
        "the header has no column “conversions”",
        id="missing column",
    ),
    pytest.param(
        csv_file("experiment,variant,visitors,conversions,visitors", "1,A,10,1,10"),
        1,
        "the column “visitors” appears twice",
        id="duplicate column",
    ),
    pytest.param(
        csv_file("1,A,10,1,,"),
        1,
        "“1” is not a column I know",
        id="no header",
    ),
    pytest.param(b"", 1, "the file is empty", id="empty file"),
    pytest.param(b"  \n\n", 1, "the file is empty", id="blank file"),
    pytest.param(csv_file(HEADER), 2, "there are no results below the header", id="header only"),
    pytest.param(
        csv_file(HEADER, "1,A,10,1,,", "1,B,10,1,,") + "1,Bé,1,1,,\n".encode("latin-1"),
        4,
        "the file is not UTF-8 text",
        id="not utf-8",
    ),
    pytest.param(
        csv_file(HEADER, '1,A,"10,1,,'),
        2,
        "I can't read it as CSV",
        id="unclosed quote",
    ),
    pytest.param(
        csv_file(HEADER, "1,A,10,1,,", "1,B,1\x000,1,,"),
        3,
        "the file is not UTF-8 text",
        id="nul byte",
    ),
    pytest.param(
        csv_file(HEADER, *["1,A,10,1,,"] * 10_001),
        10_002,
        "a file can hold at most 10000 results",
        id="over 10000 rows",
    ),
]


async def test_a_bad_line_names_itself_and_imports_nothing(
    database: Database, experiments: None, clock: FrozenClock, subtests: pytest.Subtests
) -> None:
    for case in BAD_FILES:
        content, line, words = case.values
        with subtests.test(case.id):
            with pytest.raises(BadLine) as caught:
                await import_file(database, content, clock)
            assert caught.value.line == line
            message = str(caught.value)
            assert message.startswith(f"Line {line} of the file: ")
            assert words in message
            assert "Nothing from this file was imported" in message
            assert await count_rows(database, Observation) == 0


async def test_a_concluded_experiment_takes_no_imported_results(
    database: Database, experiments: None, clock: FrozenClock
) -> None:
    await services.conclude(database.unit_of_work(), CHAT, 2, Outcome.WON, actor=ADMIN)
    with pytest.raises(BadLine) as caught:
        await import_file(database, csv_file(HEADER, "1,A,10,1,,", "2,old,10,1,,"), clock)
    assert str(caught.value).startswith(
        "Line 3 of the file: Experiment #2 is concluded, so it takes no more results."
    )
    assert await count_rows(database, Observation) == 0


async def test_another_chats_experiment_is_answered_like_an_unknown_one(
    database: Database, experiments: None, clock: FrozenClock
) -> None:
    # OTHER_CHAT has only #1; CHAT's #2 must look exactly as missing as a #3 nobody has.
    replies = []
    for number in (2, 3):
        with pytest.raises(BadLine) as caught:
            await import_file(database, csv_file(HEADER, f"{number},A,10,1,,"), clock, OTHER_CHAT)
        replies.append(str(caught.value).replace(f"#{number}", "#N"))
    assert replies[0] == replies[1]
    assert "There is no experiment #N here." in replies[0]
    assert await count_rows(database, Observation) == 0


async def test_a_bad_line_leaves_a_draft_a_draft(
    database: Database, workspace: int, clock: FrozenClock
) -> None:
    await services.create_experiment(
        database.unit_of_work(), CHAT, "Later", author=ALICE, status=Status.DRAFT
    )
    with pytest.raises(BadLine):
        await import_file(database, csv_file(HEADER, "1,A,10,1,,", "1,A,1,2,,"), clock)
    summary = await services.get_experiment(database.unit_of_work(), CHAT, 1)
    assert summary.experiment.status is Status.DRAFT
    assert await count_rows(database, Experiment) == 1


async def test_a_file_over_a_megabyte_is_refused_unread(
    database: Database, experiments: None, clock: FrozenClock
) -> None:
    content = csv_file(HEADER, "1,A,10,1,," + " " * (1024 * 1024))
    with pytest.raises(InvalidInput, match="I import files up to 1 MB"):
        await import_file(database, content, clock)
    with pytest.raises(InvalidInput, match="That file is 2048 KB"):
        imports.check_file_size(2 * 1024 * 1024)
    assert await count_rows(database, Observation) == 0


def test_bad_line_translates_the_problem_inside_it() -> None:
    catalog = {
        BadLine.template: "Строка {line}: {problem}",
        "the variant is empty. Write its name, e.g. B.": "вариант пуст.",
    }
    error = BadLine(7, InvalidInput(N_("the variant is empty. Write its name, e.g. B.")))
    assert error.message(lambda text: catalog.get(text, text)) == "Строка 7: вариант пуст."
