"""Use cases about the workspace: first contact and its settings."""

from __future__ import annotations

from dataclasses import dataclass

from db.models import Workspace
from db.unit_of_work import UnitOfWork
from experiments.clock import Clock, utc_now


@dataclass(frozen=True)
class WorkspaceView:
    chat_id: int
    chat_type: str
    title: str | None
    language: str
    timezone: str
    timezone_confirmed: bool
    digest_time: str  # "HH:MM", local
    digest_enabled: bool
    target_running: int
    stale_after_days: int
    active: bool
    created: bool = False  # True on the first contact, when the workspace was just made


# ---------------------------------------------------------------- workspaces


async def ensure_workspace(
    uow: UnitOfWork,
    chat_id: int,
    *,
    chat_type: str,
    title: str | None,
    language: str | None,
    clock: Clock = utc_now,
) -> WorkspaceView:
    """The chat's workspace, made on first contact in the language of whoever spoke first."""
    async with uow:
        workspace = await uow.workspaces.by_chat(chat_id)
        created = False
        if workspace is None:
            workspace = await uow.workspaces.add(
                Workspace(
                    chat_id=chat_id,
                    chat_type=chat_type,
                    title=title,
                    language=supported_language(language),
                    created_at=clock(),
                    last_experiment_number=0,
                )
            )
            created = True
        elif title != workspace.title or not workspace.active:
            workspace.title = title
            # A message from the chat means the bot is welcome there again.
            workspace.active = True
        await uow.commit()
        return _workspace_view(workspace, created=created)


SUPPORTED_LANGUAGES = ("en", "ru")


def supported_language(language_code: str | None) -> str:
    code = (language_code or "en").split("-")[0].lower()
    return code if code in SUPPORTED_LANGUAGES else "en"


def _workspace_view(workspace: Workspace, *, created: bool = False) -> WorkspaceView:
    return WorkspaceView(
        chat_id=workspace.chat_id,
        chat_type=workspace.chat_type,
        title=workspace.title,
        language=workspace.language,
        timezone=workspace.timezone,
        timezone_confirmed=workspace.timezone_confirmed,
        digest_time=workspace.digest_time.strftime("%H:%M"),
        digest_enabled=workspace.digest_enabled,
        target_running=workspace.target_running,
        stale_after_days=workspace.stale_after_days,
        active=workspace.active,
        created=created,
    )
