"""Each Bot API method, called by the real telegram.Bot, answers as Telegram does."""

import pytest
from telegram import (
    Bot,
    BotCommand,
    ForceReply,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    ReplyKeyboardRemove,
    ReplyParameters,
)
from telegram.constants import ChatAction, ParseMode
from telegram.error import BadRequest, EndPointNotFound, InvalidToken

from emulator import BotApiEmulator, Button, SimChat
from tests.emulator.samples import CSV, png

pytestmark = pytest.mark.timeout(15)


def keyboard(*labels: str) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        [[InlineKeyboardButton(label, callback_data=label.lower()) for label in labels]]
    )


async def test_get_me_describes_the_configured_bot(bot: Bot, emu: BotApiEmulator):
    me = await bot.get_me()

    assert (me.id, me.username, me.is_bot) == (123456, "hourglass_test_bot", True)
    assert emu.calls[0].method == "getMe"


async def test_wrong_token_is_unauthorized(emu: BotApiEmulator):
    with pytest.raises(InvalidToken):
        async with Bot("999:WRONG", base_url=emu.base_url, base_file_url=emu.base_file_url):
            pass


async def test_unknown_method_is_not_found(bot: Bot):
    with pytest.raises(EndPointNotFound):
        await bot.do_api_request("frobnicate", api_kwargs={"chat_id": 1})


async def test_send_message_stores_html_text_entities_and_buttons(bot: Bot, chat: SimChat):
    sent = await bot.send_message(
        chat.id, "<b>Created</b> #1", parse_mode=ParseMode.HTML, reply_markup=keyboard("Pause")
    )
    reply = await chat.next_reply()

    assert sent.text == "Created #1"
    assert sent.text_html == "<b>Created</b> #1"
    assert sent.reply_markup == keyboard("Pause")
    assert (reply.text, reply.html, reply.message_id) == ("Created #1", "<b>Created</b> #1", 1)
    assert reply.buttons == [[Button("Pause", "pause")]]
    assert reply.buttons == [[("Pause", "pause")]]


async def test_message_ids_increase_and_dates_come_from_the_clock(alice):
    async with BotApiEmulator(clock=lambda: 1_700_000_000.5) as emu:
        chat = emu.private_chat(alice)
        async with Bot(emu.token, base_url=emu.base_url) as bot:
            first = await bot.send_message(chat.id, "one")
            second = await bot.send_message(chat.id, "two")

    assert (first.message_id, second.message_id) == (1, 2)
    assert first.date.timestamp() == 1_700_000_000


async def test_reply_markups_other_than_inline_are_kept(bot: Bot, chat: SimChat):
    await bot.send_message(chat.id, "Name?", reply_markup=ForceReply())
    await bot.send_message(chat.id, "Done", reply_markup=ReplyKeyboardRemove())

    asked, done = await chat.next_replies(2)
    assert asked.force_reply
    assert done.remove_keyboard


async def test_reply_parameters_link_to_the_users_message(bot: Bot, chat: SimChat):
    question = await chat.send("hello")

    sent = await bot.send_message(
        chat.id, "hi", reply_parameters=ReplyParameters(question.message_id)
    )

    assert sent.reply_to_message is not None
    assert sent.reply_to_message.text == "hello"
    assert (await chat.next_reply()).reply_to_message_id == question.message_id


async def test_reply_to_a_missing_message_is_rejected(bot: Bot, chat: SimChat):
    with pytest.raises(BadRequest, match=r"(?i)message to be replied not found"):
        await bot.send_message(chat.id, "hi", reply_to_message_id=42)


async def test_link_preview_options_are_accepted(bot: Bot, chat: SimChat):
    await bot.send_message(chat.id, "see https://x.test", disable_web_page_preview=True)

    assert (await chat.next_reply()).text == "see https://x.test"


@pytest.mark.parametrize("text", ["", "   ", "<b></b>"])
async def test_empty_text_is_rejected(bot: Bot, chat: SimChat, text: str):
    with pytest.raises(BadRequest, match=r"(?i)message text is empty"):
        await bot.send_message(chat.id, text, parse_mode=ParseMode.HTML)


async def test_text_over_4096_characters_is_rejected(bot: Bot, chat: SimChat):
    await bot.send_message(chat.id, "é" * 4096)

    with pytest.raises(BadRequest, match=r"(?i)message is too long"):
        await bot.send_message(chat.id, "é" * 4097)


async def test_callback_data_over_64_bytes_is_rejected(bot: Bot, chat: SimChat):
    fits = InlineKeyboardMarkup([[InlineKeyboardButton("ok", callback_data="x" * 64)]])
    too_long = InlineKeyboardMarkup([[InlineKeyboardButton("no", callback_data="é" * 33)]])
    await bot.send_message(chat.id, "fits", reply_markup=fits)

    with pytest.raises(BadRequest, match=r"(?i)button_data_invalid"):
        await bot.send_message(chat.id, "too long", reply_markup=too_long)


async def test_unescaped_user_text_in_html_is_rejected(bot: Bot, chat: SimChat):
    with pytest.raises(BadRequest, match=r"(?i)can't parse entities") as error:
        await bot.send_message(chat.id, "Variant <Blue> vs Green", parse_mode=ParseMode.HTML)

    assert 'unsupported start tag "blue"' in error.value.message.lower()
    assert "sendMessage failed" in chat.transcript()


async def test_unknown_chat_is_not_found(bot: Bot):
    with pytest.raises(BadRequest, match=r"(?i)chat not found"):
        await bot.send_message(1, "hi")


async def test_edit_message_text_and_markup(bot: Bot, chat: SimChat):
    sent = await bot.send_message(chat.id, "Running", reply_markup=keyboard("Pause"))
    reply = await chat.next_reply()

    await bot.edit_message_text(
        "<i>Paused</i>", chat.id, sent.message_id, parse_mode="HTML", reply_markup=keyboard("Go")
    )
    await bot.edit_message_reply_markup(chat.id, sent.message_id, reply_markup=None)

    text_edit, markup_edit = await chat.next_edit(), await chat.next_edit()
    assert (text_edit.text, text_edit.html, text_edit.button_texts) == (
        "Paused",
        "<i>Paused</i>",
        ["Go"],
    )
    assert markup_edit.buttons == []
    assert reply.text == "Paused"
    assert [edit.button_texts for edit in reply.edits] == [["Go"], []]


async def test_editing_to_the_same_content_is_not_modified(bot: Bot, chat: SimChat):
    sent = await bot.send_message(chat.id, "Same", reply_markup=keyboard("Pause"))

    with pytest.raises(BadRequest, match=r"(?i)message is not modified"):
        await bot.edit_message_text(
            "Same", chat.id, sent.message_id, reply_markup=keyboard("Pause")
        )
    with pytest.raises(BadRequest, match=r"(?i)message is not modified"):
        await bot.edit_message_reply_markup(
            chat.id, sent.message_id, reply_markup=keyboard("Pause")
        )
    # the same text without the keyboard removes the keyboard: a modification
    await bot.edit_message_text("Same", chat.id, sent.message_id)


async def test_editing_a_missing_message_fails(bot: Bot, chat: SimChat):
    with pytest.raises(BadRequest, match=r"(?i)message to edit not found"):
        await bot.edit_message_text("x", chat.id, 99)


async def test_delete_message_marks_it_deleted(bot: Bot, chat: SimChat):
    sent = await bot.send_message(chat.id, "Working…")

    assert await bot.delete_message(chat.id, sent.message_id)
    assert (await chat.next_reply()).deleted
    with pytest.raises(BadRequest, match=r"(?i)message to delete not found"):
        await bot.delete_message(chat.id, sent.message_id)


async def test_send_document_upload_get_file_and_download(bot: Bot, chat: SimChat):
    sent = await bot.send_document(chat.id, CSV, filename="export.csv", caption="Export")
    reply = await chat.next_reply()

    assert reply.document is not None
    assert (reply.document.filename, reply.document.content) == ("export.csv", CSV)
    assert reply.text == "Export"
    assert sent.document.file_name == "export.csv"
    assert sent.document.mime_type == "text/csv"
    file = await bot.get_file(sent.document.file_id)
    assert bytes(await file.download_as_bytearray()) == CSV


async def test_documents_can_be_resent_by_file_id(bot: Bot, chat: SimChat):
    first = await bot.send_document(chat.id, CSV, filename="export.csv")

    again = await bot.send_document(chat.id, first.document.file_id)

    assert again.document.file_id == first.document.file_id
    with pytest.raises(BadRequest, match=r"(?i)wrong file identifier"):
        await bot.send_document(chat.id, "no-such-file-id")


async def test_send_photo_upload_and_download(bot: Bot, chat: SimChat):
    image = png(4, 5)
    sent = await bot.send_photo(chat.id, image, caption="<b>Chart</b>", parse_mode="HTML")
    reply = await chat.next_reply()

    assert reply.photo is not None
    assert reply.photo.content == image
    assert reply.text == "Chart"
    assert (sent.photo[-1].width, sent.photo[-1].height) == (4, 5)
    assert sent.caption_html == "<b>Chart</b>"
    file = await bot.get_file(sent.photo[-1].file_id)
    assert bytes(await file.download_as_bytearray()) == image


async def test_photo_must_be_an_image(bot: Bot, chat: SimChat):
    with pytest.raises(BadRequest, match=r"(?i)image_process_failed"):
        await bot.send_photo(chat.id, b"not an image")


async def test_user_upload_can_be_fetched_by_the_bot(bot: Bot, chat: SimChat):
    uploaded = await chat.upload("observations.csv", CSV, caption="/import #1")
    assert uploaded.document is not None

    file = await bot.get_file(uploaded.document.file_id)

    assert bytes(await file.download_as_bytearray()) == CSV


async def test_chat_action_and_get_chat(bot: Bot, chat: SimChat, emu: BotApiEmulator):
    group = emu.group_chat("Team", members=[chat.user])

    assert await bot.send_chat_action(chat.id, ChatAction.TYPING)
    info = await bot.get_chat(chat.id)
    group_info = await bot.get_chat(group.id)

    assert chat.chat_actions == ["typing"]
    assert (info.type, info.first_name, info.username) == ("private", "Alice", "alice")
    assert (group_info.type, group_info.title) == ("group", "Team")


async def test_commands_are_registered_per_scope_and_language(bot: Bot, emu: BotApiEmulator):
    await bot.set_my_commands([BotCommand("new", "Start an experiment")])
    await bot.set_my_commands([BotCommand("new", "Neues Experiment")], language_code="de")

    assert emu.commands == [{"command": "new", "description": "Start an experiment"}]
    assert emu.commands_for(language_code="de")[0]["description"] == "Neues Experiment"
    assert [c.command for c in await bot.get_my_commands()] == ["new"]
    await bot.delete_my_commands()
    assert await bot.get_my_commands() == ()
    with pytest.raises(BadRequest, match=r"(?i)bot_command_invalid"):
        await bot.set_my_commands([BotCommand("New-One", "bad")])


async def test_webhook_is_recorded_and_blocks_get_updates(bot: Bot, emu: BotApiEmulator):
    await bot.set_webhook("https://example.test/hook")

    assert emu.webhook is not None
    assert emu.webhook["url"] == "https://example.test/hook"
    assert (await bot.get_webhook_info()).url == "https://example.test/hook"
    await bot.delete_webhook()
    assert emu.webhook is None
    assert (await bot.get_webhook_info()).url == ""


async def test_chat_members_and_administrators_follow_the_groups_roles(
    bot: Bot, chat: SimChat, emu: BotApiEmulator
):
    assert chat.user is not None
    bob = emu.user(first_name="Bob")
    carol = emu.user(first_name="Carol")
    group = emu.group_chat("Team", members=[chat.user, bob, carol], admins=[chat.user, bob])

    statuses = [(await bot.get_chat_member(group.id, u.id)).status for u in (chat.user, bob, carol)]
    admins = await bot.get_chat_administrators(group.id)
    stranger = await bot.get_chat_member(group.id, 999)

    assert statuses == ["creator", "administrator", "member"]
    assert [(a.user.first_name, a.status) for a in admins] == [
        ("Alice", "creator"),
        ("Bob", "administrator"),
    ]
    assert stranger.status == "left"
    group.demote(bob)
    group.promote(carol)
    assert [a.user.first_name for a in await bot.get_chat_administrators(group.id)] == [
        "Alice",
        "Carol",
    ]
    with pytest.raises(BadRequest, match="no administrators in the private chat"):
        await bot.get_chat_administrators(chat.id)
