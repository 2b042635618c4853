"""/calc: a readout of numbers typed in the chat, saving nothing; bare, it asks for them."""

from __future__ import annotations

from telegram import Update
from telegram.ext import BaseHandler, CommandHandler, ContextTypes, MessageHandler, filters

from bot import flows
from bot.keyboards import markup
from bot.render.readout import calc_text
from bot.replies import reply
from bot.runtime import Runtime, tr
from experiments import parsers
from experiments.calculator import read_out

FLOW = "calc"
CONTROL, VARIANT = range(2)
USAGE = "/calc 120/2400 150/2400"
# More arms than this make a reply too long to read in a chat.
MAX_ARMS = 10
TEXT = filters.TEXT & ~filters.COMMAND


# ---------------------------------------------------------------- the chat


async def calc_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> int:
    """`/calc 120/2400 150/2400 …`; bare, it asks for the control's numbers, then the variant's."""
    message = update.effective_message
    assert message is not None and message.text is not None
    _command, _space, rest = message.text.partition(" ")
    if not rest.strip():
        flows.drop_draft(context, update, FLOW)
        await reply(
            update,
            context,
            tr(context).gettext(
                "Let's compare two versions, saving nothing. How did the control (A) do? "
                "Type conversions/visitors, e.g. <code>120/2400</code>."
            ),
            markup([[flows.cancel_button(context)]]),
        )
        return CONTROL
    await _show(update, context, parsers.pairs(rest, USAGE, most=MAX_ARMS))
    return flows.END


async def got_control(update: Update, context: ContextTypes.DEFAULT_TYPE) -> int:
    assert update.effective_message is not None
    control = parsers.single_pair(update.effective_message.text or "")
    flows.draft(context, update, FLOW)["control"] = control
    await reply(
        update,
        context,
        tr(context).gettext(
            "And the variant (B)? Type its conversions/visitors, e.g. <code>150/2400</code>."
        ),
        markup([[flows.cancel_button(context)]]),
    )
    return VARIANT


async def got_variant(update: Update, context: ContextTypes.DEFAULT_TYPE) -> int:
    assert update.effective_message is not None
    variant = parsers.single_pair(update.effective_message.text or "")
    control = flows.draft(context, update, FLOW)["control"]
    await _show(update, context, [control, variant])
    flows.drop_draft(context, update, FLOW)
    return flows.END


async def _show(
    update: Update, context: ContextTypes.DEFAULT_TYPE, pairs: list[tuple[int, int]]
) -> None:
    await reply(update, context, calc_text(tr(context), read_out(pairs)))


def handlers(runtime: Runtime) -> list[BaseHandler]:
    return [
        flows.conversation(
            FLOW,
            runtime,
            entry_points=[CommandHandler("calc", calc_command)],
            states={
                CONTROL: [MessageHandler(TEXT, got_control)],
                VARIANT: [MessageHandler(TEXT, got_variant)],
            },
            command="calc",
        )
    ]
