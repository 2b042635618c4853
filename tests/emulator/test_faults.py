"""Injected faults reach python-telegram-bot as Telegram's would."""

import asyncio

import pytest
from telegram import Bot
from telegram.error import Forbidden, NetworkError, RetryAfter, TimedOut
from telegram.request import HTTPXRequest

from emulator import BotApiEmulator, Fault, SimChat

pytestmark = pytest.mark.timeout(15)


# PTB 22 itself warns that RetryAfter.retry_after will become a timedelta
@pytest.mark.filterwarnings("ignore::telegram.warnings.PTBDeprecationWarning")
async def test_too_many_requests_carries_retry_after(bot: Bot, emu: BotApiEmulator, chat):
    emu.inject(Fault.too_many_requests(retry_after=7), method="sendMessage")

    with pytest.raises(RetryAfter) as error:
        await bot.send_message(chat.id, "digest")

    assert error.value.retry_after == 7

    assert chat.unread == []
    await bot.send_message(chat.id, "digest")  # times=1: the next call goes through
    assert (await chat.next_reply()).text == "digest"


async def test_forbidden(bot: Bot, emu: BotApiEmulator, chat: SimChat):
    emu.inject(Fault.forbidden(), method="sendMessage", chat_id=chat)

    with pytest.raises(Forbidden, match="bot was blocked by the user"):
        await bot.send_message(chat.id, "digest")


async def test_dropped_connection_is_a_network_error(bot: Bot, emu: BotApiEmulator, chat):
    emu.inject(Fault.drop_connection(), method="sendMessage")

    with pytest.raises(NetworkError):
        await bot.send_message(chat.id, "digest")

    assert chat.unread == []


async def test_a_drop_after_processing_delivers_the_message(bot: Bot, emu, chat: SimChat):
    emu.inject(Fault.drop_connection(processed=True), method="sendMessage")

    with pytest.raises(NetworkError):
        await bot.send_message(chat.id, "digest")

    assert (await chat.next_reply()).text == "digest"


async def test_a_hanging_call_times_out(emu: BotApiEmulator, chat: SimChat):
    emu.inject(Fault.hang(), method="sendMessage")
    request = HTTPXRequest(read_timeout=0.2)

    async with Bot(emu.token, base_url=emu.base_url, request=request) as bot:
        with pytest.raises(TimedOut):
            await bot.send_message(chat.id, "digest")


async def test_faults_match_method_chat_and_count(bot: Bot, emu: BotApiEmulator, alice):
    bob_chat = emu.private_chat(emu.user("Bob"))
    alice_chat = emu.private_chat(alice)
    injection = emu.inject(Fault.forbidden(), method="sendmessage", chat_id=bob_chat, times=2)

    await bot.send_message(alice_chat.id, "fine")
    await bot.send_chat_action(bob_chat.id, "typing")
    for _ in range(2):
        with pytest.raises(Forbidden):
            await bot.send_message(bob_chat.id, "no")
    await bot.send_message(bob_chat.id, "fine again")

    assert injection.remaining == 0
    assert [(f.method, f.chat_id) for f in emu.faults_fired] == [("sendMessage", bob_chat.id)] * 2
    assert "fault on sendMessage" in bob_chat.transcript()


async def test_a_catch_all_fault_spares_get_updates(bot: Bot, emu: BotApiEmulator, chat):
    emu.inject(Fault.error(502, "Bad Gateway"))
    await chat.send("hi")

    assert len(await bot.get_updates()) == 1
    with pytest.raises(NetworkError, match="Bad Gateway"):
        await bot.get_me()


async def test_block_makes_every_send_forbidden_until_unblocked(bot: Bot, emu, chat):
    sent = await bot.send_message(chat.id, "before")
    emu.block(chat)

    assert emu.chat_blocked(chat.id)
    with pytest.raises(Forbidden, match="bot was blocked by the user"):
        await bot.send_message(chat.id, "digest")
    with pytest.raises(Forbidden):
        await bot.edit_message_text("edited", chat.id, sent.message_id)
    with pytest.raises(Forbidden):
        await bot.send_document(chat.id, b"x", filename="x.csv")
    emu.unblock(chat)
    await bot.send_message(chat.id, "after")


async def test_blocked_group_says_kicked(bot: Bot, emu: BotApiEmulator, alice):
    team = emu.group_chat("Team", members=[alice])
    emu.block(team)

    with pytest.raises(Forbidden, match="kicked from the group chat"):
        await bot.send_message(team.id, "digest")


async def test_a_held_call_is_answered_once_released(bot: Bot, emu: BotApiEmulator, chat):
    held = emu.inject(Fault.hold(), method="sendMessage", chat_id=chat)

    sending = asyncio.create_task(bot.send_message(chat.id, "digest"))
    await emu.until_held(held)
    assert chat.unread == [] and not sending.done()
    emu.release(held)
    sent = await sending

    assert sent.text == "digest"
    assert (await chat.next_reply()).text == "digest"
    assert held.held == 0
