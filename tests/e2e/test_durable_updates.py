"""A reply that fails after its change was saved is retried, and never asks to try again;
an update handled again after a crash stores nothing twice."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import select, update

from bot.app import build_application
from bot.durable import recover_inbox
from bot.runtime import Runtime
from bot.webhook import SECRET_HEADER, WebhookServer
from db.models import InboxUpdate, Observation, Workspace
from emulator import DEFAULT_TOKEN, Fault, SimChat
from emulator.harness import all_handled
from tests.cli.test_webhook_server import AN_UPDATE, SECRET, raw_post
from tests.e2e.conftest import BotUnderTest, press, say

pytestmark = pytest.mark.timeout(30)

APOLOGY = "Sorry, something went wrong"
SAVED_BUT_UNSHOWN = "✅ Saved. I could not show the result just now."


def said(chat: SimChat) -> list[str]:
    return [message.text for message in chat.bot_messages]


async def inbox_rows(bot: BotUnderTest) -> list[tuple[int, int, bool]]:
    async with bot.database.unit_of_work() as uow:
        rows = await uow.session.execute(
            select(InboxUpdate.update_id, InboxUpdate.writes, InboxUpdate.done_at.is_not(None))
        )
        return sorted((int(i), int(w), bool(d)) for i, w, d in rows)


@pytest.mark.parametrize(
    "fault",
    [Fault.error(500, "Internal Server Error"), Fault.drop_connection()],
    ids=["500", "dropped"],
)
async def test_a_failed_reply_to_a_log_is_retried_and_the_result_stored_once(
    bot: BotUnderTest, alice_chat: SimChat, fault: Fault
) -> None:
    chat = alice_chat
    await say(chat, "/new Checkout")
    bot.emulator.inject(fault, method="sendMessage", chat_id=chat)

    logged = await say(chat, "/log #1 A 200 9")

    assert "New totals of A: 9 of 200" in logged.text
    assert await bot.rows(Observation) == 1
    await chat.expect_silence("/help", "/log")  # one reply, nothing after it
    assert not [text for text in said(chat) if APOLOGY in text]
    assert len(bot.emulator.faults_fired) == 1


async def test_a_reply_lost_after_telegram_showed_it_is_sent_again_but_stored_once(
    bot: BotUnderTest, alice_chat: SimChat
) -> None:
    chat = alice_chat
    await say(chat, "/new Checkout")
    bot.emulator.inject(Fault.drop_connection(processed=True), method="sendMessage", chat_id=chat)

    logged = await say(chat, "/log #1 A 200 9")

    assert "New totals of A: 9 of 200" in logged.text
    # The bot cannot know the lost answer was shown: it shows it again rather than not at all.
    again = await chat.next_reply()
    assert again.text == logged.text
    assert await bot.rows(Observation) == 1
    assert not [text for text in said(chat) if APOLOGY in text]


async def test_when_every_retry_fails_the_user_hears_it_was_saved(
    bot: BotUnderTest, alice_chat: SimChat
) -> None:
    chat = alice_chat
    await say(chat, "/new Checkout")
    tries = 1 + len(bot.runtime.reply_retry_delays)
    bot.emulator.inject(
        Fault.error(502, "Bad Gateway"), method="sendMessage", chat_id=chat, times=tries
    )

    answer = await say(chat, "/log #1 A 200 9")

    assert answer.text == SAVED_BUT_UNSHOWN
    assert await bot.rows(Observation) == 1
    assert not [text for text in said(chat) if APOLOGY in text]
    assert len(bot.emulator.faults_fired) == tries


async def test_a_failed_edit_after_a_settings_button_is_retried_and_saved_once(
    bot: BotUnderTest, alice_chat: SimChat
) -> None:
    chat = alice_chat
    card = await say(chat, "/settings")
    await press(chat, card, "Timezone")
    zones = await chat.next_edit()
    bot.emulator.inject(
        Fault.error(500, "Internal Server Error"), method="editMessageText", chat_id=chat
    )

    query = await press(chat, zones, "Europe/Berlin")

    saved = await chat.next_edit()
    assert "Saved." in saved.text and "Timezone: Europe/Berlin" in saved.text
    await chat.callback_answer(query)
    async with bot.database.unit_of_work() as uow:
        workspace = await uow.session.scalar(select(Workspace))
        assert workspace is not None
        assert (workspace.timezone, workspace.timezone_confirmed) == ("Europe/Berlin", True)
    assert chat.unread == []
    assert not [text for text in said(chat) if APOLOGY in text]


async def test_a_settings_button_whose_edit_never_goes_through_says_it_was_saved(
    bot: BotUnderTest, alice_chat: SimChat
) -> None:
    chat = alice_chat
    card = await say(chat, "/settings")
    await press(chat, card, "Timezone")
    zones = await chat.next_edit()
    tries = 1 + len(bot.runtime.reply_retry_delays)
    bot.emulator.inject(
        Fault.error(500, "Internal Server Error"),
        method="editMessageText",
        chat_id=chat,
        times=tries,
    )

    await press(chat, zones, "Europe/Berlin")

    assert (await chat.next_reply()).text == SAVED_BUT_UNSHOWN
    async with bot.database.unit_of_work() as uow:
        workspace = await uow.session.scalar(select(Workspace))
        assert workspace is not None and workspace.timezone == "Europe/Berlin"
    assert not [text for text in said(chat) if APOLOGY in text]


async def test_an_update_handled_again_after_a_crash_stores_nothing_twice(
    bot: BotUnderTest, alice_chat: SimChat
) -> None:
    chat = alice_chat
    await say(chat, "/new Checkout")
    await say(chat, "/log #1 A 200 9")
    await say(chat, "/help")
    # Marked done after its reply is sent: otherwise the recovery below would take the /help
    # as unfinished too, and answer it again.
    assert await all_handled(bot.application, bot.emulator, timeout=10)
    rows = await inbox_rows(bot)
    # Every update is in the inbox; the /new and the /log each committed one write.
    assert rows == [(1, 1, True), (2, 1, True), (3, 0, True)]
    # As after a kill -9 before the /log was marked done: the next start finds it undone.
    async with bot.database.unit_of_work() as uow:
        await uow.session.execute(
            update(InboxUpdate).where(InboxUpdate.update_id == 2).values(done_at=None)
        )
        await uow.commit()

    await recover_inbox(bot.application)

    assert (
        await chat.next_reply()
    ).text == "✅ Saved already: I had received this before a restart."
    assert await bot.rows(Observation) == 1
    totals = await say(chat, "/log #1 A 100 1")
    assert "New totals of A: 10 of 300" in totals.text


async def test_a_failure_before_anything_was_saved_still_apologises(
    bot: BotUnderTest, alice_chat: SimChat
) -> None:
    """The other side of the rule: with nothing saved, trying again is the right advice."""
    chat = alice_chat
    await say(chat, "/new Checkout")
    tries = 1 + len(bot.runtime.reply_retry_delays)
    # /list writes nothing; its reply fails every time, the apology then goes through.
    bot.emulator.inject(
        Fault.error(500, "Internal Server Error"), method="sendMessage", chat_id=chat, times=tries
    )

    answer = await say(chat, "/list")

    assert APOLOGY in answer.text
    assert await bot.rows(Observation) == 0


async def test_a_webhook_update_is_stored_before_its_200_and_a_second_delivery_is_not_queued(
    bot: BotUnderTest,
) -> None:
    application = build_application(
        Runtime(database=bot.database, clock=bot.clock, sole_receiver=False),
        DEFAULT_TOKEN,
        base_url=bot.emulator.base_url,
        rate_limited=False,
    )
    server = WebhookServer(application, secret=SECRET, listen="127.0.0.1", port=0)
    await server.start()
    try:
        for _ in range(2):  # Telegram delivers again when it missed the first 200
            status, _ = await raw_post(
                server.port, json.dumps(AN_UPDATE).encode(), {SECRET_HEADER: SECRET}
            )
            assert status == 200
            assert await inbox_rows(bot) == [(7001, 0, False)]
        assert application.update_queue.qsize() == 1
    finally:
        await server.stop()
