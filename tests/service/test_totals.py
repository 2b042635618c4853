"""Running totals: kept by every write of results, equal to the results summed again."""

from __future__ import annotations

import asyncio
import contextlib
import io
import random
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import delete, func, insert, select, update

from bot.admin import check_totals_command
from bot.cli import main as cli_main
from db.models import Observation, VariantDayTotal, VariantTotal
from db.totals_repository import VariantSums
from db.unit_of_work import Database
from experiments import editing, import_records, imports, observations, services
from experiments.domain import NothingToUndo
from experiments.import_records import ImportRefused
from experiments.totals import check_totals
from tests.service.conftest import ALICE, BOB, CHAT
from tests.support import ADMIN, FrozenClock

HEADER = "experiment,variant,visitors,conversions,revenue,logged_at"


async def slow_sums(database: Database, experiment_id: int) -> dict[int, VariantSums]:
    """The sums the readout used to compute over every result (the slow path)."""
    async with database.unit_of_work() as uow:
        rows = await uow.session.execute(
            select(
                Observation.variant_id,
                func.sum(Observation.visitors),
                func.sum(Observation.conversions),
                func.sum(Observation.revenue),
                func.count(),
            )
            .where(Observation.experiment_id == experiment_id)
            .group_by(Observation.variant_id)
        )
        return {
            variant_id: VariantSums(
                int(visitors),
                int(conversions),
                None if revenue is None else Decimal(str(revenue)).quantize(Decimal("0.01")),
                int(count),
            )
            for variant_id, visitors, conversions, revenue, count in rows
        }


async def slow_days(database: Database, experiment_id: int) -> list[tuple[date, int, int, int]]:
    """(UTC day, variant id, visitors, conversions) summed over every result, in Python."""
    async with database.unit_of_work() as uow:
        rows = await uow.session.execute(
            select(
                Observation.logged_at,
                Observation.variant_id,
                Observation.visitors,
                Observation.conversions,
            ).where(Observation.experiment_id == experiment_id)
        )
        days: dict[tuple[date, int], list[int]] = {}
        for logged_at, variant_id, visitors, conversions in rows:
            sums = days.setdefault((logged_at.astimezone(UTC).date(), variant_id), [0, 0])
            sums[0] += visitors
            sums[1] += conversions
    return [(day, variant_id, v, c) for (day, variant_id), (v, c) in sorted(days.items())]


async def experiment_ids(database: Database) -> list[int]:
    async with database.unit_of_work() as uow:
        workspace = await uow.workspaces.by_chat(CHAT)
        assert workspace is not None
        return [e.id for e in await uow.experiments.find(workspace_id=workspace.id)]


async def assert_totals_are_the_results(database: Database, where: str = "") -> None:
    assert await check_totals(database.unit_of_work()) == [], where
    for experiment_id in await experiment_ids(database):
        async with database.unit_of_work() as uow:
            fast = await uow.totals.by_variant(experiment_id)
            fast_days = await uow.totals.by_day(experiment_id)
            readout = await uow.totals.for_readout(experiment_id)
            last = await uow.observations.last_logged_at(experiment_id)
        assert fast == await slow_sums(database, experiment_id), where
        assert fast_days == await slow_days(database, experiment_id), where
        assert (readout.by_variant, readout.by_day) == (fast, fast_days), where
        assert readout.last_logged_at == last, where


def csv_file(*lines: str) -> bytes:
    return ("\n".join([HEADER, *lines]) + "\n").encode()


# ---------------------------------------------------------------- each write


async def test_a_logged_result_counts_in_its_variant_and_its_utc_day(
    database: Database, workspace: int, clock: FrozenClock
) -> None:
    made = await services.create_experiment(database.unit_of_work(), CHAT, "Hero", author=ALICE)
    late_evening = datetime(2026, 3, 1, 23, 30, tzinfo=UTC)
    logged = await observations.log_observation(
        database.unit_of_work(),
        CHAT,
        made.number,
        "B",
        100,
        7,
        author=ALICE,
        revenue=Decimal("10.10"),
        logged_at=late_evening,
        clock=clock,
    )
    await observations.log_observation(
        database.unit_of_work(), CHAT, made.number, "B", 50, 3, author=ALICE, clock=clock
    )
    assert (logged.totals.visitors, logged.totals.conversions) == (100, 7)
    async with database.unit_of_work() as uow:
        rows = (await uow.session.scalars(select(VariantTotal))).all()
        assert [
            (r.visitors, r.conversions, r.revenue_cents, r.revenue_observations, r.observations)
            for r in rows
        ] == [(150, 10, 1010, 1, 2)]
        days = (
            await uow.session.scalars(select(VariantDayTotal).order_by(VariantDayTotal.day))
        ).all()
        assert [(d.day, d.visitors, d.conversions, d.observations) for d in days] == [
            (date(2026, 3, 1), 100, 7, 1),
            (date(2026, 3, 2), 50, 3, 1),
        ]
    await assert_totals_are_the_results(database)


async def test_undoing_the_last_result_takes_it_out_and_drops_emptied_rows(
    database: Database, workspace: int, clock: FrozenClock
) -> None:
    made = await services.create_experiment(database.unit_of_work(), CHAT, "Hero", author=ALICE)
    await observations.log_observation(
        database.unit_of_work(), CHAT, made.number, "A", 80, 4, author=ALICE, clock=clock
    )
    undone = await observations.undo_last_observation(
        database.unit_of_work(), CHAT, made.number, actor=ADMIN
    )
    assert (undone.totals.visitors, undone.totals.observations) == (0, 0)
    async with database.unit_of_work() as uow:
        assert (await uow.session.scalars(select(VariantTotal))).all() == []
        assert (await uow.session.scalars(select(VariantDayTotal))).all() == []
    await assert_totals_are_the_results(database)


async def test_an_import_and_its_undo_move_the_totals_both_ways(
    database: Database, workspace: int, clock: FrozenClock
) -> None:
    made = await services.create_experiment(database.unit_of_work(), CHAT, "Hero", author=ALICE)
    await observations.log_observation(
        database.unit_of_work(), CHAT, made.number, "A", 10, 1, author=ALICE, clock=clock
    )
    result = await imports.import_observations(
        database.unit_of_work(),
        CHAT,
        csv_file(
            "1,A,1000,40,,2026-02-27T09:00:00Z",
            "1,B,1000,55,120.50,2026-02-27T09:00:00Z",
            "1,B,500,20,0.25,2026-02-28T08:00:00+03:00",
        ),
        author=BOB,
        clock=clock,
    )
    assert not isinstance(result, ImportRefused)
    async with database.unit_of_work() as uow:
        sums = await uow.totals.by_variant(made_id := (await experiment_ids(database))[0])
    assert sorted((s.visitors, s.conversions, s.revenue) for s in sums.values()) == [
        (1010, 41, None),
        (1500, 75, Decimal("120.75")),
    ]
    await assert_totals_are_the_results(database)
    await import_records.undo_import(
        database.unit_of_work(), CHAT, result.import_id, author=BOB, actor=ADMIN, clock=clock
    )
    async with database.unit_of_work() as uow:
        sums = await uow.totals.by_variant(made_id)
    assert [(s.visitors, s.observations) for s in sums.values()] == [(10, 1)]
    await assert_totals_are_the_results(database)


async def test_deleting_an_experiment_deletes_its_totals(
    database: Database, workspace: int, clock: FrozenClock
) -> None:
    made = await services.create_experiment(database.unit_of_work(), CHAT, "Hero", author=ALICE)
    kept = await services.create_experiment(database.unit_of_work(), CHAT, "Kept", author=ALICE)
    for number in (made.number, kept.number):
        await observations.log_observation(
            database.unit_of_work(), CHAT, number, "A", 10, 1, author=ALICE, clock=clock
        )
    await editing.delete_experiment(database.unit_of_work(), CHAT, made.number, actor=ADMIN)
    async with database.unit_of_work() as uow:
        assert len((await uow.session.scalars(select(VariantTotal))).all()) == 1
        assert len((await uow.session.scalars(select(VariantDayTotal))).all()) == 1
    await assert_totals_are_the_results(database)


async def test_two_writers_logging_at_once_both_count(
    database: Database, workspace: int, clock: FrozenClock
) -> None:
    made = await services.create_experiment(database.unit_of_work(), CHAT, "Hero", author=ALICE)
    await asyncio.gather(
        *(
            observations.log_observation(
                database.unit_of_work(),
                CHAT,
                made.number,
                "A",
                10 + n,
                1,
                author=ALICE,
                clock=clock,
            )
            for n in range(6)
        )
    )
    (experiment_id,) = await experiment_ids(database)
    async with database.unit_of_work() as uow:
        (sums,) = (await uow.totals.by_variant(experiment_id)).values()
    assert (sums.visitors, sums.observations) == (sum(10 + n for n in range(6)), 6)
    await assert_totals_are_the_results(database)


# ---------------------------------------------------------------- the check


async def tampered(database: Database, clock: FrozenClock) -> int:
    """An experiment whose totals were changed behind the results' back three ways: a wrong
    count, a missing day, a total of a variant without results. Returns its id."""
    made = await services.create_experiment(database.unit_of_work(), CHAT, "Hero", author=ALICE)
    for variant, visitors in (("A", 100), ("A", 20)):
        await observations.log_observation(
            database.unit_of_work(),
            CHAT,
            made.number,
            variant,
            visitors,
            5,
            author=ALICE,
            clock=clock,
        )
    (experiment_id,) = await experiment_ids(database)
    async with database.unit_of_work() as uow:
        experiment = await uow.experiments.by_id(experiment_id)
        assert experiment is not None
        variant_a, variant_b = (v.id for v in experiment.variants)
        await uow.session.execute(
            update(VariantTotal)
            .where(VariantTotal.variant_id == variant_a)
            .values(visitors=VariantTotal.visitors + 7)
        )
        await uow.session.execute(delete(VariantDayTotal))
        await uow.session.execute(
            insert(VariantTotal).values(
                experiment_id=experiment_id,
                variant_id=variant_b,
                visitors=3,
                conversions=0,
                revenue_cents=0,
                revenue_observations=0,
                observations=1,
            )
        )
        await uow.commit()
    return experiment_id


async def test_the_check_names_every_total_that_differs_from_its_results(
    database: Database, workspace: int, clock: FrozenClock
) -> None:
    experiment_id = await tampered(database, clock)
    found = await check_totals(database.unit_of_work())
    assert [(d.table, d.experiment_id, d.day) for d in found] == [
        ("variant_totals", experiment_id, None),
        ("variant_totals", experiment_id, None),
        ("variant_day_totals", experiment_id, clock().date()),
    ]
    wrong, extra, missing = found
    assert (wrong.stored["visitors"], wrong.recomputed["visitors"]) == (127, 120)
    assert (extra.stored["observations"], extra.recomputed["observations"]) == (1, 0)
    assert missing.stored == {"visitors": 0, "conversions": 0, "observations": 0}
    assert missing.recomputed == {"visitors": 120, "conversions": 10, "observations": 2}


async def test_repair_sets_the_totals_to_their_results(
    database: Database, workspace: int, clock: FrozenClock
) -> None:
    await tampered(database, clock)
    repaired = await check_totals(database.unit_of_work(), repair=True)
    assert len(repaired) == 3
    await assert_totals_are_the_results(database)


async def test_the_command_prints_each_difference_and_fails_until_repaired(
    database: Database, database_url: str, workspace: int, clock: FrozenClock
) -> None:
    await tampered(database, clock)
    out = io.StringIO()
    assert await check_totals_command(database_url, repair=False, out=out) == 1
    lines = out.getvalue().splitlines()
    assert lines[-1] == "3 running totals differ from the results"
    assert "visitors 127 -> 120" in lines[0]
    out = io.StringIO()
    assert await check_totals_command(database_url, repair=True, out=out) == 0
    assert out.getvalue().splitlines()[-1] == "repaired 3 running totals; 0 still differ"
    out = io.StringIO()
    assert await check_totals_command(database_url, repair=False, out=out) == 0
    assert out.getvalue() == "running totals match the results\n"


def test_hourglass_check_totals_on_a_sound_database_exits_0(
    database_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert cli_main(["check-totals", "--database", database_url]) == 0
    assert capsys.readouterr().out == "running totals match the results\n"


# ---------------------------------------------------------------- random writes


@pytest.mark.parametrize("seed", [3, 11])
async def test_random_logs_undos_imports_and_deletes_keep_totals_equal_to_results(
    database: Database, workspace: int, clock: FrozenClock, seed: int
) -> None:
    rng = random.Random(seed)
    numbers: list[int] = []
    import_ids: list[int] = []
    for step in range(30):
        action = rng.choices(
            ["create", "log", "undo", "import", "undo import", "delete"],
            weights=[1, 6, 2, 2, 1, 1],
        )[0]
        if action == "create" or not numbers:
            made = await services.create_experiment(
                database.unit_of_work(), CHAT, f"E{step}", author=ALICE
            )
            numbers.append(made.number)
        elif action == "log":
            visitors = rng.randint(1, 500)
            await observations.log_observation(
                database.unit_of_work(),
                CHAT,
                rng.choice(numbers),
                rng.choice("AB"),
                visitors,
                rng.randint(0, visitors),
                author=ALICE,
                revenue=rng.choice([None, Decimal(rng.randint(0, 99_999)) / 100]),
                logged_at=clock() - timedelta(minutes=rng.randint(0, 6 * 24 * 60)),
                clock=clock,
            )
        elif action == "undo":
            with contextlib.suppress(NothingToUndo):  # an experiment without results yet
                await observations.undo_last_observation(
                    database.unit_of_work(), CHAT, rng.choice(numbers), actor=ADMIN
                )
        elif action == "import":
            lines = []
            for _ in range(rng.randint(1, 8)):
                visitors = rng.randint(1, 900)
                moment = clock() - timedelta(minutes=rng.randint(0, 6 * 24 * 60))
                revenue = rng.choice(["", f"{rng.randint(0, 9999) / 100:.2f}"])
                lines.append(
                    f"{rng.choice(numbers)},{rng.choice('AB')},{visitors},"
                    f"{rng.randint(0, visitors)},{revenue},{moment.isoformat()}"
                )
            result = await imports.import_observations(
                database.unit_of_work(),
                CHAT,
                csv_file(*lines),
                author=BOB,
                leave_out_repeated=True,
                clock=clock,
            )
            if not isinstance(result, ImportRefused):
                import_ids.append(result.import_id)
        elif action == "undo import" and import_ids:
            import_id = import_ids.pop(rng.randrange(len(import_ids)))
            await import_records.undo_import(
                database.unit_of_work(), CHAT, import_id, author=BOB, actor=ADMIN, clock=clock
            )
        elif action == "delete":
            number = numbers.pop(rng.randrange(len(numbers)))
            await editing.delete_experiment(database.unit_of_work(), CHAT, number, actor=ADMIN)
        await assert_totals_are_the_results(database, f"step {step}: {action}")
    async with database.unit_of_work() as uow:
        logged = await uow.session.scalar(select(func.count()).select_from(Observation))
    assert logged  # the walk did log something


async def test_a_rebuild_counts_results_written_around_the_repositories(
    database: Database, workspace: int, clock: FrozenClock
) -> None:
    experiment_id = await tampered(database, clock)
    async with database.unit_of_work() as uow:
        await uow.totals.rebuild()
        await uow.commit()
    await assert_totals_are_the_results(database)
    async with database.unit_of_work() as uow:
        (sums,) = (await uow.totals.by_variant(experiment_id)).values()
    assert (sums.visitors, sums.conversions, sums.observations) == (120, 10, 2)
