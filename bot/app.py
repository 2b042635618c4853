"""Building the python-telegram-bot Application with every handler of Hourglass."""

from __future__ import annotations

import functools
import importlib
import logging
import ssl
import warnings

import httpx
from telegram import BotCommand, LinkPreviewOptions, Update
from telegram.constants import ParseMode
from telegram.ext import (
    Application,
    ApplicationBuilder,
    ContextTypes,
    Defaults,
    TypeHandler,
)
from telegram.warnings import PTBUserWarning

from bot.commands import COMMANDS
from bot.concurrency import PerChatRateLimiter, PerChatUpdateProcessor
from bot.conversations import (
    LOAD_GROUP,
    SAVE_GROUP,
    load_flows,
    save_flows,
    start_flow_sweep,
)
from bot.durable import DurableApplication, Inbox, InboxQueue, RetryingRequest, recover_inbox
from bot.errors import on_error
from bot.i18n import LANGUAGES, translator
from bot.runtime import RUNTIME_KEY, Runtime, install, remember_workspace, runtime_of
from bot.scheduling import start_digest_schedule
from bot.transport import bot_api_request
from experiments.clock import utc_now
from experiments.workspaces import know_workspace

logger = logging.getLogger(__name__)

# Guided flows mix typed answers and buttons, which PTB flags as a possible mistake; it is not.
warnings.filterwarnings("ignore", category=PTBUserWarning, message=".*per_message.*")

# Before the guided flows are read: their give-up message is in the chat's language.
WORKSPACE_GROUP = LOAD_GROUP - 1

HANDLER_MODULES = (
    "bot.handlers.start",
    "bot.handlers.new",
    # Before browse: it answers "/list backlog", browse answers every other /list.
    "bot.handlers.backlog",
    "bot.handlers.browse",
    "bot.handlers.log",
    "bot.handlers.readout",
    # Before chart: it answers "/chart funnel", chart answers "/chart #N".
    "bot.handlers.funnel",
    "bot.handlers.chart",
    "bot.handlers.conclude",
    "bot.handlers.learn",
    "bot.handlers.ideas",
    "bot.handlers.digest",
    "bot.handlers.settings",
    "bot.handlers.export",
    "bot.handlers.edit",
    "bot.handlers.cost",
    "bot.handlers.episode",
    "bot.handlers.delete",
    "bot.handlers.calc",
    # After every guided flow: only text none of them is waiting for.
    "bot.handlers.plain_text",
    "bot.handlers.fallback",
)


@functools.cache
def tls_context() -> ssl.SSLContext:
    """The certificate store, loaded once per process: loading it takes ~40 ms, and every
    Application has two HTTP clients."""
    return httpx.create_ssl_context()


def build_application(
    runtime: Runtime,
    token: str,
    *,
    base_url: str,
    base_file_url: str | None = None,
    rate_limited: bool = True,
    concurrent: bool = True,
) -> Application:
    """The bot with every handler, calling the Bot API at ``base_url`` (Telegram's, or an
    emulator's). ``concurrent=False`` handles one update at a time, as python-telegram-bot does
    by default (the baseline of ``bench/chats.py``)."""
    # Updates are stored before Telegram is told they arrived, handled once each, and replies
    # within an update are retried (bot/durable.py).
    inbox = Inbox(runtime.database, runtime.instance_id, sole_receiver=runtime.sole_receiver)
    builder = (
        ApplicationBuilder()
        .application_class(DurableApplication)
        .update_queue(InboxQueue(inbox))
        .request(
            RetryingRequest(
                bot_api_request(
                    base_url,
                    tls_context(),
                    connection_pool_size=256,
                    read_timeout=runtime.bot_api_timeout,
                ),
                retry_delays=runtime.reply_retry_delays,
            )
        )
        .get_updates_request(bot_api_request(base_url, tls_context()))
        .token(token)
        .defaults(
            Defaults(
                parse_mode=ParseMode.HTML,
                link_preview_options=LinkPreviewOptions(is_disabled=True),
            )
        )
        .post_init(_post_init)
        .base_url(base_url)
    )
    if base_file_url:
        builder = builder.base_file_url(base_file_url)
    # Chats are handled concurrently, each chat's updates in order (bot/concurrency.py).
    # Processes sharing a webhook also take a chat's lock across them (db/chat_locks.py).
    if concurrent:
        chat_locks = None if runtime.sole_receiver else runtime.database.chat_locks
        builder = builder.concurrent_updates(PerChatUpdateProcessor(chat_locks=chat_locks))
    if rate_limited:
        # Telegram's limits: ~30 messages/s overall, 20/min per group; a 429 pauses only the
        # chat it came for, and the call is retried.
        builder = builder.rate_limiter(PerChatRateLimiter(max_retries=3))  # type: ignore[arg-type]
    application = builder.build()
    install(application, runtime)
    # The digest tick runs on the wall clock; with a frozen clock (tests) the test drives it.
    if runtime.clock is utc_now:
        for hook in (start_digest_schedule, start_flow_sweep):
            if hook not in runtime.startup_hooks:
                runtime.startup_hooks.append(hook)
    application.add_handler(TypeHandler(Update, _know_the_workspace), group=WORKSPACE_GROUP)
    # Guided flows' steps and drafts: read before the handlers, written after them.
    application.add_handler(TypeHandler(Update, load_flows), group=LOAD_GROUP)
    application.add_handler(TypeHandler(Update, save_flows), group=SAVE_GROUP)
    for module_name in HANDLER_MODULES:
        module = importlib.import_module(module_name)
        for handler in module.handlers(runtime):
            application.add_handler(handler)
    application.add_error_handler(on_error)
    return application


async def _know_the_workspace(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Every update first makes sure its chat has a workspace, and remembers its language.

    The process keeps each chat's workspace and asks the database only whether it is still
    current (``experiments.workspaces.know_workspace``), so a settings change made by another
    process is seen by this chat's next update here.
    """
    chat = update.effective_chat
    if chat is None:
        return
    user = update.effective_user
    runtime = runtime_of(context)
    workspace = await know_workspace(
        runtime.uow(),
        runtime.workspaces,
        chat.id,
        chat_type=chat.type,
        title=chat.title or None,
        language=user.language_code if user else None,
        clock=runtime.clock,
    )
    remember_workspace(context, workspace)


async def _post_init(application: Application) -> None:
    await register_commands(application)
    # What a previous run took from Telegram and did not finish comes before anything new.
    await recover_inbox(application)
    runtime = application.bot_data[RUNTIME_KEY]
    for startup_hook in runtime.startup_hooks:
        await startup_hook(application)


async def register_commands(application: Application) -> None:
    """Registers the command menu in every language the bot speaks."""
    for language in LANGUAGES:
        await application.bot.set_my_commands(
            command_menu(language), language_code=None if language == "en" else language
        )


@functools.cache
def command_menu(language: str) -> tuple[BotCommand, ...]:
    """The command menu in ``language`` (the same for every start of every bot in a process)."""
    t = translator(language)
    return tuple(BotCommand(c.name, t.gettext(c.description)) for c in COMMANDS)
