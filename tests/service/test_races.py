"""Create-if-missing is one statement: two writers at once both succeed and leave one row."""

from __future__ import annotations

import asyncio
from datetime import date, timedelta

import pytest

from db.models import DigestRecord, ImportRecord, NudgeSnooze, Observation, Workspace
from db.unit_of_work import Database
from experiments import digests, imports, services
from experiments.digests import DigestState, DueDigest
from experiments.import_records import ImportRefused
from experiments.workspaces import ensure_workspace
from tests.service.conftest import ALICE, CHAT
from tests.service.test_experiments import count_rows
from tests.support import FrozenClock

pytestmark = pytest.mark.timeout(30)

NEW_CHAT = 4242


async def test_two_first_messages_at_once_make_one_workspace(
    database: Database, clock: FrozenClock
) -> None:
    views = await asyncio.gather(
        *(
            ensure_workspace(
                database.unit_of_work(),
                NEW_CHAT,
                chat_type="group",
                title="Team",
                language="en",
                clock=clock,
            )
            for _ in range(2)
        )
    )
    assert [view.chat_id for view in views] == [NEW_CHAT, NEW_CHAT]
    assert sorted(view.created for view in views) == [False, True]
    assert await count_rows(database, Workspace) == 1


async def test_a_second_insert_of_a_workspace_waits_for_the_first_and_finds_it(
    database: Database, clock: FrozenClock
) -> None:
    # The first writer inserted and has not committed when the second one asks.
    async with database.unit_of_work() as first:
        made, created = await first.workspaces.add_if_missing(
            NEW_CHAT, chat_type="group", created_at=clock(), last_experiment_number=0
        )
        assert created

        async def second_writer() -> tuple[int, bool]:
            async with database.unit_of_work() as second:
                found, created = await second.workspaces.add_if_missing(
                    NEW_CHAT, chat_type="group", created_at=clock(), last_experiment_number=0
                )
                await second.commit()
                return found.id, created

        second = asyncio.create_task(second_writer())
        await first.commit()
        assert await second == (made.id, False)
    assert await count_rows(database, Workspace) == 1


async def test_two_claims_of_one_digest_at_once_one_wins(
    database: Database, workspace: int, clock: FrozenClock
) -> None:
    due = (await digests.due_digests(database.unit_of_work(), clock()))[0]
    won = await asyncio.gather(
        *(
            digests.claim_digest(
                database.unit_of_work(),
                due,
                state=DigestState.SENDING,
                instance=f"p{i}",
                now=clock(),
            )
            for i in range(2)
        )
    )
    assert sorted(won) == [False, True]
    assert await count_rows(database, DigestRecord) == 1


async def test_a_claim_while_another_is_uncommitted_loses_once_it_commits(
    database: Database, workspace: int, clock: FrozenClock
) -> None:
    async with database.unit_of_work() as first:
        uid = (await first.workspaces.by_chat(CHAT)).id  # type: ignore[union-attr]
        assert await first.digests.claim(
            uid, date(2026, 3, 2), state="sending", claimed_by="p1", claimed_at=clock()
        )
        due = DueDigest(uid, CHAT, date(2026, 3, 2))
        second = asyncio.create_task(
            digests.claim_digest(
                database.unit_of_work(),
                due,
                state=DigestState.SENDING,
                instance="p2",
                now=clock(),
            )
        )
        await first.commit()
        assert not await second
    assert await count_rows(database, DigestRecord) == 1


async def test_two_keep_running_presses_at_once_leave_one_snooze(
    database: Database, workspace: int, clock: FrozenClock
) -> None:
    view = await services.create_experiment(
        database.unit_of_work(), CHAT, "Checkout", author=ALICE, clock=clock
    )
    kept = await asyncio.gather(
        *(
            digests.keep_running(
                database.unit_of_work(), CHAT, view.number, author=ALICE, clock=clock
            )
            for _ in range(2)
        )
    )
    assert [k.number for k in kept] == [view.number, view.number]
    assert await count_rows(database, NudgeSnooze) == 1
    # A later press moves the same row on.
    clock.advance(days=1)
    await digests.keep_running(
        database.unit_of_work(), CHAT, view.number, author=ALICE, clock=clock
    )
    async with database.unit_of_work() as uow:
        workspace_id = (await uow.workspaces.by_chat(CHAT)).id  # type: ignore[union-attr]
        snoozed = await uow.digests.snoozed(workspace_id, clock() + timedelta(days=2, hours=23))
    assert snoozed == {(view.number, "decide")}
    assert await count_rows(database, NudgeSnooze) == 1


async def test_the_same_file_imported_twice_at_once_is_imported_once(
    database: Database, workspace: int, clock: FrozenClock
) -> None:
    await services.create_experiment(database.unit_of_work(), CHAT, "Checkout", author=ALICE)
    content = b"experiment,variant,visitors,conversions\n1,A,100,5\n1,B,100,7\n"
    results = await asyncio.gather(
        *(
            imports.import_observations(
                database.unit_of_work(), CHAT, content, author=ALICE, clock=clock
            )
            for _ in range(2)
        )
    )
    assert sorted(type(result).__name__ for result in results) == ["ImportRefused", "ImportResult"]
    refused = next(r for r in results if isinstance(r, ImportRefused))
    assert refused.same_file is not None and refused.same_file.rows == 2
    assert await count_rows(database, Observation) == 2
    assert await count_rows(database, ImportRecord) == 1


async def test_an_import_waits_for_one_in_progress_and_then_sees_it(
    database: Database, workspace: int, clock: FrozenClock
) -> None:
    await services.create_experiment(database.unit_of_work(), CHAT, "Checkout", author=ALICE)
    content = b"experiment,variant,visitors,conversions\n1,A,100,5\n"
    async with database.unit_of_work() as first:
        workspace_id = (await first.workspaces.by_chat(CHAT)).id  # type: ignore[union-attr]
        await first.workspaces.lock(workspace_id)
        second = asyncio.create_task(
            imports.import_observations(
                database.unit_of_work(), CHAT, content, author=ALICE, clock=clock
            )
        )
        # The first writer imports the same bytes and commits while the second one waits.
        first_result = await imports.import_observations(
            first, CHAT, content, author=ALICE, clock=clock
        )
        await first.commit()
    assert isinstance(first_result, imports.ImportResult)
    refused = await second
    assert isinstance(refused, ImportRefused) and refused.same_file is not None
    assert await count_rows(database, Observation) == 1
