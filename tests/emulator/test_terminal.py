"""The sandbox's terminal chat, driven by scripted input."""

import io
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.app import build_application
from bot.bootstrap import open_database
from bot.runtime import Runtime
from emulator import DEFAULT_TOKEN, BotApiEmulator, BotMessage, SimChat
from emulator.harness import running_application
from emulator.terminal import button_rows, render_text, run_terminal_chat, wrap
from tests.emulator.demo_bot import build_app
from tests.emulator.samples import CSV, png

pytestmark = pytest.mark.timeout(15)


async def test_a_scripted_conversation(emu: BotApiEmulator, chat: SimChat, tmp_path: Path):
    upload = tmp_path / "observations.csv"
    upload.write_bytes(CSV)
    files_dir = tmp_path / "received"

    async def script() -> AsyncIterator[str]:
        # each step waits for the bot through the SimChat, which keeps its own read cursor
        yield "/start"
        await chat.next_reply()
        yield ":1"
        await chat.next_edit()
        yield f":upload {upload} /import #1"
        await chat.next_reply()
        yield "/chart"
        await chat.next_reply()
        yield ":help"
        yield ":quit"
        yield "never sent"

    out = io.StringIO()
    async with running_application(build_app(emu)):
        await run_terminal_chat(emu, chat, input_lines=script(), out=out, files_dir=files_dir)

    shown = out.getvalue()
    assert "bot: #1 is running, see the guide (https://example.test/guide)" in shown
    assert "    [:1 Pause]" in shown
    assert "(answer) Paused" in shown
    assert "bot (edited): #1 is paused" in shown
    assert "bot: /import #1: 3 lines" in shown
    assert f"[photo saved to {files_dir / 'file_'}" in shown
    assert ":upload <path> [caption]" in shown
    assert "\x1b[" not in shown
    assert [path.read_bytes() for path in files_dir.iterdir()] == [png()]
    assert "never sent" not in chat.transcript()


async def test_end_of_input_ends_the_chat_and_bad_lines_are_explained(
    emu: BotApiEmulator, chat: SimChat, tmp_path: Path
):
    async def script() -> AsyncIterator[str]:
        yield ":3"
        yield ":upload /no/such/file.csv"
        yield ":frobnicate"
        yield ""

    out = io.StringIO()
    await run_terminal_chat(emu, chat, input_lines=script(), out=out, files_dir=tmp_path)

    assert "no button [:3] to press" in out.getvalue()
    assert ":frobnicate is not a sandbox command (:help lists them); nothing sent" in (
        out.getvalue()
    )
    assert "no such file: '/no/such/file.csv'" in out.getvalue()
    assert emu.pending_updates == []


async def test_documents_are_saved_under_their_name(emu, chat: SimChat, tmp_path: Path):
    async def script() -> AsyncIterator[str]:
        yield ":help"

    out = io.StringIO()
    async with running_application(build_app(emu)) as app:
        await app.bot.send_document(chat.id, CSV, filename="export.csv", caption="Export")
        await run_terminal_chat(emu, chat, input_lines=script(), out=out, files_dir=tmp_path)

    assert f"[document saved to {tmp_path / 'export.csv'}]\n    Export" in out.getvalue()
    assert (tmp_path / "export.csv").read_bytes() == CSV


def test_render_text_uses_ansi_only_when_asked():
    message = BotMessage(
        chat_id=1,
        message_id=1,
        date=0,
        text="Ship B now",
        html='<b>Ship B</b> <a href="https://x.test">now</a>',
        parse_mode="HTML",
    )

    assert render_text(message) == "Ship B now (https://x.test)"
    assert render_text(message, ansi=True) == "\x1b[1mShip B\x1b[22m now (https://x.test)"


async def test_a_typed_number_is_sent_as_text_and_a_colon_number_presses(
    emu: BotApiEmulator, chat: SimChat, tmp_path: Path
):
    async def script() -> AsyncIterator[str]:
        yield "/start"
        await chat.next_reply()
        yield "3000"  # an answer, even with a keyboard on screen
        await chat.next_reply()
        yield ":1"
        await chat.next_edit()

    out = io.StringIO()
    async with running_application(build_app(emu)):
        await run_terminal_chat(emu, chat, input_lines=script(), out=out, files_dir=tmp_path)

    shown = out.getvalue()
    assert "bot: 3000" in shown  # echoed: it went to the bot as text
    assert "no button" not in shown
    assert "bot (edited): #1 is paused" in shown


def test_long_lines_wrap_at_spaces_to_the_width_and_keep_long_words_whole():
    text = (
        "Not sure yet: Card looks about twice as good; about 1,300 more visitors per variant "
        "to be sure\nSee https://example.test/a-very-long-address-that-must-stay-whole"
    )
    lines = wrap(text, 40, first_prefix="bot: ")
    assert lines == [
        "bot: Not sure yet: Card looks about",
        "    twice as good; about 1,300 more",
        "    visitors per variant to be sure",
        "    See",
        "    https://example.test/a-very-long-address-that-must-stay-whole",
    ]
    assert all(len(line) <= 40 for line in lines[:-1])


def test_button_rows_move_on_between_buttons_when_too_wide():
    rows = [["[:1 ➕ Log results]", "[:2 📊 Readout]"], ["[:3 📈 Chart]", "[:4 ⏸ Pause]"]]
    assert button_rows(rows, 80) == [
        "    [:1 ➕ Log results]  [:2 📊 Readout]",
        "    [:3 📈 Chart]  [:4 ⏸ Pause]",
    ]
    assert button_rows(rows, 30) == [
        "    [:1 ➕ Log results]",
        "    [:2 📊 Readout]",
        "    [:3 📈 Chart]  [:4 ⏸ Pause]",
    ]


async def test_the_real_bot_takes_a_typed_number_as_the_answer_to_its_question(
    emu: BotApiEmulator, chat: SimChat, tmp_path: Path
):
    database = await open_database(f"sqlite+aiosqlite:///{tmp_path}/sandbox.sqlite3")
    application = build_application(
        Runtime(database=database),
        DEFAULT_TOKEN,
        base_url=emu.base_url,
        base_file_url=emu.base_file_url,
        rate_limited=False,
    )

    async def script() -> AsyncIterator[str]:
        yield "/settings"
        card = await chat.next_reply()
        target = next(
            index
            for index, button in enumerate((b for row in card.buttons for b in row), start=1)
            if "Target" in button.text
        )
        yield f":{target}"
        await chat.next_edit()
        yield "5"  # the answer to "How many experiments…?", not button [:5]
        await chat.next_reply()

    out = io.StringIO()
    try:
        async with running_application(application, poll_timeout=1):
            await run_terminal_chat(
                emu, chat, input_lines=script(), out=out, files_dir=tmp_path, width=60
            )
    finally:
        await database.dispose()
    shown = out.getvalue()
    assert "bot (edited): How many experiments" in shown
    assert "[:5 5]" in shown
    assert "Experiments to keep running: 5" in shown
    assert "no button" not in shown
    too_long = [line for line in shown.splitlines() if len(line) > 60]
    assert too_long == [], too_long
