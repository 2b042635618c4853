"""The /settings card: the workspace's settings and when its next digest goes."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from db.unit_of_work import UnitOfWork
from experiments import digests, workspaces
from experiments.clock import Clock, utc_now
from experiments.roles import Actor
from experiments.workspaces import WorkspaceView


@dataclass(frozen=True)
class SettingsCard:
    workspace: WorkspaceView
    next_digest: datetime | None  # None while digests are off or the chat blocked the bot


async def settings_card(uow: UnitOfWork, chat_id: int, *, clock: Clock = utc_now) -> SettingsCard:
    """The settings as they are, read in one transaction."""
    async with uow:
        view = await workspaces.get_workspace(uow, chat_id)
        return SettingsCard(view, await digests.next_digest_at(uow, chat_id, clock()))


async def change_settings(
    uow: UnitOfWork, chat_id: int, *, actor: Actor, clock: Clock = utc_now, **changes: Any
) -> SettingsCard:
    """Changes the settings given (``workspaces.update_settings``) and returns the new card,
    in one transaction."""
    async with uow:
        view = await workspaces.update_settings(uow, chat_id, actor=actor, clock=clock, **changes)
        next_digest = await digests.next_digest_at(uow, chat_id, clock())
        await uow.commit()
    return SettingsCard(view, next_digest)
