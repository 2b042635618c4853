"""The inbox of updates taken from Telegram: stored before they are confirmed, claimed by one
process at a time, marked done after handling (the design is in ``bot.durable``)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache
from typing import Any

from sqlalchemy import Table, bindparam, delete, select, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.sql.elements import ColumnElement

from db.dialect import dialect_insert
from db.driver_statements import LoneStatements, TransactionStatements
from db.models import InboxUpdate

# Every update runs the three statements below: they are built once, with their values bound
# at execution, since building a statement costs several times what running it does.
_TABLE: Table = InboxUpdate.__table__  # type: ignore[assignment]
_MARK_DONE = (
    update(_TABLE).where(_TABLE.c.update_id == bindparam("id")).values(done_at=bindparam("now"))
)
_STORED_COLUMNS = ("update_id", "payload", "received_at", "claimed_by", "claimed_until", "writes")
_RECORD_WRITE = (
    update(_TABLE)
    .where(_TABLE.c.update_id == bindparam("id"), _TABLE.c.writes == bindparam("before"))
    .values(writes=bindparam("ordinal"))
)


@lru_cache(maxsize=4)
def _store_statement(dialect: str) -> Any:
    statement = (
        dialect_insert(dialect, _TABLE)
        .values({column: bindparam(column) for column in _STORED_COLUMNS})
        .on_conflict_do_nothing(index_elements=["update_id"])
    )
    return statement.returning(_TABLE.c.update_id)


@dataclass(frozen=True)
class StoredUpdate:
    update_id: int
    payload: str


class InboxWrites:
    """The two inbox statements every update runs, each alone in its transaction
    (``db.driver_statements``): ``Database.inbox_writes``."""

    def __init__(self, lone: LoneStatements, dialect: str) -> None:
        self._lone = lone
        self._store = _store_statement(dialect)

    async def store(
        self, stored: StoredUpdate, *, claimed_by: str, until: datetime, now: datetime
    ) -> bool:
        """Inserts the update claimed by ``claimed_by`` unless it is stored already; whether
        it was inserted.

        One statement: an update delivered twice (a webhook retried, a batch fetched again
        after a restart) is inserted by exactly one of the receivers.
        """
        inserted = await self._lone.run(
            self._store,
            {
                "update_id": stored.update_id,
                "payload": stored.payload,
                "received_at": now,
                "claimed_by": claimed_by,
                "claimed_until": until,
                "writes": 0,
            },
        )
        return bool(inserted)

    async def mark_done(self, update_id: int, *, now: datetime) -> None:
        await self._lone.run(_MARK_DONE, {"id": update_id, "now": now})


class InboxRepository:
    """One of the unit of work's repositories: ``uow.inbox``."""

    def __init__(self, session: AsyncSession, statements: TransactionStatements) -> None:
        self._session = session
        self._statements = statements

    async def claim_undone(
        self, *, claimed_by: str, until: datetime, now: datetime, takeover: bool
    ) -> list[StoredUpdate]:
        """Claims the updates not done whose claim has run out (every one not done with
        ``takeover``), oldest first.

        The claim's condition is in the UPDATE itself: of two processes claiming at once,
        PostgreSQL re-checks it for the second one after the first committed, and SQLite runs
        one writer at a time, so each update goes to one of them.
        """
        condition: list[ColumnElement[bool]] = [InboxUpdate.done_at.is_(None)]
        if not takeover:
            condition.append(InboxUpdate.claimed_until < now)
        claimed = await self._session.execute(
            update(InboxUpdate)
            .where(*condition)
            .values(claimed_by=claimed_by, claimed_until=until)
            .returning(InboxUpdate.update_id, InboxUpdate.payload)
            .execution_options(synchronize_session=False)
        )
        return sorted((StoredUpdate(*row) for row in claimed), key=lambda s: s.update_id)

    async def renew(self, *, claimed_by: str, until: datetime) -> int:
        """Extends this process's claims on the updates it has not finished."""
        renewed = await self._session.execute(
            update(InboxUpdate)
            .where(InboxUpdate.claimed_by == claimed_by, InboxUpdate.done_at.is_(None))
            .values(claimed_until=until)
            .execution_options(synchronize_session=False)
        )
        return int(renewed.rowcount)  # type: ignore[attr-defined]

    async def release(self, *, claimed_by: str, now: datetime) -> int:
        """Ends this process's claims on the updates it has not finished, so that another
        process takes them over at once instead of when the claims run out."""
        released = await self._session.execute(
            update(InboxUpdate)
            .where(InboxUpdate.claimed_by == claimed_by, InboxUpdate.done_at.is_(None))
            .values(claimed_until=now)
            .execution_options(synchronize_session=False)
        )
        return int(released.rowcount)  # type: ignore[attr-defined]

    async def record_write(self, update_id: int, ordinal: int) -> bool:
        """Counts the ``ordinal``-th committing transaction of the update's handling; False
        when an earlier handling had already committed it (the row says so)."""
        recorded = await self._statements.run(
            _RECORD_WRITE, {"id": update_id, "before": ordinal - 1, "ordinal": ordinal}
        )
        return recorded.rowcount == 1

    async def writes(self, update_id: int) -> int | None:
        """How many transactions of the update's handling committed (None: not stored)."""
        found: int | None = await self._session.scalar(
            select(InboxUpdate.writes).where(InboxUpdate.update_id == update_id)
        )
        return found

    async def prune(self, *, done_before: datetime) -> int:
        """Forgets updates handled before ``done_before`` (kept until then to recognise a
        late second delivery)."""
        pruned = await self._session.execute(
            delete(InboxUpdate)
            .where(InboxUpdate.done_at < done_before)
            .execution_options(synchronize_session=False)
        )
        return int(pruned.rowcount)  # type: ignore[attr-defined]
