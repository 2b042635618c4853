"""A process keeps each chat's workspace, and sees a change another process made at once."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from db.engine import create_engine
from db.unit_of_work import Database
from experiments import digests
from experiments.workspaces import (
    KnownWorkspaces,
    WorkspaceView,
    get_workspace,
    know_workspace,
    update_settings,
)
from tests.service.conftest import CHAT
from tests.service.test_fewer_statements import counted
from tests.support import ADMIN, FrozenClock


@pytest.fixture
async def other_process(database_url: str) -> AsyncIterator[Database]:
    """A second engine on the same database, as a second bot process would have."""
    engine = create_engine(database_url)
    db = Database(engine)
    yield db
    await db.dispose()


async def met(
    database: Database, known: KnownWorkspaces, title: str | None = "Team"
) -> WorkspaceView:
    return await know_workspace(
        database.unit_of_work(), known, CHAT, chat_type="group", title=title, language="en"
    )


async def test_a_known_workspace_is_answered_without_a_unit_of_work(
    database: Database, workspace: int
) -> None:
    known = KnownWorkspaces()
    first = await met(database, known)
    with counted(database) as statements:
        again = await met(database, known)
    # Only its version is read, straight through the driver (db.workspace_versions).
    assert len(statements) == 1 and statements[0].startswith("SELECT workspaces.version")
    assert again == first == await get_workspace(database.unit_of_work(), CHAT)
    assert await database.unit_of_work().workspace_version(CHAT) == first.version
    assert await database.unit_of_work().workspace_version(-1) is None


async def test_a_setting_changed_by_another_process_is_seen_by_the_next_update(
    database: Database, other_process: Database, workspace: int
) -> None:
    here, there = KnownWorkspaces(), KnownWorkspaces()
    assert (await met(database, here)).timezone == "UTC"
    assert (await met(other_process, there)).timezone == "UTC"
    changed = await update_settings(
        other_process.unit_of_work(), CHAT, timezone="Europe/Berlin", language="ru", actor=ADMIN
    )
    seen = await met(database, here)
    assert (seen.timezone, seen.language) == ("Europe/Berlin", "ru")
    assert seen == changed == await get_workspace(database.unit_of_work(), CHAT)
    assert here.get(CHAT) == seen


async def test_every_settings_change_raises_the_version(database: Database, workspace: int) -> None:
    before = await get_workspace(database.unit_of_work(), CHAT)
    first = await update_settings(database.unit_of_work(), CHAT, target_running=4, actor=ADMIN)
    second = await update_settings(database.unit_of_work(), CHAT, currency="EUR", actor=ADMIN)
    assert before.version < first.version < second.version
    assert second.version == (await get_workspace(database.unit_of_work(), CHAT)).version


async def test_a_chat_the_bot_stopped_writing_to_comes_back_in_every_process(
    database: Database, other_process: Database, workspace: int, clock: FrozenClock
) -> None:
    here = KnownWorkspaces()
    assert (await met(database, here)).active
    # The other process's digest finds the chat has blocked the bot.
    due = next(
        d
        for d in await digests.due_digests(other_process.unit_of_work(), clock())
        if d.chat_id == CHAT
    )
    assert await digests.claim_digest(
        other_process.unit_of_work(),
        due,
        state=digests.DigestState.SENDING,
        instance="b",
        now=clock(),
    )
    await digests.record_delivery(
        other_process.unit_of_work(), due, digests.DigestState.BLOCKED, now=clock()
    )
    assert not (await get_workspace(database.unit_of_work(), CHAT)).active
    # The chat writes again, to this process: the bot is welcome there again.
    assert (await met(database, here)).active
    assert (await get_workspace(database.unit_of_work(), CHAT)).active


async def test_a_new_title_is_stored_and_known(database: Database, workspace: int) -> None:
    known = KnownWorkspaces()
    await met(database, known)
    renamed = await met(database, known, title="Growth team")
    assert renamed.title == "Growth team" == known.get(CHAT).title  # type: ignore[union-attr]
    assert (await get_workspace(database.unit_of_work(), CHAT)).title == "Growth team"


def test_an_older_copy_never_replaces_a_newer_one_and_the_oldest_chat_goes_first() -> None:
    known = KnownWorkspaces(limit=2)
    newer = _view(1, version=3)
    known.put(newer)
    known.put(_view(1, version=2))
    assert known.get(1) == newer
    known.put(_view(2))
    known.put(_view(3))
    assert known.get(1) is None and known.get(2) is not None and known.get(3) is not None


def _view(chat_id: int, *, version: int = 1) -> WorkspaceView:
    return WorkspaceView(
        chat_id=chat_id,
        chat_type="private",
        title=None,
        language="en",
        timezone="UTC",
        timezone_confirmed=False,
        digest_time="09:00",
        digest_enabled=True,
        target_running=3,
        stale_after_days=3,
        active=True,
        version=version,
    )
