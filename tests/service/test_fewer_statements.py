"""Fewer statements per update: what is read once is the same as what a fresh query reads.

A workspace read again in the same transaction comes from that transaction; an experiment and
its variants come in one joined statement. Each fast path is compared with the slow one.
"""

from __future__ import annotations

from dataclasses import asdict
from datetime import UTC, date, datetime
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from db.models import Experiment, Workspace
from db.unit_of_work import Database, UnitOfWork
from experiments import experiment as entity
from experiments import observations, services
from experiments.domain import Status
from experiments.experiment import UNSAVED, ExperimentVariant
from experiments.workspaces import update_settings
from tests.service.conftest import ALICE, CHAT, OTHER_CHAT
from tests.support import ADMIN, counted


async def test_a_workspace_read_twice_in_a_transaction_is_asked_once(
    database: Database, workspace: int
) -> None:
    async with database.unit_of_work() as uow:
        first = await uow.workspaces.by_chat(CHAT)
        with counted(database) as statements:
            again = await uow.workspaces.by_chat(CHAT)
        assert statements == []
        fresh = await uow.session.scalar(select(Workspace).where(Workspace.chat_id == CHAT))
        assert first is again is fresh
        assert await uow.workspaces.by_chat(-1) is None


async def test_after_the_session_lets_go_of_it_the_workspace_is_read_again(
    database: Database, workspace: int
) -> None:
    made = await services.create_experiment(database.unit_of_work(), CHAT, "Gone", author=ALICE)
    async with database.unit_of_work() as uow:
        first = await uow.workspaces.by_chat(CHAT)
        experiment = await uow.experiments.get(first.id, made.number) if first else None
        assert experiment is not None
        await uow.experiments.remove(experiment.id)  # lets go of every object it held
        with counted(database) as statements:
            again = await uow.workspaces.by_chat(CHAT)
        assert len(statements) == 1
        assert again is not None and again in uow.session and again.chat_id == CHAT


async def test_an_experiment_comes_with_its_variants_in_one_statement_as_the_slow_path_reads(
    database: Database, workspace: int
) -> None:
    made = await services.create_experiment(
        database.unit_of_work(), CHAT, "Pricing", ["Control", "Cheaper", "Dearer"], author=ALICE
    )
    async with database.unit_of_work() as uow:
        team = await uow.workspaces.by_chat(CHAT)
        assert team is not None
        team_id = team.id
        with counted(database) as statements:
            fast = await uow.experiments.get(team_id, made.number)
        assert len(statements) == 1
        assert fast is not None
        fast_variants = [(v.id, v.position, v.name) for v in fast.variants]
        fast_row = (fast.id, fast.name, fast.status)
        assert await uow.experiments.get(team_id, 999) is None
    async with database.unit_of_work() as uow:
        slow = await uow.session.scalar(
            select(Experiment)
            .options(selectinload(Experiment.variants))
            .where(Experiment.workspace_id == team_id, Experiment.number == made.number)
        )
        assert slow is not None
        assert fast_variants == [(v.id, v.position, v.name) for v in slow.variants]
        assert fast_row == (slow.id, slow.name, slow.status)
    assert [name for _, _, name in fast_variants] == ["Control", "Cheaper", "Dearer"]


async def test_the_chats_experiment_comes_with_its_time_zone_in_one_statement(
    database: Database, workspace: int
) -> None:
    made = await services.create_experiment(
        database.unit_of_work(), CHAT, "Pricing", ["Control", "Cheaper"], author=ALICE
    )
    await update_settings(database.unit_of_work(), CHAT, timezone="Europe/Berlin", actor=ADMIN)
    async with database.unit_of_work() as uow:
        with counted(database) as statements:
            fast = await uow.experiments.load_in_chat(CHAT, made.number)
            zone = await uow.workspaces.timezone_of(CHAT)
        assert len(statements) == 1
        team = await uow.workspaces.by_chat(CHAT)
        assert team is not None and zone == team.timezone == "Europe/Berlin"
        slow = await uow.experiments.load(team.id, made.number)
        assert fast is not None and slow is not None
        assert asdict(fast) == asdict(slow)
        assert [v.name for v in fast.variants] == ["Control", "Cheaper"]
        # Another chat's number, and a chat without a workspace, find nothing.
        assert await uow.experiments.load_in_chat(OTHER_CHAT, made.number) is None
        assert await uow.experiments.load_in_chat(-1, made.number) is None


async def test_every_field_of_an_experiment_loads_as_the_slow_path_reads_it(
    database: Database, workspace: int
) -> None:
    made = await services.create_experiment(
        database.unit_of_work(), CHAT, "Full", ["A", "B", "C"], author=ALICE
    )
    async with database.unit_of_work() as uow:
        experiment = await _loaded(uow, made.number)
        experiment.hypothesis = "Cheaper wins"
        experiment.stage = "mvp"
        experiment.planned_per_variant = 1200
        experiment.baseline_rate = 0.042
        experiment.min_detectable_effect = 0.2
        experiment.planned_split = "50/25/25"
        experiment.target_rate = 0.05
        experiment.review_date = date(2026, 4, 1)
        experiment.ice_impact, experiment.ice_confidence, experiment.ice_ease = 8, 6, 9
        experiment.cost_spent = Decimal("1234.50")
        experiment.change_status(Status.PAUSED, datetime(2026, 3, 3, 10, 0, tzinfo=UTC))
        await uow.experiments.save(experiment)
        await uow.commit()
    async with database.unit_of_work() as uow:
        team = await uow.workspaces.by_chat(CHAT)
        assert team is not None
        fast = await uow.experiments.load_in_chat(CHAT, made.number)
        slow = await uow.experiments.load(team.id, made.number)
        assert fast is not None and slow is not None
        assert asdict(fast) == asdict(slow)
        assert fast.cost_spent == Decimal("1234.50") and fast.status is Status.PAUSED
        assert fast.review_date == date(2026, 4, 1) and fast.hypothesis == "Cheaper wins"


async def test_an_experiment_saved_unchanged_writes_nothing(
    database: Database, workspace: int
) -> None:
    made = await services.create_experiment(database.unit_of_work(), CHAT, "Same", author=ALICE)
    async with database.unit_of_work() as uow:
        experiment = await _loaded(uow, made.number)
        with counted(database) as statements:
            await uow.experiments.save(experiment)
            await uow.session.flush()
        assert statements == []


async def test_saving_what_was_loaded_reaches_an_object_the_session_already_holds(
    database: Database, workspace: int
) -> None:
    made = await services.create_experiment(database.unit_of_work(), CHAT, "Held", author=ALICE)
    async with database.unit_of_work() as uow:
        team = await uow.workspaces.by_chat(CHAT)
        assert team is not None
        held = await uow.experiments.get(team.id, made.number)
        assert held is not None and held.name == "Held"
        experiment = await _loaded(uow, made.number)
        experiment.name = "Renamed"
        await uow.experiments.save(experiment)
        # The row the session held shows the change (it is not left stale).
        assert held.name == "Renamed"
        await uow.commit()
    async with database.unit_of_work() as uow:
        again = await uow.experiments.load_in_chat(CHAT, made.number)
        assert again is not None and again.name == "Renamed"


async def test_a_variant_added_to_what_was_loaded_is_saved_and_gets_its_id(
    database: Database, workspace: int
) -> None:
    made = await services.create_experiment(database.unit_of_work(), CHAT, "More", author=ALICE)
    async with database.unit_of_work() as uow:
        experiment = await _loaded(uow, made.number)
        experiment.name = "Three ways"
        experiment.variants.append(ExperimentVariant(UNSAVED, "C", 2))
        await uow.experiments.save(experiment)
        assert experiment.variants[2].id != UNSAVED
        await uow.commit()
    async with database.unit_of_work() as uow:
        again = await _loaded(uow, made.number)
        assert again.name == "Three ways"
        assert [(v.id, v.name) for v in again.variants][2] == (experiment.variants[2].id, "C")


async def test_a_change_saved_twice_in_a_transaction_is_written_from_what_was_saved_first(
    database: Database, workspace: int
) -> None:
    made = await services.create_experiment(database.unit_of_work(), CHAT, "Twice", author=ALICE)
    async with database.unit_of_work() as uow:
        experiment = await _loaded(uow, made.number)
        experiment.name = "Second"
        await uow.experiments.save(experiment)
        experiment.name = "Twice"  # back to what was read first
        await uow.experiments.save(experiment)
        await uow.commit()
    async with database.unit_of_work() as uow:
        again = await uow.experiments.load_in_chat(CHAT, made.number)
        assert again is not None and again.name == "Twice"


async def _loaded(uow: UnitOfWork, number: int) -> entity.Experiment:
    experiment = await uow.experiments.load_in_chat(CHAT, number)
    assert experiment is not None
    return experiment


async def test_logging_a_result_takes_five_statements(database: Database, workspace: int) -> None:
    made = await services.create_experiment(database.unit_of_work(), CHAT, "Hero", author=ALICE)
    await observations.log_observation(
        database.unit_of_work(), CHAT, made.number, "A", 100, 5, author=ALICE
    )
    with counted(database) as statements:
        logged = await observations.log_observation(
            database.unit_of_work(),
            CHAT,
            made.number,
            "B",
            100,
            7,
            author=ALICE,
            confirm_jumps=True,
        )
    # the experiment with its variants and workspace, the usual day, the insert, and the two
    # running totals (the variant's, which returns its new sums, and the day's)
    assert len(statements) == 5, statements
    assert (logged.totals.visitors, logged.totals.conversions) == (100, 7)
