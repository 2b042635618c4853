"""The unit of work: one transaction, with the repositories that act inside it."""

from __future__ import annotations

from types import TracebackType

from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from db.repositories import ExperimentRepository, ObservationRepository, WorkspaceRepository


class UnitOfWork:
    """``async with uow: … await uow.commit()`` — anything not committed is rolled back."""

    session: AsyncSession
    workspaces: WorkspaceRepository
    experiments: ExperimentRepository
    observations: ObservationRepository

    def __init__(self, session_factory: async_sessionmaker[AsyncSession]) -> None:
        self._session_factory = session_factory

    async def __aenter__(self) -> UnitOfWork:
        self.session = self._session_factory()
        self.workspaces = WorkspaceRepository(self.session)
        self.experiments = ExperimentRepository(self.session)
        self.observations = ObservationRepository(self.session)
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        try:
            await self.session.rollback()
        finally:
            await self.session.close()

    async def commit(self) -> None:
        await self.session.commit()


class Database:
    """The engine and the way to open units of work on it."""

    def __init__(self, engine: AsyncEngine) -> None:
        self.engine = engine
        self._session_factory = async_sessionmaker(engine, expire_on_commit=False)

    def unit_of_work(self) -> UnitOfWork:
        return UnitOfWork(self._session_factory)

    async def dispose(self) -> None:
        await self.engine.dispose()
