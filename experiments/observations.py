"""Use cases of logged results: append one, undo the last, sum them by local day, export them."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from db.models import Experiment, Observation
from db.unit_of_work import UnitOfWork
from experiments import experiment as entity
from experiments import jumps
from experiments.clock import Clock, utc_now
from experiments.domain import (
    Author,
    DailyTotals,
    ExperimentView,
    NothingToUndo,
    VariantTotals,
)
from experiments.roles import Action, Actor, require
from experiments.services import (
    experiment_view,
    get_experiment,
    load_experiment,
    readout,
    require_timezone,
    require_workspace,
    variant_totals,
)
from experiments.stats.verdict import Verdict


@dataclass(frozen=True)
class LoggedObservation:
    experiment: ExperimentView
    variant: str
    visitors: int
    conversions: int
    revenue: Decimal | None
    logged_by: str
    totals: VariantTotals  # the variant's new totals
    status_changed: bool  # a draft starts running with its first result
    logged_at: datetime  # when the result happened (now, or a past day's local noon)


@dataclass(frozen=True)
class UndoneObservation:
    experiment: ExperimentView
    variant: str
    visitors: int
    conversions: int
    logged_by: str
    totals: VariantTotals


@dataclass(frozen=True)
class ExportedObservation:
    experiment: int
    variant: str
    visitors: int
    conversions: int
    revenue: Decimal | None
    logged_at: datetime
    logged_by: str


async def log_observation(
    uow: UnitOfWork,
    chat_id: int,
    number: int,
    variant: str,
    visitors: int,
    conversions: int,
    *,
    author: Author,
    revenue: Decimal | None = None,
    logged_at: datetime | None = None,
    confirm_jumps: bool = False,
    clock: Clock = utc_now,
) -> LoggedObservation:
    """Appends one result to a variant and returns the variant's new totals.

    ``logged_at`` is when the result happened (``dates.parse_moment``); by default, now. With
    ``confirm_jumps``, a result more than ten times the usual day (``jumps``) is not stored:
    ``UnusualJump`` asks for it to be confirmed (logged again without ``confirm_jumps``).
    """
    moment = logged_at or clock()
    async with uow:
        experiment = await load_experiment(uow, chat_id, number)
        arm = experiment.check_result(variant, visitors, conversions, revenue)
        if experiment.storyline:
            logged = await uow.totals.by_variant(experiment.id)
            experiment.check_episode_order(
                arm, {key: sums.visitors for key, sums in logged.items()}
            )
        if confirm_jumps:
            timezone = await require_timezone(uow, chat_id)
            usual = await usual_day(uow, experiment, timezone)
            if usual is not None and jumps.is_jump(visitors, usual):
                raise jumps.UnusualJump(experiment.number, arm.name, visitors, usual)
        status_changed = experiment.start_if_draft(moment)
        await uow.experiments.save(experiment)
        arm_sums = await uow.observations.add(
            Observation(
                experiment_id=experiment.id,
                variant_id=arm.id,
                visitors=visitors,
                conversions=conversions,
                revenue=revenue,
                logged_at=moment,
                logged_by_id=author.user_id,
                logged_by_name=author.name,
            )
        )
        view = experiment_view(experiment)
        await uow.commit()
        return LoggedObservation(
            experiment=view,
            variant=arm.name,
            visitors=visitors,
            conversions=conversions,
            revenue=revenue,
            logged_by=author.name,
            totals=variant_totals(arm, {arm.id: arm_sums}),
            status_changed=status_changed,
            logged_at=moment,
        )


async def undo_last_observation(
    uow: UnitOfWork, chat_id: int, number: int, *, actor: Actor
) -> UndoneObservation:
    """Removes the experiment's most recent entry: one's own, or (a group admin or the
    experiment's author) anyone's."""
    async with uow:
        experiment = await load_experiment(uow, chat_id, number)
        experiment.require_results_allowed()
        last = await uow.observations.last(experiment.id)
        if last is None:
            raise NothingToUndo(number)
        require(
            Action.UNDO,
            actor,
            number=number,
            author_id=experiment.created_by_id,
            author_name=experiment.created_by_name,
            entry_by_id=last.logged_by_id,
            entry_by_name=last.logged_by_name,
        )
        arm = next(v for v in experiment.variants if v.id == last.variant_id)
        undone = (last.visitors, last.conversions, last.logged_by_name)
        await uow.observations.remove(last.id)
        sums = await uow.totals.by_variant(experiment.id)
        view = experiment_view(experiment)
        await uow.commit()
        return UndoneObservation(
            experiment=view,
            variant=arm.name,
            visitors=undone[0],
            conversions=undone[1],
            logged_by=undone[2],
            totals=variant_totals(arm, sums),
        )


@dataclass(frozen=True)
class ConversionHistory:
    """What the conversion chart draws: results by the workspace's local day, plan, verdict."""

    experiment: ExperimentView
    daily: tuple[DailyTotals, ...]
    timezone: str  # the IANA name the days are counted in
    visitors: int
    verdict: Verdict | None  # None before the first visitor


async def daily_totals(uow: UnitOfWork, chat_id: int, number: int) -> list[DailyTotals]:
    """Per day in the workspace's timezone and variant, what was logged; days without entries
    are absent."""
    async with uow:
        experiment = await load_experiment(uow, chat_id, number)
        workspace = await require_workspace(uow, chat_id)
        return await _daily(uow, experiment, workspace.timezone)


async def conversion_history(
    uow: UnitOfWork, chat_id: int, number: int, *, clock: Clock = utc_now
) -> ConversionHistory:
    """The experiment's results day by day, with its plan and its verdict so far (read in one
    transaction)."""
    async with uow:
        summary = await get_experiment(uow, chat_id, number)
        experiment = await load_experiment(uow, chat_id, number)
        timezone = await require_timezone(uow, chat_id)
        daily = await _daily(uow, experiment, timezone)
        # The same verdict as /readout: on the daily looks, not only today's totals.
        verdict = (
            (await readout(uow, chat_id, number, clock=clock)).readout.verdict
            if summary.visitors
            else None
        )
    return ConversionHistory(
        experiment=summary.experiment,
        daily=tuple(daily),
        timezone=timezone,
        visitors=summary.visitors,
        verdict=verdict,
    )


async def usual_day(
    uow: UnitOfWork, experiment: Experiment | entity.Experiment, timezone: str
) -> jumps.UsualDay | None:
    """The experiment's usual day so far (``jumps.usual_day``), inside an open unit of work."""
    return jumps.usual_day(await _daily(uow, experiment, timezone))


async def _daily(
    uow: UnitOfWork, experiment: Experiment | entity.Experiment, timezone: str
) -> list[DailyTotals]:
    names = {v.id: v.name for v in experiment.variants}
    rows = await uow.totals.by_day(experiment.id, timezone)
    return [DailyTotals(day, names[vid], visitors, conv) for day, vid, visitors, conv in rows]


async def export_observations(
    uow: UnitOfWork, chat_id: int, number: int | None = None
) -> list[ExportedObservation]:
    """Every logged result of the chat, or of experiment #``number`` only."""
    async with uow:
        if number is not None:
            await load_experiment(uow, chat_id, number)
        workspace = await uow.workspaces.by_chat(chat_id)
        if workspace is None:
            return []
        rows = await uow.observations.for_workspace(workspace.id)
        return [
            ExportedObservation(
                experiment=experiment,
                variant=variant,
                visitors=obs.visitors,
                conversions=obs.conversions,
                revenue=obs.revenue,
                logged_at=obs.logged_at,
                logged_by=obs.logged_by_name,
            )
            for obs, experiment, variant in rows
            if number is None or experiment == number
        ]
