"""Use cases of learnings: what an experiment or a leaking stage taught, down to its root cause.

The five whys (Ohno, Toyota Production System): state what happened, then ask "why?" up to five
times; the last answer is the root cause. A learning is about a concluded experiment or about a
stage of the hourglass; a running experiment has nothing to teach yet.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime

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
from experiments.fast_init import fast_frozen_init
from experiments.services import (
    experiment_view,
    load_experiment,
    require_workspace,
)

SUMMARY_MAX_CHARS = 500
WHY_MAX_CHARS = 500
COUNTERMEASURE_MAX_CHARS = 500
OWNER_MAX_CHARS = 128
MAX_WHYS = 5
LEARN_USAGE = "/learn #3 The shorter headline did not lift signups"


class ExperimentNotConcluded(DomainError):
    template = N_(
        "Experiment #{number} is {status}, so it has nothing to teach yet. Conclude it first "
        "with /conclude #{number} won (or lost, or inconclusive), then write the learning."
    )

    def __init__(self, number: int, status: Status) -> None:
        super().__init__(number=number, status=STATUS_NAMES[status])


@fast_frozen_init
@dataclass(frozen=True, slots=True)
class LearningView:
    number: int | None  # the experiment's number; None for a stage's learning
    stage: Stage | None
    summary: str
    whys: tuple[str, ...]  # the answers to "why?", in order
    root_cause: str | None  # the last answer unless written otherwise; None without whys
    created_by: str
    created_at: datetime
    id: int = 0
    countermeasure: str | None = None  # what will be done about the root cause
    countermeasure_owner: str | None = None
    countermeasure_due: date | None = None
    countermeasure_done_at: datetime | None = None

    def countermeasure_overdue(self, today: date) -> bool:
        """A countermeasure not done by its date (the date itself still counts as in time)."""
        return (
            self.countermeasure is not None
            and self.countermeasure_done_at is None
            and self.countermeasure_due is not None
            and self.countermeasure_due < today
        )


class UnknownLearning(DomainError):
    template = N_("That learning is not in this chat any more; /learnings lists the ones here.")

    def __init__(self) -> None:
        super().__init__()


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


def clean_root_cause(text: str) -> str:
    return clean_line(
        text,
        limit=WHY_MAX_CHARS,
        empty=InvalidInput(N_("Write the root cause in a sentence.")),
        too_long=N_("That root cause is {length} characters long; keep it to {limit}."),
    )


def clean_countermeasure(text: str) -> str:
    """What will be done about the root cause: 1..500 characters."""
    return clean_line(
        text,
        limit=COUNTERMEASURE_MAX_CHARS,
        empty=InvalidInput(
            N_("Write what you will do about the root cause, e.g. “Show the price on the menu”.")
        ),
        too_long=N_("That countermeasure is {length} characters long; keep it to {limit}."),
    )


def clean_owner(text: str) -> str:
    """Who does the countermeasure: a name, 1..128 characters."""
    return clean_line(
        text,
        limit=OWNER_MAX_CHARS,
        empty=InvalidInput(N_("Write who will do it: a name, e.g. Anna.")),
        too_long=N_("That name is {length} characters long; keep it to {limit}."),
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
        experiment = await load_experiment(uow, chat_id, number)
        view = experiment_view(experiment)
    if not view.is_concluded:
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
    root_cause: str | None = None,
    countermeasure: str | None = None,
    countermeasure_owner: str | None = None,
    countermeasure_due: date | None = None,
    clock: Clock = utc_now,
) -> LearningView:
    """Stores what was learned, with the root cause and what will be done about it.

    About an experiment (which must be concluded; the stage defaults to the experiment's) or
    about a stage. An experiment may get more than one learning. The root cause is the last
    "why?" answer unless given. A countermeasure may have an owner (the author unless given)
    and a date.
    """
    clean = clean_summary(summary)
    answers = clean_whys(whys)
    cause = clean_root_cause(root_cause) if root_cause is not None else None
    measure = clean_countermeasure(countermeasure) if countermeasure is not None else None
    owner = None
    if measure is not None:
        owner = clean_owner(countermeasure_owner or author.name)
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
            experiment = await load_experiment(uow, chat_id, experiment_number)
            if not experiment.is_concluded:
                raise ExperimentNotConcluded(experiment_number, experiment.status)
            experiment_id = experiment.id
            if stage is None and experiment.stage:
                stage = Stage(experiment.stage)
        learning = Learning(
            workspace_id=workspace.id,
            experiment_id=experiment_id,
            stage=stage.value if stage else None,
            summary=clean,
            root_cause=cause or (answers[-1] if answers else None),
            countermeasure=measure,
            countermeasure_owner=owner,
            countermeasure_due=countermeasure_due if measure is not None else None,
            created_at=clock(),
            created_by_id=author.user_id,
            created_by_name=author.name,
            whys=[
                LearningWhy(position=position, answer=answer)
                for position, answer in enumerate(answers, start=1)
            ],
        )
        await uow.learnings.add(learning)
        view = learning_view(learning, experiment_number)
        await uow.commit()
        return view


async def list_learnings(uow: UnitOfWork, chat_id: int, limit: int = 20) -> list[LearningView]:
    """The workspace's learnings, newest first."""
    async with uow:
        workspace = await uow.workspaces.by_chat(chat_id)
        if workspace is None:
            return []
        rows = await uow.learnings.recent(workspace.id, limit)
        return [learning_view(learning, number) for learning, number in rows]


async def experiments_without_learning(uow: UnitOfWork, chat_id: int) -> list[ExperimentView]:
    """Concluded experiments nobody wrote a learning for, the earliest concluded first."""
    async with uow:
        workspace = await uow.workspaces.by_chat(chat_id)
        if workspace is None:
            return []
        found = await uow.learnings.concluded_without_learning(workspace.id)
        return [experiment_view(experiment) for experiment in found]


async def concluded_without_learning(uow: UnitOfWork, chat_id: int) -> list[int]:
    """Numbers of the concluded experiments still waiting for a learning, oldest first."""
    return [view.number for view in await experiments_without_learning(uow, chat_id)]


@dataclass(frozen=True)
class LearningStart:
    """What the first question of /learn needs."""

    experiment: ExperimentView | None  # None: a learning about a stage
    first: bool  # no learning is written in the chat yet


async def begin_learning(uow: UnitOfWork, chat_id: int, number: int | None) -> LearningStart:
    """Starts a learning: the experiment it is about (refused unless concluded), and whether
    it is the chat's first, read in one transaction."""
    async with uow:
        experiment = (
            None if number is None else await experiment_to_learn_from(uow, chat_id, number)
        )
        return LearningStart(experiment, await is_first_learning(uow, chat_id))


async def is_first_learning(uow: UnitOfWork, chat_id: int) -> bool:
    """No learning is written in the chat yet: the five whys explain themselves."""
    async with uow:
        workspace = await uow.workspaces.by_chat(chat_id)
        if workspace is None:
            return True
        return not await uow.learnings.recent(workspace.id, 1)


async def learnings_by_stage(
    uow: UnitOfWork, chat_id: int, limit: int = 50
) -> list[tuple[Stage | None, list[LearningView]]]:
    """The recent learnings grouped by stage, Know to Refer, then those without a stage."""
    found = await list_learnings(uow, chat_id, limit)
    order: list[Stage | None] = [*Stage, None]
    return [
        (stage, [learning for learning in found if learning.stage is stage])
        for stage in order
        if any(learning.stage is stage for learning in found)
    ]


async def overdue_countermeasures(uow: UnitOfWork, chat_id: int, today: date) -> list[LearningView]:
    """Countermeasures past their date and not done, the most overdue first."""
    async with uow:
        workspace = await uow.workspaces.by_chat(chat_id)
        if workspace is None:
            return []
        rows = await uow.learnings.countermeasures_due_before(workspace.id, today)
        return [learning_view(learning, number) for learning, number in rows]


async def countermeasure_done(
    uow: UnitOfWork, chat_id: int, learning_id: int, *, clock: Clock = utc_now
) -> LearningView:
    """Marks a learning's countermeasure as done (doing it twice keeps the first time)."""
    async with uow:
        workspace = await require_workspace(uow, chat_id)
        found = await uow.learnings.get(workspace.id, learning_id)
        if found is None or found[0].countermeasure is None:
            raise UnknownLearning()
        learning, number = found
        if learning.countermeasure_done_at is None:
            learning.countermeasure_done_at = clock()
        view = learning_view(learning, number)
        await uow.commit()
        return view


def learning_view(learning: Learning, number: int | None) -> LearningView:
    return LearningView(
        number=number,
        stage=Stage(learning.stage) if learning.stage else None,
        summary=learning.summary,
        whys=tuple(why.answer for why in learning.whys),
        root_cause=learning.root_cause,
        created_by=learning.created_by_name,
        created_at=learning.created_at,
        id=learning.id,
        countermeasure=learning.countermeasure,
        countermeasure_owner=learning.countermeasure_owner,
        countermeasure_due=learning.countermeasure_due,
        countermeasure_done_at=learning.countermeasure_done_at,
    )
