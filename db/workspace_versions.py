"""The version of a chat's workspace, read with the least work the database driver allows.

Every update asks it (``experiments.workspaces.KnownWorkspaces``), so it skips what a unit of
work costs: no session, no transaction (a lone SELECT on SQLite and on PostgreSQL's
autocommit), one call into the driver — on SQLite one trip to aiosqlite's thread instead of a
cursor's four.
"""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncEngine

from db.models import Workspace

_TABLE = Workspace.__tablename__
_SQLITE = f"SELECT version FROM {_TABLE} WHERE chat_id = ?"
_POSTGRESQL = f"SELECT version FROM {_TABLE} WHERE chat_id = $1"


class WorkspaceVersions:
    def __init__(self, engine: AsyncEngine) -> None:
        self._engine = engine
        self._sqlite = engine.dialect.name == "sqlite"

    async def of(self, chat_id: int) -> int | None:
        """``Workspace.version`` of the chat's workspace; None when it has none."""
        async with self._engine.connect() as connection:
            driver = (await connection.get_raw_connection()).driver_connection
            assert driver is not None
            if self._sqlite:
                rows = list(await driver.execute_fetchall(_SQLITE, (chat_id,)))
                return int(rows[0][0]) if rows else None
            found = await driver.fetchval(_POSTGRESQL, chat_id)
            return None if found is None else int(found)
