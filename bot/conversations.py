"""Guided flows whose step and draft live in the database, so any bot process takes the next
answer and a restart resumes a flow where it stood.

Why not python-telegram-bot's own tools: ``ConversationHandler`` keeps each conversation's
step in a dict of the process, and a ``BasePersistence`` only loads that dict at start and
flushes it on an interval, so two processes behind one webhook would each know only the steps
they saw. And ``ConversationHandler.check_update``, which decides whether an update is an
answer, is synchronous: it cannot ask the database itself.

So every update goes through three places:

1. ``load_flows`` (an async ``TypeHandler`` in a group before the handlers) reads the person's
   flows in the chat — one row per flow in ``flow_states``: the step, the draft as JSON, when
   it last moved — into a ``FlowMemory`` for this update. A flow whose last answer is older
   than the conversation timeout is given up right there (said in the chat once, whichever
   process removes the row), so it does not take the answer.
2. ``SharedConversation`` (a ``ConversationHandler``) puts the step from that memory into its
   dict just before PTB's check reads it, and after its callback moves the new step back into
   the memory and out of the dict: the dict only ever holds the update in hand. Handlers read
   and change their drafts with ``flows.draft``, which is the memory's.
3. ``save_flows`` (a ``TypeHandler`` in a group after the handlers, reached also when a
   handler raised) writes what the update changed in one transaction.

PTB's in-process timeout timers are not used; ``expire_flows`` (a repeating job, or a test
with a frozen clock) gives up flows left waiting, so the "I stopped waiting" message comes
from any process, once. The new step is written after the handler replied, so nothing else
may read the chat's flows in between: within a process a chat's updates run in order
(``bot.concurrency``), and processes sharing a webhook hold the chat's lock across them from
before ``load_flows`` until the update is marked done (``db.chat_locks``).

Drafts are JSON with tags for the few types flows keep (dates, decimals, tuples, the
product's enums and frozen dataclasses); a draft that no longer decodes (its class renamed by
an upgrade) is dropped, as a restart used to drop every draft.
"""

from __future__ import annotations

import dataclasses
import importlib
import json
import logging
from collections.abc import Callable
from contextvars import ContextVar
from datetime import date, datetime, timedelta
from decimal import Decimal
from enum import Enum
from typing import Any

from telegram import Update
from telegram.error import TelegramError
from telegram.ext import Application, ContextTypes, ConversationHandler

from bot.i18n import Translator, translator
from bot.jobs import run_every
from bot.runtime import RUNTIME_KEY, Runtime, runtime_of, workspace_of
from experiments import flow_states
from experiments.domain import DomainError
from experiments.flow_states import CHAT_WIDE, StoredFlow
from experiments.workspaces import get_workspace

logger = logging.getLogger(__name__)

# Groups around the handlers (which are in group 0): read before, written after.
LOAD_GROUP = -1
SAVE_GROUP = 100
# How often a process looks for flows left waiting (at most this late, the chat is told).
SWEEP_SECONDS = 15.0
SWEEP_BATCH = 100

_memory: ContextVar[FlowMemory | None] = ContextVar("hourglass_flow_memory", default=None)


@dataclasses.dataclass
class _Flow:
    state: object | None = None
    draft: dict[str, Any] = dataclasses.field(default_factory=dict)
    stored: StoredFlow | None = None
    # Moved by a conversation in this update: a step (or its end) was decided.
    moved: bool = False


class FlowMemory:
    """One update's view of the person's flows in the chat (and the chat's own values)."""

    def __init__(self, update: Update, chat_id: int, user_id: int) -> None:
        self.update = update
        self.chat_id = chat_id
        self.user_id = user_id
        self._flows: dict[tuple[int, str], _Flow] = {}

    def add_stored(self, stored: StoredFlow) -> None:
        self._flows[(stored.user_id, stored.flow)] = _Flow(
            state=decode(stored.state) if stored.state is not None else None,
            draft=decode(stored.draft),
            stored=stored,
        )

    def _flow(self, name: str, chat_wide: bool = False) -> _Flow:
        key = (CHAT_WIDE if chat_wide else self.user_id, name)
        return self._flows.setdefault(key, _Flow())

    def state(self, name: str) -> object | None:
        return self._flow(name).state

    def move(self, name: str, state: object | None) -> None:
        """A conversation's step after this update (None: it ended, its draft goes too)."""
        flow = self._flow(name)
        flow.state = state
        flow.moved = True
        if state is None:
            flow.draft = {}

    def draft(self, name: str, *, chat_wide: bool = False) -> dict[str, Any]:
        return self._flow(name, chat_wide).draft

    def drop(self, name: str, *, chat_wide: bool = False) -> None:
        self._flow(name, chat_wide).draft = {}

    def changes(self, now: datetime) -> tuple[list[StoredFlow], list[StoredFlow]]:
        """The flows to write and the flows to remove."""
        written: list[StoredFlow] = []
        dropped: list[StoredFlow] = []
        for (user_id, name), flow in self._flows.items():
            if flow.state is None and (flow.moved or not flow.draft):
                if flow.stored is not None:
                    dropped.append(flow.stored)
                continue
            state = encode(flow.state) if flow.state is not None else None
            draft = encode(flow.draft)
            stored = flow.stored
            if stored is None or flow.moved or (state, draft) != (stored.state, stored.draft):
                written.append(StoredFlow(self.chat_id, user_id, name, state, draft, now))
        return written, dropped


def memory_of(update: object) -> FlowMemory | None:
    """The flows loaded for this update (None for an update without a chat and a person)."""
    memory = _memory.get()
    return memory if memory is not None and memory.update is update else None


class SharedConversation(ConversationHandler):
    """A ``ConversationHandler`` whose step is the database's (see the module docstring).

    ``give_up`` writes what the chat is told, in its language, when the flow was left waiting
    longer than the conversation timeout (None: the flow just lapses).
    """

    def __init__(
        self, *, give_up: Callable[[Translator], str] | None = None, **kwargs: Any
    ) -> None:
        super().__init__(**kwargs)
        self.give_up = give_up

    def check_update(self, update: object) -> Any:
        memory = memory_of(update)
        if memory is None or not isinstance(update, Update) or update.effective_user is None:
            return super().check_update(update)
        key = (memory.chat_id, memory.user_id)
        state = memory.state(self._flow_name)
        if state is None:
            self._conversations.pop(key, None)
        else:
            self._conversations[key] = state
        found = super().check_update(update)
        if found is None:
            self._conversations.pop(key, None)
        return found

    async def handle_update(
        self,
        update: Update,
        application: Application,
        check_result: Any,
        context: Any,
    ) -> object | None:
        memory = memory_of(update)
        if memory is None:
            return await super().handle_update(update, application, check_result, context)
        key = check_result[1]
        try:
            return await super().handle_update(update, application, check_result, context)
        finally:
            # A callback that raised leaves the step as it was.
            memory.move(self._flow_name, self._conversations.pop(key, None))

    @property
    def _flow_name(self) -> str:
        assert self.name is not None, "every shared conversation has a name"
        return self.name


async def load_flows(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Group ``LOAD_GROUP``: the person's flows in this chat, read before any handler looks."""
    _memory.set(None)
    chat, user = update.effective_chat, update.effective_user
    if chat is None or user is None:
        return
    runtime = runtime_of(context)
    memory = FlowMemory(update, chat.id, user.id)
    if runtime.sole_receiver and runtime.flowless.knows(chat.id, user.id):
        _memory.set(memory)
        return
    now = runtime.clock()
    stored_flows = await flow_states.flows_of(runtime.uow(), chat.id, user.id)
    if not stored_flows and runtime.sole_receiver:
        runtime.flowless.note(chat.id, user.id)
    for stored in stored_flows:
        if stored.state is not None and _waited_too_long(stored, runtime, now):
            await _give_up(context.application, stored, workspace_language(context))
            continue
        try:
            memory.add_stored(stored)
        except (ValueError, TypeError, KeyError, AttributeError, ImportError):
            logger.warning("dropping flow %r that no longer decodes", stored.flow, exc_info=True)
            await flow_states.save_flows(runtime.uow(), [], [stored])
    _memory.set(memory)


async def save_flows(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Group ``SAVE_GROUP``: what this update changed in its flows, written back."""
    memory = memory_of(update)
    if memory is None:
        return
    _memory.set(None)
    runtime = runtime_of(context)
    written, dropped = memory.changes(runtime.clock())
    if written:
        runtime.flowless.forget(memory.chat_id)
    if written or dropped:
        await flow_states.save_flows(runtime.uow(), written, dropped)


async def expire_flows(application: Application, *, now: datetime | None = None) -> int:
    """Gives up every flow left waiting longer than the timeout; how many this call ended."""
    runtime = application.bot_data[RUNTIME_KEY]
    assert isinstance(runtime, Runtime)
    moment = (now or runtime.clock()) - timedelta(seconds=runtime.conversation_timeout)
    ended = 0
    for stored in await flow_states.waiting_since_before(runtime.uow(), moment, SWEEP_BATCH):
        if await _give_up(application, stored, None):
            ended += 1
    return ended


async def expire_flows_job(context: ContextTypes.DEFAULT_TYPE) -> None:
    await expire_flows(context.application)


async def start_flow_sweep(application: Application) -> None:
    """A startup hook: look for flows left waiting every ``SWEEP_SECONDS``."""
    run_every(
        application,
        expire_flows_job,
        seconds=SWEEP_SECONDS,
        first=SWEEP_SECONDS,
        name="flow-timeouts",
        needed_for="guided flows",
    )


def _waited_too_long(stored: StoredFlow, runtime: Runtime, now: datetime) -> bool:
    return stored.updated_at <= now - timedelta(seconds=runtime.conversation_timeout)


def workspace_language(context: ContextTypes.DEFAULT_TYPE) -> str | None:
    workspace = workspace_of(context)
    return workspace.language if workspace is not None else None


async def _give_up(application: Application, stored: StoredFlow, language: str | None) -> bool:
    """Ends the flow if it is still as read, and tells the chat when the flow says so."""
    runtime = application.bot_data[RUNTIME_KEY]
    if not await flow_states.give_up(runtime.uow(), stored):
        return False
    say = _give_up_texts(application).get(stored.flow)
    if say is None:
        return True
    if language is None:
        try:
            language = (await get_workspace(runtime.uow(), stored.chat_id)).language
        except DomainError:
            language = "en"
    try:
        await application.bot.send_message(stored.chat_id, say(translator(language)))
    except TelegramError as error:
        # The flow is over either way; the chat may have blocked the bot since.
        logger.warning("chat %s: could not say a flow gave up: %s", stored.chat_id, error)
    return True


def _give_up_texts(application: Application) -> dict[str, Callable[[Translator], str] | None]:
    return {
        handler.name: handler.give_up
        for group in application.handlers.values()
        for handler in group
        if isinstance(handler, SharedConversation) and handler.name is not None
    }


# JSON for drafts. Tagged objects start with "$"; drafts' own keys never do.


def encode(value: object) -> str:
    return json.dumps(_plain(value), ensure_ascii=False, sort_keys=True, separators=(",", ":"))


def decode(text: str) -> Any:
    return _value(json.loads(text))


def _plain(value: object) -> Any:
    if isinstance(value, Enum):
        return {"$enum": _class_name(type(value)), "value": value.value}
    if value is None or isinstance(value, bool | int | float | str):
        return value
    if isinstance(value, datetime):
        return {"$datetime": value.isoformat()}
    if isinstance(value, date):
        return {"$date": value.isoformat()}
    if isinstance(value, Decimal):
        return {"$decimal": str(value)}
    if isinstance(value, tuple):
        return {"$tuple": [_plain(item) for item in value]}
    if isinstance(value, list):
        return [_plain(item) for item in value]
    if isinstance(value, dict):
        if all(isinstance(key, str) and not key.startswith("$") for key in value):
            return {key: _plain(item) for key, item in value.items()}
        return {"$dict": [[_plain(key), _plain(item)] for key, item in value.items()]}
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        fields = {f.name: _plain(getattr(value, f.name)) for f in dataclasses.fields(value)}
        return {"$dataclass": _class_name(type(value)), "fields": fields}
    raise TypeError(f"a draft can't keep a {type(value).__name__}")


def _value(plain: Any) -> Any:
    if isinstance(plain, list):
        return [_value(item) for item in plain]
    if not isinstance(plain, dict):
        return plain
    if "$enum" in plain:
        enum = _our_class(plain["$enum"])
        if not issubclass(enum, Enum):
            raise TypeError(f"{plain['$enum']} is not an enum")
        return enum(plain["value"])
    if "$datetime" in plain:
        return datetime.fromisoformat(plain["$datetime"])
    if "$date" in plain:
        return date.fromisoformat(plain["$date"])
    if "$decimal" in plain:
        return Decimal(plain["$decimal"])
    if "$tuple" in plain:
        return tuple(_value(item) for item in plain["$tuple"])
    if "$dict" in plain:
        return {_value(key): _value(item) for key, item in plain["$dict"]}
    if "$dataclass" in plain:
        kind = _our_class(plain["$dataclass"])
        if not dataclasses.is_dataclass(kind):
            raise TypeError(f"{plain['$dataclass']} is not a dataclass")
        return kind(**{name: _value(item) for name, item in plain["fields"].items()})
    return {key: _value(item) for key, item in plain.items()}


def _class_name(kind: type) -> str:
    return f"{kind.__module__}.{kind.__qualname__}"


def _our_class(name: str) -> type:
    """A class of Hourglass's own, by its dotted name: nothing else is ever imported."""
    module_name, _, qualname = name.rpartition(".")
    if module_name.split(".")[0] not in {"bot", "experiments"}:
        raise TypeError(f"{name} is not a class a draft keeps")
    found = getattr(importlib.import_module(module_name), qualname)
    if not isinstance(found, type):
        raise TypeError(f"{name} is not a class")
    return found
