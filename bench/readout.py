"""How long a readout takes for an experiment with 100,000 observations (target: under 50 ms).

Seeds a temporary SQLite database, then times `services.readout` (SQL aggregation + the
statistics) and, as the same-run baseline, loading every observation into Python and summing
there — what the readout deliberately does not do.

    uv run python bench/readout.py [--observations 100000] [--repeat 20]
"""

from __future__ import annotations

import argparse
import asyncio
import random
import statistics
import tempfile
import time
from datetime import UTC, datetime, timedelta

from sqlalchemy import insert, select

from bot.bootstrap import open_database
from db.models import Observation
from db.unit_of_work import Database
from experiments import services
from experiments.domain import Author
from experiments.stats.readout import ArmCounts, conversion_readout
from experiments.workspaces import ensure_workspace

TARGET_MS = 50.0
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
                }
            )
            if len(batch) == 10_000:
                await uow.session.execute(insert(Observation), batch)
                batch.clear()
        if batch:
            await uow.session.execute(insert(Observation), batch)
        await uow.commit()
    return view.number


async def readout_once(database: Database, number: int) -> float:
    started = time.perf_counter()
    await services.readout(database.unit_of_work(), CHAT, number)
    return (time.perf_counter() - started) * 1000


async def baseline_once(database: Database) -> float:
    """Loads every observation and sums in Python, then the same statistics."""
    started = time.perf_counter()
    async with database.unit_of_work() as uow:
        rows = (await uow.session.scalars(select(Observation))).all()
        totals: dict[int, list[int]] = {}
        for row in rows:
            pair = totals.setdefault(row.variant_id, [0, 0])
            pair[0] += row.visitors
            pair[1] += row.conversions
    conversion_readout([ArmCounts(str(k), v[0], v[1]) for k, v in sorted(totals.items())])
    return (time.perf_counter() - started) * 1000


async def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--observations", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=20)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        database = await open_database(f"sqlite+aiosqlite:///{folder}/bench.sqlite3")
        try:
            started = time.perf_counter()
            number = await seed(database, args.observations)
            seconds = time.perf_counter() - started
            print(f"seeded {args.observations:,} observations in {seconds:.1f} s")
            await readout_once(database, number)  # warm-up: imports, caches, connection
            readout_ms = [await readout_once(database, number) for _ in range(args.repeat)]
            baseline_ms = [await baseline_once(database) for _ in range(max(3, args.repeat // 5))]
        finally:
            await database.dispose()
    median = statistics.median(readout_ms)
    print(
        f"readout (SQL sums + statistics): median {median:.1f} ms, "
        f"min {min(readout_ms):.1f} ms, max {max(readout_ms):.1f} ms over {len(readout_ms)} runs"
    )
    print(
        f"baseline (load every row, sum in Python): median {statistics.median(baseline_ms):.1f} ms"
    )
    print(f"target: under {TARGET_MS:.0f} ms -> {'met' if median < TARGET_MS else 'MISSED'}")
    return 0


if __name__ == "__main__":
    raise SystemExit(asyncio.run(main()))
