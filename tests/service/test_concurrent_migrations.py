"""Processes started together on a fresh database migrate it one at a time, and all start."""

from __future__ import annotations

import asyncio
import multiprocessing
import threading
from multiprocessing.synchronize import Barrier
from pathlib import Path

import pytest
from sqlalchemy import inspect
from sqlalchemy.engine import make_url

from db.engine import create_engine, migrate

PROCESSES = 3


def _migrate_when_all_are_ready(url: str, barrier: Barrier) -> None:
    """In a process (or a thread) of its own: wait for the others, then migrate."""

    async def run() -> None:
        engine = create_engine(url)
        try:
            # Connected first, so that everyone reaches migrate() at the same moment.
            async with engine.connect():
                pass
            barrier.wait(timeout=60)
            await migrate(engine)
        finally:
            await engine.dispose()

    asyncio.run(run())


async def schema_of(url: str) -> tuple[set[str], list[str]]:
    engine = create_engine(url)
    try:
        async with engine.connect() as connection:
            tables = await connection.run_sync(lambda c: set(inspect(c).get_table_names()))
            versions = (
                await connection.exec_driver_sql("SELECT version_num FROM alembic_version")
            ).scalars()
            return tables, list(versions)
    finally:
        await engine.dispose()


async def head_schema(tmp_path: Path) -> tuple[set[str], list[str]]:
    """The schema one process alone makes."""
    url = f"sqlite+aiosqlite:///{tmp_path}/alone.sqlite3"
    engine = create_engine(url)
    try:
        await migrate(engine)
    finally:
        await engine.dispose()
    return await schema_of(url)


def run_in_processes(url: str) -> list[int | None]:
    context = multiprocessing.get_context("spawn")
    barrier = context.Barrier(PROCESSES)
    processes = [
        context.Process(target=_migrate_when_all_are_ready, args=(url, barrier))
        for _ in range(PROCESSES)
    ]
    for process in processes:
        process.start()
    for process in processes:
        process.join(timeout=120)
    return [process.exitcode for process in processes]


@pytest.mark.timeout(180)
async def test_processes_started_together_on_a_fresh_sqlite_file_all_migrate(
    tmp_path: Path,
) -> None:
    url = f"sqlite+aiosqlite:///{tmp_path}/fresh.sqlite3"
    exit_codes = await asyncio.to_thread(run_in_processes, url)
    assert exit_codes == [0] * PROCESSES
    assert await schema_of(url) == await head_schema(tmp_path)


@pytest.mark.timeout(120)
async def test_threads_of_one_process_on_a_fresh_sqlite_file_all_migrate(tmp_path: Path) -> None:
    url = f"sqlite+aiosqlite:///{tmp_path}/fresh.sqlite3"
    barrier = threading.Barrier(PROCESSES)
    failures: list[BaseException] = []

    def migrate_in_thread() -> None:
        try:
            _migrate_when_all_are_ready(url, barrier)  # type: ignore[arg-type]
        except BaseException as error:  # reported below
            failures.append(error)

    threads = [threading.Thread(target=migrate_in_thread) for _ in range(PROCESSES)]
    for thread in threads:
        thread.start()
    for thread in threads:
        await asyncio.to_thread(thread.join, 60)
    assert failures == []
    assert await schema_of(url) == await head_schema(tmp_path)


@pytest.mark.postgresql
@pytest.mark.timeout(180)
async def test_processes_started_together_on_a_fresh_postgres_database_all_migrate(
    postgres_url: str, tmp_path: Path
) -> None:
    # A database of its own, so the shared test database keeps its schema.
    server = make_url(postgres_url)
    name = f"{server.database}_migrations"
    admin = create_engine(postgres_url)
    try:
        async with admin.connect() as connection:
            connection = await connection.execution_options(isolation_level="AUTOCOMMIT")
            await connection.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}"')
            await connection.exec_driver_sql(f'CREATE DATABASE "{name}"')
        url = server.set(database=name).render_as_string(hide_password=False)
        exit_codes = await asyncio.to_thread(run_in_processes, url)
        assert exit_codes == [0] * PROCESSES
        tables, versions = await schema_of(url)
        assert (tables, versions) == await head_schema(tmp_path)
    finally:
        async with admin.connect() as connection:
            connection = await connection.execution_options(isolation_level="AUTOCOMMIT")
            await connection.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        await admin.dispose()
