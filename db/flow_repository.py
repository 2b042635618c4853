"""Guided flows' steps and drafts: read for one person in one chat, written back, given up."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import delete, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from db.dialect import upsert_insert
from db.models import FlowState

# The rows of a chat that belong to nobody in particular.
CHAT_WIDE = 0


@dataclass(frozen=True)
class StoredFlow:
    """One flow as stored: its step and draft are JSON text (``None`` step: a kept value)."""

    chat_id: int
    user_id: int
    flow: str
    state: str | None
    draft: str
    updated_at: datetime


class FlowRepository:
    """One of the unit of work's repositories: ``uow.flows``."""

    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def of(self, chat_id: int, user_id: int) -> list[StoredFlow]:
        """The person's flows in the chat, and the chat's own (``CHAT_WIDE``)."""
        rows = await self._session.scalars(
            select(FlowState).where(
                FlowState.chat_id == chat_id,
                or_(FlowState.user_id == user_id, FlowState.user_id == CHAT_WIDE),
            )
        )
        return [_stored(row) for row in rows]

    async def put(self, flow: StoredFlow) -> None:
        """Writes the flow whatever was stored before (one statement, so two writers at once
        both succeed and the later one stays)."""
        values = {
            "chat_id": flow.chat_id,
            "user_id": flow.user_id,
            "flow": flow.flow,
            "state": flow.state,
            "draft": flow.draft,
            "updated_at": flow.updated_at,
        }
        insert = upsert_insert(self._session, FlowState).values(**values)
        await self._session.execute(
            insert.on_conflict_do_update(
                index_elements=["chat_id", "user_id", "flow"],
                set_={"state": flow.state, "draft": flow.draft, "updated_at": flow.updated_at},
            )
        )

    async def drop(self, chat_id: int, user_id: int, flow: str) -> None:
        await self._session.execute(
            delete(FlowState).where(
                FlowState.chat_id == chat_id, FlowState.user_id == user_id, FlowState.flow == flow
            )
        )

    async def waiting_since_before(self, moment: datetime, limit: int) -> list[StoredFlow]:
        """Flows at a step whose last answer came before ``moment``, oldest first."""
        rows = await self._session.scalars(
            select(FlowState)
            .where(FlowState.state.is_not(None), FlowState.updated_at < moment)
            .order_by(FlowState.updated_at)
            .limit(limit)
        )
        return [_stored(row) for row in rows]

    async def take(self, flow: StoredFlow) -> bool:
        """Removes the flow if it is still as read (nobody answered or took it since): True
        for the one process that removes it."""
        result = await self._session.execute(
            delete(FlowState).where(
                FlowState.chat_id == flow.chat_id,
                FlowState.user_id == flow.user_id,
                FlowState.flow == flow.flow,
                FlowState.updated_at == flow.updated_at,
            )
        )
        return bool(result.rowcount)  # type: ignore[attr-defined]


def _stored(row: FlowState) -> StoredFlow:
    return StoredFlow(row.chat_id, row.user_id, row.flow, row.state, row.draft, row.updated_at)
