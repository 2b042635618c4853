"""Creating experiments, changing their status and concluding them, on a real database."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from db.models import Experiment, Observation, Variant
from db.unit_of_work import Database
from experiments import observations, services
from experiments.domain import (
    DuplicateVariant,
    ExperimentConcluded,
    InvalidInput,
    InvalidStatusChange,
    Kind,
    Outcome,
    Stage,
    Status,
    UnknownExperiment,
)
from tests.service.conftest import ALICE, CHAT, OTHER_CHAT
from tests.support import ADMIN, FrozenClock


async def count_rows(database: Database, model: type) -> int:
    async with database.unit_of_work() as uow:
        return int(await uow.session.scalar(select(func.count()).select_from(model)) or 0)


async def test_experiments_are_numbered_per_workspace(database: Database, workspace: int) -> None:
    first = await services.create_experiment(
        database.unit_of_work(), CHAT, "Headline", author=ALICE
    )
    second = await services.create_experiment(database.unit_of_work(), CHAT, "Price", author=ALICE)
    elsewhere = await services.create_experiment(
        database.unit_of_work(), OTHER_CHAT, "Other", author=ALICE
    )
    assert (first.number, second.number, elsewhere.number) == (1, 2, 1)


async def test_new_experiment_has_control_a_and_b_by_default(
    database: Database, workspace: int, clock: FrozenClock
) -> None:
    view = await services.create_experiment(
        database.unit_of_work(), CHAT, "  Landing   page ", author=ALICE, clock=clock
    )
    assert view.name == "Landing page"
    assert view.variants == ("A", "B")
    assert view.control == "A"
    assert view.status is Status.RUNNING
    assert view.started_at == clock.now
    assert view.created_by == "Alice"


async def test_new_experiment_keeps_named_variants_in_order(
    database: Database, workspace: int
) -> None:
    view = await services.create_experiment(
        database.unit_of_work(),
        CHAT,
        "Pricing",
        ["control", "cheaper", "annual"],
        author=ALICE,
        kind=Kind.MVP_CAMPAIGN,
        stage=Stage.BUY,
        hypothesis="We believe a cheaper plan for students will lift signups, measured by paid.",
    )
    assert view.variants == ("control", "cheaper", "annual")
    assert view.kind is Kind.MVP_CAMPAIGN
    assert view.stage is Stage.BUY
    summary = await services.get_experiment(database.unit_of_work(), CHAT, view.number)
    assert [t.position for t in summary.totals] == [0, 1, 2]


@pytest.mark.parametrize(
    ("name", "variants", "error"),
    [
        ("", None, InvalidInput),
        ("   ", None, InvalidInput),
        ("x" * 81, None, InvalidInput),
        ("Fine", ["A"], InvalidInput),
        ("Fine", [f"v{i}" for i in range(11)], InvalidInput),
        ("Fine", ["A", "a"], DuplicateVariant),
        ("Fine", ["A", ""], InvalidInput),
        ("Fine", ["A", "new/price"], InvalidInput),
        ("Fine", ["A", "x" * 25], InvalidInput),
    ],
)
async def test_create_rejects_bad_names_and_changes_nothing(
    database: Database, workspace: int, name: str, variants: list[str] | None, error: type
) -> None:
    with pytest.raises(error) as caught:
        await services.create_experiment(
            database.unit_of_work(), CHAT, name, variants, author=ALICE
        )
    assert caught.value.message()  # a sentence for the user
    assert await count_rows(database, Experiment) == 0
    assert await count_rows(database, Variant) == 0


async def test_name_of_exactly_80_and_hypothesis_of_500_are_accepted(
    database: Database, workspace: int
) -> None:
    view = await services.create_experiment(
        database.unit_of_work(), CHAT, "n" * 80, author=ALICE, hypothesis="h" * 500
    )
    assert len(view.name) == 80
    assert view.hypothesis is not None and len(view.hypothesis) == 500


async def test_hypothesis_over_500_characters_is_rejected(
    database: Database, workspace: int
) -> None:
    with pytest.raises(InvalidInput, match="501 characters"):
        await services.create_experiment(
            database.unit_of_work(), CHAT, "Fine", author=ALICE, hypothesis="h" * 501
        )
    assert await count_rows(database, Experiment) == 0


async def test_ten_variants_are_allowed(database: Database, workspace: int) -> None:
    names = [f"v{i}" for i in range(10)]
    view = await services.create_experiment(
        database.unit_of_work(), CHAT, "Many", names, author=ALICE
    )
    assert view.variants == tuple(names)


async def test_unknown_experiment_and_another_chats_experiment_read_the_same(
    database: Database, workspace: int
) -> None:
    await services.create_experiment(database.unit_of_work(), OTHER_CHAT, "Theirs", author=ALICE)
    await services.create_experiment(database.unit_of_work(), OTHER_CHAT, "Theirs 2", author=ALICE)
    with pytest.raises(UnknownExperiment) as theirs:
        await services.get_experiment(database.unit_of_work(), CHAT, 2)
    with pytest.raises(UnknownExperiment) as missing:
        await services.get_experiment(database.unit_of_work(), CHAT, 3)
    assert theirs.value.template == missing.value.template
    assert str(theirs.value) == "There is no experiment #2 here. /list shows your experiments."


async def test_pause_resume_and_conclude(
    database: Database, workspace: int, clock: FrozenClock
) -> None:
    view = await services.create_experiment(database.unit_of_work(), CHAT, "Flow", author=ALICE)
    paused = await services.change_status(database.unit_of_work(), CHAT, view.number, Status.PAUSED)
    assert paused.status is Status.PAUSED
    with pytest.raises(InvalidStatusChange):
        await services.change_status(database.unit_of_work(), CHAT, view.number, Status.PAUSED)
    resumed = await services.change_status(
        database.unit_of_work(), CHAT, view.number, Status.RUNNING
    )
    assert resumed.status is Status.RUNNING
    clock.advance(days=3)
    done = await services.conclude(
        database.unit_of_work(), CHAT, view.number, Outcome.WON, clock=clock, actor=ADMIN
    )
    assert (done.status, done.outcome, done.concluded_at) == (
        Status.CONCLUDED,
        Outcome.WON,
        clock.now,
    )
    with pytest.raises(InvalidStatusChange):
        await services.conclude(
            database.unit_of_work(), CHAT, view.number, Outcome.LOST, actor=ADMIN
        )
    with pytest.raises(InvalidStatusChange):
        await services.change_status(database.unit_of_work(), CHAT, view.number, Status.RUNNING)


async def test_draft_starts_running_with_its_first_result(
    database: Database, workspace: int, clock: FrozenClock
) -> None:
    view = await services.create_experiment(
        database.unit_of_work(), CHAT, "Later", author=ALICE, status=Status.DRAFT, clock=clock
    )
    assert view.status is Status.DRAFT and view.started_at is None
    clock.advance(hours=5)
    logged = await observations.log_observation(
        database.unit_of_work(), CHAT, view.number, "A", 10, 1, author=ALICE, clock=clock
    )
    assert logged.status_changed
    assert logged.experiment.status is Status.RUNNING
    assert logged.experiment.started_at == clock.now


async def test_concluded_experiment_takes_no_more_results(
    database: Database, workspace: int
) -> None:
    view = await services.create_experiment(database.unit_of_work(), CHAT, "Done", author=ALICE)
    await observations.log_observation(database.unit_of_work(), CHAT, 1, "A", 10, 1, author=ALICE)
    await services.conclude(
        database.unit_of_work(), CHAT, view.number, Outcome.INCONCLUSIVE, actor=ADMIN
    )
    with pytest.raises(ExperimentConcluded) as caught:
        await observations.log_observation(
            database.unit_of_work(), CHAT, 1, "B", 10, 1, author=ALICE
        )
    assert "#1 is concluded" in str(caught.value)
    with pytest.raises(ExperimentConcluded):
        await observations.undo_last_observation(database.unit_of_work(), CHAT, 1, actor=ADMIN)
    assert await count_rows(database, Observation) == 1


async def test_list_shows_running_first_then_paused_then_concluded(
    database: Database, workspace: int
) -> None:
    for name in ("one", "two", "three", "four"):
        await services.create_experiment(database.unit_of_work(), CHAT, name, author=ALICE)
    await services.conclude(database.unit_of_work(), CHAT, 1, Outcome.LOST, actor=ADMIN)
    await services.change_status(database.unit_of_work(), CHAT, 2, Status.PAUSED)
    listed = await services.list_experiments(database.unit_of_work(), CHAT)
    assert [s.experiment.number for s in listed] == [4, 3, 2, 1]
    assert await services.list_experiments(database.unit_of_work(), 123456) == []


async def test_update_plan_fills_in_fields(database: Database, workspace: int) -> None:
    await services.create_experiment(database.unit_of_work(), CHAT, "Plan", author=ALICE)
    view = await services.update_plan(
        database.unit_of_work(),
        CHAT,
        1,
        planned_per_variant=8000,
        baseline_rate=0.05,
        min_detectable_effect=0.01,
        stage=Stage.TRY,
    )
    assert (view.planned_per_variant, view.baseline_rate, view.stage) == (8000, 0.05, Stage.TRY)
