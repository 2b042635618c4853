"""A tiny bot for the emulator's tests: a command with a keyboard, a callback, echo, files."""

from telegram import BotCommand, InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.ext import (
    Application,
    CallbackQueryHandler,
    CommandHandler,
    ContextTypes,
    MessageHandler,
    filters,
)

from emulator import BotApiEmulator
from emulator.harness import application_builder
from tests.emulator.samples import png

Context = ContextTypes.DEFAULT_TYPE
RUNNING_HTML = '<b>#1</b> is running, see the <a href="https://example.test/guide">guide</a>'


async def start(update: Update, context: Context) -> None:
    keyboard = InlineKeyboardMarkup([[InlineKeyboardButton("Pause", callback_data="pause:1")]])
    await update.effective_message.reply_html(RUNNING_HTML, reply_markup=keyboard)


async def pause(update: Update, context: Context) -> None:
    await update.callback_query.answer("Paused")
    await update.callback_query.edit_message_text("<b>#1</b> is paused", parse_mode="HTML")


async def echo(update: Update, context: Context) -> None:
    await update.effective_message.reply_text(update.effective_message.text)


async def import_document(update: Update, context: Context) -> None:
    message = update.effective_message
    content = await (await message.document.get_file()).download_as_bytearray()
    lines = len(bytes(content).splitlines())
    await message.reply_text(f"{message.caption}: {lines} lines")


async def chart(update: Update, context: Context) -> None:
    await update.effective_message.reply_photo(png(), caption="Chart of #1")


async def post_init(app: Application) -> None:
    await app.bot.set_my_commands([BotCommand("start", "Start"), BotCommand("chart", "Chart")])


def build_app(emu: BotApiEmulator) -> Application:
    app = application_builder(emu).post_init(post_init).build()
    app.add_handler(CommandHandler("start", start))
    app.add_handler(CommandHandler("chart", chart))
    app.add_handler(CallbackQueryHandler(pause, pattern="^pause:"))
    app.add_handler(MessageHandler(filters.Document.ALL, import_document))
    app.add_handler(MessageHandler(filters.TEXT & ~filters.COMMAND, echo))
    return app
