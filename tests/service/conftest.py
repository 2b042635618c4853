"""Service tests run on a real database: SQLite, and PostgreSQL when available."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta

import pytest

from db.unit_of_work import Database
from experiments.domain import Author
from experiments.workspaces import ensure_workspace
from tests.support import FrozenClock, engine_of_this_process

ALICE = Author(user_id=1001, name="Alice")
BOB = Author(user_id=1002, name="Bob")
CHAT = -100500
OTHER_CHAT = 777


@pytest.fixture
def clock() -> FrozenClock:
    return FrozenClock(datetime(2026, 3, 2, 9, 30, tzinfo=UTC))


@pytest.fixture
async def database(database_url: str) -> AsyncIterator[Database]:
    db = Database(engine_of_this_process(database_url))
    yield db
    await db.dispose()


@pytest.fixture
async def workspace(database: Database, clock: FrozenClock) -> int:
    # Both chats first wrote the day before, so today's digest is due as for any workspace
    # past its first day (a new one gets its first digest at the next digest time).
    def day_before() -> datetime:
        return clock() - timedelta(days=1)

    await ensure_workspace(
        database.unit_of_work(),
        CHAT,
        chat_type="group",
        title="Team",
        language="en",
        clock=day_before,
    )
    await ensure_workspace(
        database.unit_of_work(),
        OTHER_CHAT,
        chat_type="private",
        title=None,
        language="ru",
        clock=day_before,
    )
    return CHAT
