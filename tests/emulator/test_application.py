"""A real python-telegram-bot Application, long polling the emulator through the harness."""

import time
from collections.abc import AsyncIterator

import pytest
from telegram import Update
from telegram.constants import ParseMode
from telegram.ext import Application, MessageHandler, filters

from emulator import BotApiEmulator, SimChat
from emulator.harness import application_builder, running_application
from tests.emulator.demo_bot import RUNNING_HTML, Context, build_app
from tests.emulator.samples import CSV, png

pytestmark = pytest.mark.timeout(15)


@pytest.fixture
async def running(emu: BotApiEmulator) -> AsyncIterator[Application]:
    async with running_application(build_app(emu)) as app:
        yield app


@pytest.mark.usefixtures("running")
async def test_post_init_registers_commands(emu: BotApiEmulator):
    assert [c["command"] for c in emu.commands] == ["start", "chart"]
    assert len(emu.calls_to("setMyCommands")) == 1


@pytest.mark.usefixtures("running")
async def test_echo(chat: SimChat):
    await chat.send("hello there")

    assert (await chat.next_reply()).text == "hello there"


@pytest.mark.usefixtures("running")
async def test_command_keyboard_press_answer_and_edit(chat: SimChat):
    await chat.send("/start")
    reply = await chat.next_reply()
    assert (reply.html, reply.button_texts) == (RUNNING_HTML, ["Pause"])

    query_id = await chat.press(reply, "Pause")

    assert (await chat.callback_answer(query_id)).text == "Paused"
    edited = await chat.next_edit()
    assert (edited.message_id, edited.text, edited.buttons) == (
        reply.message_id,
        "#1 is paused",
        [],
    )
    assert "Alice pressed [Pause]" in chat.transcript()


@pytest.mark.usefixtures("running")
async def test_document_upload_is_downloaded_by_the_bot(chat: SimChat):
    await chat.upload("observations.csv", CSV, caption="/import #1")

    assert (await chat.next_reply()).text == "/import #1: 3 lines"


@pytest.mark.usefixtures("running")
async def test_bot_sends_a_photo(chat: SimChat):
    await chat.send("/chart")

    reply = await chat.next_reply()
    assert reply.kind == "photo"
    assert reply.photo is not None
    assert reply.photo.content == png()
    assert reply.text == "Chart of #1"


@pytest.mark.usefixtures("running")
async def test_group_commands_addressed_to_the_bot(emu: BotApiEmulator):
    alice, bob = emu.user("Alice"), emu.user("Bob")
    team = emu.group_chat("Team", members=[alice, bob])

    await team.send("/start@hourglass_test_bot", sender=bob)
    assert "#1 is running" in (await team.next_reply()).text

    await team.send("/start@some_other_bot", sender=alice)
    await team.expect_silence("/chart", reply_contains="Chart", sender=bob)


@pytest.mark.usefixtures("running")
async def test_expect_silence_fails_on_an_extra_reply(chat: SimChat):
    await chat.send("unanswered echo")

    with pytest.raises(AssertionError, match="but the bot sent 'unanswered echo' first"):
        await chat.expect_silence("/chart", reply_contains="Chart")


async def test_next_reply_timeout_shows_the_transcript(emu: BotApiEmulator, chat: SimChat):
    await chat.send("nobody is listening")

    with pytest.raises(AssertionError, match=r"(?s)No reply from the bot.*Alice: nobody"):
        await chat.next_reply(timeout=0.05)


async def test_stopping_is_quick_even_with_long_poll_timeout(emu: BotApiEmulator, chat):
    async with running_application(build_app(emu), poll_timeout=30) as app:
        await chat.send("ping")
        await chat.next_reply()
        stopping = time.monotonic()

    assert time.monotonic() - stopping < 2
    assert not app.running
    assert emu.pending_updates == []


async def test_html_errors_reach_the_application_as_bad_request(emu, chat: SimChat):
    errors: list[Exception] = []

    async def unescaped(update: Update, context: Context) -> None:
        await update.effective_message.reply_text("<3 & <tags>", parse_mode=ParseMode.HTML)

    async def on_error(update: object, context: Context) -> None:
        errors.append(context.error)
        await context.bot.send_message(chat.id, "Sorry, something went wrong.")

    app = application_builder(emu).build()
    app.add_handler(MessageHandler(filters.TEXT, unescaped))
    app.add_error_handler(on_error)
    async with running_application(app):
        await chat.send("hi")
        assert (await chat.next_reply()).text == "Sorry, something went wrong."

    assert "can't parse entities" in str(errors[0]).lower()
