"""Experiments with the verdict their readout gives, for /list and /show.

The verdict comes from ``services.readout`` itself (the daily looks included), so /list, /show,
/readout and the digest never disagree; nothing here decides anything.
"""

from __future__ import annotations

from dataclasses import dataclass

from db.unit_of_work import UnitOfWork
from experiments import services
from experiments.clock import Clock, utc_now
from experiments.domain import Status
from experiments.services import ExperimentSummary
from experiments.stats.verdict import Verdict


@dataclass(frozen=True)
class ExperimentOverview:
    summary: ExperimentSummary
    # The readout's verdict while the experiment takes results and has some; None for a draft
    # or an experiment without data (nothing to judge yet) and for a concluded one (decided).
    verdict: Verdict | None


def has_verdict(summary: ExperimentSummary) -> bool:
    return summary.experiment.is_under_way and summary.visitors > 0


async def overview(
    uow: UnitOfWork, chat_id: int, number: int, *, clock: Clock = utc_now
) -> ExperimentOverview:
    """The experiment as its card shows it, read in one transaction."""
    async with uow:
        summary = await services.get_experiment(uow, chat_id, number)
        return await _with_verdict(uow, chat_id, summary, clock)


async def change_status(
    uow: UnitOfWork, chat_id: int, number: int, status: Status, *, clock: Clock = utc_now
) -> ExperimentOverview:
    """Starts, pauses or resumes the experiment (``services.change_status``) and returns its
    card's overview, in one transaction."""
    async with uow:
        await services.change_status(uow, chat_id, number, status, clock=clock)
        found = await overview(uow, chat_id, number, clock=clock)
        await uow.commit()
    return found


async def overviews(
    uow: UnitOfWork, chat_id: int, *, clock: Clock = utc_now
) -> list[ExperimentOverview]:
    """Every experiment of the chat in /list's order, each with its readout's verdict."""
    summaries = await services.list_experiments(uow, chat_id)
    return [await _with_verdict(uow, chat_id, summary, clock) for summary in summaries]


async def _with_verdict(
    uow: UnitOfWork, chat_id: int, summary: ExperimentSummary, clock: Clock
) -> ExperimentOverview:
    if not has_verdict(summary):
        return ExperimentOverview(summary, None)
    result = await services.readout(uow, chat_id, summary.experiment.number, clock=clock)
    return ExperimentOverview(summary, result.readout.verdict)
