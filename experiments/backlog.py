"""The backlog: drafts waiting to run, ordered by their ICE score, and starting the best one.

The order, one rule (``backlog_order``): the higher ICE score first (I × C × E, see
``domain.Ice``); among equal scores, a draft at the funnel's constraint stage first, because
that is where an experiment helps most; then the older draft. Drafts not scored yet come last.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from db.unit_of_work import UnitOfWork
from experiments import services
from experiments.clock import Clock, utc_now
from experiments.domain import ExperimentView, Stage, Status
from experiments.funnel import latest_funnel


@dataclass(frozen=True)
class BacklogItem:
    experiment: ExperimentView
    at_constraint: bool  # its stage is the funnel's constraint


@dataclass(frozen=True)
class Backlog:
    items: tuple[BacklogItem, ...]
    constraint: Stage | None  # the latest funnel's constraint; None without a funnel


def backlog_order(drafts: Iterable[ExperimentView], constraint: Stage | None) -> list[BacklogItem]:
    """Drafts by ICE score, highest first; the constraint's first among equals; then oldest."""
    items = [
        BacklogItem(draft, constraint is not None and draft.stage is constraint)
        for draft in drafts
        if draft.is_draft
    ]
    return sorted(
        items,
        key=lambda item: (
            item.experiment.ice_score is None,
            -(item.experiment.ice_score or 0),
            not item.at_constraint,
            item.experiment.number,
        ),
    )


def suggestion(items: Iterable[BacklogItem]) -> BacklogItem | None:
    """The draft to start next: the best-scored at the constraint, else the top of the backlog."""
    ordered = list(items)
    at_constraint = [item for item in ordered if item.at_constraint]
    best = at_constraint or ordered
    return best[0] if best else None


async def backlog(uow: UnitOfWork, chat_id: int) -> Backlog:
    funnel = await latest_funnel(uow, chat_id)
    constraint = funnel.constraint if funnel is not None else None
    async with uow:
        workspace = await services.require_workspace(uow, chat_id)
        drafts = [
            services.experiment_view(draft)
            for draft in await uow.experiments.find(workspace_id=workspace.id, status=Status.DRAFT)
        ]
    return Backlog(tuple(backlog_order(drafts, constraint)), constraint)


async def start_draft(
    uow: UnitOfWork, chat_id: int, number: int, *, clock: Clock = utc_now
) -> services.ExperimentSummary:
    """Starts a draft from the backlog (the experiment's own lifecycle rule decides if it may)
    and returns it as /show shows it, in one transaction."""
    async with uow:
        await services.change_status(uow, chat_id, number, Status.RUNNING, clock=clock)
        summary = await services.get_experiment(uow, chat_id, number)
        await uow.commit()
    return summary
