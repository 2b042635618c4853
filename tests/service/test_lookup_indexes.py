"""The digest batch's reads of learnings and snoozes look their rows up by index: without
one, each read goes through the whole table (for every concluded experiment, in the case of
learnings), and a tick slows with every learning anybody writes."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest
from sqlalchemy.sql import Executable

from db.digest_repository import _BATCH, _SNOOZED_OF
from db.driver_statements import LoneStatements
from db.learning_repository import CONCLUDED_WITHOUT_LEARNING_OF
from db.unit_of_work import Database

NOW = datetime(2026, 3, 2, 12, 0, tzinfo=UTC)


async def _plan(database: Database, statement: Executable, values: dict[str, Any]) -> str:
    compiled = LoneStatements(database.engine).compile(statement)
    async with database.engine.connect() as connection:
        rows = await connection.exec_driver_sql(
            "EXPLAIN QUERY PLAN " + compiled.sql, tuple(compiled.values(values))
        )
        return "\n".join(str(row[-1]) for row in rows)


@pytest.mark.parametrize(
    ("statement", "values", "index"),
    [
        (CONCLUDED_WITHOUT_LEARNING_OF.plain, {"ids": [1, 2]}, "ix_learnings_experiment_id"),
        (_SNOOZED_OF, {"ids": [1, 2], "now": NOW}, "ix_nudge_snoozes_workspace_id"),
    ],
    ids=["concluded without a learning", "snoozed nudges"],
)
async def test_the_digest_batch_finds_learnings_and_snoozes_by_index(
    database: Database, statement: Executable, values: dict[str, Any], index: str
) -> None:
    if database.engine.dialect.name != "sqlite":
        pytest.skip("SQLite's query plan; PostgreSQL chooses by its statistics")
    plan = await _plan(database, statement, values)
    assert index in plan, plan


async def test_the_digest_batchs_reads_together_find_their_rows_by_index(
    database: Database,
) -> None:
    if database.engine.dialect.name != "sqlite":
        pytest.skip("SQLite's query plan; PostgreSQL chooses by its statistics")
    compile = LoneStatements(database.engine).compile
    together = compile.gathering(_BATCH)
    plan = await _plan(database, together, {"ids": [1, 2], "now": NOW})
    for index in ("ix_learnings_experiment_id", "ix_nudge_snoozes_workspace_id"):
        assert index in plan, plan
    assert "SCAN experiments" not in plan and "SCAN variant" not in plan, plan
