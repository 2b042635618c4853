"""The inbox of updates: stored once, claimed by one process, and a write per update once."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select

from db.inbox_repository import StoredUpdate
from db.models import Observation
from db.unit_of_work import Database
from db.update_scope import AlreadySaved, handling_update
from experiments import observations, services
from experiments.workspaces import ensure_workspace
from tests.service.conftest import ALICE, CHAT
from tests.support import FrozenClock

NOW = datetime(2026, 3, 2, 9, 30, tzinfo=UTC)
LEASE = timedelta(seconds=30)


async def store(database: Database, ids: list[int], claimant: str, now: datetime = NOW) -> set[int]:
    return {
        i
        for i in ids
        if await database.inbox_writes.store(
            StoredUpdate(i, f'{{"update_id": {i}}}'),
            claimed_by=claimant,
            until=now + LEASE,
            now=now,
        )
    }


async def claim(
    database: Database, claimant: str, *, now: datetime = NOW, takeover: bool = False
) -> list[int]:
    async with database.unit_of_work() as uow:
        claimed = await uow.inbox.claim_undone(
            claimed_by=claimant, until=now + LEASE, now=now, takeover=takeover
        )
        await uow.commit()
    return [stored.update_id for stored in claimed]


async def mark_done(database: Database, update_id: int, now: datetime = NOW) -> None:
    await database.inbox_writes.mark_done(update_id, now=now)


async def observation_count(database: Database) -> int:
    async with database.unit_of_work() as uow:
        return int(await uow.session.scalar(select(func.count()).select_from(Observation)) or 0)


async def test_an_update_delivered_twice_is_stored_once(database: Database) -> None:
    assert await store(database, [1, 2], "a") == {1, 2}
    # The batch fetched again after a restart, or a webhook delivery retried elsewhere.
    assert await store(database, [2, 3], "b") == {3}
    assert await store(database, [1, 2, 3], "a") == set()


async def test_two_receivers_storing_at_once_store_each_update_once(database: Database) -> None:
    results = await asyncio.gather(*(store(database, list(range(1, 21)), f"p{n}") for n in (1, 2)))
    assert results[0] | results[1] == set(range(1, 21))
    assert results[0] & results[1] == set()


async def test_undone_updates_go_to_whoever_takes_over_only_once_their_claim_ran_out(
    database: Database,
) -> None:
    await store(database, [1, 2, 3], "dead")
    await mark_done(database, 2)
    # Another webhook process: the dead one's claims still hold.
    assert await claim(database, "other") == []
    later = NOW + LEASE + timedelta(seconds=1)
    assert await claim(database, "other", now=later) == [1, 3]
    # Claimed anew: a third process finds nothing to take.
    assert await claim(database, "third", now=later) == []


async def test_a_sole_receiver_takes_over_every_undone_update_at_start(database: Database) -> None:
    await store(database, [5, 4], "killed")
    assert await claim(database, "restarted", takeover=True) == [4, 5]


async def test_renewing_keeps_a_live_process_claims(database: Database) -> None:
    await store(database, [1], "alive")
    later = NOW + LEASE - timedelta(seconds=1)
    async with database.unit_of_work() as uow:
        assert await uow.inbox.renew(claimed_by="alive", until=later + LEASE) == 1
        await uow.commit()
    assert await claim(database, "other", now=later + timedelta(seconds=2)) == []


async def test_a_process_stopping_leaves_its_unfinished_updates_to_the_others_at_once(
    database: Database,
) -> None:
    await store(database, [1, 2, 3], "stopping")
    await store(database, [4], "alive")
    await mark_done(database, 2)
    async with database.unit_of_work() as uow:
        assert await uow.inbox.release(claimed_by="stopping", now=NOW) == 2
        await uow.commit()
    # Long before the claims would have run out; the live process's claim still holds.
    assert await claim(database, "other", now=NOW + timedelta(seconds=1)) == [1, 3]


async def test_two_processes_claiming_at_once_split_the_updates(database: Database) -> None:
    await store(database, list(range(1, 31)), "dead")
    later = NOW + LEASE + timedelta(seconds=1)
    first, second = await asyncio.gather(
        claim(database, "a", now=later), claim(database, "b", now=later)
    )
    assert sorted(first + second) == list(range(1, 31))


async def test_done_updates_are_pruned_after_a_while(database: Database) -> None:
    await store(database, [1, 2], "a")
    await mark_done(database, 1)
    async with database.unit_of_work() as uow:
        assert await uow.inbox.prune(done_before=NOW + timedelta(seconds=1)) == 1
        await uow.commit()
    # Update 2 is not done: it stays, and can still be taken over.
    assert await claim(database, "b", takeover=True) == [2]


async def test_a_write_committed_before_a_crash_is_not_stored_again(
    database: Database, workspace: int, clock: FrozenClock
) -> None:
    await services.create_experiment(database.unit_of_work(), CHAT, "Checkout", author=ALICE)
    await store(database, [7], "a")

    async def handle() -> None:
        with handling_update(7) as scope:
            await ensure_workspace(
                database.unit_of_work(), CHAT, chat_type="group", title="Team", language="en"
            )
            await observations.log_observation(
                database.unit_of_work(), CHAT, 1, "A", 100, 5, author=ALICE, clock=clock
            )
            assert scope.writes == 1

    await handle()
    # Handled again, as after a kill before the update was marked done.
    with pytest.raises(AlreadySaved):
        await handle()
    assert await observation_count(database) == 1
    async with database.unit_of_work() as uow:
        assert await uow.inbox.writes(7) == 1


async def test_first_contact_repeated_does_not_count_as_the_update_write(
    database: Database, clock: FrozenClock
) -> None:
    """A crash between creating the workspace and logging: the log still happens once."""
    await store(database, [8], "a")
    with handling_update(8) as scope:
        await ensure_workspace(
            database.unit_of_work(), CHAT, chat_type="group", title="Team", language="en"
        )
        assert scope.writes == 0
    with handling_update(8) as scope:
        await ensure_workspace(
            database.unit_of_work(), CHAT, chat_type="group", title="Team", language="en"
        )
        await services.create_experiment(database.unit_of_work(), CHAT, "Checkout", author=ALICE)
        assert scope.writes == 1


async def test_reading_inside_an_update_records_nothing(database: Database, workspace: int) -> None:
    await store(database, [9], "a")
    with handling_update(9) as scope:
        await services.list_experiments(database.unit_of_work(), CHAT)
        assert scope.writes == 0
    async with database.unit_of_work() as uow:
        assert await uow.inbox.writes(9) == 0
