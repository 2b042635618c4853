"""The backlog: drafts ordered by ICE score, the constraint first among equals; starting one."""

from __future__ import annotations

import pytest

from db.unit_of_work import Database
from experiments import services
from experiments.backlog import backlog, backlog_order, start_draft, suggestion
from experiments.domain import Ice, InvalidInput, InvalidStatusChange, Stage, Status
from experiments.editing import set_ice
from experiments.funnel import log_funnel
from tests.service.conftest import ALICE, CHAT, OTHER_CHAT
from tests.support import ADMIN, FrozenClock

# like 50 %, trust 60 %, try 67 %, buy 70 %, repeat 14 %, refer 50 %: Repeat is the constraint.
REPEAT_LEAKS = (5000, 2500, 1500, 1000, 700, 100, 50)


async def draft(
    database: Database,
    clock: FrozenClock,
    name: str,
    stage: Stage,
    ice: Ice | None,
    status: Status = Status.DRAFT,
) -> int:
    view = await services.create_experiment(
        database.unit_of_work(), CHAT, name, author=ALICE, stage=stage, status=status, clock=clock
    )
    if ice is not None:
        await set_ice(database.unit_of_work(), CHAT, view.number, ice, actor=ADMIN)
    return view.number


async def numbers(database: Database) -> list[int]:
    found = await backlog(database.unit_of_work(), CHAT)
    return [item.experiment.number for item in found.items]


@pytest.fixture
async def drafts(database: Database, workspace: int, clock: FrozenClock) -> None:
    await draft(database, clock, "Welcome note", Stage.LIKE, Ice(5, 5, 5))  # #1: 125
    await draft(database, clock, "Founder's photo", Stage.LIKE, Ice(7, 6, 8))  # #2: 336
    await draft(database, clock, "Loyalty card", Stage.REPEAT, Ice(8, 6, 7))  # #3: 336
    await draft(database, clock, "Receipt coupon", Stage.REPEAT, Ice(4, 4, 4))  # #4: 64
    await draft(database, clock, "Unscored", Stage.REPEAT, None)  # #5: last
    await draft(database, clock, "Running", Stage.REPEAT, Ice(9, 9, 9), Status.RUNNING)  # #6
    await draft(database, clock, "Chalkboard", Stage.KNOW, Ice(10, 9, 9))  # #7: 810


async def test_the_backlog_is_its_drafts_by_ice_score_the_older_first_among_equals(
    database: Database, drafts: None
) -> None:
    found = await backlog(database.unit_of_work(), CHAT)
    assert found.constraint is None  # no funnel yet
    assert [item.experiment.number for item in found.items] == [7, 2, 3, 1, 4, 5]
    assert [item.experiment.ice_score for item in found.items] == [810, 336, 336, 125, 64, None]
    assert not any(item.at_constraint for item in found.items)
    assert await backlog(database.unit_of_work(), OTHER_CHAT) == type(found)((), None)


async def test_the_constraint_s_draft_goes_first_among_equal_scores(
    database: Database, drafts: None
) -> None:
    await log_funnel(database.unit_of_work(), CHAT, REPEAT_LEAKS, author=ALICE)
    found = await backlog(database.unit_of_work(), CHAT)
    assert found.constraint is Stage.REPEAT
    # 336 twice: Loyalty card (#3, at Repeat) before the older Founder's photo (#2, at Like);
    # a higher score still wins over the constraint (#7 at Know, 810).
    assert [item.experiment.number for item in found.items] == [7, 3, 2, 1, 4, 5]
    assert [item.at_constraint for item in found.items] == [
        False,
        True,
        False,
        False,
        True,
        True,
    ]


async def test_the_suggestion_is_the_best_draft_at_the_constraint(
    database: Database, drafts: None
) -> None:
    await log_funnel(database.unit_of_work(), CHAT, REPEAT_LEAKS, author=ALICE)
    found = await backlog(database.unit_of_work(), CHAT)
    best = suggestion(found.items)
    assert best is not None and best.experiment.number == 3
    # Nothing at the constraint: the top of the backlog.
    at_know = backlog_order([found.items[0].experiment], Stage.REPEAT)
    top = suggestion(at_know)
    assert top is not None and top.experiment.number == 7
    assert suggestion([]) is None


async def test_starting_a_draft_makes_it_running_and_takes_it_off_the_backlog(
    database: Database, drafts: None, clock: FrozenClock
) -> None:
    started = await start_draft(database.unit_of_work(), CHAT, 3, clock=clock)
    assert started.experiment.status is Status.RUNNING
    assert started.experiment.started_at == clock()
    assert await numbers(database) == [7, 2, 1, 4, 5]
    # The lifecycle rule of the experiment: a running one can't be started again.
    with pytest.raises(InvalidStatusChange):
        await start_draft(database.unit_of_work(), CHAT, 3, clock=clock)
    with pytest.raises(InvalidStatusChange):
        await start_draft(database.unit_of_work(), CHAT, 6, clock=clock)
    assert await numbers(database) == [7, 2, 1, 4, 5]


@pytest.mark.parametrize("ice", [Ice(0, 6, 8), Ice(7, 11, 8), Ice(7, 6, -1)])
async def test_an_ice_score_out_of_range_is_refused_and_nothing_changes(
    database: Database, drafts: None, ice: Ice
) -> None:
    with pytest.raises(InvalidInput, match="from 1 to 10"):
        await set_ice(database.unit_of_work(), CHAT, 2, ice, actor=ADMIN)
    summary = await services.get_experiment(database.unit_of_work(), CHAT, 2)
    assert summary.experiment.ice == Ice(7, 6, 8)


async def test_the_ice_score_is_the_product_and_can_change_later(
    database: Database, drafts: None
) -> None:
    edited = await set_ice(database.unit_of_work(), CHAT, 1, Ice(2, 3, 4), actor=ADMIN)
    assert edited.before.ice == Ice(5, 5, 5) and edited.before.ice_score == 125
    assert edited.experiment.ice == Ice(2, 3, 4) and edited.experiment.ice_score == 24
    assert await numbers(database) == [7, 2, 3, 4, 1, 5]
