"""getUpdates long polling, and updates PTB can read, in every encoding PTB may send."""

import asyncio
import json

import aiohttp
import pytest
from telegram import Bot, ForceReply, MessageEntity

from emulator import BotApiEmulator, SimChat, SimUser
from tests.emulator.samples import CSV

pytestmark = pytest.mark.timeout(15)


async def call(emu: BotApiEmulator, method: str, **kwargs) -> dict:
    async with (
        aiohttp.ClientSession() as session,
        session.post(f"{emu.base_url}{emu.token}/{method}", **kwargs) as response,
    ):
        return await response.json()


async def get_updates_started(emu: BotApiEmulator, count: int = 1) -> None:
    assert await emu.world.wait_until(lambda: len(emu.calls_to("getUpdates")) >= count, 5)


async def test_queued_updates_are_returned_at_once(bot: Bot, chat: SimChat):
    await chat.send("hello")

    async with asyncio.timeout(2):
        updates = await bot.get_updates(timeout=30)

    assert [u.message.text for u in updates] == ["hello"]


async def test_long_poll_returns_when_an_update_arrives(bot: Bot, emu: BotApiEmulator, chat):
    poll = asyncio.create_task(bot.get_updates(timeout=30))
    await get_updates_started(emu)
    assert not poll.done()

    await chat.send("late")

    async with asyncio.timeout(2):
        updates = await poll
    assert [u.message.text for u in updates] == ["late"]


async def test_long_poll_times_out_empty(emu: BotApiEmulator):
    answer = await call(emu, "getUpdates", json={"timeout": 0.05})

    assert answer == {"ok": True, "result": []}


async def test_confirmed_updates_are_dropped_and_others_redelivered(bot, emu, chat):
    await chat.send("one")
    await chat.send("two")

    first = await bot.get_updates()
    again = await bot.get_updates()
    after = await bot.get_updates(offset=first[-1].update_id + 1)

    assert [u.update_id for u in again] == [u.update_id for u in first]
    assert len(first) == 2
    assert after == ()
    assert emu.pending_updates == []


async def test_limit_and_negative_offset(bot: Bot, chat: SimChat):
    for text in ("a", "b", "c"):
        await chat.send(text)

    assert [u.message.text for u in await bot.get_updates(limit=2)] == ["a", "b"]
    assert [u.message.text for u in await bot.get_updates(offset=-1)] == ["c"]
    assert [u.message.text for u in await bot.get_updates()] == ["c"]


async def test_stop_answers_pending_long_polls(alice: SimUser):
    emu = BotApiEmulator()
    await emu.start()
    poll = asyncio.create_task(call(emu, "getUpdates", json={"timeout": 30}))
    await get_updates_started(emu)

    async with asyncio.timeout(3):
        await emu.stop()
        answer = await poll

    assert answer == {"ok": True, "result": []}


async def test_a_newer_poll_ends_the_older_with_conflict(bot: Bot, emu: BotApiEmulator):
    older = asyncio.create_task(call(emu, "getUpdates", json={"timeout": 30}))
    await get_updates_started(emu)

    await bot.get_updates(timeout=0)

    answer = await asyncio.wait_for(older, 2)
    assert answer["error_code"] == 409
    assert "terminated by other getUpdates" in answer["description"]


async def test_delete_webhook_can_drop_pending_updates(bot: Bot, emu, chat: SimChat):
    await chat.send("stale")

    await bot.delete_webhook(drop_pending_updates=True)

    assert emu.pending_updates == []


@pytest.mark.parametrize("encoding", ["json", "form", "multipart", "query"])
async def test_parameters_in_every_encoding(emu: BotApiEmulator, chat: SimChat, encoding: str):
    markup = json.dumps({"inline_keyboard": [[{"text": "Go", "callback_data": "go"}]]})
    fields = {"chat_id": str(chat.id), "text": "hi", "reply_markup": markup}
    if encoding == "json":
        kwargs = {"json": {"chat_id": chat.id, "text": "hi", "reply_markup": json.loads(markup)}}
    elif encoding == "form":
        kwargs = {"data": fields}
    elif encoding == "multipart":
        form = aiohttp.FormData()
        for name, value in fields.items():
            form.add_field(name, value)
        form.add_field("unused", b"bytes", filename="x.bin")
        kwargs = {"data": form}
    else:
        kwargs = {"params": fields}

    answer = await call(emu, "sendMessage", **kwargs)

    assert answer["ok"], answer
    assert answer["result"]["reply_markup"] == json.loads(markup)
    assert (await chat.next_reply()).buttons == [[("Go", "go")]]
    assert emu.calls_to("sendMessage")[0]["chat_id"] == chat.id


async def test_error_answers_have_telegrams_shape(emu: BotApiEmulator, chat: SimChat):
    answer = await call(emu, "sendMessage", json={"chat_id": chat.id, "text": ""})

    assert answer == {
        "ok": False,
        "error_code": 400,
        "description": "Bad Request: message text is empty",
    }


async def test_command_updates_carry_bot_command_entities(bot: Bot, chat: SimChat):
    await chat.send("/new Landing page")
    await chat.send("/new@hourglass_test_bot Pricing")
    await chat.send("no command")

    updates = await bot.get_updates()

    first, second, plain = (u.message for u in updates)
    assert first.entities == (MessageEntity(MessageEntity.BOT_COMMAND, 0, 4),)
    assert second.entities == (MessageEntity(MessageEntity.BOT_COMMAND, 0, 23),)
    assert plain.entities == ()
    assert first.from_user.language_code == "en"
    assert first.chat.type == "private"
    assert first.chat.first_name == "Alice"


async def test_group_messages_name_their_sender_and_title(bot: Bot, emu: BotApiEmulator):
    alice, bob = emu.user("Alice"), emu.user("Bob", language_code="de")
    team = emu.group_chat("Team", members=[alice, bob])

    await team.send("/list", sender=bob)
    (update,) = await bot.get_updates()

    assert (update.message.chat.type, update.message.chat.title) == ("group", "Team")
    assert update.message.chat.id < 0
    assert update.message.from_user.first_name == "Bob"
    with pytest.raises(ValueError, match="sender"):
        await team.send("who am I?")


async def test_document_updates(bot: Bot, chat: SimChat):
    await chat.upload("observations.csv", CSV, caption="/import #1")

    (update,) = await bot.get_updates()

    document = update.message.document
    assert (document.file_name, document.mime_type, document.file_size) == (
        "observations.csv",
        "text/csv",
        len(CSV),
    )
    assert update.message.caption == "/import #1"
    assert update.message.caption_entities[0].type == MessageEntity.BOT_COMMAND


async def test_callback_query_updates(bot: Bot, chat: SimChat):
    sent = await bot.send_message(
        chat.id,
        "Running",
        reply_markup={"inline_keyboard": [[{"text": "Pause", "callback_data": "pause:1"}]]},
    )
    reply = await chat.next_reply()

    query_id = await chat.press(reply, "Pause")
    (update,) = await bot.get_updates()

    query = update.callback_query
    assert (query.id, query.data, query.from_user.first_name) == (query_id, "pause:1", "Alice")
    assert query.message.message_id == sent.message_id
    assert query.chat_instance
    with pytest.raises(AssertionError, match="No button 'Resume'"):
        await chat.press(reply, "Resume")


async def test_a_user_reply_quotes_the_bots_message(bot: Bot, chat: SimChat):
    await bot.send_message(chat.id, "Name of the experiment?", reply_markup=ForceReply())
    question = await chat.next_reply()

    await chat.send("Landing page", reply_to=question)
    (update,) = await bot.get_updates()

    assert question.force_reply
    assert update.message.reply_to_message.text == "Name of the experiment?"
    assert update.message.reply_to_message.from_user.is_bot
