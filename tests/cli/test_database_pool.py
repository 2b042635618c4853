"""HOURGLASS_DATABASE_POOL_SIZE: how many connections a process keeps, on each database."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.cli import main
from db.engine import SQLITE_POOL_SIZE, create_engine


async def test_the_pool_keeps_the_configured_connections_or_each_databases_default(
    tmp_path: Path,
) -> None:
    sqlite = f"sqlite+aiosqlite:///{tmp_path / 'pool.sqlite3'}"
    postgresql = "postgresql+asyncpg://user@127.0.0.1:1/none"  # never connected
    sizes = {}
    for name, url, size in (
        ("sqlite default", sqlite, None),
        ("sqlite set", sqlite, 7),
        ("postgresql default", postgresql, None),
        ("postgresql set", postgresql, 40),
    ):
        engine = create_engine(url, pool_size=size)
        sizes[name] = engine.pool.size()  # type: ignore[attr-defined]
        await engine.dispose()
    assert sizes == {
        "sqlite default": SQLITE_POOL_SIZE,
        "sqlite set": 7,
        "postgresql default": 5,
        "postgresql set": 40,
    }
    # An in-memory database keeps its one connection whatever is asked.
    await create_engine("sqlite+aiosqlite:///:memory:", pool_size=7).dispose()


def test_a_malformed_pool_size_is_one_line_naming_the_setting(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    monkeypatch.chdir(tmp_path)  # no .env
    monkeypatch.setenv("HOURGLASS_DATABASE_POOL_SIZE", "0")
    assert main(["run"]) == 2
    error = capsys.readouterr().err
    assert error.count("\n") == 1
    assert error.startswith("hourglass: HOURGLASS_DATABASE_POOL_SIZE: ")
    assert "greater than or equal to 1" in error
