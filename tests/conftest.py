"""Fixtures shared by every test layer: the databases the service and end-to-end tests run on.

Each such test runs twice: on a copy of a migrated SQLite file (the embedded default) and on
PostgreSQL (the scale-out store). PostgreSQL is used when HOURGLASS_TEST_POSTGRES_URL names an
empty database it may take over (CI starts one); without it those runs are skipped, saying so.
"""

from __future__ import annotations

import compileall
import os
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from tests.support import (
    copy_of_template,
    database_of_its_own,
    emptied_tables,
    engine_of_this_process,
    migrated_sqlite_template,
    recreated_postgres_schema,
)

POSTGRES_URL_VARIABLE = "HOURGLASS_TEST_POSTGRES_URL"


# The project's own packages, imported by every test process and every bot process a test starts.
PACKAGES = ("bot", "db", "emulator", "experiments")


def pytest_configure(config: pytest.Config) -> None:
    if os.environ.get("PYTEST_XDIST_WORKER"):
        return
    # Compiled once here, before the test processes start: where PYTHONDONTWRITEBYTECODE is
    # set (CI), each of them, and each bot process a test starts, would otherwise compile
    # every module of the project from source again.
    root = Path(__file__).resolve().parent.parent
    for package in PACKAGES:
        compileall.compile_dir(root / package, quiet=1)


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A migrated SQLite database, built once per session."""
    return migrated_sqlite_template(tmp_path_factory.mktemp("schema"))


@pytest.fixture(scope="session")
def sqlite_url(sqlite_template: Path, tmp_path_factory: pytest.TempPathFactory) -> str:
    """This test process's SQLite database: a copy of the template, emptied for each test."""
    return copy_of_template(sqlite_template, tmp_path_factory.mktemp("sqlite") / "test.sqlite3")


@pytest.fixture(scope="session")
def postgres_url() -> str:
    """The test PostgreSQL database; the first test that uses it migrates it."""
    url = os.environ.get(POSTGRES_URL_VARIABLE)
    if not url:
        pytest.skip(
            f"PostgreSQL is not available here: set {POSTGRES_URL_VARIABLE}="
            "postgresql+asyncpg://user@127.0.0.1/db to run these tests on it too"
        )
    return url


# The PostgreSQL database this test process uses, once made and migrated.
_postgres_of_this_process: dict[str, str] = {}


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgresql)])
async def database_url(request: pytest.FixtureRequest, sqlite_url: str) -> AsyncIterator[str]:
    """A migrated database with no rows, on each backend in turn.

    Each test process keeps one database of each kind and empties it for each test; its engine
    (``engine_of_this_process``) lets go of its connections when the test ends.
    """
    if request.param == "sqlite":
        url = sqlite_url
    else:
        shared: str = request.getfixturevalue("postgres_url")
        found = _postgres_of_this_process.get(shared)
        if found is None:
            # Parallel test processes (pytest -n) each take a database of their own.
            worker = os.environ.get("PYTEST_XDIST_WORKER")
            found = await database_of_its_own(shared, worker) if worker else shared
            await recreated_postgres_schema(found)
            _postgres_of_this_process[shared] = found
        url = found
    engine = engine_of_this_process(url)
    await emptied_tables(engine)
    yield url
    await engine.dispose()


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    # A summary line, not a header: the header is not shown under -q.
    if os.environ.get(POSTGRES_URL_VARIABLE):
        terminalreporter.write_line("databases: SQLite and PostgreSQL")
    else:
        terminalreporter.write_line(
            "databases: SQLite only; PostgreSQL is not available here, so its runs were "
            "skipped (set HOURGLASS_TEST_POSTGRES_URL, as .ci/run does)"
        )
