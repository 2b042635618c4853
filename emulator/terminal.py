"""A terminal chat with the bot through the emulator, for `hourglass sandbox`."""

from __future__ import annotations

import asyncio
import contextlib
import shutil
import sys
import textwrap
import threading
from collections import defaultdict
from collections.abc import AsyncGenerator, AsyncIterator
from pathlib import Path
from typing import TextIO

from emulator.chat import SimChat
from emulator.html import FormattedText, HtmlParseError, parse_html
from emulator.records import BotMessage, SimUser, StoredFile
from emulator.server import BotApiEmulator

HELP = """\
Type a message and press Enter to send it to the bot (a number too: it answers a question).
  :<number>                press that button of the latest message with buttons, shown
                           on each button as [:3 Pause]
  :upload <path> [caption] send a file as a document (caption e.g. /import #1)
  :help                    this help
  :quit                    leave (so does end of input, Ctrl-D)"""
INDENT = "    "
DEFAULT_WIDTH = 80

_ANSI = {
    "bold": ("\x1b[1m", "\x1b[22m"),
    "italic": ("\x1b[3m", "\x1b[23m"),
    "underline": ("\x1b[4m", "\x1b[24m"),
    "strikethrough": ("\x1b[9m", "\x1b[29m"),
}


def render_text(message: BotMessage, *, ansi: bool = False) -> str:
    """The message text for a terminal: links as "text (url)", styles in ANSI if asked."""
    formatted = FormattedText(message.text)
    if str(message.parse_mode).lower() == "html":
        with contextlib.suppress(HtmlParseError):  # the emulator accepted it, so it parses
            formatted = parse_html(message.html).stripped()
    before: dict[int, list[str]] = defaultdict(list)
    after: dict[int, list[str]] = defaultdict(list)
    for span in formatted.spans:
        if span.kind == "text_link" and span.url:
            after[span.end].append(f" ({span.url})")
        elif ansi and span.kind in _ANSI:
            on, off = _ANSI[span.kind]
            before[span.start].append(on)
            after[span.end].insert(0, off)
    pieces: list[str] = []
    for index, char in enumerate(formatted.text):
        pieces += after.pop(index, [])
        pieces += before.pop(index, [])
        pieces.append(char)
    pieces += after.pop(len(formatted.text), [])
    return "".join(pieces)


async def stdin_lines() -> AsyncGenerator[str, None]:
    """Lines typed on stdin, read in a daemon thread so the event loop never blocks."""
    loop = asyncio.get_running_loop()
    queue: asyncio.Queue[str | None] = asyncio.Queue()

    def read() -> None:
        for line in sys.stdin:
            loop.call_soon_threadsafe(queue.put_nowait, line.rstrip("\n"))
        loop.call_soon_threadsafe(queue.put_nowait, None)

    threading.Thread(target=read, name="sandbox-stdin", daemon=True).start()
    while (line := await queue.get()) is not None:
        yield line


def wrap(text: str, width: int, first_prefix: str = "", prefix: str = INDENT) -> list[str]:
    """Lines of at most ``width`` characters, broken at spaces only (a long link or word
    stays whole), each line of ``text`` on its own; every line after the first indented."""
    lines: list[str] = []
    for index, line in enumerate(text.split("\n")):
        initial = first_prefix if index == 0 else prefix
        wrapped = textwrap.wrap(
            line,
            width=max(width, len(initial) + 10),
            initial_indent=initial,
            subsequent_indent=prefix,
            break_long_words=False,
            break_on_hyphens=False,
            replace_whitespace=False,
            drop_whitespace=True,
        )
        lines.extend(wrapped or [initial.rstrip()])
    return lines


def button_rows(labels: list[list[str]], width: int, prefix: str = INDENT) -> list[str]:
    """Each row of buttons on a line, moved on to the next line between buttons when too wide."""
    lines: list[str] = []
    for row in labels:
        current = ""
        for label in row:
            candidate = f"{current}  {label}" if current else label
            if current and len(prefix) + len(candidate) > width:
                lines.append(prefix + current)
                current = label
            else:
                current = candidate
        if current:
            lines.append(prefix + current)
    return lines


class _TerminalChat:
    def __init__(
        self,
        emu: BotApiEmulator,
        chat: SimChat,
        out: TextIO,
        files_dir: Path,
        ansi: bool,
        width: int,
    ) -> None:
        self.world = emu.world
        self.chat = chat
        self.out = out
        self.files_dir = files_dir
        self.ansi = ansi
        self.width = width
        self.shown_messages = 0
        self.shown_edits = 0
        self.pending_presses: list[str] = []

    def print(self, text: str) -> None:
        self.out.write(text + "\n")
        self.out.flush()

    def has_news(self) -> bool:
        return (
            len(self.chat.bot_messages) > self.shown_messages
            or len(self.chat.edit_log) > self.shown_edits
            or any(self.world.callback_queries[q].answer for q in self.pending_presses)
        )

    async def watch(self) -> None:
        while True:
            await self.world.wait_until(self.has_news, None)
            self.show_news()

    def show_news(self) -> None:
        for message in self.chat.bot_messages[self.shown_messages :]:
            self.show(message, "bot")
        self.shown_messages = len(self.chat.bot_messages)
        for snapshot in self.chat.edit_log[self.shown_edits :]:
            self.show(snapshot, "bot (edited)")
        self.shown_edits = len(self.chat.edit_log)
        for query_id in list(self.pending_presses):
            answer = self.world.callback_queries[query_id].answer
            if answer is not None:
                self.pending_presses.remove(query_id)
                if answer.text:
                    self.print(f"  ({'alert' if answer.show_alert else 'answer'}) {answer.text}")

    def show(self, message: BotMessage, who: str) -> None:
        # A saved file's path stays on one line, to copy whole.
        notices = [
            f"[{kind} saved to {self.save(stored)}]"
            for stored, kind in ((message.photo, "photo"), (message.document, "document"))
            if stored is not None
        ]
        prefix = f"{who}: "
        for notice in notices:
            self.print(prefix + notice)
            prefix = INDENT
        text = render_text(message, ansi=self.ansi)
        if text or not notices:
            for line in wrap(text, self.width, first_prefix=prefix):
                self.print(line)
        number = 0
        labels: list[list[str]] = []
        for row in message.buttons:
            labels.append([])
            for button in row:
                number += 1
                labels[-1].append(f"[:{number} {button.text}]")
        for line in button_rows(labels, self.width):
            self.print(line)

    def save(self, stored: StoredFile) -> Path:
        self.files_dir.mkdir(parents=True, exist_ok=True)
        name = Path(stored.filename or stored.file_path).name
        path = self.files_dir / name
        counter = 1
        while path.exists() and path.read_bytes() != stored.content:
            path = self.files_dir / f"{Path(name).stem}-{counter}{Path(name).suffix}"
            counter += 1
        path.write_bytes(stored.content)
        return path

    async def handle(self, line: str, sender: SimUser | None) -> bool:
        """Act on one typed line; False when the user wants to leave."""
        line = line.strip()
        command, _, argument = line.partition(" ")
        if not line:
            return True
        if command == ":quit":
            return False
        if command == ":help":
            self.print(HELP)
        elif command == ":upload":
            await self.upload(argument, sender)
        elif command.startswith(":") and command[1:].isdigit() and not argument:
            await self.press(int(command[1:]), sender)
        elif command.startswith(":"):
            self.print(f"  {command} is not a sandbox command (:help lists them); nothing sent")
        else:
            await self.chat.send(line, sender=sender)
        return True

    async def upload(self, argument: str, sender: SimUser | None) -> None:
        path_text, _, caption = argument.strip().partition(" ")
        path = Path(path_text).expanduser()
        if not path_text or not path.is_file():
            self.print(f"  no such file: {path_text!r} (usage: :upload <path> [caption])")
            return
        content = await asyncio.to_thread(path.read_bytes)
        await self.chat.upload(path.name, content, caption=caption or None, sender=sender)

    async def press(self, number: int, sender: SimUser | None) -> None:
        message = next(
            (m for m in reversed(self.chat.bot_messages) if m.inline_markup and not m.deleted),
            None,
        )
        rows = message.inline_markup["inline_keyboard"] if message and message.inline_markup else []
        buttons = [button for row in rows for button in row]
        if message is None or not 1 <= number <= len(buttons):
            self.print(f"  no button [:{number}] to press")
            return
        button = buttons[number - 1]
        if "callback_data" not in button:
            target = button.get("url") or "something this emulator does not simulate"
            self.print(f"  [:{number} {button['text']}] opens {target}")
            return
        query_id = await self.chat.press(
            message, callback_data=button["callback_data"], sender=sender
        )
        self.pending_presses.append(query_id)


async def run_terminal_chat(
    emu: BotApiEmulator,
    chat: SimChat,
    *,
    input_lines: AsyncIterator[str] | None = None,
    out: TextIO = sys.stdout,
    files_dir: Path,
    sender: SimUser | None = None,
    ansi: bool | None = None,
    width: int | None = None,
) -> None:
    """Chat with the bot in a terminal until :quit or end of input.

    input_lines replaces stdin (scripted tests); sender defaults to the private chat's user
    or the group's first member; ansi defaults to whether `out` is a terminal; width (where
    lines wrap, at spaces) to the terminal's.
    """
    if sender is None and chat.user is None:
        sender = chat.members[0]
    if ansi is None:
        ansi = bool(getattr(out, "isatty", lambda: False)())
    if width is None:
        width = shutil.get_terminal_size((DEFAULT_WIDTH, 24)).columns
    terminal = _TerminalChat(emu, chat, out, files_dir, ansi, width)
    greeting = f"Chatting with @{emu.bot_username} in {chat.name}. :help for help."
    for line in wrap(greeting, width):
        terminal.print(line)
    watcher = asyncio.create_task(terminal.watch())
    own_lines = stdin_lines() if input_lines is None else None
    lines = input_lines or own_lines
    assert lines is not None
    try:
        async for line in lines:
            if not await terminal.handle(line, sender):
                break
    finally:
        if own_lines is not None:
            await own_lines.aclose()
        watcher.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await watcher
        terminal.show_news()
