"""Use cases of guided flows' shared state: one person's flows read, changes written, flows
left waiting given up (once, whichever process gets there first)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from db.flow_repository import CHAT_WIDE, StoredFlow
from db.unit_of_work import UnitOfWork

__all__ = [
    "CHAT_WIDE",
    "FlowlessPeople",
    "StoredFlow",
    "flows_of",
    "give_up",
    "save_flows",
    "waiting_since_before",
]

# People remembered at most; past it the memory starts again (each costs one read then).
FLOWLESS_LIMIT = 100_000


class FlowlessPeople:
    """The people this process has seen with no flow in a chat (and no chat-wide flow there),
    so their next update need not ask the database.

    Only for a process that is Telegram's sole receiver: then it alone writes flows, and it
    forgets a chat here whenever it writes one there. Ending a flow (an answer, a timeout)
    only takes flows away, so what is remembered stays true.
    """

    def __init__(self) -> None:
        self._chats: dict[int, set[int]] = {}
        self._count = 0

    def knows(self, chat_id: int, user_id: int) -> bool:
        return user_id in self._chats.get(chat_id, ())

    def note(self, chat_id: int, user_id: int) -> None:
        if self._count >= FLOWLESS_LIMIT:
            self._chats.clear()
            self._count = 0
        people = self._chats.setdefault(chat_id, set())
        if user_id not in people:
            people.add(user_id)
            self._count += 1

    def forget(self, chat_id: int) -> None:
        self._count -= len(self._chats.pop(chat_id, ()))


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
        # The flows as this update leaves them: written again by a repeated handling, the same.
        await uow.commit(idempotent=True)


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
