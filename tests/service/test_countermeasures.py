"""The winner of a concluded experiment, countermeasures and their follow-up, the next iteration."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from db.unit_of_work import Database
from experiments import services
from experiments.domain import InvalidInput, Outcome, Stage, UnknownWinner
from experiments.iterations import plan_next_iteration
from experiments.learnings import (
    UnknownLearning,
    countermeasure_done,
    is_first_learning,
    learnings_by_stage,
    overdue_countermeasures,
    record_learning,
)
from tests.service.conftest import ALICE, BOB, CHAT, OTHER_CHAT
from tests.support import ADMIN, FrozenClock


async def menu_board(database: Database, clock: FrozenClock, winner: str | None) -> int:
    created = await services.create_experiment(
        database.unit_of_work(),
        CHAT,
        "Menu board",
        ["plain", "discount", "bundle"],
        author=ALICE,
        stage=Stage.BUY,
        clock=clock,
    )
    await services.conclude(
        database.unit_of_work(), CHAT, created.number, winner=winner, clock=clock, actor=ADMIN
    )
    return created.number


@pytest.mark.parametrize(
    ("winner", "outcome", "stored"),
    [
        ("Discount", Outcome.WON, "discount"),  # any case, stored as the variant is named
        ("plain", Outcome.LOST, "plain"),
        (None, Outcome.INCONCLUSIVE, None),
    ],
)
async def test_the_winner_decides_the_outcome(
    database: Database,
    workspace: int,
    clock: FrozenClock,
    winner: str | None,
    outcome: Outcome,
    stored: str | None,
) -> None:
    number = await menu_board(database, clock, winner)
    summary = await services.get_experiment(database.unit_of_work(), CHAT, number)
    assert (summary.experiment.outcome, summary.experiment.winner) == (outcome, stored)


async def test_won_among_several_challengers_names_no_winner(
    database: Database, workspace: int, clock: FrozenClock
) -> None:
    created = await services.create_experiment(
        database.unit_of_work(), CHAT, "Window", ["A", "B", "C"], author=ALICE, clock=clock
    )
    view = await services.conclude(
        database.unit_of_work(), CHAT, created.number, Outcome.WON, actor=ADMIN
    )
    assert (view.outcome, view.winner) == (Outcome.WON, None)


async def test_an_unknown_winner_is_refused_and_the_experiment_stays_running(
    database: Database, workspace: int, clock: FrozenClock
) -> None:
    created = await services.create_experiment(
        database.unit_of_work(), CHAT, "Window", ["A", "B"], author=ALICE, clock=clock
    )
    with pytest.raises(UnknownWinner):
        await services.conclude(
            database.unit_of_work(), CHAT, created.number, winner="Z", actor=ADMIN
        )
    summary = await services.get_experiment(database.unit_of_work(), CHAT, created.number)
    assert summary.experiment.outcome is None and summary.experiment.winner is None


async def test_the_next_iteration_takes_the_winner_as_control_and_links_both(
    database: Database, workspace: int, clock: FrozenClock
) -> None:
    number = await menu_board(database, clock, "bundle")
    plan = await plan_next_iteration(database.unit_of_work(), CHAT, number)
    assert (plan.name, plan.stage, plan.control) == ("Menu board v2", Stage.BUY, "bundle")
    child = await services.create_experiment(
        database.unit_of_work(),
        CHAT,
        plan.name,
        [plan.control, "B"],
        author=ALICE,
        stage=plan.stage,
        parent_number=number,
        clock=clock,
    )
    parent = await services.get_experiment(database.unit_of_work(), CHAT, number)
    shown = await services.get_experiment(database.unit_of_work(), CHAT, child.number)
    assert [(c.number, c.name) for c in parent.children] == [(child.number, "Menu board v2")]
    assert shown.parent is not None and shown.parent.number == number
    again = await plan_next_iteration(database.unit_of_work(), CHAT, child.number)
    assert again.name == "Menu board v3" and again.control == "bundle"  # no winner yet


async def test_a_countermeasure_is_stored_with_owner_and_date_and_followed_up(
    database: Database, workspace: int, clock: FrozenClock
) -> None:
    number = await menu_board(database, clock, "discount")
    uow = database.unit_of_work
    assert await is_first_learning(uow(), CHAT)
    due = date(2026, 3, 5)
    saved = await record_learning(
        uow(),
        CHAT,
        experiment_number=number,
        stage=None,
        summary="The discount sold more",
        whys=["People saw the price", "The price was on the new board"],
        author=ALICE,
        root_cause="Prices were hidden before",
        countermeasure="Put prices at eye level",
        countermeasure_due=due,
        clock=clock,
    )
    assert saved.root_cause == "Prices were hidden before"
    assert (saved.countermeasure_owner, saved.countermeasure_due) == ("Alice", due)
    assert not await is_first_learning(uow(), CHAT)
    assert await overdue_countermeasures(uow(), CHAT, due) == []  # due today is in time
    [late] = await overdue_countermeasures(uow(), CHAT, due + timedelta(days=1))
    assert late.id == saved.id and late.number == number
    assert await overdue_countermeasures(uow(), OTHER_CHAT, due + timedelta(days=1)) == []
    with pytest.raises(UnknownLearning):  # another chat can't mark it done
        await countermeasure_done(uow(), OTHER_CHAT, saved.id, clock=clock)
    assert len(await overdue_countermeasures(uow(), CHAT, due + timedelta(days=1))) == 1
    done = await countermeasure_done(uow(), CHAT, saved.id, clock=clock)
    assert done.countermeasure_done_at == clock()
    assert await overdue_countermeasures(uow(), CHAT, due + timedelta(days=1)) == []


async def test_bad_countermeasures_are_refused_and_nothing_is_stored(
    database: Database, workspace: int, clock: FrozenClock
) -> None:
    number = await menu_board(database, clock, "discount")
    for field, value in [
        ("countermeasure", "   "),
        ("countermeasure", "x" * 501),
        ("root_cause", "y" * 501),
        ("countermeasure_owner", "z" * 129),
    ]:
        extra = {"countermeasure": "Do it", field: value}
        with pytest.raises(InvalidInput):
            await record_learning(
                database.unit_of_work(),
                CHAT,
                experiment_number=number,
                stage=None,
                summary="Something",
                whys=["A why"],
                author=BOB,
                clock=clock,
                **extra,  # type: ignore[arg-type]
            )
    assert await learnings_by_stage(database.unit_of_work(), CHAT) == []


async def test_learnings_group_by_stage_in_hourglass_order(
    database: Database, workspace: int, clock: FrozenClock
) -> None:
    for stage in (Stage.REFER, Stage.KNOW, Stage.REFER):
        await record_learning(
            database.unit_of_work(),
            CHAT,
            experiment_number=None,
            stage=stage,
            summary=f"About {stage.value}",
            whys=[],
            author=ALICE,
            clock=clock,
        )
    groups = await learnings_by_stage(database.unit_of_work(), CHAT)
    assert [(stage, len(found)) for stage, found in groups] == [(Stage.KNOW, 1), (Stage.REFER, 2)]
