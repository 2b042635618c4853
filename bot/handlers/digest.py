"""/digest: the daily digest right now, and the "keep running" answer to a decide-now nudge."""

from __future__ import annotations

from telegram import Update
from telegram.ext import BaseHandler, CallbackQueryHandler, CommandHandler, ContextTypes

from bot import buttons, flows
from bot.handlers.conclude import conclude_experiment
from bot.keyboards import button, markup
from bot.render.digest import digest_keyboard, digest_text
from bot.render.experiments import title
from bot.replies import esc, reply
from bot.runtime import Runtime, chat_id_of, runtime_of, tr
from bot.users import author_of
from experiments import digests, services
from experiments.domain import Outcome


async def digest_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Shows the digest as it would go out now; records nothing, so the daily one still goes."""
    runtime = runtime_of(context)
    digest = await digests.compose_digest(runtime.uow(), chat_id_of(update), now=runtime.clock())
    t = tr(context)
    if digest.is_empty:
        await reply(
            update,
            context,
            t.gettext(
                "Nothing to report: no experiment is running. "
                "Start one with /new, or find one in /ideas."
            ),
        )
        return
    await reply(update, context, digest_text(t, digest), digest_keyboard(t, digest))


async def keep_running_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """The experiment goes on; the digest stops asking to decide for a few days."""
    pressed = await flows.answer_button(update, context, buttons.KeepRunning)
    if pressed is None:
        return
    runtime = runtime_of(context)
    kept = await digests.keep_running(
        runtime.uow(),
        chat_id_of(update),
        pressed.number,
        author=author_of(update),
        clock=runtime.clock,
    )
    t = tr(context)
    text = t.ngettext(
        "⏳ <b>#{number} {name}</b> keeps running. I won't ask you to decide for {days} day.",
        "⏳ <b>#{number} {name}</b> keeps running. I won't ask you to decide for {days} days.",
        kept.days,
    ).format(number=kept.number, name=esc(kept.name), days=kept.days)
    await reply(update, context, text)


async def ship_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """ "Conclude #N with <variant I>?" from the digest: asks once more first.

    A confirmation, not an undo: the digest is read hours later, perhaps by a teammate, and a
    concluded experiment takes no more results; two taps keep a stray one from ending it.
    """
    pressed = await flows.answer_button(update, context, buttons.Ship)
    if pressed is None:
        return
    runtime = runtime_of(context)
    summary = await services.get_experiment(runtime.uow(), chat_id_of(update), pressed.number)
    experiment = summary.experiment
    variant = _variant(experiment.variants, pressed.index)
    t = tr(context)
    text = t.gettext(
        "Conclude {title} as won, shipping <b>{variant}</b>? It then takes no more results; "
        "its readout and chart stay."
    ).format(title=title(experiment), variant=esc(variant))
    keyboard = markup(
        [
            [
                button(
                    "✅ " + t.gettext("Yes, conclude with {variant}").format(variant=variant[:24]),
                    buttons.ShipConfirmed(pressed.number, pressed.index),
                ),
                button("↩️ " + t.gettext("Not yet"), buttons.ShipDeclined()),
            ]
        ]
    )
    await reply(update, context, text, keyboard)


async def ship_confirmed(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Concluded as won with that variant, then the learning is asked for."""
    pressed = await flows.answer_button(update, context, buttons.ShipConfirmed)
    if pressed is None:
        return
    await flows.remove_buttons(update)
    runtime = runtime_of(context)
    summary = await services.get_experiment(runtime.uow(), chat_id_of(update), pressed.number)
    variant = _variant(summary.experiment.variants, pressed.index)
    await conclude_experiment(update, context, pressed.number, Outcome.WON, winner=variant)


async def ship_declined(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    await flows.answer_query(update)
    await flows.remove_buttons(update)
    await reply(update, context, tr(context).gettext("OK, nothing changed."))


def _variant(variants: tuple[str, ...], index: int) -> str:
    """The variant a button names; a stale index names none, which conclude refuses."""
    return variants[index] if 0 <= index < len(variants) else ""


def handlers(runtime: Runtime) -> list[BaseHandler]:
    return [
        CommandHandler("digest", digest_command),
        CallbackQueryHandler(keep_running_button, pattern=buttons.KeepRunning.pattern),
        CallbackQueryHandler(ship_button, pattern=buttons.Ship.pattern),
        CallbackQueryHandler(ship_confirmed, pattern=buttons.ShipConfirmed.pattern),
        CallbackQueryHandler(ship_declined, pattern=buttons.ShipDeclined.pattern),
    ]
