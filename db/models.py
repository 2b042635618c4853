"""SQLAlchemy models: the tables Hourglass keeps, portable between SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from decimal import Decimal
from typing import Any

from sqlalchemy import (
    BigInteger,
    Boolean,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    Numeric,
    String,
    Text,
    Time,
    TypeDecorator,
    UniqueConstraint,
    false,
    text,
)
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class UTCDateTime(TypeDecorator[datetime]):
    """Timezone-aware UTC datetimes on every backend (SQLite drops the zone otherwise)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> Any:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given where a UTC timestamp is stored")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: Any, dialect: Dialect) -> datetime | None:
        return _as_utc(value)

    def result_processor(self, dialect: Dialect, coltype: Any) -> Any:
        if dialect.name == "sqlite":
            return _utc_of_sqlite_text
        if dialect.driver == "asyncpg":
            # asyncpg decodes a timestamptz as an aware datetime in datetime.UTC itself: there
            # is nothing to convert (a digest batch reads four for each experiment).
            return None
        return super().result_processor(dialect, coltype)


def _as_utc(value: datetime | None) -> datetime | None:
    if value is None:
        return None
    if value.tzinfo is None:
        # datetime.combine costs a quarter of value.replace(tzinfo=UTC).
        return datetime.combine(value.date(), value.time(), UTC)
    return value.astimezone(UTC)


def _utc_of_sqlite_text(value: str | None) -> datetime | None:
    """``UTCDateTime``'s moment of SQLite's text in one parse, a third of the cost of
    SQLAlchemy's parse and then ``_as_utc``: every timestamp read from SQLite comes through
    here."""
    if value is None:
        return None
    try:
        # Stored as naive UTC text: with the offset the parse gives the aware moment itself.
        moment: datetime | None = datetime.fromisoformat(value + "+00:00")
    except ValueError:
        moment = None
    if moment is None or moment.tzinfo is None:
        # Text not written through this type: an offset of its own (the parse above fails),
        # or a bare date (it parses, the offset dropped): parsed as it is.
        return _as_utc(datetime.fromisoformat(value))
    return moment


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


class Workspace(Base):
    """One Telegram chat; everything else belongs to exactly one workspace."""

    __tablename__ = "workspaces"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    chat_id: Mapped[int] = mapped_column(BigInteger, unique=True)
    chat_type: Mapped[str] = mapped_column(String(16))
    title: Mapped[str | None] = mapped_column(String(255))
    language: Mapped[str] = mapped_column(String(8), default="en")
    timezone: Mapped[str] = mapped_column(String(64), default="UTC")
    timezone_confirmed: Mapped[bool] = mapped_column(Boolean, default=False)
    digest_time: Mapped[time] = mapped_column(Time, default=time(9, 0))
    digest_enabled: Mapped[bool] = mapped_column(Boolean, default=True)
    # When the time, timezone or on-switch was last set: no digest is due at a moment before
    # it (NULL for workspaces older than this rule: no such limit).
    digest_schedule_set_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    target_running: Mapped[int] = mapped_column(Integer, default=3)
    stale_after_days: Mapped[int] = mapped_column(Integer, default=3)
    # False once Telegram says the bot was blocked or removed: digests stop.
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    # Numbers are never reused: a deleted #N stays a gap, so old messages never point elsewhere.
    last_experiment_number: Mapped[int] = mapped_column(Integer, default=0)
    # ISO 4217 code that costs and revenue are shown in.
    currency: Mapped[str] = mapped_column(String(3), default="USD", server_default="USD")
    # What kind of business the chat runs (experiments.domain.Business): /ideas follow it.
    business: Mapped[str] = mapped_column(String(16), default="all", server_default="all")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    # Raised by every change to what the chat's settings are (experiments.workspaces): a process
    # that keeps the workspace in memory compares it to know whether its copy is current.
    version: Mapped[int] = mapped_column(Integer, default=1, server_default="1")

    experiments: Mapped[list[Experiment]] = relationship(back_populates="workspace")


class Experiment(Base):
    __tablename__ = "experiments"
    __table_args__ = (UniqueConstraint("workspace_id", "number"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    workspace_id: Mapped[int] = mapped_column(ForeignKey("workspaces.id", ondelete="CASCADE"))
    number: Mapped[int] = mapped_column(Integer)
    name: Mapped[str] = mapped_column(String(80))
    kind: Mapped[str] = mapped_column(String(16), default="ab_test")
    hypothesis: Mapped[str | None] = mapped_column(Text)
    stage: Mapped[str | None] = mapped_column(String(8))
    primary_metric: Mapped[str] = mapped_column(String(32), default="conversion")
    planned_per_variant: Mapped[int | None] = mapped_column(Integer)
    baseline_rate: Mapped[float | None] = mapped_column(Float)
    min_detectable_effect: Mapped[float | None] = mapped_column(Float)
    # The rate a single variant must reach (an MVP campaign without a control); NULL: compared
    # with the control instead.
    target_rate: Mapped[float | None] = mapped_column(Float)
    # An advocacy storyline: its variants are episodes run one after another, not arms.
    storyline: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    # Planned traffic weights of the variants in order, e.g. "70,30"; NULL: an equal split.
    planned_split: Mapped[str | None] = mapped_column(String(64))
    review_date: Mapped[date | None] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(16), default="running")
    outcome: Mapped[str | None] = mapped_column(String(16))
    # The variant that won when it was concluded (its name then): the one shipped, or the
    # control when it held; None when nothing won.
    winner: Mapped[str | None] = mapped_column(String(80))
    ice_impact: Mapped[int | None] = mapped_column(Integer)
    ice_confidence: Mapped[int | None] = mapped_column(Integer)
    ice_ease: Mapped[int | None] = mapped_column(Integer)
    cost_spent: Mapped[Decimal | None] = mapped_column(Numeric(14, 2))
    # The experiment this one iterates on ("Start the next iteration").
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("experiments.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    created_by_id: Mapped[int] = mapped_column(BigInteger)
    created_by_name: Mapped[str] = mapped_column(String(128))
    started_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    concluded_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # The status a concluded experiment had before, so a reopened one goes back to it.
    concluded_from: Mapped[str | None] = mapped_column(String(16))

    workspace: Mapped[Workspace] = relationship(back_populates="experiments")
    variants: Mapped[list[Variant]] = relationship(
        back_populates="experiment", order_by="Variant.position", cascade="all, delete-orphan"
    )


class Variant(Base):
    """One arm of an experiment; position 0 is the control."""

    __tablename__ = "variants"
    __table_args__ = (
        UniqueConstraint("experiment_id", "name"),
        UniqueConstraint("experiment_id", "position"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    experiment_id: Mapped[int] = mapped_column(ForeignKey("experiments.id", ondelete="CASCADE"))
    position: Mapped[int] = mapped_column(Integer)
    name: Mapped[str] = mapped_column(String(24))

    experiment: Mapped[Experiment] = relationship(back_populates="variants")


class Observation(Base):
    """One logged result. Append-only: a correction is a new row, an undo deletes the last."""

    __tablename__ = "observations"
    __table_args__ = (
        # Covers the readout's sums, so they are read from the index alone.
        Index(
            "ix_observations_experiment_totals",
            "experiment_id",
            "variant_id",
            "visitors",
            "conversions",
            "revenue",
        ),
        Index("ix_observations_experiment_logged_at", "experiment_id", "logged_at"),
        # The readout's daily looks group by the UTC day (SQLite only: migration 0010).
        Index(
            "ix_observations_experiment_utc_day",
            "experiment_id",
            text("date(logged_at)"),
            "variant_id",
            "visitors",
            "conversions",
        ).ddl_if(dialect="sqlite"),
        Index("ix_observations_import_id", "import_id"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    # Kept beside variant_id so a readout sums one experiment's rows without a join.
    experiment_id: Mapped[int] = mapped_column(ForeignKey("experiments.id", ondelete="CASCADE"))
    variant_id: Mapped[int] = mapped_column(ForeignKey("variants.id", ondelete="CASCADE"))
    visitors: Mapped[int] = mapped_column(BigInteger)
    conversions: Mapped[int] = mapped_column(BigInteger)
    revenue: Mapped[Decimal | None] = mapped_column(Numeric(16, 2))
    logged_at: Mapped[datetime] = mapped_column(UTCDateTime)
    logged_by_id: Mapped[int] = mapped_column(BigInteger)
    logged_by_name: Mapped[str] = mapped_column(String(128))
    # The file this result came in with; None when it was typed in the chat.
    import_id: Mapped[int | None] = mapped_column(ForeignKey("imports.id", ondelete="SET NULL"))


class VariantTotal(Base):
    """A variant's results summed: kept by every write of its results in the same transaction
    (``db/totals_repository.py``), so a readout reads one row per variant, not every result."""

    __tablename__ = "variant_totals"

    experiment_id: Mapped[int] = mapped_column(
        ForeignKey("experiments.id", ondelete="CASCADE"), primary_key=True
    )
    variant_id: Mapped[int] = mapped_column(
        ForeignKey("variants.id", ondelete="CASCADE"), primary_key=True
    )
    visitors: Mapped[int] = mapped_column(BigInteger)
    conversions: Mapped[int] = mapped_column(BigInteger)
    # Money in whole cents: sums of integers stay exact on SQLite, which adds NUMERIC as floats.
    revenue_cents: Mapped[int] = mapped_column(BigInteger)
    # How many of the results carry revenue: none means the variant's revenue is unknown.
    revenue_observations: Mapped[int] = mapped_column(BigInteger)
    observations: Mapped[int] = mapped_column(BigInteger)


class VariantDayTotal(Base):
    """A variant's results of one UTC day summed, kept like ``VariantTotal``: the readout's
    daily looks and the digest's history read these rows."""

    __tablename__ = "variant_day_totals"

    experiment_id: Mapped[int] = mapped_column(
        ForeignKey("experiments.id", ondelete="CASCADE"), primary_key=True
    )
    day: Mapped[date] = mapped_column(Date, primary_key=True)
    variant_id: Mapped[int] = mapped_column(
        ForeignKey("variants.id", ondelete="CASCADE"), primary_key=True
    )
    visitors: Mapped[int] = mapped_column(BigInteger)
    conversions: Mapped[int] = mapped_column(BigInteger)
    observations: Mapped[int] = mapped_column(BigInteger)


class ImportRecord(Base):
    """One CSV file imported into a workspace: what it was, when, by whom, and if it was undone.

    Its observations point back to it, so the import can be undone as a whole, and the file's
    fingerprint (SHA-256 of its bytes) recognises the same file sent again.
    """

    __tablename__ = "imports"
    __table_args__ = (Index("ix_imports_workspace_fingerprint", "workspace_id", "fingerprint"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    workspace_id: Mapped[int] = mapped_column(ForeignKey("workspaces.id", ondelete="CASCADE"))
    fingerprint: Mapped[str] = mapped_column(String(64))
    filename: Mapped[str | None] = mapped_column(String(255))
    rows: Mapped[int] = mapped_column(Integer)
    imported_at: Mapped[datetime] = mapped_column(UTCDateTime)
    imported_by_id: Mapped[int] = mapped_column(BigInteger)
    imported_by_name: Mapped[str] = mapped_column(String(128))
    undone_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    undone_by_name: Mapped[str | None] = mapped_column(String(128))


class FunnelSnapshot(Base):
    """How many people reached each hourglass stage in one period."""

    __tablename__ = "funnel_snapshots"
    __table_args__ = (Index("ix_funnel_snapshots_workspace_period", "workspace_id", "period_end"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    workspace_id: Mapped[int] = mapped_column(ForeignKey("workspaces.id", ondelete="CASCADE"))
    period_start: Mapped[date] = mapped_column(Date)
    period_end: Mapped[date] = mapped_column(Date)
    know: Mapped[int] = mapped_column(BigInteger)
    like: Mapped[int] = mapped_column(BigInteger)
    trust: Mapped[int] = mapped_column(BigInteger)
    try_: Mapped[int] = mapped_column("try", BigInteger)
    buy: Mapped[int] = mapped_column(BigInteger)
    repeat: Mapped[int] = mapped_column(BigInteger)
    refer: Mapped[int] = mapped_column(BigInteger)
    logged_at: Mapped[datetime] = mapped_column(UTCDateTime)
    logged_by_id: Mapped[int] = mapped_column(BigInteger)
    logged_by_name: Mapped[str] = mapped_column(String(128))


class Learning(Base):
    """What a concluded experiment (or a leaking stage) taught, with its five-whys chain."""

    __tablename__ = "learnings"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    workspace_id: Mapped[int] = mapped_column(ForeignKey("workspaces.id", ondelete="CASCADE"))
    experiment_id: Mapped[int | None] = mapped_column(
        ForeignKey("experiments.id", ondelete="CASCADE")
    )
    stage: Mapped[str | None] = mapped_column(String(8))
    summary: Mapped[str] = mapped_column(Text)
    root_cause: Mapped[str | None] = mapped_column(Text)
    # What will be done about the root cause, by whom, by when; done_at once it is done.
    countermeasure: Mapped[str | None] = mapped_column(Text)
    countermeasure_owner: Mapped[str | None] = mapped_column(String(128))
    countermeasure_due: Mapped[date | None] = mapped_column(Date)
    countermeasure_done_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    created_by_id: Mapped[int] = mapped_column(BigInteger)
    created_by_name: Mapped[str] = mapped_column(String(128))

    whys: Mapped[list[LearningWhy]] = relationship(
        back_populates="learning", order_by="LearningWhy.position", cascade="all, delete-orphan"
    )


class LearningWhy(Base):
    """One "why?" and its answer; position 1..5."""

    __tablename__ = "learning_whys"
    __table_args__ = (UniqueConstraint("learning_id", "position"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    learning_id: Mapped[int] = mapped_column(ForeignKey("learnings.id", ondelete="CASCADE"))
    position: Mapped[int] = mapped_column(Integer)
    answer: Mapped[str] = mapped_column(Text)

    learning: Mapped[Learning] = relationship(back_populates="whys")


# A workspace's learnings are listed by it, and a digest asks of each concluded experiment
# whether it has one: without these, both read the whole table.
Index("ix_learnings_workspace_id", Learning.workspace_id)
Index("ix_learnings_experiment_id", Learning.experiment_id)


class DigestRecord(Base):
    """A digest claimed for one workspace and local date; the unique key makes it once-only."""

    __tablename__ = "digest_records"
    __table_args__ = (UniqueConstraint("workspace_id", "local_date"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    workspace_id: Mapped[int] = mapped_column(ForeignKey("workspaces.id", ondelete="CASCADE"))
    local_date: Mapped[date] = mapped_column(Date)
    # claimed → sent | empty | failed | blocked
    state: Mapped[str] = mapped_column(String(16), default="claimed")
    claimed_at: Mapped[datetime] = mapped_column(UTCDateTime)
    claimed_by: Mapped[str] = mapped_column(String(64))
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    telegram_message_id: Mapped[int | None] = mapped_column(BigInteger)


# Digests are looked up by local date every minute; the unique key leads with the workspace.
Index("ix_digest_records_local_date", DigestRecord.local_date)


class NudgeSnooze(Base):
    """A digest nudge a founder answered with "not now": it stays quiet until ``until``."""

    __tablename__ = "nudge_snoozes"
    __table_args__ = (UniqueConstraint("experiment_id", "nudge"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    workspace_id: Mapped[int] = mapped_column(ForeignKey("workspaces.id", ondelete="CASCADE"))
    experiment_id: Mapped[int] = mapped_column(ForeignKey("experiments.id", ondelete="CASCADE"))
    nudge: Mapped[str] = mapped_column(String(16))
    until: Mapped[datetime] = mapped_column(UTCDateTime)
    snoozed_at: Mapped[datetime] = mapped_column(UTCDateTime)
    snoozed_by_id: Mapped[int] = mapped_column(BigInteger)


# A digest reads its workspace's snoozes (the unique key leads with the experiment).
Index("ix_nudge_snoozes_workspace_id", NudgeSnooze.workspace_id)


class InboxUpdate(Base):
    """An update taken from Telegram, kept until it is handled (see ``bot.durable``).

    Written before Telegram is told it arrived (the next getUpdates offset, or the webhook's
    200), so a process killed before handling it finds it again. ``writes`` counts the
    transactions of its handling that committed, each recorded in its own transaction, so a
    handling that runs again skips what was already saved.
    """

    __tablename__ = "inbox_updates"

    update_id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    payload: Mapped[str] = mapped_column(Text)
    received_at: Mapped[datetime] = mapped_column(UTCDateTime)
    # Which process handles it, and until when its claim holds unless renewed.
    claimed_by: Mapped[str] = mapped_column(String(100))
    claimed_until: Mapped[datetime] = mapped_column(UTCDateTime)
    writes: Mapped[int] = mapped_column(Integer, default=0)
    done_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


# Recovery looks for updates not done yet; pruning for those done long ago.
Index("ix_inbox_updates_done_at", InboxUpdate.done_at)


class FlowState(Base):
    """Where one person's guided flow in one chat stands, shared by every bot process.

    ``state`` is the step the flow waits at (NULL for a value kept between two presses with
    no step, such as a result waiting for "Yes, log it"); ``draft`` the answers so far; both
    are JSON written by ``bot.conversations``. A flow waiting longer than the conversation
    timeout since ``updated_at`` has given up. ``user_id`` 0 holds what belongs to the chat.
    """

    __tablename__ = "flow_states"

    chat_id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    user_id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    flow: Mapped[str] = mapped_column(String(32), primary_key=True)
    state: Mapped[str | None] = mapped_column(String(64))
    draft: Mapped[str] = mapped_column(Text)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)


# The timeout sweep looks for flows waiting since before a moment.
Index("ix_flow_states_updated_at", FlowState.updated_at)
