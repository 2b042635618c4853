"""Fewer statements per update: what is read once is the same as what a fresh query reads.

A workspace read again in the same transaction comes from that transaction; an experiment and
its variants come in one joined statement. Each fast path is compared with the slow one.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from db.models import Experiment, Workspace
from db.unit_of_work import Database
from experiments import observations, services
from tests.service.conftest import ALICE, CHAT, OTHER_CHAT
from tests.support import counted


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


async def test_the_chats_experiment_comes_with_its_workspace_in_one_statement(
    database: Database, workspace: int
) -> None:
    made = await services.create_experiment(
        database.unit_of_work(), CHAT, "Pricing", ["Control", "Cheaper"], author=ALICE
    )
    async with database.unit_of_work() as uow:
        with counted(database) as statements:
            fast = await uow.experiments.get_in_chat(CHAT, made.number)
            team = await uow.workspaces.by_chat(CHAT)
        assert len(statements) == 1
        assert fast is not None and team is not None and fast.workspace_id == team.id
        assert [v.name for v in fast.variants] == ["Control", "Cheaper"]
        slow = await uow.experiments.get(team.id, made.number)
        assert slow is fast
        # Another chat's number, and a chat without a workspace, find nothing.
        assert await uow.experiments.get_in_chat(OTHER_CHAT, made.number) is None
        assert await uow.experiments.get_in_chat(-1, made.number) is None


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
