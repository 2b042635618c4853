"""Two bot processes on one database: a setting changed through one is used by the other's
next reply (each process keeps its chats' workspaces, experiments.workspaces.KnownWorkspaces),
and a chat's next update waits in one process until the other has finished the chat's last
(db.chat_locks)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import date

import pytest

from bot.app import build_application
from bot.bootstrap import open_database
from bot.i18n import translator
from bot.runtime import Runtime
from emulator import DEFAULT_TOKEN, BotApiEmulator, Fault, SimChat
from emulator.harness import running_application
from tests.e2e.conftest import press, say
from tests.service.test_chat_locks import until_a_process_waits_for_a_chat
from tests.support import FrozenClock

ALICE_ID = 424242


@asynccontextmanager
async def telegram_and_bot(
    database_url: str, clock: FrozenClock, first_update_id: int = 1, *, sole_receiver: bool = True
) -> AsyncIterator[tuple[BotApiEmulator, SimChat]]:
    """A bot with an engine, a runtime and a Telegram of its own, on the shared database; the
    same founder (the same chat id) writes to it. One bot has one sequence of update ids, so
    the second Telegram continues far from the first's (the inbox keys updates by their id).
    ``sole_receiver=False``: as a webhook process, other processes take the bot's updates too."""
    async with BotApiEmulator(token=DEFAULT_TOKEN, first_update_id=first_update_id) as emulator:
        database = await open_database(database_url)
        application = build_application(
            Runtime(database=database, clock=clock, sole_receiver=sole_receiver),
            DEFAULT_TOKEN,
            base_url=emulator.base_url,
            base_file_url=emulator.base_file_url,
            rate_limited=False,
        )
        try:
            async with running_application(application, poll_timeout=1):
                alice = emulator.user(first_name="Alice", language_code="en", user_id=ALICE_ID)
                yield emulator, emulator.private_chat(alice)
        finally:
            await database.dispose()


@asynccontextmanager
async def bot_process(
    database_url: str, clock: FrozenClock, first_update_id: int = 1
) -> AsyncIterator[SimChat]:
    async with telegram_and_bot(database_url, clock, first_update_id) as (_emulator, chat):
        yield chat


def opening(language: str, message: str) -> str:
    """The words a translated message starts with, up to its first placeholder."""
    return translator(language).gettext(message).split("{")[0]


LOGGED = (
    "✅ Logged for {title}, variant <b>{variant}</b>: {visitors} visitors, "
    "{conversions} conversions (by {author})."
)


async def test_a_language_changed_through_one_process_is_used_by_the_others_next_reply(
    database_url: str, clock: FrozenClock
) -> None:
    async with (
        bot_process(database_url, clock) as first,
        bot_process(database_url, clock, first_update_id=1_000_000) as second,
    ):
        await say(first, "/new Referral reward")
        logged = await say(second, "/log #1 A 100 5")
        assert logged.text.startswith(opening("en", LOGGED))
        help_text = await say(second, "/help")
        assert translator("en").gettext("Hourglass commands") in help_text.text

        await say(first, "/settings language ru")

        # Its next update, whether it runs a use case or not, speaks the new language.
        logged = await say(second, "/log #1 B 100 7")
        assert logged.text.startswith(opening("ru", LOGGED)), logged.text
        help_text = await say(second, "/help")
        assert translator("ru").gettext("Hourglass commands") in help_text.text

        # And back, the other way round.
        await say(second, "/settings language en")
        logged = await say(first, "/log #1 A 100 6")
        assert logged.text.startswith(opening("en", LOGGED)), logged.text


async def test_a_timezone_changed_through_one_process_is_where_the_others_next_day_begins(
    database_url: str, clock: FrozenClock
) -> None:
    # 2026-03-02 09:00 UTC is still 1 March in Honolulu (UTC-10).
    async with (
        bot_process(database_url, clock) as first,
        bot_process(database_url, clock, first_update_id=1_000_000) as second,
    ):
        await say(first, "/new Referral reward")
        await say(second, "/log #1 A 100 5")
        await say(first, "/settings timezone Pacific/Honolulu")
        logged = await say(second, "/log #1 A 100 5 yesterday")
        # Yesterday there is 28 February; in UTC, the timezone the second process knew, 1 March.
        assert translator("en").date(date(2026, 2, 28)) in logged.text, logged.text


async def test_a_chats_next_answer_waits_in_the_other_process_until_the_step_is_stored(
    database_url: str, clock: FrozenClock
) -> None:
    if database_url.startswith("sqlite"):
        pytest.skip("one process at a time uses an SQLite database: nothing to wait for")
    async with (
        telegram_and_bot(database_url, clock, sole_receiver=False) as (telegram, first),
        telegram_and_bot(database_url, clock, 1_000_000, sole_receiver=False) as (_, second),
    ):
        held = telegram.inject(Fault.hold(), method="sendMessage", chat_id=first)
        await first.send("/new")
        await telegram.until_held(held)
        # The first process is replying to /new and has not stored the flow's step yet; the
        # name, sent to the second process now, waits for the chat's lock.
        await second.send("Pricing page")
        await until_a_process_waits_for_a_chat(database_url)
        assert second.bot_messages == []

        telegram.release(held)
        asked = await first.next_reply()
        kind = await second.next_reply()
        assert asked.text.startswith("Let's register an experiment."), first.transcript()
        # Taken as the name /new asked for, with the step the first process stored.
        assert kind.text.startswith("What kind of experiment is “Pricing page”?"), kind.text
        # And the flow goes on in the second process from there.
        await press(second, kind, "A/B test")
        stage = await second.next_reply()
        assert any("Know" in button.text for row in stage.buttons for button in row), stage.text
