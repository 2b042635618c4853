"""Editing, costing and deleting experiments, on a real database."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from db.models import Experiment, Learning, Observation, Variant, Workspace
from db.unit_of_work import Database
from experiments import editing, learnings, observations, services
from experiments.domain import (
    DomainError,
    EditField,
    InvalidInput,
    Outcome,
    Stage,
    UnknownExperiment,
)
from experiments.editing import Change, DesignFixed
from experiments.experiment import plan_sample_size
from experiments.workspaces import update_settings
from tests.service.conftest import ALICE, CHAT, OTHER_CHAT
from tests.support import ADMIN, FrozenClock


async def count_rows(database: Database, model: type) -> int:
    async with database.unit_of_work() as uow:
        return int(await uow.session.scalar(select(func.count()).select_from(model)) or 0)


async def new(database: Database, name: str = "Flyer") -> int:
    view = await services.create_experiment(database.unit_of_work(), CHAT, name, author=ALICE)
    return view.number


async def log(database: Database, number: int, variant: str, visitors: int, conv: int) -> None:
    await observations.log_observation(
        database.unit_of_work(), CHAT, number, variant, visitors, conv, author=ALICE
    )


async def test_words_of_an_experiment_change_any_time(database: Database, workspace: int) -> None:
    number = await new(database)
    await log(database, number, "A", 100, 5)
    uow = database.unit_of_work
    await editing.edit_experiment(
        uow(), CHAT, number, Change(EditField.NAME, name=" Card  test "), actor=ADMIN
    )
    await editing.edit_experiment(
        uow(),
        CHAT,
        number,
        Change(EditField.HYPOTHESIS, hypothesis="Cards bring friends"),
        actor=ADMIN,
    )
    await editing.edit_experiment(
        uow(), CHAT, number, Change(EditField.STAGE, stage=Stage.REFER), actor=ADMIN
    )
    await editing.edit_experiment(
        uow(), CHAT, number, Change(EditField.REVIEW, review_date=date(2026, 4, 1)), actor=ADMIN
    )
    view = (await services.get_experiment(uow(), CHAT, number)).experiment
    assert (view.name, view.hypothesis, view.stage, view.review_date) == (
        "Card test",
        "Cards bring friends",
        Stage.REFER,
        date(2026, 4, 1),
    )


async def test_variants_and_plan_change_before_the_first_result(
    database: Database, workspace: int
) -> None:
    number = await new(database)
    uow = database.unit_of_work
    before = await editing.editable_now(uow(), CHAT, number, actor=ADMIN)
    assert EditField.VARIANTS in before.fields and not before.locked
    edited = await editing.edit_experiment(
        uow(), CHAT, number, Change(EditField.VARIANTS, variants=("B", "A", "C")), actor=ADMIN
    )
    assert edited.experiment.variants == ("B", "A", "C")
    assert edited.before.variants == ("A", "B")
    planned = await editing.edit_experiment(
        uow(),
        CHAT,
        number,
        Change(EditField.PLAN, baseline_rate=0.05, min_detectable_effect=0.01),
        actor=ADMIN,
    )
    # Three variants now: two challengers, each with a third of the visitors.
    assert planned.experiment.planned_per_variant == plan_sample_size(
        0.05, 0.01, challengers=2, shares=(1 / 3, 1 / 3)
    )
    split = await editing.edit_experiment(
        uow(), CHAT, number, Change(EditField.SPLIT, split=(50.0, 25.0, 25.0)), actor=ADMIN
    )
    assert split.experiment.planned_split == (50.0, 25.0, 25.0)
    # The plan follows the split: the control has half, each challenger a quarter.
    assert split.experiment.planned_per_variant == plan_sample_size(
        0.05, 0.01, challengers=2, shares=(0.5, 0.25)
    )
    assert await count_rows(database, Variant) == 3


async def test_design_is_fixed_by_the_first_result(database: Database, workspace: int) -> None:
    number = await new(database)
    await log(database, number, "B", 100, 7)
    uow = database.unit_of_work
    state = await editing.editable_now(uow(), CHAT, number, actor=ADMIN)
    assert state.locked == (EditField.VARIANTS, EditField.SPLIT, EditField.PLAN)
    assert state.results == 1
    for change in (
        Change(EditField.VARIANTS, variants=("X", "Y")),
        Change(EditField.PLAN, baseline_rate=0.05, min_detectable_effect=0.01),
        Change(EditField.SPLIT, split=(70.0, 30.0)),
    ):
        with pytest.raises(DesignFixed, match=r"already has logged results \(1\)"):
            await editing.edit_experiment(uow(), CHAT, number, change, actor=ADMIN)
    view = (await services.get_experiment(uow(), CHAT, number)).experiment
    assert view.variants == ("A", "B") and view.planned_per_variant is None


async def test_bad_edits_change_nothing(database: Database, workspace: int) -> None:
    number = await new(database)
    uow = database.unit_of_work
    with pytest.raises(InvalidInput, match="keep it to 80"):
        await editing.edit_experiment(
            uow(), CHAT, number, Change(EditField.NAME, name="x" * 81), actor=ADMIN
        )
    with pytest.raises(DomainError, match="Variant names must differ"):
        await editing.edit_experiment(
            uow(), CHAT, number, Change(EditField.VARIANTS, variants=("A", "a")), actor=ADMIN
        )
    with pytest.raises(UnknownExperiment):
        await editing.edit_experiment(
            uow(), OTHER_CHAT, number, Change(EditField.NAME, name="x"), actor=ADMIN
        )
    view = (await services.get_experiment(uow(), CHAT, number)).experiment
    assert view.name == "Flyer" and view.variants == ("A", "B")


async def test_cost_is_set_changed_and_cleared(database: Database, workspace: int) -> None:
    number = await new(database)
    uow = database.unit_of_work
    edited = await editing.set_cost(uow(), CHAT, number, Decimal("120"), actor=ADMIN)
    assert edited.experiment.cost_spent == Decimal("120.00")
    with pytest.raises(InvalidInput, match="/cost #1 120"):
        await editing.set_cost(uow(), CHAT, number, Decimal("-1"), actor=ADMIN)
    summary = await services.get_experiment(uow(), CHAT, number)
    assert summary.experiment.cost_spent == Decimal("120.00")
    cleared = await editing.set_cost(uow(), CHAT, number, None, actor=ADMIN)
    assert cleared.experiment.cost_spent is None


async def test_delete_removes_everything_of_the_experiment_and_keeps_its_number_unused(
    database: Database, workspace: int, clock: FrozenClock
) -> None:
    first = await new(database, "Flyer")
    second = await new(database, "Card")
    await log(database, first, "A", 100, 5)
    await log(database, first, "B", 100, 9)
    await log(database, second, "A", 50, 2)
    await services.conclude(
        database.unit_of_work(), CHAT, first, Outcome.WON, clock=clock, actor=ADMIN
    )
    await learnings.record_learning(
        database.unit_of_work(),
        CHAT,
        experiment_number=first,
        stage=None,
        summary="Flyers work",
        whys=["people read them"],
        author=ALICE,
        clock=clock,
    )
    preview = await editing.preview_deletion(database.unit_of_work(), CHAT, first, actor=ADMIN)
    assert (preview.results, preview.learnings) == (2, 1)
    assert await count_rows(database, Experiment) == 2  # a preview removes nothing
    removed = await editing.delete_experiment(database.unit_of_work(), CHAT, first, actor=ADMIN)
    assert removed == preview
    assert await count_rows(database, Experiment) == 1
    assert await count_rows(database, Variant) == 2
    assert await count_rows(database, Observation) == 1
    assert await count_rows(database, Learning) == 0
    with pytest.raises(UnknownExperiment):
        await services.get_experiment(database.unit_of_work(), CHAT, first)
    # The next experiment is #3: #1 stays a gap.
    assert await new(database, "Loyalty") == 3


async def test_another_chat_cannot_delete(database: Database, workspace: int) -> None:
    number = await new(database)
    with pytest.raises(UnknownExperiment):
        await editing.delete_experiment(database.unit_of_work(), OTHER_CHAT, number, actor=ADMIN)
    assert await count_rows(database, Experiment) == 1


async def test_currency_is_a_setting_checked_against_iso_codes(
    database: Database, workspace: int
) -> None:
    view = await update_settings(database.unit_of_work(), CHAT, currency="eur", actor=ADMIN)
    assert view.currency == "EUR"
    view = await update_settings(database.unit_of_work(), CHAT, currency="₽", actor=ADMIN)
    assert view.currency == "RUB"
    with pytest.raises(InvalidInput, match="not a currency I know"):
        await update_settings(database.unit_of_work(), CHAT, currency="doubloons", actor=ADMIN)
    async with database.unit_of_work() as uow:
        codes = (await uow.session.scalars(select(Workspace.currency).order_by(Workspace.id))).all()
    # The Russian-speaking chat got roubles as its first guess.
    assert list(codes) == ["RUB", "RUB"]
