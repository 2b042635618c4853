"""The version of a chat's workspace, read with the least work the database driver allows.

Every update asks it (``experiments.workspaces.KnownWorkspaces``), so it skips what a unit of
work costs: it is a lone statement (``db.driver_statements``), a SELECT with no transaction
around it.
"""

from __future__ import annotations

from sqlalchemy import bindparam, select

from db.driver_statements import LoneStatements
from db.models import Workspace

_VERSION = select(Workspace.version).where(Workspace.chat_id == bindparam("chat_id"))


class WorkspaceVersions:
    def __init__(self, lone: LoneStatements) -> None:
        self._lone = lone

    async def of(self, chat_id: int) -> int | None:
        """``Workspace.version`` of the chat's workspace; None when it has none."""
        rows = await self._lone.run(_VERSION, {"chat_id": chat_id})
        return int(rows[0][0]) if rows else None
