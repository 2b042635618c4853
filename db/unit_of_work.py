"""The unit of work: one transaction, with every repository that acts inside it.

Use cases reach the database only through ``uow.<repository>``; none of them builds a
repository or touches the session. Entering a unit of work that is already open joins its
transaction: a use case made of other use cases (the digest reads the list, the learnings,
the funnel) runs them all in one transaction, and only the outermost block commits or rolls
back.
"""

from __future__ import annotations

from types import TracebackType

from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from db.digest_repository import DigestRepository
from db.flow_repository import FlowRepository
from db.funnel_repository import FunnelRepository
from db.import_repository import ImportRepository
from db.learning_repository import LearningRepository
from db.repositories import ExperimentRepository, ObservationRepository, WorkspaceRepository
from db.totals_repository import TotalsRepository
from db.workspace_versions import WorkspaceVersions


class UnitOfWork:
    """``async with uow: … await uow.commit()`` — anything not committed is rolled back."""

    session: AsyncSession
    workspaces: WorkspaceRepository
    experiments: ExperimentRepository
    observations: ObservationRepository
    totals: TotalsRepository
    digests: DigestRepository
    imports: ImportRepository
    learnings: LearningRepository
    funnels: FunnelRepository
    flows: FlowRepository

    def __init__(
        self, session_factory: async_sessionmaker[AsyncSession], versions: WorkspaceVersions
    ) -> None:
        self._session_factory = session_factory
        self._versions = versions
        self._depth = 0

    async def __aenter__(self) -> UnitOfWork:
        self._depth += 1
        if self._depth > 1:
            return self  # joins the open transaction
        self.session = self._session_factory()
        self.workspaces = WorkspaceRepository(self.session)
        self.experiments = ExperimentRepository(self.session, self.workspaces)
        self.totals = TotalsRepository(self.session)
        self.observations = ObservationRepository(self.session, self.totals)
        self.digests = DigestRepository(self.session)
        self.imports = ImportRepository(self.session, self.totals)
        self.learnings = LearningRepository(self.session)
        self.funnels = FunnelRepository(self.session)
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

    async def commit(self) -> None:
        """Commits the transaction; inside a joined block, the outermost block does it."""
        if self._depth > 1:
            await self.session.flush()
            return
        await self.session.commit()


class Database:
    """The engine and the way to open units of work on it."""

    def __init__(self, engine: AsyncEngine) -> None:
        self.engine = engine
        self._session_factory = async_sessionmaker(engine, expire_on_commit=False)
        self._versions = WorkspaceVersions(engine)

    def unit_of_work(self) -> UnitOfWork:
        return UnitOfWork(self._session_factory, self._versions)

    async def dispose(self) -> None:
        await self.engine.dispose()
