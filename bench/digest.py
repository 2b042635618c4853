"""Digest bench: how fast the tick composes digests, next to Telegram's 30 messages/s.

Seeds a temporary SQLite database with 10,000 workspaces × 5 running A/B experiments (two
variants, a few logged results each, counts drawn from a fixed seed), then, without the
network, does what the daily tick does: find who is due (all of them), compose each digest
(readouts, nudges, funnel, learnings) and render its HTML and keyboard. Prints digests per
second in one process for the tick's path — batches of workspaces read together
(``experiments.digests.compose_digests``), on its first tick and once the chances to beat the
control are known — against the same-run baseline, the per-workspace path
(``compose_digest``, what /digest uses) on every 20th workspace.

    uv run python bench/digest.py            # 10,000 workspaces
    uv run python bench/digest.py --quick    # 500 workspaces: a smoke check
    uv run python bench/digest.py --all      # the baseline composes every workspace too

With HOURGLASS_BENCH_POSTGRES_URL=postgresql+asyncpg://user@host/db set, the same runs on that
PostgreSQL database too, after SQLite. Its schema is dropped and recreated: give it a database
of its own.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import tempfile
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from datetime import time as clock_time
from pathlib import Path
from typing import Any

import numpy as np
from interpreter import describe
from sqlalchemy import insert

from bot.i18n import translator
from bot.render.digest import digest_keyboard, digest_text
from db.engine import create_engine, migrate
from db.models import Base
from db.unit_of_work import Database
from experiments.digests import BATCH_SIZE, compose_digest, compose_digest_batches, due_digests
from experiments.stats.briefs import forget_chances
from experiments.stats.readout import ArmCounts, conversion_readout

TELEGRAM_MESSAGES_PER_SECOND = 30
NOW = datetime(2026, 3, 2, 12, 0, tzinfo=UTC)  # past every workspace's 09:00 in these zones
ZONES = ("UTC", "Europe/Berlin", "Europe/Moscow", "Asia/Dubai", "Europe/London")
STAGES = ("know", "like", "trust", "try", "buy", "repeat", "refer")
OBSERVATIONS_PER_VARIANT = 2
SEED = 20260302
SAMPLE_STEP = 20  # the baseline composes every 20th workspace unless --all
POSTGRES_URL_VARIABLE = "HOURGLASS_BENCH_POSTGRES_URL"
CHUNK = 20_000


def _chunks(rows: list[dict[str, Any]]) -> Iterator[list[dict[str, Any]]]:
    for start in range(0, len(rows), CHUNK):
        yield rows[start : start + CHUNK]


def _rows(workspaces: int, experiments: int) -> dict[str, list[dict[str, Any]]]:
    """Every row to insert, drawn from a fixed seed."""
    rng = np.random.default_rng(SEED)
    started = NOW - timedelta(days=7)
    workspace_rows: list[dict[str, Any]] = []
    experiment_rows: list[dict[str, Any]] = []
    variant_rows: list[dict[str, Any]] = []
    observation_rows: list[dict[str, Any]] = []
    for w in range(1, workspaces + 1):
        workspace_rows.append(
            {
                "id": w,
                "chat_id": w,
                "chat_type": "private",
                "title": None,
                "language": "en",
                "timezone": ZONES[w % len(ZONES)],
                "timezone_confirmed": True,
                "digest_time": clock_time(9, 0),
                "digest_enabled": True,
                "target_running": 3,
                "stale_after_days": 3,
                "active": True,
                "last_experiment_number": experiments,
                "created_at": started,
            }
        )
        for number in range(1, experiments + 1):
            experiment_id = len(experiment_rows) + 1
            experiment_rows.append(
                {
                    "id": experiment_id,
                    "workspace_id": w,
                    "number": number,
                    "name": f"Experiment {number}",
                    "kind": "ab_test",
                    "stage": STAGES[(w + number) % len(STAGES)],
                    "primary_metric": "conversion",
                    "planned_per_variant": 4000,
                    # As the calculator plans it: rates the batch reads apart from the rest.
                    "baseline_rate": 0.05,
                    "min_detectable_effect": 0.01 + number / 1000,
                    "status": "running",
                    "created_at": started,
                    "created_by_id": w,
                    "created_by_name": "Founder",
                    "started_at": started,
                }
            )
            rates = (0.05, 0.05 * rng.uniform(0.8, 1.3))
            for position, rate in enumerate(rates):
                variant_id = len(variant_rows) + 1
                variant_rows.append(
                    {
                        "id": variant_id,
                        "experiment_id": experiment_id,
                        "position": position,
                        "name": "AB"[position],
                    }
                )
                for day in range(OBSERVATIONS_PER_VARIANT):
                    visitors = int(rng.integers(200, 1500))
                    observation_rows.append(
                        {
                            "experiment_id": experiment_id,
                            "variant_id": variant_id,
                            "visitors": visitors,
                            "conversions": int(rng.binomial(visitors, rate)),
                            "logged_at": started + timedelta(days=2 * day + 1),
                            "logged_by_id": w,
                            "logged_by_name": "Founder",
                        }
                    )
    return {
        "workspaces": workspace_rows,
        "experiments": experiment_rows,
        "variants": variant_rows,
        "observations": observation_rows,
    }


async def seed(url: str, workspaces: int, experiments: int) -> int:
    engine = create_engine(url)
    await migrate(engine)
    rows = _rows(workspaces, experiments)
    async with engine.begin() as connection:
        for table, table_rows in rows.items():
            for chunk in _chunks(table_rows):
                await connection.execute(insert(Base.metadata.tables[table]), chunk)
    # The results went in around the repositories: their running totals are counted once.
    async with Database(engine).unit_of_work() as uow:
        await uow.totals.rebuild()
        await uow.commit()
    if engine.dialect.name == "postgresql":
        # A database in use has its statistics and visibility maps: without them the planner
        # guesses, and autovacuum would come to the freshly loaded tables during the ticks.
        async with engine.connect() as connection:
            autocommit = await connection.execution_options(isolation_level="AUTOCOMMIT")
            await autocommit.exec_driver_sql("VACUUM ANALYZE")
    await engine.dispose()
    return len(rows["observations"])


async def _compose(url: str, chat_ids: list[int]) -> tuple[int, float, float]:
    """The per-workspace path: composes and renders each digest of ``chat_ids`` on its own;
    (digests with something to say, seconds, CPU seconds of the process)."""
    database = Database(create_engine(url))
    started, cpu = time.perf_counter(), time.process_time()
    made = 0
    for chat_id in chat_ids:
        digest = await compose_digest(database.unit_of_work(), chat_id, now=NOW)
        t = translator(digest.language)
        digest_text(t, digest)
        digest_keyboard(t, digest)
        made += not digest.is_empty
    seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
    await database.dispose()
    return made, seconds, cpu


async def _compose_batches(url: str, workspace_ids: list[int]) -> tuple[int, float, float]:
    """The tick's path: composes ``BATCH_SIZE`` workspaces at a time, each batch read while
    the one before is composed, and renders each digest."""
    database = Database(create_engine(url))
    started, cpu = time.perf_counter(), time.process_time()
    made = 0
    batches = [
        workspace_ids[start : start + BATCH_SIZE]
        for start in range(0, len(workspace_ids), BATCH_SIZE)
    ]
    async for _, composed in compose_digest_batches(database.unit_of_work, batches, now=NOW):
        assert not isinstance(composed, Exception), composed
        for digest in composed.values():
            t = translator(digest.language)
            digest_text(t, digest)
            digest_keyboard(t, digest)
            made += not digest.is_empty
    seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
    await database.dispose()
    return made, seconds, cpu


def _compose_in_process(url: str, chat_ids: list[int]) -> tuple[int, float, float]:
    return asyncio.run(_compose(url, chat_ids))


def statistics_alone(workspaces: int, experiments: int) -> float:
    """Seconds per digest spent on its readouts alone, on the same counts (no database)."""
    rows = _rows(workspaces, experiments)
    totals: dict[int, dict[int, list[int]]] = {}
    for row in rows["observations"]:
        arm = totals.setdefault(row["experiment_id"], {}).setdefault(row["variant_id"], [0, 0])
        arm[0] += row["visitors"]
        arm[1] += row["conversions"]
    started = time.perf_counter()
    for arms in totals.values():
        conversion_readout(
            [ArmCounts(str(v), visitors, conv) for v, (visitors, conv) in sorted(arms.items())],
            planned_per_variant=4000,
        )
    return (time.perf_counter() - started) / workspaces


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="500 workspaces, a smoke check")
    parser.add_argument("--all", action="store_true", help="the baseline composes every one")
    parser.add_argument("--workspaces", type=int, help="how many workspaces (default 10,000)")
    parser.add_argument("--experiments", type=int, default=5, help="running per workspace")
    args = parser.parse_args()
    print(describe())
    with tempfile.TemporaryDirectory() as folder:
        print("== SQLite (a temporary file)")
        run_on(f"sqlite+aiosqlite:///{Path(folder) / 'bench.sqlite3'}", args)
    postgres = os.environ.get(POSTGRES_URL_VARIABLE)
    if postgres:
        print(f"== PostgreSQL ({POSTGRES_URL_VARIABLE}; its schema is replaced)")
        asyncio.run(_empty_postgres(postgres))
        run_on(postgres, args)
    else:
        print(f"(set {POSTGRES_URL_VARIABLE} to run the same on PostgreSQL)")


async def _empty_postgres(url: str) -> None:
    engine = create_engine(url)
    try:
        async with engine.begin() as connection:
            await connection.exec_driver_sql("DROP SCHEMA public CASCADE")
            await connection.exec_driver_sql("CREATE SCHEMA public")
    finally:
        await engine.dispose()


def run_on(url: str, args: argparse.Namespace) -> None:
    workspaces = args.workspaces or (500 if args.quick else 10_000)
    started = time.perf_counter()
    observations = asyncio.run(seed(url, workspaces, args.experiments))
    print(
        f"seeded {workspaces:,} workspaces × {args.experiments} running experiments "
        f"({observations:,} logged results) in {time.perf_counter() - started:.1f} s"
    )

    async def find_due() -> tuple[int, float]:
        database = Database(create_engine(url))
        began = time.perf_counter()
        due = await due_digests(database.unit_of_work(), NOW)
        seconds = time.perf_counter() - began
        await database.dispose()
        return len(due), seconds

    due, due_seconds = asyncio.run(find_due())
    print(f"finding the {due:,} due digests (one tick's query): {due_seconds * 1000:.0f} ms")

    # The baseline: the per-workspace path on a sample spread over the whole database (every
    # SAMPLE_STEP-th workspace; all with --all or --quick).
    step = 1 if args.all or args.quick else SAMPLE_STEP
    sample = list(range(1, workspaces + 1, step))
    _, baseline_seconds, baseline_cpu = _compose_in_process(url, sample)
    baseline = len(sample) / baseline_seconds
    # Workspace ids are chat ids in the seeded data. The first pass starts with no chance to
    # beat the control known; the second finds every one computed (the next tick, for
    # experiments that got no new results).
    everyone = list(range(1, workspaces + 1))
    # A database run after another finds the same counts: its first tick starts from none too.
    forget_chances()
    _, cold, cold_cpu = asyncio.run(_compose_batches(url, everyone))
    _, warm, warm_cpu = asyncio.run(_compose_batches(url, everyone))
    stats_per_digest = statistics_alone(min(workspaces, 500), args.experiments)
    rows = [
        (f"one by one (baseline, {len(sample):,} of them)", baseline, len(sample) / baseline_cpu),
        (f"in batches of {BATCH_SIZE}, first tick", workspaces / cold, workspaces / cold_cpu),
        (f"in batches of {BATCH_SIZE}, chances known", workspaces / warm, workspaces / warm_cpu),
    ]
    # Per CPU second of the process (its threads' too): what a shared, busy machine changes
    # least.
    print(
        f"{'digests composed and rendered, one process':<46} {'digests/s':>10} {'ms each':>8}"
        f"  {'':5} {'per CPU s':>10}"
    )
    for name, rate, per_cpu in rows:
        print(
            f"{name:<46} {rate:10.1f} {1000 / rate:8.2f}  ×{rate / baseline:<4.1f} {per_cpu:10.1f}"
        )
    print(
        f"(the readouts alone, scalar: {1 / stats_per_digest:.1f} digests/s, "
        f"{stats_per_digest * 1000:.1f} ms of statistics per digest)"
    )
    print(
        f"Telegram's ceiling:    {TELEGRAM_MESSAGES_PER_SECOND:8.1f} messages/s — sending "
        f"{workspaces:,} digests takes at least {workspaces / TELEGRAM_MESSAGES_PER_SECOND:.0f} s; "
        f"composing them in batches {cold:.1f} s"
    )


if __name__ == "__main__":
    main()
