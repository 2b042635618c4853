"""How long a readout takes for an experiment with 100,000 observations (target: under 20 ms).

Seeds a temporary SQLite database, then times `services.readout` (the running totals per
variant and per UTC day, and the statistics over the daily looks) against two same-run
baselines: the same readout with its totals summed from every result over the covering
indexes (what the readout did before the running totals), and the statistics alone on the
same counts (the floor no database work can go under).

    uv run python bench/readout.py [--observations 100000] [--repeat 20]
"""

from __future__ import annotations

import argparse
import asyncio
import random
import statistics
import tempfile
import time
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta

from interpreter import describe
from sqlalchemy import func, select

from bot.bootstrap import open_database
from db.models import Observation
from db.totals_repository import VariantSums, local_day
from db.unit_of_work import Database
from experiments import services
from experiments.domain import Author
from experiments.workspaces import ensure_workspace

TARGET_MS = 20.0
CHAT = 42


async def seed(database: Database, observations: int) -> int:
    await ensure_workspace(
        database.unit_of_work(), CHAT, chat_type="private", title=None, language="en"
    )
    view = await services.create_experiment(
        database.unit_of_work(), CHAT, "Bench", ["A", "B", "C"], author=Author(1, "Bench")
    )
    async with database.unit_of_work() as uow:
        experiment = await uow.experiments.get(1, view.number)
        assert experiment is not None
        variant_ids = [v.id for v in experiment.variants]
        rng = random.Random(7)
        start = datetime(2026, 1, 1, tzinfo=UTC)
        batch = []
        for index in range(observations):
            visitors = rng.randint(1, 50)
            batch.append(
                {
                    "experiment_id": experiment.id,
                    "variant_id": variant_ids[index % 3],
                    "visitors": visitors,
                    "conversions": rng.randint(0, visitors // 10),
                    "revenue": None,
                    "logged_at": start + timedelta(minutes=index),
                    "logged_by_id": 1,
                    "logged_by_name": "Bench",
                    "import_id": None,
                }
            )
            if len(batch) == 10_000:
                await uow.observations.add_many(batch)
                batch = []
        await uow.observations.add_many(batch)
        await uow.commit()
    return view.number


async def readout_once(database: Database, number: int) -> None:
    await services.readout(database.unit_of_work(), CHAT, number)


async def summed_readout_once(database: Database, number: int) -> None:
    """The readout as it was: every total summed from the results on each read."""
    async with database.unit_of_work() as uow:
        experiment = await services.load_experiment(uow, CHAT, number)
        rows = await uow.session.execute(
            select(
                Observation.variant_id,
                func.sum(Observation.visitors),
                func.sum(Observation.conversions),
                func.sum(Observation.revenue),
                func.count(),
            )
            .where(Observation.experiment_id == experiment.id)
            .group_by(Observation.variant_id)
        )
        sums = {v: VariantSums(int(a), int(b), r, int(n)) for v, a, b, r, n in rows}
        last = await uow.observations.last_logged_at(experiment.id)
        day = local_day(uow.session, Observation.logged_at, "UTC")
        days = await uow.session.execute(
            select(
                day,
                Observation.variant_id,
                func.sum(Observation.visitors),
                func.sum(Observation.conversions),
            )
            .where(Observation.experiment_id == experiment.id)
            .group_by(day, Observation.variant_id)
            .order_by(day, Observation.variant_id)
        )
        positions = {v.id: v.position for v in experiment.variants}
        history = [(d, positions[v], int(a), int(b)) for d, v, a, b in days]
        summary = services.ExperimentSummary(
            experiment=services.experiment_view(experiment),
            totals=tuple(services.variant_totals(v, sums) for v in experiment.variants),
            last_logged_at=last,
        )
    services.readout_of(
        summary, now=datetime.now(UTC), history=services.daily_looks(summary, history)
    )


def statistics_alone(database: Database, number: int) -> Callable[[], Awaitable[None]]:
    """The readout's statistics on counts read once before: no database at all."""
    prepared: list[tuple[services.ExperimentSummary, list[services.DayRow]]] = []

    async def prepare() -> None:
        async with database.unit_of_work() as uow:
            experiment = await services.load_experiment(uow, CHAT, number)
            summary = await services.get_experiment(uow, CHAT, number)
            positions = {v.id: v.position for v in experiment.variants}
            rows = await uow.totals.by_day(experiment.id)
        prepared.append((summary, [(d, positions[v], a, b) for d, v, a, b in rows]))

    async def once() -> None:
        if not prepared:
            await prepare()
        summary, rows = prepared[0]
        services.readout_of(
            summary, now=datetime.now(UTC), history=services.daily_looks(summary, rows)
        )

    return once


async def timed(run: Callable[[], Awaitable[None]]) -> tuple[float, float]:
    """(wall ms, CPU ms of this process, the database's thread included)."""
    started, cpu = time.perf_counter(), time.process_time()
    await run()
    return (time.perf_counter() - started) * 1000, (time.process_time() - cpu) * 1000


async def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--observations", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=20)
    args = parser.parse_args()
    print(describe())
    with tempfile.TemporaryDirectory() as folder:
        database = await open_database(f"sqlite+aiosqlite:///{folder}/bench.sqlite3")
        try:
            started = time.perf_counter()
            number = await seed(database, args.observations)
            seconds = time.perf_counter() - started
            print(f"seeded {args.observations:,} observations in {seconds:.1f} s")
            # Interleaved, so a busy machine slows every path alike.
            runs: dict[str, list[tuple[float, float]]] = {"now": [], "summed": [], "stats": []}
            paths = {
                "now": lambda: readout_once(database, number),
                "summed": lambda: summed_readout_once(database, number),
                "stats": statistics_alone(database, number),
            }
            for run in paths.values():
                await run()  # warm-up: imports, caches, connection
            for _ in range(args.repeat):
                for name, run in paths.items():
                    runs[name].append(await timed(run))
        finally:
            await database.dispose()
    labels = {
        "now": "readout (running totals + statistics)",
        "summed": "baseline: readout summing every result",
        "stats": "baseline: statistics alone, no database",
    }
    print(f"| {'path':<42} | median ms | min ms | max ms | median CPU ms |")
    print(f"|{'-' * 44}|-----------|--------|--------|---------------|")
    for name, found in runs.items():
        wall = [w for w, _ in found]
        cpu = [c for _, c in found]
        print(
            f"| {labels[name]:<42} | {statistics.median(wall):9.1f} "
            f"| {min(wall):6.1f} | {max(wall):6.1f} | {statistics.median(cpu):13.1f} |"
        )
    median = statistics.median(w for w, _ in runs["now"])
    print(
        f"{args.repeat} runs each; target: under {TARGET_MS:.0f} ms -> "
        f"{'met' if median < TARGET_MS else 'MISSED'} (CPU time is what a busy machine "
        "changes least)"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(asyncio.run(main()))
