"""Use cases of learnings: what an experiment or a leaking stage taught, down to its root cause.

The five whys (Ohno, Toyota Production System): state what happened, then ask "why?" up to five
times; the last answer is the root cause. A learning is about a concluded experiment or about a
stage of the hourglass; a running experiment has nothing to teach yet.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from db.learning_repository import LearningRepository
from db.models import Learning, LearningWhy
from db.unit_of_work import UnitOfWork
from experiments.clock import Clock, utc_now
from experiments.domain import (
    N_,
    STATUS_NAMES,
    Author,
    DomainError,
    ExperimentView,
    InvalidInput,
    Stage,
    Status,
    clean_line,
)
from experiments.services import experiment_view, find_experiment, require_workspace

SUMMARY_MAX_CHARS = 500
WHY_MAX_CHARS = 500
MAX_WHYS = 5
LEARN_USAGE = "/learn #3 The shorter headline did not lift signups"


class ExperimentNotConcluded(DomainError):
    template = N_(
        "Experiment #{number} is {status}, so it has nothing to teach yet. Conclude it first "
        "with /conclude #{number} won (or lost, or inconclusive), then write the learning."
    )

    def __init__(self, number: int, status: Status) -> None:
        super().__init__(number=number, status=STATUS_NAMES[status])


@dataclass(frozen=True)
class LearningView:
    number: int | None  # the experiment's number; None for a stage's learning
    stage: Stage | None
    summary: str
    whys: tuple[str, ...]  # the answers to "why?", in order
    root_cause: str | None  # the last answer; None without whys
    created_by: str
    created_at: datetime


# ---------------------------------------------------------------- rules


def clean_summary(text: str) -> str:
    """What happened, in one sentence: 1..500 characters."""
    return clean_line(
        text,
        limit=SUMMARY_MAX_CHARS,
        empty=InvalidInput(
            N_("Write what happened in one sentence, e.g. {usage}"), usage=LEARN_USAGE
        ),
        too_long=N_("That is {length} characters long; say what happened in at most {limit}."),
    )


def clean_why(text: str) -> str:
    """One answer to "why?": 1..500 characters."""
    return clean_line(
        text,
        limit=WHY_MAX_CHARS,
        empty=InvalidInput(N_("Answer the “why?” in a sentence.")),
        too_long=N_("That answer is {length} characters long; keep each “why?” to {limit}."),
    )


def clean_whys(whys: Sequence[str]) -> tuple[str, ...]:
    if len(whys) > MAX_WHYS:
        raise InvalidInput(
            N_("Five whys are enough to reach a root cause; you gave {count}."), count=len(whys)
        )
    return tuple(clean_why(why) for why in whys)


# ---------------------------------------------------------------- use cases


async def experiment_to_learn_from(uow: UnitOfWork, chat_id: int, number: int) -> ExperimentView:
    """The experiment a learning will be about; refused unless it is concluded."""
    async with uow:
        experiment = await find_experiment(uow, chat_id, number)
        view = experiment_view(experiment)
    if view.status is not Status.CONCLUDED:
        raise ExperimentNotConcluded(number, view.status)
    return view


async def record_learning(
    uow: UnitOfWork,
    chat_id: int,
    *,
    experiment_number: int | None,
    stage: Stage | None,
    summary: str,
    whys: Sequence[str],
    author: Author,
    clock: Clock = utc_now,
) -> LearningView:
    """Stores what was learned; the root cause is the last "why?" answer.

    About an experiment (which must be concluded; the stage defaults to the experiment's) or
    about a stage. An experiment may get more than one learning.
    """
    clean = clean_summary(summary)
    answers = clean_whys(whys)
    if experiment_number is None and stage is None:
        raise InvalidInput(
            N_(
                "Say what the learning is about: an experiment (/learn #3) "
                "or a leaking stage (/learn stage trust)."
            )
        )
    async with uow:
        workspace = await require_workspace(uow, chat_id)
        experiment_id = None
        if experiment_number is not None:
            experiment = await find_experiment(uow, chat_id, experiment_number)
            if experiment.status != Status.CONCLUDED:
                raise ExperimentNotConcluded(experiment_number, Status(experiment.status))
            experiment_id = experiment.id
            if stage is None and experiment.stage:
                stage = Stage(experiment.stage)
        learning = Learning(
            workspace_id=workspace.id,
            experiment_id=experiment_id,
            stage=stage.value if stage else None,
            summary=clean,
            root_cause=answers[-1] if answers else None,
            created_at=clock(),
            created_by_id=author.user_id,
            created_by_name=author.name,
            whys=[
                LearningWhy(position=position, answer=answer)
                for position, answer in enumerate(answers, start=1)
            ],
        )
        await LearningRepository(uow.session).add(learning)
        view = _learning_view(learning, experiment_number)
        await uow.commit()
        return view


async def list_learnings(uow: UnitOfWork, chat_id: int, limit: int = 20) -> list[LearningView]:
    """The workspace's learnings, newest first."""
    async with uow:
        workspace = await uow.workspaces.by_chat(chat_id)
        if workspace is None:
            return []
        rows = await LearningRepository(uow.session).recent(workspace.id, limit)
        return [_learning_view(learning, number) for learning, number in rows]


async def experiments_without_learning(uow: UnitOfWork, chat_id: int) -> list[ExperimentView]:
    """Concluded experiments nobody wrote a learning for, the earliest concluded first."""
    async with uow:
        workspace = await uow.workspaces.by_chat(chat_id)
        if workspace is None:
            return []
        found = await LearningRepository(uow.session).concluded_without_learning(workspace.id)
        return [experiment_view(experiment) for experiment in found]


async def concluded_without_learning(uow: UnitOfWork, chat_id: int) -> list[int]:
    """Numbers of the concluded experiments still waiting for a learning, oldest first."""
    return [view.number for view in await experiments_without_learning(uow, chat_id)]


def _learning_view(learning: Learning, number: int | None) -> LearningView:
    return LearningView(
        number=number,
        stage=Stage(learning.stage) if learning.stage else None,
        summary=learning.summary,
        whys=tuple(why.answer for why in learning.whys),
        root_cause=learning.root_cause,
        created_by=learning.created_by_name,
        created_at=learning.created_at,
    )
