"""Service tests run on a real database: SQLite, and PostgreSQL when available."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime

import pytest

from db.engine import create_engine
from db.unit_of_work import Database
from experiments.domain import Author
from experiments.workspaces import ensure_workspace
from tests.support import FrozenClock

ALICE = Author(user_id=1001, name="Alice")
BOB = Author(user_id=1002, name="Bob")
CHAT = -100500
OTHER_CHAT = 777


@pytest.fixture
def clock() -> FrozenClock:
    return FrozenClock(datetime(2026, 3, 2, 9, 30, tzinfo=UTC))


@pytest.fixture
async def database(database_url: str) -> AsyncIterator[Database]:
    engine = create_engine(database_url)
    db = Database(engine)
    yield db
    await db.dispose()


@pytest.fixture
async def workspace(database: Database, clock: FrozenClock) -> int:
    await ensure_workspace(
        database.unit_of_work(), CHAT, chat_type="group", title="Team", language="en", clock=clock
    )
    await ensure_workspace(
        database.unit_of_work(),
        OTHER_CHAT,
        chat_type="private",
        title=None,
        language="ru",
        clock=clock,
    )
    return CHAT
