"""Use cases of the hourglass funnel: log a period's counts, find the constraint, look back."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from db.models import FunnelSnapshot
from db.unit_of_work import UnitOfWork
from experiments.clock import Clock, utc_now
from experiments.domain import (
    N_,
    STAGE_NAMES,
    Author,
    DomainError,
    InvalidInput,
    Stage,
    check_count,
    phrase,
)
from experiments.fast_init import fast_frozen_init
from experiments.services import require_workspace
from experiments.stats.funnel import StepTrend, analyse_funnel, compare_funnels

# The hourglass in the customer's order: Know → Like → Trust → Try → Buy → Repeat → Refer.
FUNNEL_STAGES: tuple[Stage, ...] = tuple(Stage)
FUNNEL_USAGE = "/funnel 5000 1200 400 150 60 20 5"
FUNNEL_PAST_USAGE = "/funnel last week 5000 1200 400 150 60 20 5"
MAX_PERIOD_DAYS = 366


# ---------------------------------------------------------------- errors


class WrongNumberOfStages(DomainError):
    template = N_(
        "The funnel has {expected} stages, Know → Like → Trust → Try → Buy → Repeat → Refer; "
        "you gave {count} numbers. Write how many people reached each, e.g. {usage}"
    )

    def __init__(self, count: int) -> None:
        super().__init__(expected=len(FUNNEL_STAGES), count=count, usage=FUNNEL_USAGE)


class StageLargerThanPrevious(DomainError):
    template = N_(
        "{later} ({later_count}) can't be more than {earlier} ({earlier_count}): everyone "
        "who reaches {later} has passed {earlier} first. Write the counts from Know to Refer, "
        "each no larger than the one before, e.g. {usage}"
    )

    def __init__(self, earlier: Stage, earlier_count: int, later: Stage, later_count: int) -> None:
        super().__init__(
            earlier=STAGE_NAMES[earlier],
            earlier_count=earlier_count,
            later=STAGE_NAMES[later],
            later_count=later_count,
            usage=FUNNEL_USAGE,
        )


# ---------------------------------------------------------------- results


@dataclass(frozen=True)
class StageConversion:
    stage: Stage
    reached: int
    rate_from_previous: float | None  # None for Know, and after a stage nobody reached
    ci_low: float | None = None  # Wilson 95 % interval of rate_from_previous
    ci_high: float | None = None


@dataclass(frozen=True)
class StageChange:
    """A stage's step conversion in the previous period and now."""

    stage: Stage
    rate_before: float
    rate_after: float
    p_value: float  # Holm-adjusted over the stages compared
    trend: StepTrend  # up or down by more than noise, or within noise


@dataclass(frozen=True)
class PeriodChange:
    """How a period's funnel differs from the period logged before it."""

    period_start: date  # of the previous period
    period_end: date
    changes: tuple[StageChange, ...]  # the stages with a step conversion in both periods
    constraint_before: Stage | None
    constraint_moved: bool

    @property
    def real_changes(self) -> tuple[StageChange, ...]:
        """The stages that moved by more than noise, the largest move first."""
        moved = [c for c in self.changes if c.trend is not StepTrend.NOISE]
        return tuple(sorted(moved, key=lambda c: -abs(c.rate_after - c.rate_before)))


@fast_frozen_init
@dataclass(frozen=True, slots=True)
class FunnelView:
    period_start: date
    period_end: date
    stages: tuple[StageConversion, ...]  # Know first
    constraint: Stage | None  # None when nobody reached Know
    constraint_rate: float | None
    logged_by: str
    # The constraint's interval lies below every other stage's: the data really single it out.
    constraint_is_clear: bool = False
    # Against the period logged before this one; None when there is none.
    previous: PeriodChange | None = None
    # The workspace's first funnel: the reply explains what the funnel is for.
    first: bool = False

    def stage(self, stage: Stage) -> StageConversion:
        return self.stages[FUNNEL_STAGES.index(stage)]


# ---------------------------------------------------------------- rules


_HOW_TO_COUNT = phrase(
    N_("Write how many people reached each stage, e.g. {usage}"), usage=FUNNEL_USAGE
)


def check_stage_count(stage: Stage, value: int, previous: int | None) -> int:
    """One stage's count: whole, not negative, within the limit, no more than the stage before."""
    check_count(STAGE_NAMES[stage], value, _HOW_TO_COUNT)
    if previous is not None and value > previous:
        earlier = FUNNEL_STAGES[FUNNEL_STAGES.index(stage) - 1]
        raise StageLargerThanPrevious(earlier, previous, stage, value)
    return value


def clean_counts(counts: Sequence[int]) -> tuple[int, ...]:
    if len(counts) != len(FUNNEL_STAGES):
        raise WrongNumberOfStages(len(counts))
    previous: int | None = None
    for stage, value in zip(FUNNEL_STAGES, counts, strict=True):
        previous = check_stage_count(stage, value, previous)
    return tuple(counts)


def week_containing(day: date, today: date) -> tuple[date, date]:
    """The week (Monday to Sunday) that contains ``day``, ending today at the latest."""
    monday = day - timedelta(days=day.weekday())
    return monday, min(monday + timedelta(days=6), today)


# ---------------------------------------------------------------- use cases


async def log_funnel(
    uow: UnitOfWork,
    chat_id: int,
    counts: Sequence[int],
    *,
    author: Author,
    period_end: date | None = None,
    period_days: int = 7,
    week_of: datetime | None = None,
    clock: Clock = utc_now,
) -> FunnelView:
    """Stores how many people reached each stage in the period ending ``period_end``.

    The period ends today in the workspace's timezone unless given. With ``week_of`` (a moment
    from ``dates.parse_moment``), it is the week (Monday to Sunday, in the workspace's timezone)
    containing that moment, up to today. Logging the same period again is a correction: the
    newest entry of a period is the one that counts.
    """
    cleaned = clean_counts(counts)
    if not 1 <= period_days <= MAX_PERIOD_DAYS:
        raise InvalidInput(
            N_("A funnel period is between 1 and {limit} days long."), limit=MAX_PERIOD_DAYS
        )
    now = clock()
    async with uow:
        workspace = await require_workspace(uow, chat_id)
        zone = ZoneInfo(workspace.timezone)
        today = now.astimezone(zone).date()
        if week_of is not None:
            start, end = week_containing(week_of.astimezone(zone).date(), today)
        else:
            end = period_end or today
            start = end - timedelta(days=period_days - 1)
        snapshot = FunnelSnapshot(
            workspace_id=workspace.id,
            period_start=start,
            period_end=end,
            logged_at=now,
            logged_by_id=author.user_id,
            logged_by_name=author.name,
        )
        for stage, value in zip(FUNNEL_STAGES, cleaned, strict=True):
            setattr(snapshot, _COLUMNS[stage], value)
        repository = uow.funnels
        previous = await repository.before(workspace.id, end)
        first = not await repository.any(workspace.id)
        await repository.add(snapshot)
        view = _funnel_view(snapshot, previous, first=first)
        await uow.commit()
        return view


async def latest_funnel(uow: UnitOfWork, chat_id: int) -> FunnelView | None:
    """The funnel of the most recent period logged, with its constraint; None before the first."""
    async with uow:
        return latest_funnel_of(*await _latest_and_previous(uow, chat_id))


async def funnel_news(uow: UnitOfWork, chat_id: int, *, since: datetime) -> FunnelView | None:
    """The latest period, if it was logged at or after ``since`` and has a period before it."""
    async with uow:
        return funnel_news_of(*await _latest_and_previous(uow, chat_id), since=since)


async def _latest_and_previous(
    uow: UnitOfWork, chat_id: int
) -> tuple[FunnelSnapshot | None, FunnelSnapshot | None]:
    """The chat's latest snapshot and the one of the period before it (None before them)."""
    workspace = await uow.workspaces.by_chat(chat_id)
    snapshot = None if workspace is None else await uow.funnels.latest(workspace.id)
    if workspace is None or snapshot is None:
        return None, None
    return snapshot, await uow.funnels.before(workspace.id, snapshot.period_end)


def latest_funnel_of(
    snapshot: FunnelSnapshot | None, previous: FunnelSnapshot | None
) -> FunnelView | None:
    """``latest_funnel`` from the latest snapshot and the one of the period before."""
    return None if snapshot is None else _funnel_view(snapshot, previous)


def funnel_news_of(
    snapshot: FunnelSnapshot | None, previous: FunnelSnapshot | None, *, since: datetime
) -> FunnelView | None:
    """``funnel_news`` from the latest snapshot and the one of the period before."""
    if snapshot is None or snapshot.logged_at < since or previous is None:
        return None
    return _funnel_view(snapshot, previous)


async def funnel_history(uow: UnitOfWork, chat_id: int, limit: int = 8) -> list[FunnelView]:
    """The funnels of the last ``limit`` periods, newest first, one per period."""
    async with uow:
        workspace = await uow.workspaces.by_chat(chat_id)
        if workspace is None:
            return []
        repository = uow.funnels
        # One more than shown, so the oldest period shown is compared with the one before it.
        snapshots = list(await repository.history(workspace.id, limit + 1))
        return [
            _funnel_view(snapshot, snapshots[index + 1] if index + 1 < len(snapshots) else None)
            for index, snapshot in enumerate(snapshots[:limit])
        ]


# ---------------------------------------------------------------- helpers

_COLUMNS = {stage: "try_" if stage is Stage.TRY else stage.value for stage in FUNNEL_STAGES}


def _counts(snapshot: FunnelSnapshot) -> list[int]:
    return [int(getattr(snapshot, _COLUMNS[stage])) for stage in FUNNEL_STAGES]


def _period_change(snapshot: FunnelSnapshot, previous: FunnelSnapshot) -> PeriodChange:
    comparison = compare_funnels(_counts(previous), _counts(snapshot))
    before = comparison.constraint_before
    return PeriodChange(
        period_start=previous.period_start,
        period_end=previous.period_end,
        changes=tuple(
            StageChange(
                FUNNEL_STAGES[change.position],
                change.rate_before,
                change.rate_after,
                change.p_value,
                change.trend,
            )
            for change in comparison.changes
        ),
        constraint_before=None if before is None else FUNNEL_STAGES[before],
        constraint_moved=comparison.constraint_moved,
    )


def _funnel_view(
    snapshot: FunnelSnapshot, previous: FunnelSnapshot | None = None, *, first: bool = False
) -> FunnelView:
    counts = _counts(snapshot)
    analysis = analyse_funnel(counts)
    stages = tuple(
        StageConversion(stage, step.reached, step.rate, step.ci_low, step.ci_high)
        for stage, step in zip(FUNNEL_STAGES, analysis.steps, strict=True)
    )
    constraint = None if analysis.constraint is None else FUNNEL_STAGES[analysis.constraint]
    return FunnelView(
        period_start=snapshot.period_start,
        period_end=snapshot.period_end,
        stages=stages,
        constraint=constraint,
        constraint_rate=analysis.constraint_rate,
        logged_by=snapshot.logged_by_name,
        constraint_is_clear=analysis.constraint_is_clear,
        previous=None if previous is None else _period_change(snapshot, previous),
        first=first,
    )
