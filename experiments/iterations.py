"""The next iteration of an experiment: what /new is pre-filled with when one is continued."""

from __future__ import annotations

from dataclasses import dataclass

from db.unit_of_work import UnitOfWork
from experiments import domain
from experiments.domain import Kind, Stage
from experiments.services import experiment_view, load_experiment


@dataclass(frozen=True)
class IterationPlan:
    """A suggestion for the experiment that continues ``parent_number``; all of it editable."""

    parent_number: int
    parent_name: str
    name: str  # “… v2”
    kind: Kind
    stage: Stage | None
    control: str  # the winner, or the parent's control when nothing won
    winner: str | None


async def plan_next_iteration(uow: UnitOfWork, chat_id: int, number: int) -> IterationPlan:
    """The parent's name with the next version, its kind and stage, its winner as the control."""
    async with uow:
        parent = experiment_view(await load_experiment(uow, chat_id, number))
    return IterationPlan(
        parent_number=parent.number,
        parent_name=parent.name,
        name=domain.next_iteration_name(parent.name),
        kind=parent.kind,
        stage=parent.stage,
        control=parent.winner or parent.control,
        winner=parent.winner,
    )
