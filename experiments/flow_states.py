"""Use cases of guided flows' shared state: one person's flows read, changes written, flows
left waiting given up (once, whichever process gets there first)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from db.flow_repository import CHAT_WIDE, StoredFlow
from db.unit_of_work import UnitOfWork

__all__ = ["CHAT_WIDE", "StoredFlow", "flows_of", "give_up", "save_flows", "waiting_since_before"]


async def flows_of(uow: UnitOfWork, chat_id: int, user_id: int) -> list[StoredFlow]:
    async with uow:
        return await uow.flows.of(chat_id, user_id)


async def save_flows(
    uow: UnitOfWork, written: Sequence[StoredFlow], dropped: Sequence[StoredFlow]
) -> None:
    """Writes the flows an update changed and removes the ones it ended, in one transaction."""
    async with uow:
        for flow in written:
            await uow.flows.put(flow)
        for flow in dropped:
            await uow.flows.drop(flow.chat_id, flow.user_id, flow.flow)
        await uow.commit()


async def waiting_since_before(
    uow: UnitOfWork, moment: datetime, limit: int = 100
) -> list[StoredFlow]:
    async with uow:
        return await uow.flows.waiting_since_before(moment, limit)


async def give_up(uow: UnitOfWork, flow: StoredFlow) -> bool:
    """Ends a flow left waiting, if nobody answered it since it was read: True for the one
    caller that ends it (and says so in the chat)."""
    async with uow:
        taken = await uow.flows.take(flow)
        await uow.commit()
        return taken
