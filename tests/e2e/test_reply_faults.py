"""Telegram misbehaving while the bot answers: a reply that hangs, a "too many requests" and a
user who blocked the bot. The result is stored once in each case, and nobody is told to try
again."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from db.models import InboxUpdate, Observation
from emulator import Fault, SimChat
from emulator.harness import all_handled
from tests.e2e.conftest import BotUnderTest, say

pytestmark = pytest.mark.timeout(30)

APOLOGY = "Sorry, something went wrong"


async def all_done(bot: BotUnderTest) -> bool:
    async with bot.database.unit_of_work() as uow:
        undone = await uow.session.scalars(
            select(InboxUpdate.update_id).where(InboxUpdate.done_at.is_(None))
        )
        return not undone.all()


class TestAHangingReply:
    @pytest.fixture
    def bot_api_timeout(self) -> float:
        # How long the bot waits for an answer that never comes: short, so the test is, yet
        # well above what any answer of the emulator takes on a loaded machine (every call of
        # this bot waits this long at most, getMe and the other replies included).
        return 1.5

    async def test_is_given_up_and_sent_again_and_the_result_stored_once(
        self, bot: BotUnderTest, alice_chat: SimChat
    ) -> None:
        chat = alice_chat
        await say(chat, "/new Checkout")
        bot.emulator.inject(Fault.hang(), method="sendMessage", chat_id=chat)

        logged = await say(chat, "/log #1 A 200 9")

        assert "New totals of A: 9 of 200" in logged.text
        await chat.expect_silence("/help", "/log")  # the retried reply only, nothing after it
        assert await bot.rows(Observation) == 1
        assert [fault.fault.kind for fault in bot.emulator.faults_fired] == ["hang"]
        assert not [m.text for m in chat.bot_messages if APOLOGY in m.text]


class TestTooManyRequestsDuringAReply:
    @pytest.fixture
    def rate_limited(self) -> bool:
        return True

    # PTB's own RetryAfter warns about its int-or-timedelta attribute while building the error.
    @pytest.mark.filterwarnings("ignore::telegram.warnings.PTBDeprecationWarning")
    async def test_is_waited_out_and_the_reply_sent_once(
        self, bot: BotUnderTest, alice_chat: SimChat
    ) -> None:
        chat = alice_chat
        await say(chat, "/new Checkout")
        bot.emulator.inject(
            Fault.too_many_requests(retry_after=1), method="sendMessage", chat_id=chat
        )

        logged = await say(chat, "/log #1 A 200 9")

        assert "New totals of A: 9 of 200" in logged.text
        await chat.expect_silence("/help", "/log")
        assert await bot.rows(Observation) == 1
        assert len(bot.emulator.faults_fired) == 1
        assert not [m.text for m in chat.bot_messages if APOLOGY in m.text]


async def test_a_user_who_blocked_the_bot_still_has_the_result_stored_once(
    bot: BotUnderTest, alice_chat: SimChat
) -> None:
    chat = alice_chat
    await say(chat, "/new Checkout")
    replies_before = len(chat.bot_messages)
    sends_before = len(bot.emulator.calls_to("sendMessage"))
    bot.emulator.block(chat)

    await chat.send("/log #1 A 200 9")
    assert await all_handled(bot.application, bot.emulator, timeout=10)

    assert await bot.rows(Observation) == 1
    assert await all_done(bot)
    # A blocked bot cannot answer; it does not keep trying either (403 is not retried).
    assert len(chat.bot_messages) == replies_before
    refused = bot.emulator.calls_to("sendMessage")[sends_before:]
    assert 1 <= len(refused) <= 2, refused  # the reply, and at most the "saved" notice
