"""Repositories: the queries Hourglass makes, one class per aggregate."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Select, Table, bindparam, delete, func, insert, select, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import joinedload, selectinload
from sqlalchemy.orm.attributes import set_committed_value

from db.dialect import upsert_insert
from db.driver_statements import TransactionStatements
from db.models import Experiment, Observation, Variant, Workspace
from db.reads import latest_logged_at, read_rows
from db.totals_repository import RESULT_COLUMNS, CountedResult, TotalsRepository, VariantSums
from experiments import experiment as entity
from experiments.domain import Outcome, Status


class WorkspaceRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session
        # The workspaces this transaction already read, by chat: reading one again returns the
        # same object the session holds, so it is not asked of the database twice.
        self._read: dict[int, Workspace] = {}
        # Time zones read along with other rows (an experiment loaded in its chat), by chat.
        self._zones: dict[int, str] = {}

    async def by_chat(self, chat_id: int) -> Workspace | None:
        known = self._read.get(chat_id)
        if known is not None and known in self._session:
            return known
        workspace = await self._session.scalar(
            select(Workspace).where(Workspace.chat_id == chat_id)
        )
        if workspace is not None:
            self._read[chat_id] = workspace
        return workspace

    async def add_if_missing(self, chat_id: int, **values: Any) -> tuple[Workspace, bool]:
        """The chat's workspace, inserted with ``values`` unless it exists — one statement, so
        two first messages of a chat arriving at once make one workspace. True when made."""
        made = await self._session.scalar(
            upsert_insert(self._session, Workspace)
            .values(chat_id=chat_id, **values)
            .on_conflict_do_nothing(index_elements=[Workspace.chat_id])
            .returning(Workspace.id)
        )
        workspace = await self.by_chat(chat_id)
        assert workspace is not None
        return workspace, made is not None

    async def timezone_of(self, chat_id: int) -> str | None:
        """The chat's time zone (None without a workspace), without reading the workspace
        again when it came along with something else in this transaction."""
        known = self._read.get(chat_id)
        if known is not None and known in self._session:
            return known.timezone  # the session's object, with any change made since
        zone = self._zones.get(chat_id)
        if zone is not None:
            return zone
        workspace = await self.by_chat(chat_id)
        return None if workspace is None else workspace.timezone

    def note_timezone(self, chat_id: int, zone: str) -> None:
        """The chat's time zone, read along with another repository's rows."""
        self._zones[chat_id] = zone

    async def changed(self, workspace: Workspace) -> None:
        """Raises the workspace's version, with its pending changes, in this transaction.

        One UPDATE that adds 1 in the database: two changes at once from two processes each
        raise it (PostgreSQL's row lock, SQLite's write lock order them), so neither process
        can keep a copy that looks current after the other's change.
        """
        self._zones.pop(workspace.chat_id, None)
        await self._session.flush()
        version = await self._session.scalar(
            update(Workspace)
            .where(Workspace.id == workspace.id)
            .values(version=Workspace.version + 1)
            .returning(Workspace.version)
        )
        assert version is not None
        set_committed_value(workspace, "version", version)

    async def take_next_experiment_number(self, workspace_id: int) -> int:
        """Increments the workspace's counter in one statement, so two writers never share a #N."""
        number = await self._session.scalar(
            update(Workspace)
            .where(Workspace.id == workspace_id)
            .values(last_experiment_number=Workspace.last_experiment_number + 1)
            .returning(Workspace.last_experiment_number)
        )
        assert number is not None
        return number

    async def lock(self, workspace_id: int) -> None:
        """Takes the workspace's row for writing until the transaction ends: a second writer
        that asks waits, then reads what the first one committed. (A no-op UPDATE: SQLite
        has no FOR UPDATE, and its write lock is taken by the first write.)"""
        await self._session.execute(
            update(Workspace)
            .where(Workspace.id == workspace_id)
            .values(last_experiment_number=Workspace.last_experiment_number)
        )

    async def all_active(self) -> Sequence[Workspace]:
        return (await self._session.scalars(select(Workspace).where(Workspace.active))).all()


class ExperimentRepository:
    def __init__(
        self,
        session: AsyncSession,
        statements: TransactionStatements,
        workspaces: WorkspaceRepository,
    ) -> None:
        self._session = session
        self._statements = statements
        self._workspaces = workspaces
        # The rows behind the entities ``load`` made: the session holds its objects weakly, so
        # without this ``save`` would read the row again.
        self._loaded: dict[int, Experiment] = {}
        # What ``load_in_chat`` read, by experiment id: ``save`` writes back what differs.
        self._read: dict[int, _Snapshot] = {}

    def _with_variants(self) -> Select[Experiment]:
        return select(Experiment).options(selectinload(Experiment.variants))

    async def get(self, workspace_id: int, number: int) -> Experiment | None:
        """The experiment with its variants, in one statement (joined, not a second select)."""
        result = await self._session.execute(
            select(Experiment)
            .options(joinedload(Experiment.variants))
            .where(Experiment.workspace_id == workspace_id, Experiment.number == number)
        )
        return result.unique().scalar_one_or_none()

    async def load(self, workspace_id: int, number: int) -> entity.Experiment | None:
        """The experiment as the entity the rules work on (``save`` writes it back)."""
        return self._as_entity(await self.get(workspace_id, number))

    async def load_in_chat(self, chat_id: int, number: int) -> entity.Experiment | None:
        """The chat's experiment as the entity (``save`` writes it back); another chat's, and
        a chat without a workspace, are None.

        Every command on an experiment starts here, so it is one statement handed to the
        driver (``uow.statements``) with no ORM objects made: the experiment, its variants and
        its workspace's time zone (``uow.workspaces.timezone_of`` answers from it).
        """
        ran = await self._statements.run(_ENTITY_IN_CHAT, {"chat_id": chat_id, "number": number})
        if not ran.rows:
            return None
        first = ran.rows[0]
        fields = dict(zip(_ENTITY_FIELDS, first, strict=False))
        variants = [
            entity.ExperimentVariant(row[-3], row[-2], row[-1])
            for row in ran.rows
            if row[-3] is not None
        ]
        self._workspaces.note_timezone(chat_id, first[len(_ENTITY_FIELDS)])
        experiment = _entity(fields, variants)
        self._read[experiment.id] = _Snapshot(_fields(experiment), _variant_keys(experiment))
        return experiment

    def _as_entity(self, row: Experiment | None) -> entity.Experiment | None:
        if row is None:
            return None
        self._loaded[row.id] = row
        return to_entity(row)

    async def save(self, experiment: entity.Experiment) -> None:
        """Writes the entity back to its row: its fields, and its variants (new ones, made by
        the entity with no id yet, get theirs)."""
        row = self._loaded.get(experiment.id)
        if row is None or row not in self._session:
            if await self._save_read(experiment):
                return
            # populate_existing: a row the session holds is brought up to date first.
            row = await self._session.scalar(
                self._with_variants()
                .where(Experiment.id == experiment.id)
                .execution_options(populate_existing=True)
            )
            self._read.pop(experiment.id, None)
        assert row is not None, "an entity is saved only after it was loaded"
        self._loaded[row.id] = row
        _write(experiment, row)
        await self._save_variants(experiment, row)

    async def _save_read(self, experiment: entity.Experiment) -> bool:
        """Saves an entity ``load_in_chat`` made whose variants are unchanged: one UPDATE of
        the fields that differ from what was read, or none. False when it cannot (variants
        changed, or the session holds the row, which must not go stale)."""
        read = self._read.get(experiment.id)
        if read is None or read.variants != _variant_keys(experiment):
            return False
        if self._session.sync_session.identity_map.get(
            self._session.sync_session.identity_key(Experiment, experiment.id)
        ):
            return False
        now = _fields(experiment)
        changed = {name: value for name, value in now.items() if read.fields[name] != value}
        if changed:
            await self._session.execute(
                update(Experiment).where(Experiment.id == experiment.id).values(**changed)
            )
            self._read[experiment.id] = _Snapshot(now, read.variants)
        return True

    async def add(self, experiment: entity.Experiment, workspace_id: int) -> None:
        """Stores a new experiment (``entity.Experiment.new``, numbered with
        ``uow.workspaces.take_next_experiment_number``); the entity gets its ids."""
        row = Experiment(workspace_id=workspace_id, primary_metric="conversion", variants=[])
        _write(experiment, row)
        self._session.add(row)
        await self._save_variants(experiment, row)
        if row.id is None:
            await self._session.flush()
        experiment.id = row.id
        self._loaded[row.id] = row

    async def _save_variants(self, experiment: entity.Experiment, row: Experiment) -> None:
        kept = {variant.id for variant in experiment.variants}
        gone = [variant for variant in row.variants if variant.id not in kept]
        for variant in gone:
            row.variants.remove(variant)
        new = [
            (index, Variant(position=variant.position, name=variant.name))
            for index, variant in enumerate(experiment.variants)
            if variant.id == entity.UNSAVED
        ]
        if not new:
            return  # the rest is written with the transaction's next flush
        if gone:
            # The old rows go first, so a swap of names never meets the unique constraint.
            await self._session.flush()
        row.variants.extend(variant for _index, variant in new)
        await self._session.flush()
        for index, variant in new:
            experiment.variants[index] = entity.ExperimentVariant(
                variant.id, variant.name, variant.position
            )

    async def by_id(self, experiment_id: int) -> Experiment | None:
        return await self._session.scalar(
            self._with_variants().where(Experiment.id == experiment_id)
        )

    async def find(
        self,
        *,
        workspace_id: int | None = None,
        status: Status | None = None,
        parent_id: int | None = None,
    ) -> Sequence[Experiment]:
        """Experiments with their variants, in number order: a workspace's (``status``: only
        those, e.g. its drafts), or those started as the next iteration of ``parent_id``."""
        query = self._with_variants().order_by(Experiment.number)
        if workspace_id is not None:
            query = query.where(Experiment.workspace_id == workspace_id)
        if status is not None:
            query = query.where(Experiment.status == status.value)
        if parent_id is not None:
            query = query.where(Experiment.parent_id == parent_id)
        return (await self._session.scalars(query)).all()

    async def remove(self, experiment_id: int) -> None:
        """Deletes the experiment; the database cascades to everything that belongs to it."""
        await self._session.execute(delete(Experiment).where(Experiment.id == experiment_id))
        self._session.expunge_all()


_OBSERVATIONS: Table = Observation.__table__  # type: ignore[assignment]
# Every column but the generated id, read off the model so that a new column is never left out.
_OBSERVATION_COLUMNS = tuple(
    column.name for column in _OBSERVATIONS.columns if not column.primary_key
)
_INSERT_OBSERVATION = insert(_OBSERVATIONS).values(
    {column: bindparam(column) for column in _OBSERVATION_COLUMNS}
)


class ObservationRepository:
    """Results, appended and deleted; each write counts in the running totals in the same
    transaction (``db/totals_repository.py``), so no use case can forget them."""

    def __init__(
        self, session: AsyncSession, statements: TransactionStatements, totals: TotalsRepository
    ) -> None:
        self._session = session
        self._statements = statements
        self._totals = totals

    async def add(self, observation: Observation) -> VariantSums:
        """Inserts the result; returns its variant's new totals."""
        # A Core INSERT, built once: the ORM's flush of one new object costs several times more.
        await self._statements.run(
            _INSERT_OBSERVATION,
            {column: getattr(observation, column) for column in _OBSERVATION_COLUMNS},
        )
        updated = await self._totals.add(
            [
                CountedResult(
                    observation.experiment_id,
                    observation.variant_id,
                    observation.visitors,
                    observation.conversions,
                    observation.revenue,
                    observation.logged_at,
                )
            ]
        )
        return updated[observation.variant_id]

    async def add_many(self, rows: list[dict[str, Any]]) -> None:
        """One bulk INSERT: adding 10,000 ORM objects (or a flush per row) takes seconds."""
        if rows:
            await self._session.execute(_INSERT_OBSERVATION, rows)
            await self._totals.add(
                CountedResult(
                    row["experiment_id"],
                    row["variant_id"],
                    row["visitors"],
                    row["conversions"],
                    row.get("revenue"),
                    row["logged_at"],
                )
                for row in rows
            )

    async def last_logged_for_workspace(self, workspace_id: int) -> dict[int, datetime]:
        """When each experiment of a workspace last got an entry (experiments with entries)."""
        return await self.last_logged_for_workspaces([workspace_id])

    async def last_logged_at(self, experiment_id: int) -> datetime | None:
        """When the experiment's latest entry was logged (an index lookup)."""
        return await self._session.scalar(select(latest_logged_at(experiment_id)))

    async def last(self, experiment_id: int) -> Observation | None:
        return await self._session.scalar(
            select(Observation)
            .where(Observation.experiment_id == experiment_id)
            .order_by(Observation.id.desc())
            .limit(1)
        )

    async def remove(self, observation_id: int) -> None:
        """Deletes the result and takes it out of the totals (unless another writer deleted
        it first: then there is nothing to take out)."""
        removed = await self._session.execute(
            delete(Observation).where(Observation.id == observation_id).returning(*RESULT_COLUMNS)
        )
        await self._totals.subtract(CountedResult(*row) for row in removed)

    async def for_workspace(self, workspace_id: int) -> Sequence[tuple[Observation, int, str]]:
        """Every observation of a workspace with its experiment number and variant name."""
        rows = await self._session.execute(
            select(Observation, Experiment.number, Variant.name)
            .join(Variant, Variant.id == Observation.variant_id)
            .join(Experiment, Experiment.id == Observation.experiment_id)
            .where(Experiment.workspace_id == workspace_id)
            .order_by(Experiment.number, Observation.id)
        )
        return [(obs, number, name) for obs, number, name in rows]

    # ---- many workspaces at once (the digest's batches; their sums: uow.totals)

    async def last_logged_for_workspaces(self, workspace_ids: Sequence[int]) -> dict[int, datetime]:
        """When each experiment of these workspaces last got an entry (those with entries)."""
        experiment_ids = select(Experiment.id).where(Experiment.workspace_id.in_(workspace_ids))
        rows = await read_rows(
            self._session,
            select(Observation.experiment_id, func.max(Observation.logged_at))
            .where(Observation.experiment_id.in_(experiment_ids))
            .group_by(Observation.experiment_id),
        )
        found: dict[int, datetime] = {}
        for experiment_id, logged_at in rows:
            moment = _aware(logged_at)
            if moment is not None:
                found[experiment_id] = moment
        return found


# The entity's columns of an experiment, in ``_entity``'s terms.
_ENTITY_FIELDS = (
    "id",
    "number",
    "name",
    "status",
    "created_at",
    "created_by_id",
    "created_by_name",
    "kind",
    "stage",
    "hypothesis",
    "planned_per_variant",
    "baseline_rate",
    "min_detectable_effect",
    "planned_split",
    "target_rate",
    "storyline",
    "review_date",
    "ice_impact",
    "ice_confidence",
    "ice_ease",
    "cost_spent",
    "started_at",
    "concluded_at",
    "concluded_from",
    "outcome",
    "winner",
    "parent_id",
)
# Those the row stores as their enum's value (``_entity`` makes them enums again).
_ENUM_FIELDS = ("status", "concluded_from", "outcome")
_EXPERIMENTS: Table = Experiment.__table__  # type: ignore[assignment]
_VARIANTS: Table = Variant.__table__  # type: ignore[assignment]
# load_in_chat's statement: the experiment's columns, its workspace's time zone, then one row
# per variant (id, name, position; None for an experiment without variants).
_ENTITY_IN_CHAT = (
    select(
        *(_EXPERIMENTS.c[name] for name in _ENTITY_FIELDS),
        Workspace.timezone,
        _VARIANTS.c.id.label("variant_id"),
        _VARIANTS.c.name.label("variant_name"),
        _VARIANTS.c.position,
    )
    .join(Workspace, Workspace.id == _EXPERIMENTS.c.workspace_id)
    .outerjoin(_VARIANTS, _VARIANTS.c.experiment_id == _EXPERIMENTS.c.id)
    .where(Workspace.chat_id == bindparam("chat_id"), _EXPERIMENTS.c.number == bindparam("number"))
    .order_by(_VARIANTS.c.position)
)


@dataclass(frozen=True)
class _Snapshot:
    """An entity's fields and variants as read."""

    fields: dict[str, Any]
    variants: tuple[tuple[int, str, int], ...]


def _variant_keys(experiment: entity.Experiment) -> tuple[tuple[int, str, int], ...]:
    return tuple((v.id, v.name, v.position) for v in experiment.variants)


def _write(experiment: entity.Experiment, row: Experiment) -> None:
    """The entity's fields onto its row (its variants are ``_save_variants``').

    Only the fields that differ are set: a row with nothing changed stays clean, and the
    commit's flush has nothing to compare (setting every field marked the row changed on every
    result logged, and the flush then cost more than the statements)."""
    for name, value in _fields(experiment).items():
        if getattr(row, name) != value:
            setattr(row, name, value)


def _fields(experiment: entity.Experiment) -> dict[str, Any]:
    """The entity's fields as its row stores them (all but its id; enums by their value)."""
    fields = {name: getattr(experiment, name) for name in _ENTITY_FIELDS[1:]}
    for name in _ENUM_FIELDS:
        if fields[name] is not None:
            fields[name] = fields[name].value
    return fields


def to_entity(row: Experiment) -> entity.Experiment:
    """The row (its variants loaded) as the entity."""
    return _entity(
        {name: getattr(row, name) for name in _ENTITY_FIELDS},
        [entity.ExperimentVariant(v.id, v.name, v.position) for v in row.variants],
    )


def _entity(fields: dict[str, Any], variants: list[entity.ExperimentVariant]) -> entity.Experiment:
    """An experiment's stored fields (``_ENTITY_FIELDS``) and variants as the entity."""
    concluded_from, outcome = fields["concluded_from"], fields["outcome"]
    return entity.Experiment(
        **{
            **fields,
            "status": Status(fields["status"]),
            "concluded_from": Status(concluded_from) if concluded_from else None,
            "outcome": Outcome(outcome) if outcome else None,
        },
        variants=variants,
    )


def _aware(value: Any) -> datetime | None:
    if value is None:
        return None
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    return value if value.tzinfo else value.replace(tzinfo=UTC)
