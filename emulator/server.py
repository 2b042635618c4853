"""BotApiEmulator: a local Telegram Bot API server on 127.0.0.1 for tests and the sandbox."""

from __future__ import annotations

import asyncio
import contextlib
import inspect
import time
from collections.abc import Callable, Sequence
from types import TracebackType
from typing import Any
from urllib.parse import urlsplit

import aiohttp
from aiohttp import web

from emulator import account, messaging
from emulator.chat import SimChat
from emulator.params import read_params
from emulator.records import (
    ApiCall,
    ApiError,
    Fault,
    FiredFault,
    Injection,
    SimUser,
    StoredFile,
)
from emulator.world import TelegramWorld

DEFAULT_TOKEN = "123456:TEST-token"
_METHODS: dict[str, Callable[[TelegramWorld, dict[str, Any]], Any]] = {
    name.lower(): method for name, method in {**account.METHODS, **messaging.METHODS}.items()
}
# calls that reach a chat, and so fail with 403 once the user blocked the bot
_CHAT_SENDING_PREFIXES = ("send", "edit", "copy", "forward")


class BotApiEmulator:
    """A fake api.telegram.org for one bot token.

    Point PTB at it with ApplicationBuilder().base_url(emu.base_url)
    .base_file_url(emu.base_file_url); drive users with emu.user(), emu.private_chat(),
    emu.group_chat() and the SimChat methods.
    """

    def __init__(
        self,
        token: str = DEFAULT_TOKEN,
        *,
        bot_username: str = "hourglass_test_bot",
        bot_first_name: str = "Hourglass",
        port: int = 0,
        clock: Callable[[], float] = time.time,
        first_update_id: int = 1,
    ) -> None:
        self.token = token
        self.world = TelegramWorld(
            bot_id=int(token.split(":", 1)[0]),
            bot_username=bot_username,
            bot_first_name=bot_first_name,
            clock=clock,
            first_update_id=first_update_id,
        )
        self.calls: list[ApiCall] = []
        self.faults_fired: list[FiredFault] = []
        self._injections: list[Injection] = []
        self._port = port
        self._runner: web.AppRunner | None = None
        self._webhook_task: asyncio.Task[None] | None = None
        self.webhook_deliveries = 0
        self._bound_port: int | None = None

    # -- lifecycle -----------------------------------------------------------------------------

    async def start(self) -> None:
        app = web.Application(client_max_size=60 * 1024 * 1024)
        app.router.add_route("*", "/bot{token}/{method}", self._handle_call)
        app.router.add_get("/file/bot{token}/{file_path:.+}", self._handle_file)
        # handler_cancellation ends long polls whose client went away
        runner = web.AppRunner(
            app, handler_cancellation=True, access_log=None, shutdown_timeout=1.0
        )
        await runner.setup()
        site = web.TCPSite(runner, "127.0.0.1", self._port)
        await site.start()
        self._runner = runner
        self._bound_port = int(runner.addresses[0][1])
        self.world.closing = False
        self._webhook_task = asyncio.create_task(self._deliver_to_webhook())

    async def stop(self) -> None:
        """Answer pending long polls at once, then shut the server down."""
        self.world.closing = True
        self.world.notify()
        if self._webhook_task is not None:
            self._webhook_task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._webhook_task
            self._webhook_task = None
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    async def _deliver_to_webhook(self) -> None:
        """While a webhook is set, POST each update to it in order, as Telegram does.

        Only loopback URLs are served: the emulator never sends traffic off this machine.
        A failed delivery is retried after a short pause, like Telegram's own retries.
        """
        world = self.world
        async with aiohttp.ClientSession() as session:
            while not world.closing:
                await world.wait_until(
                    lambda: world.closing or (world.webhook is not None and bool(world.updates)),
                    timeout=None,
                )
                if world.closing or world.webhook is None or not world.updates:
                    continue
                url = str(world.webhook.get("url", ""))
                if urlsplit(url).hostname not in ("127.0.0.1", "localhost", "::1"):
                    world.updates.clear()
                    continue
                update = world.updates[0]
                headers = {}
                if world.webhook.get("secret_token"):
                    headers["X-Telegram-Bot-Api-Secret-Token"] = str(world.webhook["secret_token"])
                try:
                    async with session.post(url, json=update, headers=headers) as response:
                        delivered = response.status == 200
                except aiohttp.ClientError:
                    delivered = False
                if delivered:
                    if world.updates and world.updates[0] is update:
                        world.updates.pop(0)
                    self.webhook_deliveries += 1
                    world.notify()
                else:
                    await asyncio.sleep(0.1)

    async def __aenter__(self) -> BotApiEmulator:
        await self.start()
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        await self.stop()

    @property
    def port(self) -> int:
        if self._bound_port is None:
            raise RuntimeError("BotApiEmulator is not started")
        return self._bound_port

    @property
    def base_url(self) -> str:
        """For ApplicationBuilder.base_url: PTB appends the token and /method."""
        return f"http://127.0.0.1:{self.port}/bot"

    @property
    def base_file_url(self) -> str:
        """For ApplicationBuilder.base_file_url."""
        return f"http://127.0.0.1:{self.port}/file/bot"

    # -- users and chats -----------------------------------------------------------------------

    @property
    def bot_id(self) -> int:
        return int(self.world.bot_user["id"])

    @property
    def bot_username(self) -> str:
        return self.world.bot_username

    def user(
        self,
        first_name: str = "Alice",
        *,
        last_name: str | None = None,
        username: str | None = None,
        language_code: str | None = "en",
        user_id: int | None = None,
    ) -> SimUser:
        """A new simulated user (ids are assigned in order unless given)."""
        return self.world.add_user(
            first_name,
            last_name=last_name,
            username=username,
            language_code=language_code,
            user_id=user_id,
        )

    def private_chat(self, user: SimUser) -> SimChat:
        """The user's private chat with the bot (the same object on every call)."""
        return self.world.private_chat(user)

    def group_chat(
        self,
        title: str,
        members: Sequence[SimUser],
        *,
        admins: Sequence[SimUser] | None = None,
    ) -> SimChat:
        """A group of the members. Its creator is the first of ``admins`` (by default the first
        member), the other admins are administrators; getChatMember and getChatAdministrators
        answer from that."""
        return self.world.group_chat(title, members, admins=admins)

    def chat(self, chat_id: int) -> SimChat:
        return self.world.chats[chat_id]

    def file(self, file_id: str) -> StoredFile:
        return self.world.files[file_id]

    @property
    def pending_updates(self) -> list[dict[str, Any]]:
        """Updates the bot has not confirmed yet."""
        return list(self.world.updates)

    async def until_taken(self, timeout: float = 10) -> None:
        """Waits until the bot has confirmed every update sent so far (it has them in hand)."""
        if not await self.world.wait_until(lambda: not self.world.updates, timeout):
            raise AssertionError(f"the bot did not take {len(self.world.updates)} update(s)")

    # -- what the bot did ----------------------------------------------------------------------

    def calls_to(self, method: str) -> list[dict[str, Any]]:
        """Parameters of every call to `method` (case-insensitive), in order."""
        return [call.params for call in self.calls if call.method.lower() == method.lower()]

    @property
    def commands(self) -> list[dict[str, Any]]:
        """The commands setMyCommands registered for the default scope and all languages."""
        return self.commands_for()

    def commands_for(
        self, scope: dict[str, Any] | None = None, language_code: str = ""
    ) -> list[dict[str, Any]]:
        return self.world.commands.get(self.world.commands_key(scope, language_code), [])

    @property
    def webhook(self) -> dict[str, Any] | None:
        """The parameters of the last setWebhook, or None."""
        return self.world.webhook

    # -- faults --------------------------------------------------------------------------------

    def inject(
        self,
        fault: Fault,
        *,
        method: str | None = None,
        chat_id: int | SimChat | None = None,
        times: int = 1,
    ) -> Injection:
        """Make the next `times` calls of `method` (any but getUpdates when None), to `chat_id`
        (any when None), fail with `fault`."""
        target = chat_id.id if isinstance(chat_id, SimChat) else chat_id
        injection = Injection(fault, method, target, times)
        self._injections.append(injection)
        return injection

    async def until_held(self, injection: Injection, count: int = 1, timeout: float = 10) -> None:
        """Waits until ``count`` calls are held by a ``Fault.hold()`` injection."""
        if not await self.world.wait_until(lambda: injection.held >= count, timeout):
            raise AssertionError(f"no call was held by {injection} within {timeout} s")

    def release(self, injection: Injection) -> None:
        """Lets the calls held by a ``Fault.hold()`` injection through, answered normally."""
        injection.released = True
        self.world.notify()

    def block(self, chat: SimChat | int, description: str | None = None) -> None:
        """From now on every send to the chat gets 403, as when the user blocked the bot."""
        chat_id = chat.id if isinstance(chat, SimChat) else chat
        if description is None:
            description = (
                "Forbidden: bot was blocked by the user"
                if chat_id > 0
                else "Forbidden: bot was kicked from the group chat"
            )
        self.world.blocked[chat_id] = description

    def unblock(self, chat: SimChat | int) -> None:
        self.world.blocked.pop(chat.id if isinstance(chat, SimChat) else chat, None)

    def chat_blocked(self, chat_id: int | SimChat) -> bool:
        return (chat_id.id if isinstance(chat_id, SimChat) else chat_id) in self.world.blocked

    # -- HTTP ----------------------------------------------------------------------------------

    async def _handle_call(self, request: web.Request) -> web.StreamResponse:
        if request.match_info["token"] != self.token:
            return _error(ApiError(401, "Unauthorized"))
        method_name = request.match_info["method"]
        try:
            params = await read_params(request)
        except ApiError as error:
            return _error(error)
        self.calls.append(ApiCall(method_name, params))
        chat_id = params.get("chat_id")
        injection = next((i for i in self._injections if i.matches(method_name, chat_id)), None)
        if injection is not None:
            injection.remaining -= 1
            return await self._fire(injection, method_name, params, request)
        return await self._answer(method_name, params)

    async def _answer(self, method_name: str, params: dict[str, Any]) -> web.Response:
        method = _METHODS.get(method_name.lower())
        if method is None:
            return _error(ApiError(404, "Not Found"))
        chat_id = params.get("chat_id")
        try:
            blocked = self.world.blocked.get(chat_id) if isinstance(chat_id, int) else None
            if blocked is not None and method_name.lower().startswith(_CHAT_SENDING_PREFIXES):
                raise ApiError(403, blocked)
            result = method(self.world, params)
            if inspect.isawaitable(result):
                result = await result
        except ApiError as error:
            self._note_in_chat(chat_id, f"!! bot {method_name} failed: {error.description}")
            return _error(error)
        return web.json_response({"ok": True, "result": result})

    async def _fire(
        self, injection: Injection, method_name: str, params: dict[str, Any], request: web.Request
    ) -> web.StreamResponse:
        fault = injection.fault
        chat_id = params.get("chat_id")
        self.faults_fired.append(
            FiredFault(method_name, chat_id if isinstance(chat_id, int) else None, fault)
        )
        self._note_in_chat(chat_id, f"!! fault on {method_name}: {fault.kind} {fault.description}")
        if fault.kind == "error":
            return _error(fault.api_error())
        if fault.kind == "hold":
            injection.held += 1
            self.world.notify()
            await self.world.wait_until(lambda: injection.released or self.world.closing, None)
            injection.held -= 1
            return await self._answer(method_name, params)
        if fault.kind == "hang":
            await self.world.wait_until(lambda: self.world.closing, None)
        elif fault.processed:
            await self._answer(method_name, params)
        # close the connection without an answer: the client sees a network error
        if request.transport is not None:
            request.transport.abort()
        return web.Response()

    def _note_in_chat(self, chat_id: object, line: str) -> None:
        chat = self.world.chats.get(chat_id) if isinstance(chat_id, int) else None
        if chat is not None:
            chat.note(line)

    async def _handle_file(self, request: web.Request) -> web.Response:
        stored = self.world.files_by_path.get(request.match_info["file_path"])
        if request.match_info["token"] != self.token or stored is None:
            return _error(ApiError(404, "Not Found"))
        return web.Response(
            body=stored.content, content_type=stored.mime_type or "application/octet-stream"
        )


def _error(error: ApiError) -> web.Response:
    return web.json_response(error.to_json(), status=error.error_code)
