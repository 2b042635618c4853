"""Use cases: what a founder can do with experiments, each inside one unit of work."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime
from functools import lru_cache
from typing import Any

from db.models import Experiment, Variant, Workspace
from db.totals_repository import VariantSums
from db.unit_of_work import UnitOfWork
from experiments import domain
from experiments import experiment as entity
from experiments.clock import Clock, utc_now
from experiments.domain import (
    Author,
    ExperimentView,
    Kind,
    Outcome,
    Stage,
    Status,
    UnknownExperiment,
    VariantTotals,
)
from experiments.fast_init import fast_frozen_init
from experiments.money import MoneySummary, money_summary
from experiments.roles import Action, Actor, require
from experiments.stats.briefs import ConversionCounts
from experiments.stats.readout import ArmCounts, ArmResult, Readout, conversion_readout
from experiments.stats.sample_size import days_left as days_left_at_pace
from experiments.stats.sample_size import plan_targets
from experiments.stats.story import EpisodeCounts, StoryReadout, story_readout
from experiments.stats.target import TargetCall, TargetLook, TargetReadout, target_readout
from experiments.stats.verdict import Verdict, VerdictKind, VerdictReason

# ---------------------------------------------------------------- results


@fast_frozen_init
@dataclass(frozen=True, slots=True)
class ExperimentSummary:
    experiment: ExperimentView
    totals: tuple[VariantTotals, ...]
    last_logged_at: datetime | None

    @property
    def visitors(self) -> int:
        return sum(t.visitors for t in self.totals)

    @property
    def money(self) -> MoneySummary | None:
        return money_summary(self.experiment.cost_spent, self.totals)

    # The experiment it iterates on, and those that iterate on it (filled in for /show).
    parent: ExperimentLink | None = None
    children: tuple[ExperimentLink, ...] = ()


@dataclass(frozen=True)
class ExperimentLink:
    number: int
    name: str


@fast_frozen_init
@dataclass(frozen=True, slots=True)
class ExperimentReadout:
    experiment: ExperimentView
    totals: tuple[VariantTotals, ...]
    readout: Readout
    days_running: float | None
    days_left: float | None
    last_logged_at: datetime | None
    # One variant against a target rate (an MVP campaign without a control); None otherwise.
    target: TargetReadout | None = None
    # An advocacy storyline: each episode and the story so far; None otherwise.
    story: StoryReadout | None = None

    @property
    def money(self) -> MoneySummary | None:
        return money_summary(self.experiment.cost_spent, self.totals)


async def require_workspace(uow: UnitOfWork, chat_id: int) -> Workspace:
    workspace = await uow.workspaces.by_chat(chat_id)
    if workspace is None:
        raise _no_workspace()
    return workspace


async def require_timezone(uow: UnitOfWork, chat_id: int) -> str:
    """The chat's time zone (read along with an experiment loaded in the chat, if one was)."""
    zone = await uow.workspaces.timezone_of(chat_id)
    if zone is None:
        raise _no_workspace()
    return zone


def _no_workspace() -> domain.InvalidInput:
    return domain.InvalidInput(domain.N_("Say /start first, so I can set up this chat."))


# ---------------------------------------------------------------- experiments


async def create_experiment(
    uow: UnitOfWork,
    chat_id: int,
    name: str,
    variants: Sequence[str] | None = None,
    *,
    author: Author,
    parent_number: int | None = None,
    clock: Clock = utc_now,
    **design: Any,
) -> ExperimentView:
    """A new experiment numbered #N in its workspace. ``design`` is what
    ``entity.Experiment.new`` takes (kind, stage, hypothesis, the plan, status, split, target
    rate, storyline) and says what it may be. With ``parent_number`` it is the next iteration
    of that experiment, and linked to it."""
    experiment = entity.Experiment.new(name, variants, author=author, now=clock(), **design)
    async with uow:
        workspace = await require_workspace(uow, chat_id)
        if parent_number is not None:
            experiment.parent_id = (await load_experiment(uow, chat_id, parent_number)).id
        experiment.number = await uow.workspaces.take_next_experiment_number(workspace.id)
        await uow.experiments.add(experiment, workspace.id)
        view = experiment_view(experiment)
        await uow.commit()
        return view


async def create_experiment_summary(
    uow: UnitOfWork, chat_id: int, name: str, variants: Sequence[str] | None = None, **options: Any
) -> ExperimentSummary:
    """Creates an experiment (``create_experiment``'s options) and returns it as /show shows
    it, in one transaction."""
    async with uow:
        created = await create_experiment(uow, chat_id, name, variants, **options)
        summary = await get_experiment(uow, chat_id, created.number)
        await uow.commit()
    return summary


async def get_experiment(uow: UnitOfWork, chat_id: int, number: int) -> ExperimentSummary:
    async with uow:
        experiment = await load_experiment(uow, chat_id, number)
        summary = await _summary(uow, experiment)
        parent = None
        if experiment.parent_id is not None:
            found = await uow.experiments.by_id(experiment.parent_id)
            parent = None if found is None else ExperimentLink(found.number, found.name)
        children = tuple(
            ExperimentLink(child.number, child.name)
            for child in await uow.experiments.find(parent_id=experiment.id)
        )
        return replace(summary, parent=parent, children=children)


async def list_experiments(uow: UnitOfWork, chat_id: int) -> list[ExperimentSummary]:
    """Every experiment of the chat: running first, then drafts, paused, concluded; newest first."""
    async with uow:
        workspace = await uow.workspaces.by_chat(chat_id)
        if workspace is None:
            return []
        experiments = await uow.experiments.find(workspace_id=workspace.id)
        # Two queries for the whole workspace, however many experiments it has.
        sums = await uow.totals.for_workspace(workspace.id)
        last = await uow.observations.last_logged_for_workspace(workspace.id)
        summaries = [
            ExperimentSummary(
                experiment=experiment_view(e),
                totals=tuple(variant_totals(v, sums) for v in e.variants),
                last_logged_at=last.get(e.id),
            )
            for e in experiments
        ]
    order = {Status.RUNNING: 0, Status.DRAFT: 1, Status.PAUSED: 2, Status.CONCLUDED: 3}
    return sorted(summaries, key=lambda s: (order[s.experiment.status], -s.experiment.number))


async def update_plan(
    uow: UnitOfWork,
    chat_id: int,
    number: int,
    *,
    planned_per_variant: int | None = None,
    baseline_rate: float | None = None,
    min_detectable_effect: float | None = None,
    review_date: date | None = None,
    hypothesis: str | None = None,
    stage: Stage | None = None,
    kind: Kind | None = None,
) -> ExperimentView:
    """Fills in plan fields given (None leaves a field as it is)."""
    clean_hypothesis = domain.clean_hypothesis(hypothesis)
    async with uow:
        experiment = await load_experiment(uow, chat_id, number)
        if planned_per_variant is not None:
            experiment.planned_per_variant = planned_per_variant
        if baseline_rate is not None:
            experiment.baseline_rate = baseline_rate
        if min_detectable_effect is not None:
            experiment.min_detectable_effect = min_detectable_effect
        if review_date is not None:
            experiment.review_date = review_date
        if clean_hypothesis is not None:
            experiment.hypothesis = clean_hypothesis
        if stage is not None:
            experiment.stage = stage.value
        if kind is not None:
            experiment.kind = kind.value
        await uow.experiments.save(experiment)
        view = experiment_view(experiment)
        await uow.commit()
        return view


async def load_experiment(uow: UnitOfWork, chat_id: int, number: int) -> entity.Experiment:
    """The chat's experiment as the entity; another chat's looks exactly like a missing one."""
    experiment = await uow.experiments.load_in_chat(chat_id, number)
    if experiment is None:
        raise UnknownExperiment(number)
    return experiment


async def change_status(
    uow: UnitOfWork, chat_id: int, number: int, status: Status, *, clock: Clock = utc_now
) -> ExperimentView:
    """Start, pause or resume an experiment (concluding goes through ``conclude``)."""
    async with uow:
        experiment = await load_experiment(uow, chat_id, number)
        experiment.change_status(status, clock())
        await uow.experiments.save(experiment)
        view = experiment_view(experiment)
        await uow.commit()
        return view


def require_role(action: Action, actor: Actor, experiment: entity.Experiment) -> None:
    """Raises ``NotPermitted`` unless the actor may take the action on this experiment."""
    require(
        action,
        actor,
        number=experiment.number,
        author_id=experiment.created_by_id,
        author_name=experiment.created_by_name,
    )


async def check_permission(
    uow: UnitOfWork, chat_id: int, number: int, action: Action, *, actor: Actor
) -> ExperimentView:
    """The experiment, once the actor may take the action on it (else ``NotPermitted``);
    asked before a question (which variant won?), so nobody answers one only to be refused."""
    async with uow:
        experiment = await load_experiment(uow, chat_id, number)
        require_role(action, actor, experiment)
        return experiment_view(experiment)


async def conclude(
    uow: UnitOfWork,
    chat_id: int,
    number: int,
    outcome: Outcome | None = None,
    *,
    actor: Actor,
    winner: str | None = None,
    winner_position: int | None = None,
    clock: Clock = utc_now,
) -> ExperimentView:
    """Concludes an experiment with its outcome, or with the variant that won (a group admin
    or the experiment's author may; anyone else is refused before anything changes).

    Given only a ``winner`` (a variant's name, or its ``winner_position`` as a button gives
    it), the outcome follows from it (``domain.outcome_of_winner``); given an outcome too (a
    "ship" verdict concluded from the digest), that outcome stands; given neither, it is
    inconclusive; given only an outcome, the winner is the one it implies, if any
    (``domain.implied_winner``).
    """
    async with uow:
        experiment = await load_experiment(uow, chat_id, number)
        require_role(Action.CONCLUDE, actor, experiment)
        if winner_position is not None:
            winner = experiment.variant_at(winner_position).name
        experiment.conclude(outcome, winner, clock())
        await uow.experiments.save(experiment)
        view = experiment_view(experiment)
        await uow.commit()
        return view


async def reopen(uow: UnitOfWork, chat_id: int, number: int, *, actor: Actor) -> ExperimentView:
    """Takes a conclusion back: the status it had before (running when unknown), no outcome."""
    async with uow:
        experiment = await load_experiment(uow, chat_id, number)
        require_role(Action.REOPEN, actor, experiment)
        experiment.reopen()
        await uow.experiments.save(experiment)
        view = experiment_view(experiment)
        await uow.commit()
        return view


# ---------------------------------------------------------------- readout


async def readout(
    uow: UnitOfWork, chat_id: int, number: int, *, clock: Clock = utc_now
) -> ExperimentReadout:
    """The statistics of an experiment from its totals, with the days left at the current pace.

    The always-valid numbers run over the experiment's days: each day's cumulative totals is a
    look, built from the running totals per UTC day (kept with every log, undo, import and
    delete, so an undo or an import is reflected).
    """
    async with uow:
        experiment = await load_experiment(uow, chat_id, number)
        totals = await uow.totals.for_readout(experiment.id)
        summary = ExperimentSummary(
            experiment=experiment_view(experiment),
            totals=tuple(variant_totals(v, totals.by_variant) for v in experiment.variants),
            last_logged_at=totals.last_logged_at,
        )
        positions = {v.id: v.position for v in experiment.variants}
    days = [(day, positions[variant_id], v, c) for day, variant_id, v, c in totals.by_day]
    return readout_of(summary, now=clock(), history=daily_looks(summary, days))


DayRow = tuple[date, int, int, int]  # (UTC day, variant position, visitors, conversions)


async def workspace_days(uow: UnitOfWork, chat_id: int) -> dict[int, list[DayRow]]:
    """Every experiment's results per UTC day and variant, by experiment number: one query."""
    async with uow:
        workspace = await uow.workspaces.by_chat(chat_id)
        if workspace is None:
            return {}
        rows = await uow.totals.by_day_for_workspace(workspace.id)
    by_number: dict[int, list[DayRow]] = {}
    for number, day, position, visitors, conversions in rows:
        by_number.setdefault(number, []).append((day, position, visitors, conversions))
    return by_number


def daily_looks(summary: ExperimentSummary, rows: Sequence[DayRow]) -> list[list[ArmCounts]]:
    """Cumulative totals at the end of each UTC day with results, arms in variant order.

    ``rows`` are (day, variant position, visitors, conversions), in day order.
    """
    names = [t.name for t in summary.totals]
    visitors = [0] * len(names)
    conversions = [0] * len(names)
    looks: list[list[ArmCounts]] = []
    for index, (day, position, day_visitors, day_conversions) in enumerate(rows):
        if position < len(names):
            visitors[position] += day_visitors
            conversions[position] += day_conversions
        if index + 1 == len(rows) or rows[index + 1][0] != day:
            looks.append(
                [
                    ArmCounts(name, arm_visitors, arm_conversions)
                    for name, arm_visitors, arm_conversions in zip(
                        names, visitors, conversions, strict=True
                    )
                ]
            )
    return looks


def _split_for(experiment: ExperimentView, arm_count: int) -> tuple[float, ...] | None:
    """The planned split, if it still names every variant (else an equal split is assumed)."""
    split = experiment.planned_split
    return split if split is not None and len(split) == arm_count else None


def readout_of(
    summary: ExperimentSummary,
    *,
    now: datetime,
    history: Sequence[Sequence[ArmCounts]] = (),
) -> ExperimentReadout:
    experiment = summary.experiment
    if experiment.target_rate is not None:
        return _target_readout_of(summary, now=now, history=history)
    if experiment.storyline:
        return _story_readout_of(summary, now=now)
    counts = conversion_counts(summary)
    result = conversion_readout(
        [ArmCounts(arm.name, arm.visitors, arm.conversions) for arm in counts.arms],
        planned_per_variant=counts.planned_per_variant,
        min_effect=counts.min_effect,
        planned_split=counts.planned_split,
        history=history,
    )
    running = days_running(experiment, now)
    return ExperimentReadout(
        experiment=experiment,
        totals=summary.totals,
        readout=result,
        days_running=running,
        days_left=plan_days_left(experiment, summary.totals, running),
        last_logged_at=summary.last_logged_at,
    )


def conversion_counts(
    summary: ExperimentSummary, looks: Sequence[Sequence[tuple[int, int]]] = ()
) -> ConversionCounts:
    """What ``readout_of`` gives ``conversion_readout`` for an A/B experiment, its daily looks
    as (visitors, conversions) per arm, cumulative to the end of each day."""
    experiment = summary.experiment
    return ConversionCounts(  # in its fields' order: keywords would cost as much again
        summary.totals,
        looks,
        experiment.planned_per_variant,
        experiment.min_detectable_effect,
        _split_for(experiment, len(summary.totals)),
    )


def plan_days_left(
    experiment: ExperimentView, totals: Sequence[VariantTotals], days_running: float | None
) -> float | None:
    """Days until every arm reaches its planned visitors at its pace so far; None without a
    plan, a start or a pace."""
    if not experiment.planned_per_variant or days_running is None:
        return None
    targets = _plan_targets(
        experiment.planned_per_variant, _split_for(experiment, len(totals)), len(totals)
    )
    # Less than a day of data gives no honest pace; the arm furthest behind sets it.
    pace_days = max(days_running, 1.0)
    longest: float | None = None
    for target, arm in zip(targets, totals, strict=True):
        left = days_left_at_pace(target, arm.visitors, pace_days)
        if left is None or not math.isfinite(left):
            return None
        if longest is None or left > longest:
            longest = left
    return longest


@lru_cache(maxsize=1024)
def _plan_targets(
    planned_per_variant: int, split: tuple[float, ...] | None, arm_count: int
) -> tuple[int, ...]:
    # The same few plans come up for every experiment of a digest tick.
    return plan_targets(planned_per_variant, domain.split_shares(split, arm_count))


def _target_readout_of(
    summary: ExperimentSummary, *, now: datetime, history: Sequence[Sequence[ArmCounts]]
) -> ExperimentReadout:
    """One variant against its target rate; the verdict in the two-arm words (ship, stop, keep
    running, check your data), so /list, /show and the digest read it like any other."""
    experiment = summary.experiment
    assert experiment.target_rate is not None
    arm = summary.totals[0]
    target = target_readout(
        arm.conversions,
        arm.visitors,
        experiment.target_rate,
        history=[TargetLook(look[0].visitors, look[0].conversions) for look in history if look],
    )
    verdict = target_verdict(target, arm.name)
    readout = Readout(
        arms=(
            ArmResult(
                arm.name,
                arm.visitors,
                arm.conversions,
                target.rate,
                target.ci_low,
                target.ci_high,
                None,
            ),
        ),
        alpha=target.alpha,
        srm_p_value=None,
        sample_ratio_mismatch=False,
        verdict=verdict,
        srm_checked=False,
    )
    return ExperimentReadout(
        experiment=experiment,
        totals=summary.totals,
        readout=readout,
        days_running=days_running(experiment, now),
        days_left=None,
        last_logged_at=summary.last_logged_at,
        target=target,
    )


def days_running(experiment: ExperimentView, now: datetime) -> float | None:
    """Days since the experiment started (fractional); None while it has not."""
    if experiment.started_at is None:
        return None
    return max((now - experiment.started_at).total_seconds() / 86400, 0.0)


def _story_readout_of(summary: ExperimentSummary, *, now: datetime) -> ExperimentReadout:
    """An advocacy storyline: each episode and the story so far; episodes that ran one after
    another are not compared as an A/B test, so the verdict is to keep the story going."""
    experiment = summary.experiment
    story = story_readout(
        [EpisodeCounts(t.name, t.visitors, t.conversions) for t in summary.totals]
    )
    readout = Readout(
        arms=tuple(
            ArmResult(e.name, e.visitors, e.conversions, e.rate, e.ci_low, e.ci_high, None)
            for e in story.episodes
        ),
        alpha=story.alpha,
        srm_p_value=None,
        sample_ratio_mismatch=False,
        verdict=Verdict(VerdictKind.KEEP_RUNNING, None, VerdictReason.STORYLINE),
        srm_checked=False,
    )
    return ExperimentReadout(
        experiment=experiment,
        totals=summary.totals,
        readout=readout,
        days_running=days_running(experiment, now),
        days_left=None,
        last_logged_at=summary.last_logged_at,
        story=story,
    )


async def add_episode(
    uow: UnitOfWork, chat_id: int, number: int, name: str, *, actor: Actor
) -> ExperimentSummary:
    """The next episode of an advocacy storyline, after the ones it has; the storyline comes
    back as /show shows it."""
    async with uow:
        experiment = await load_experiment(uow, chat_id, number)
        require_role(Action.EDIT, actor, experiment)
        experiment.add_episode(name)
        await uow.experiments.save(experiment)
        summary = await get_experiment(uow, chat_id, number)
        await uow.commit()
        return summary


def target_verdict(target: TargetReadout, variant: str) -> Verdict:
    """The target's call said as a verdict: reached → ship it, missed → stop."""
    if target.call is TargetCall.REACHED:
        return Verdict(VerdictKind.SHIP, variant, VerdictReason.TARGET_REACHED, arm=variant)
    if target.call is TargetCall.MISSED:
        return Verdict(VerdictKind.STOP_NO_EFFECT, None, VerdictReason.TARGET_MISSED, arm=variant)
    if target.call is TargetCall.CHECK_DATA:
        return Verdict(VerdictKind.CHECK_DATA, None, VerdictReason.INTERVALS_DISAGREE, arm=variant)
    if target.visitors < target.min_visitors:
        return Verdict(
            VerdictKind.KEEP_RUNNING,
            None,
            VerdictReason.NO_VISITORS if target.visitors == 0 else VerdictReason.FEW_VISITORS,
            arm=variant,
            visitors=target.visitors,
            min_visitors=target.min_visitors,
        )
    return Verdict(VerdictKind.KEEP_RUNNING, None, VerdictReason.NOT_CLEAR_YET, arm=variant)


# ---------------------------------------------------------------- helpers


async def _summary(uow: UnitOfWork, experiment: entity.Experiment) -> ExperimentSummary:
    sums = await uow.totals.by_variant(experiment.id)
    last = await uow.observations.last_logged_at(experiment.id) if sums else None
    return ExperimentSummary(
        experiment=experiment_view(experiment),
        totals=tuple(variant_totals(v, sums) for v in experiment.variants),
        last_logged_at=last,
    )


def variant_totals(
    variant: Variant | entity.ExperimentVariant, sums: dict[int, VariantSums]
) -> VariantTotals:
    return totals_of(variant.id, variant.position, variant.name, sums)


def totals_of(
    variant_id: int, position: int, name: str, sums: dict[int, VariantSums]
) -> VariantTotals:
    """A variant's totals from the sums keyed by variant id (none logged: zeros)."""
    found = sums.get(variant_id)
    if found is None:
        return VariantTotals(name, position, 0, 0, None, 0)
    return VariantTotals(
        name, position, found.visitors, found.conversions, found.revenue, found.observations
    )


def experiment_view(
    experiment: Experiment | entity.Experiment | Any, variants: tuple[str, ...] | None = None
) -> ExperimentView:
    """What the bot shows of an experiment, from its row or its entity (or a row of its
    columns, with its variants' names given)."""
    stage = experiment.stage
    outcome = experiment.outcome
    split = experiment.planned_split
    # In the fields' order, not by keyword: keywords cost more than the view itself (4 of
    # 6.5 µs for its 24 fields), and a digest tick makes a view of every experiment it reads.
    # tests/unit/test_experiment_view.py holds each field to its column.
    return ExperimentView(
        experiment.number,
        experiment.name,
        _KINDS[experiment.kind],
        _STAGES[stage] if stage else None,
        experiment.hypothesis,
        _STATUSES[experiment.status],
        _OUTCOMES[outcome] if outcome else None,
        tuple(v.name for v in experiment.variants) if variants is None else variants,
        experiment.planned_per_variant,
        experiment.baseline_rate,
        experiment.min_detectable_effect,
        experiment.review_date,
        experiment.started_at,
        experiment.concluded_at,
        experiment.created_at,
        experiment.created_by_name,
        experiment.ice_impact,
        experiment.ice_confidence,
        experiment.ice_ease,
        experiment.cost_spent,
        experiment.winner,
        domain.split_from_text(split) if split else None,
        experiment.target_rate,
        experiment.storyline,
    )


# A stored word to its member by a dict lookup: calling the enum costs several times more, and
# the digest tick makes a view of every experiment it reads. A member (an entity holds members)
# equals its word, so it finds itself.
_KINDS = {kind.value: kind for kind in Kind}
_STAGES = {stage.value: stage for stage in Stage}
_STATUSES = {status.value: status for status in Status}
_OUTCOMES = {outcome.value: outcome for outcome in Outcome}
