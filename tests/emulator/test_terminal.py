"""The sandbox's terminal chat, driven by scripted input."""

import io
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.emulator import BotApiEmulator, BotMessage, SimChat
from bot.emulator.harness import running_application
from bot.emulator.terminal import render_text, run_terminal_chat
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
        yield "1"
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
    assert "    [1] Pause" in shown
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
        yield "3"
        yield ":upload /no/such/file.csv"
        yield ""

    out = io.StringIO()
    await run_terminal_chat(emu, chat, input_lines=script(), out=out, files_dir=tmp_path)

    assert "no button [3] to press" in out.getvalue()
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
