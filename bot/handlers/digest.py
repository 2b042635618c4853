"""/digest: the daily digest right now, and the "keep running" answer to a decide-now nudge."""

from __future__ import annotations

from telegram import Update
from telegram.ext import BaseHandler, CallbackQueryHandler, CommandHandler, ContextTypes

from bot import flows
from bot.render.digest import digest_keyboard, digest_text
from bot.replies import esc, reply
from bot.runtime import Runtime, chat_id_of, runtime_of, tr
from bot.users import author_of
from experiments import digests


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
    """dg:keep:N — the experiment goes on; the digest stops asking to decide for a few days."""
    data = await flows.answer_query(update)
    runtime = runtime_of(context)
    kept = await digests.keep_running(
        runtime.uow(),
        chat_id_of(update),
        int(data.rsplit(":", 1)[1]),
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


def handlers(runtime: Runtime) -> list[BaseHandler]:
    return [
        CommandHandler("digest", digest_command),
        CallbackQueryHandler(keep_running_button, pattern=r"^dg:keep:\d+$"),
    ]
