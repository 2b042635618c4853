"""Running a python-telegram-bot Application against the emulator, for tests and the sandbox."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from typing import Any, TypeVar

from telegram import Update
from telegram.ext import Application, ApplicationBuilder

from emulator.server import BotApiEmulator

AppT = TypeVar("AppT", bound="Application[Any, Any, Any, Any, Any, Any]")


def application_builder(emu: BotApiEmulator) -> ApplicationBuilder[Any, Any, Any, Any, Any, Any]:
    """An ApplicationBuilder already pointed at the emulator (token, base_url, base_file_url)."""
    return (
        ApplicationBuilder()
        .token(emu.token)
        .base_url(emu.base_url)
        .base_file_url(emu.base_file_url)
    )


@asynccontextmanager
async def running_application(
    app: AppT,
    *,
    poll_timeout: int = 1,
    drop_pending_updates: bool = False,
    allowed_updates: Sequence[str] | None = Update.ALL_TYPES,
) -> AsyncIterator[AppT]:
    """Run `app` with long polling inside the block, as run_polling() would (post_init,
    post_stop and post_shutdown included), and stop it cleanly afterwards.

    Stopping is quick whatever poll_timeout is: PTB cancels its pending getUpdates.
    """
    if app.updater is None:
        raise ValueError("the Application needs an Updater for polling")
    updater = app.updater
    await app.initialize()
    try:
        if app.post_init is not None:
            await app.post_init(app)
        await updater.start_polling(
            poll_interval=0,
            timeout=poll_timeout,
            drop_pending_updates=drop_pending_updates,
            allowed_updates=allowed_updates,
        )
        await app.start()
        yield app
    finally:
        # the same order as Application.run_polling
        try:
            if updater.running:
                await updater.stop()
            if app.running:
                await app.stop()
            if app.post_stop is not None:
                await app.post_stop(app)
        finally:
            await app.shutdown()
            if app.post_shutdown is not None:
                await app.post_shutdown(app)


async def all_handled(
    app: Application[Any, Any, Any, Any, Any, Any], emu: BotApiEmulator, timeout: float
) -> bool:
    """Waits until every update sent so far has been handled (its replies tried); False if
    that takes longer than ``timeout`` seconds.

    The bot confirms updates to Telegram by asking for the next ones only after queueing them,
    and its queue counts an update done once it has been handled.
    """
    world = emu.world
    if not await world.wait_until(lambda: not world.updates, timeout=timeout):
        return False
    try:
        await asyncio.wait_for(app.update_queue.join(), timeout)
    except TimeoutError:
        return False
    return True
