"""Recording what experiments and leaking stages taught, with five whys, on a real database."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from db.models import Learning, LearningWhy
from db.unit_of_work import Database
from experiments import services
from experiments.domain import InvalidInput, Outcome, Stage, Status, UnknownExperiment
from experiments.learnings import (
    ExperimentNotConcluded,
    concluded_without_learning,
    experiment_to_learn_from,
    experiments_without_learning,
    list_learnings,
    record_learning,
)
from tests.service.conftest import ALICE, BOB, CHAT, OTHER_CHAT
from tests.support import ADMIN, FrozenClock

WHYS = (
    "Visitors did not read past the headline",
    "The headline promised something the page did not show",
    "We wrote the headline before the offer was final",
)


async def learning_rows(database: Database) -> tuple[int, int]:
    async with database.unit_of_work() as uow:
        learnings = await uow.session.scalar(select(func.count()).select_from(Learning))
        whys = await uow.session.scalar(select(func.count()).select_from(LearningWhy))
        return int(learnings or 0), int(whys or 0)


async def concluded(
    database: Database,
    name: str,
    clock: FrozenClock,
    *,
    chat: int = CHAT,
    stage: Stage | None = None,
) -> int:
    view = await services.create_experiment(
        database.unit_of_work(), chat, name, author=ALICE, stage=stage, clock=clock
    )
    await services.conclude(
        database.unit_of_work(), chat, view.number, Outcome.LOST, clock=clock, actor=ADMIN
    )
    clock.advance(hours=1)
    return view.number


async def test_five_whys_store_the_last_answer_as_the_root_cause(
    database: Database, workspace: int, clock: FrozenClock
) -> None:
    number = await concluded(database, "Headline", clock, stage=Stage.LIKE)
    view = await record_learning(
        database.unit_of_work(),
        CHAT,
        experiment_number=number,
        stage=None,
        summary="  The shorter   headline did not lift signups ",
        whys=WHYS,
        author=BOB,
        clock=clock,
    )
    assert view.number == number
    assert view.stage is Stage.LIKE  # the experiment's stage
    assert view.summary == "The shorter headline did not lift signups"
    assert view.whys == WHYS
    assert view.root_cause == WHYS[-1]
    assert view.created_by == "Bob"
    assert view.created_at == clock.now
    assert await learning_rows(database) == (1, 3)
    stored = await list_learnings(database.unit_of_work(), CHAT)
    assert stored == [view]


async def test_a_one_line_learning_has_no_root_cause(
    database: Database, workspace: int, clock: FrozenClock
) -> None:
    number = await concluded(database, "Pricing", clock)
    view = await record_learning(
        database.unit_of_work(),
        CHAT,
        experiment_number=number,
        stage=None,
        summary="Students don't pay monthly",
        whys=(),
        author=ALICE,
    )
    assert view.whys == ()
    assert view.root_cause is None
    assert view.stage is None


async def test_a_leaking_stage_gets_a_learning_of_its_own(
    database: Database, workspace: int, clock: FrozenClock
) -> None:
    view = await record_learning(
        database.unit_of_work(),
        CHAT,
        experiment_number=None,
        stage=Stage.TRUST,
        summary="Only a third of those who like us trust us",
        whys=("No proof on the site", "We never asked for reviews"),
        author=ALICE,
        clock=clock,
    )
    assert view.number is None
    assert view.stage is Stage.TRUST
    assert view.root_cause == "We never asked for reviews"


@pytest.mark.parametrize("action", ["none", "pause"])
async def test_a_running_or_paused_experiment_has_nothing_to_teach_yet(
    database: Database, workspace: int, clock: FrozenClock, action: str
) -> None:
    view = await services.create_experiment(database.unit_of_work(), CHAT, "Live", author=ALICE)
    if action == "pause":
        await services.change_status(database.unit_of_work(), CHAT, view.number, Status.PAUSED)
    with pytest.raises(ExperimentNotConcluded) as raised:
        await record_learning(
            database.unit_of_work(),
            CHAT,
            experiment_number=view.number,
            stage=None,
            summary="Too early",
            whys=(),
            author=ALICE,
        )
    status = "running" if action == "none" else "paused"
    assert raised.value.message().startswith(f"Experiment #1 is {status}, so it has nothing")
    assert "/conclude #1 won" in raised.value.message()
    with pytest.raises(ExperimentNotConcluded):
        await experiment_to_learn_from(database.unit_of_work(), CHAT, view.number)
    assert await learning_rows(database) == (0, 0)


async def test_another_chats_experiment_is_answered_like_a_missing_one(
    database: Database, workspace: int, clock: FrozenClock
) -> None:
    theirs = await concluded(database, "Private", clock, chat=OTHER_CHAT)
    messages = []
    for number in (theirs, 99):
        with pytest.raises(UnknownExperiment) as raised:
            await record_learning(
                database.unit_of_work(),
                CHAT,
                experiment_number=number,
                stage=None,
                summary="Not mine",
                whys=(),
                author=ALICE,
            )
        messages.append(raised.value.message().replace(f"#{number}", "#N"))
        with pytest.raises(UnknownExperiment):
            await experiment_to_learn_from(database.unit_of_work(), CHAT, number)
    assert messages[0] == messages[1]
    assert await learning_rows(database) == (0, 0)


@pytest.mark.parametrize(
    ("summary", "whys", "words"),
    [
        ("   ", (), "Write what happened in one sentence"),
        ("x" * 501, (), "That is 501 characters long; say what happened in at most 500."),
        ("Fine", ("a", "b", "c", "d", "e", "f"), "Five whys are enough"),
        ("Fine", ("a", " "), "Answer the “why?” in a sentence."),
        ("Fine", ("y" * 501,), "That answer is 501 characters long"),
    ],
)
async def test_bad_learnings_are_refused_and_nothing_is_stored(
    database: Database,
    workspace: int,
    clock: FrozenClock,
    summary: str,
    whys: tuple[str, ...],
    words: str,
) -> None:
    number = await concluded(database, "Headline", clock)
    with pytest.raises(InvalidInput) as raised:
        await record_learning(
            database.unit_of_work(),
            CHAT,
            experiment_number=number,
            stage=None,
            summary=summary,
            whys=whys,
            author=ALICE,
        )
    assert words in raised.value.message()
    assert await learning_rows(database) == (0, 0)


async def test_five_whys_of_500_characters_are_fine(
    database: Database, workspace: int, clock: FrozenClock
) -> None:
    number = await concluded(database, "Headline", clock)
    view = await record_learning(
        database.unit_of_work(),
        CHAT,
        experiment_number=number,
        stage=None,
        summary="s" * 500,
        whys=tuple(str(i) * 500 for i in range(5)),
        author=ALICE,
    )
    assert view.root_cause == "4" * 500
    assert await learning_rows(database) == (1, 5)


async def test_a_learning_is_about_an_experiment_or_a_stage(
    database: Database, workspace: int
) -> None:
    with pytest.raises(InvalidInput, match="Say what the learning is about"):
        await record_learning(
            database.unit_of_work(),
            CHAT,
            experiment_number=None,
            stage=None,
            summary="Something",
            whys=(),
            author=ALICE,
        )


async def test_concluded_experiments_wait_for_their_learning_oldest_first(
    database: Database, workspace: int, clock: FrozenClock
) -> None:
    first = await concluded(database, "First", clock)
    await services.create_experiment(database.unit_of_work(), CHAT, "Still running", author=ALICE)
    second = await concluded(database, "Second", clock)
    # Concluded out of number order: #5 before #4.
    late = await services.create_experiment(database.unit_of_work(), CHAT, "Late", author=ALICE)
    early = await concluded(database, "Early", clock)
    await services.conclude(
        database.unit_of_work(), CHAT, late.number, Outcome.WON, clock=clock, actor=ADMIN
    )
    await concluded(database, "Elsewhere", clock, chat=OTHER_CHAT)
    assert await concluded_without_learning(database.unit_of_work(), CHAT) == [
        first,
        second,
        early,
        late.number,
    ]
    await record_learning(
        database.unit_of_work(),
        CHAT,
        experiment_number=second,
        stage=None,
        summary="Learned",
        whys=(),
        author=ALICE,
    )
    waiting = await experiments_without_learning(database.unit_of_work(), CHAT)
    assert [(e.number, e.name) for e in waiting] == [(1, "First"), (5, "Early"), (4, "Late")]


async def test_learnings_are_listed_newest_first_per_chat(
    database: Database, workspace: int, clock: FrozenClock
) -> None:
    for index in range(4):
        await record_learning(
            database.unit_of_work(),
            CHAT,
            experiment_number=None,
            stage=Stage.BUY,
            summary=f"Learning {index}",
            whys=(),
            author=ALICE,
            clock=clock,
        )
        clock.advance(minutes=5)
    await record_learning(
        database.unit_of_work(),
        OTHER_CHAT,
        experiment_number=None,
        stage=Stage.BUY,
        summary="Someone else's",
        whys=(),
        author=BOB,
        clock=clock,
    )
    listed = await list_learnings(database.unit_of_work(), CHAT, limit=3)
    assert [v.summary for v in listed] == ["Learning 3", "Learning 2", "Learning 1"]
    assert await list_learnings(database.unit_of_work(), 999_999) == []
    assert await concluded_without_learning(database.unit_of_work(), 999_999) == []
