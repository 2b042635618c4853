"""The unit of work: one transaction, with every repository that acts inside it.

Use cases reach the database only through ``uow.<repository>``; none of them builds a
repository or touches the session. Entering a unit of work that is already open joins its
transaction: a use case made of other use cases (the digest reads the list, the learnings,
the funnel) runs them all in one transaction, and only the outermost block commits or rolls
back.

Inside the handling of an update (``db.update_scope``), a commit that changed something also
counts itself on the update's inbox row, in the same transaction. When the update is handled
again after a crash, the transaction that finds its count already there was committed the
first time: it is rolled back instead and ``AlreadySaved`` ends the handling, so nothing is
stored twice. Transactions that may run again harmlessly (first contact's "create if
missing") commit with ``idempotent=True`` and are not counted.
"""

from __future__ import annotations

from types import TracebackType

from sqlalchemy import event
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker
from sqlalchemy.orm import ORMExecuteState, Session

from db.chat_locks import ChatLocks
from db.digest_repository import DigestRepository
from db.driver_statements import WROTE, LoneStatements, TransactionStatements
from db.flow_repository import FlowRepository
from db.funnel_repository import FunnelRepository
from db.import_repository import ImportRepository
from db.inbox_repository import InboxRepository, InboxWrites
from db.learning_repository import LearningRepository
from db.repositories import ExperimentRepository, ObservationRepository, WorkspaceRepository
from db.totals_repository import TotalsRepository
from db.update_scope import AlreadySaved, current_update
from db.workspace_versions import WorkspaceVersions


class UnitOfWork:
    """``async with uow: … await uow.commit()`` — anything not committed is rolled back."""

    session: AsyncSession
    statements: TransactionStatements
    workspaces: WorkspaceRepository
    experiments: ExperimentRepository
    observations: ObservationRepository
    totals: TotalsRepository
    digests: DigestRepository
    imports: ImportRepository
    learnings: LearningRepository
    funnels: FunnelRepository
    inbox: InboxRepository
    flows: FlowRepository

    def __init__(
        self,
        session_factory: async_sessionmaker[AsyncSession],
        versions: WorkspaceVersions,
        lone: LoneStatements,
    ) -> None:
        self._session_factory = session_factory
        self._versions = versions
        self._lone = lone
        self._depth = 0

    async def __aenter__(self) -> UnitOfWork:
        self._depth += 1
        if self._depth > 1:
            return self  # joins the open transaction
        self.session = self._session_factory()
        self.statements = TransactionStatements(self.session, self._lone)
        self.workspaces = WorkspaceRepository(self.session)
        self.experiments = ExperimentRepository(self.session, self.statements, self.workspaces)
        self.totals = TotalsRepository(self.session, self.statements)
        self.observations = ObservationRepository(self.session, self.statements, self.totals)
        self.digests = DigestRepository(self.session, self.statements)
        self.imports = ImportRepository(self.session, self.totals)
        self.learnings = LearningRepository(self.session, self.statements)
        self.funnels = FunnelRepository(self.session)
        self.inbox = InboxRepository(self.session, self.statements)
        self.flows = FlowRepository(self.session)
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self._depth -= 1
        if self._depth > 0:
            return
        try:
            await self.session.rollback()
        finally:
            await self.session.close()

    async def workspace_version(self, chat_id: int) -> int | None:
        """The version of the chat's workspace (``Workspace.version``; None without one), read
        on its own, outside this unit's transaction and without opening one: the one question
        every update asks (``db.workspace_versions``)."""
        return await self._versions.of(chat_id)

    async def commit(self, *, idempotent: bool = False) -> None:
        """Commits the transaction; inside a joined block, the outermost block does it.

        ``idempotent``: running this transaction again for the same update changes nothing
        (it creates what is missing), so it is not counted against the update.
        """
        if self._depth > 1:
            await self.session.flush()
            return
        scope = current_update()
        counted: int | None = None
        if scope is not None and not idempotent:
            await self.session.flush()
            if self.session.info.get(WROTE):
                counted = scope.writes + 1
                if not await self.inbox.record_write(scope.update_id, counted):
                    await self.session.rollback()
                    scope.writes = counted
                    scope.replayed = True
                    raise AlreadySaved(scope.update_id)
        await self.session.commit()
        self.session.info.pop(WROTE, None)
        if scope is not None and counted is not None:
            scope.writes = counted


def _note_flushed_changes(session: Session, _context: object, _instances: object) -> None:
    if session.new or session.deleted or any(session.is_modified(o) for o in session.dirty):
        session.info[WROTE] = True


def _note_written_statement(state: ORMExecuteState) -> None:
    if state.is_insert or state.is_update or state.is_delete:
        state.session.info[WROTE] = True


class WriteNotingSession(Session):
    """A session that notes in its ``info`` whether it wrote anything (``UnitOfWork.commit``
    counts the writes of an update); listening on the class costs nothing per session."""


event.listen(WriteNotingSession, "before_flush", _note_flushed_changes)
event.listen(WriteNotingSession, "do_orm_execute", _note_written_statement)


class Database:
    """The engine and the way to open units of work on it."""

    def __init__(self, engine: AsyncEngine) -> None:
        self.engine = engine
        self._session_factory = async_sessionmaker(
            engine, expire_on_commit=False, sync_session_class=WriteNotingSession
        )
        self._lone = lone = LoneStatements(engine)
        self._versions = WorkspaceVersions(lone)
        # Stored before it is handled, marked done after: see ``bot.durable``.
        self.inbox_writes = InboxWrites(lone, engine.dialect.name)
        # Per-chat locks across processes (db.chat_locks); SQLite serves one process at a time.
        self.chat_locks = ChatLocks(engine) if engine.dialect.name == "postgresql" else None

    def unit_of_work(self) -> UnitOfWork:
        return UnitOfWork(self._session_factory, self._versions, self._lone)

    async def dispose(self) -> None:
        if self.chat_locks is not None:
            await self.chat_locks.close()
        await self.engine.dispose()
