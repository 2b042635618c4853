"""What handlers and jobs need at run time, kept in the Application's bot_data."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field

from telegram import Update
from telegram.ext import Application, ContextTypes

from bot.admins import ChatAdmins
from bot.durable import REPLY_RETRY_DELAYS
from bot.i18n import Translator, translator
from db.unit_of_work import Database, UnitOfWork
from experiments.clock import Clock, utc_now
from experiments.flow_states import FlowlessPeople
from experiments.workspaces import KnownWorkspaces, WorkspaceView

RUNTIME_KEY = "hourglass.runtime"
WORKSPACE_KEY = "hourglass.workspace"


@dataclass
class Runtime:
    database: Database
    clock: Clock = utc_now
    # Seconds a guided conversation waits for the next answer before it gives up.
    conversation_timeout: float = 600.0
    # Identifies this process when it claims a digest, so several processes can share a database.
    instance_id: str = "hourglass"
    # Awaited once the bot is initialised (scheduling the digests, for instance).
    startup_hooks: list[Callable[[Application], Awaitable[None]]] = field(default_factory=list)
    # Polling: this process is Telegram's only receiver and takes over every update left
    # unfinished at start; webhook processes behind a load balancer take only expired claims.
    sole_receiver: bool = True
    # Waits before each new try of a Bot API call that failed while handling an update.
    reply_retry_delays: tuple[float, ...] = REPLY_RETRY_DELAYS
    # Seconds a Bot API call waits for Telegram's answer before it counts as failed (and is
    # tried again while handling an update).
    bot_api_timeout: float = 5.0
    # Who the admins of each group are, asked of Telegram and kept briefly.
    chat_admins: ChatAdmins = field(default_factory=ChatAdmins)
    # Each chat's workspace as this process last read it, checked against its stored version on
    # every update (experiments.workspaces.KnownWorkspaces).
    workspaces: KnownWorkspaces = field(default_factory=KnownWorkspaces)
    # People seen without a guided flow, whose next update reads none (sole receivers only).
    flowless: FlowlessPeople = field(default_factory=FlowlessPeople)

    def uow(self) -> UnitOfWork:
        return self.database.unit_of_work()


def install(application: Application, runtime: Runtime) -> None:
    application.bot_data[RUNTIME_KEY] = runtime


def runtime_of(context: ContextTypes.DEFAULT_TYPE) -> Runtime:
    found = context.bot_data[RUNTIME_KEY]
    assert isinstance(found, Runtime)
    return found


def workspace_of(context: ContextTypes.DEFAULT_TYPE) -> WorkspaceView | None:
    chat_data = context.chat_data
    found = chat_data.get(WORKSPACE_KEY) if chat_data is not None else None
    return found if isinstance(found, WorkspaceView) else None


def remember_workspace(context: ContextTypes.DEFAULT_TYPE, workspace: WorkspaceView) -> None:
    """The chat's workspace for the rest of this update, and for the process's next ones."""
    runtime_of(context).workspaces.put(workspace)
    if context.chat_data is not None:
        context.chat_data[WORKSPACE_KEY] = workspace


def tr(context: ContextTypes.DEFAULT_TYPE) -> Translator:
    """The translator for the chat this update came from."""
    workspace = workspace_of(context)
    return translator(workspace.language if workspace else "en")


def currency_of(context: ContextTypes.DEFAULT_TYPE) -> str:
    """The currency the chat's money is shown in (chosen in /settings)."""
    workspace = workspace_of(context)
    return workspace.currency if workspace else "USD"


def chat_id_of(update: Update) -> int:
    chat = update.effective_chat
    assert chat is not None, "handlers are registered for chat updates only"
    return chat.id
