"""/calc: a readout of numbers typed in the chat, saving nothing; bare, it asks for them."""

from __future__ import annotations

import re
import string

from telegram import Update
from telegram.ext import BaseHandler, CommandHandler, ContextTypes, MessageHandler, filters

from bot import flows
from bot.i18n import Translator
from bot.keyboards import markup
from bot.render.readout import method_note, readout_lines
from bot.replies import reply
from bot.runtime import Runtime, tr
from experiments.domain import N_, InvalidInput
from experiments.parsers import pair
from experiments.stats.readout import ArmCounts, Readout, conversion_readout

FLOW = "calc"
CONTROL, VARIANT = range(2)
USAGE = "/calc 120/2400 150/2400"
MIN_ARMS, MAX_ARMS = 2, 10
TEXT = filters.TEXT & ~filters.COMMAND


# ---------------------------------------------------------------- reading the numbers


def parse_pairs(text: str) -> list[tuple[int, int]]:
    """`120/2400 150/2400 …`, the control first: two to ten pairs."""
    # "120 / 2400" is read as one pair.
    pairs = [pair(token) for token in re.sub(r"\s*/\s*", "/", text.strip()).split()]
    if len(pairs) < MIN_ARMS:
        raise InvalidInput(
            N_("Give at least two pairs of conversions/visitors, the control first, e.g. {usage}"),
            usage=USAGE,
        )
    if len(pairs) > MAX_ARMS:
        raise InvalidInput(
            N_("Give at most {limit} pairs (you gave {count}), the control first, e.g. {usage}"),
            limit=MAX_ARMS,
            count=len(pairs),
            usage=USAGE,
        )
    return pairs


def parse_one_pair(text: str) -> tuple[int, int]:
    """One answer of the guided flow: a single `120/2400`."""
    tokens = re.sub(r"\s*/\s*", "/", text.strip()).split()
    if len(tokens) != 1:
        raise InvalidInput(N_("Type one pair of conversions/visitors, like 120/2400."))
    return pair(tokens[0])


def calc_readout(pairs: list[tuple[int, int]]) -> Readout:
    """The arms are named A, B, C, … in the order given; the first is the control."""
    return conversion_readout(
        [
            ArmCounts(name, visitors, conversions)
            for name, (conversions, visitors) in zip(string.ascii_uppercase, pairs, strict=False)
        ]
    )


def calc_text(t: Translator, readout: Readout) -> str:
    lines = ["🧮 <b>" + t.gettext("Quick readout") + "</b> — " + t.gettext("nothing was saved"), ""]
    lines += readout_lines(t, readout)
    lines.append(method_note(t))
    lines.append(t.gettext("To follow an experiment over time, register it with /new."))
    return "\n".join(lines)


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
    await _show(update, context, parse_pairs(rest))
    return flows.END


async def got_control(update: Update, context: ContextTypes.DEFAULT_TYPE) -> int:
    assert update.effective_message is not None
    control = parse_one_pair(update.effective_message.text or "")
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
    variant = parse_one_pair(update.effective_message.text or "")
    control = flows.draft(context, update, FLOW)["control"]
    await _show(update, context, [control, variant])
    flows.drop_draft(context, update, FLOW)
    return flows.END


async def _show(
    update: Update, context: ContextTypes.DEFAULT_TYPE, pairs: list[tuple[int, int]]
) -> None:
    await reply(update, context, calc_text(tr(context), calc_readout(pairs)))


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
