"""Plain text outside a guided step: an offer to log what looks like results, else a hint.

Nothing is stored until a button is pressed; the press logs through the same service as /log.
In a group the bot answers only text addressed to it (a reply to one of its messages or an
@mention): everything else there is the team talking to each other.
"""

from __future__ import annotations

from datetime import date, datetime

from telegram import Message, Update
from telegram.ext import (
    BaseHandler,
    CallbackQueryHandler,
    CommandHandler,
    ContextTypes,
    MessageHandler,
    filters,
)

from bot import buttons, flows
from bot.conversations import SharedConversation
from bot.handlers.fallback import reply_to_unknown
from bot.handlers.log import PendingResult, store_or_confirm
from bot.render import guesses
from bot.replies import reply
from bot.runtime import Runtime, chat_id_of, runtime_of, tr
from experiments import dates, result_guess, services
from experiments.parsers import ResultExtras
from experiments.result_guess import Candidate

FLOW = "plain"
VISITORS = 0
# New messages only: an edited one is not a second report.
TEXT = filters.UpdateType.MESSAGE & filters.TEXT & ~filters.COMMAND


async def plain_text(update: Update, context: ContextTypes.DEFAULT_TYPE) -> int:
    message = update.effective_message
    if message is None or message.text is None:
        return flows.END
    text = addressed_text(message, context)
    if text is None:
        return flows.END
    return await _answer(update, context, text)


async def _answer(update: Update, context: ContextTypes.DEFAULT_TYPE, text: str) -> int:
    if text.startswith("/"):
        # A command Telegram did not mark as one (/дщп: /log in the Russian layout).
        word, *rest = text.split(maxsplit=1)
        await reply_to_unknown(update, context, word, rest[0] if rest else "")
        return flows.END
    t = tr(context)
    guess = await result_guess.guess_for_chat(runtime_of(context).uow(), chat_id_of(update), text)
    if guess is None:
        await reply(update, context, guesses.hint(t))
        return flows.END
    # "yesterday" or "30.11" is read as /log reads it; a future day is refused right away.
    day = _past_day(context, _moment(context, guess.day)) if guess.day else None
    question, keyboard = guesses.offer(t, guess, day)
    await reply(update, context, question, keyboard)
    if guess.visitors is None and len(guess.candidates) == 1:
        _remember(context, update, guess.candidates[0], guess.conversions, day)
        return VISITORS
    return flows.END


def _moment(context: ContextTypes.DEFAULT_TYPE, token: str) -> datetime:
    return dates.parse_moment(
        token, now=runtime_of(context).clock(), zone=flows.local_zone(context)
    )


def _past_day(context: ContextTypes.DEFAULT_TYPE, moment: datetime) -> date | None:
    """The local day of ``moment`` when it is before today; None for today (logged now)."""
    day = dates.local_day(moment, flows.local_zone(context))
    return day if day < flows.local_today(context) else None


def addressed_text(message: Message, context: ContextTypes.DEFAULT_TYPE) -> str | None:
    """The text the bot should answer (without an @mention of it), or None to keep quiet."""
    text = message.text or ""
    if message.chat.type == "private":
        return text
    username = context.bot.username
    mention = f"@{username}".casefold() if username else None
    if mention and mention in text.casefold():
        start = text.casefold().index(mention)
        return (text[:start] + text[start + len(mention) :]).strip()
    replied = message.reply_to_message
    author = replied.from_user if replied is not None else None
    if author is not None and author.id == context.bot.id:
        return text
    return None


def _remember(
    context: ContextTypes.DEFAULT_TYPE,
    update: Update,
    candidate: Candidate,
    conversions: int,
    day: date | None,
) -> None:
    answers = flows.draft(context, update, FLOW)
    answers.update(
        number=candidate.number,
        name=candidate.name,
        variant=candidate.variant,
        index=candidate.variant_index,
        conversions=conversions,
        day=day,
    )


async def visitors_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> int | None:
    """One of several candidates chosen for a number of conversions: ask for the visitors."""
    pressed = await flows.answer_button(update, context, buttons.TextVisitors)
    if pressed is None:
        return None
    await flows.remove_buttons(update)
    candidate = await _candidate(update, context, pressed.number, pressed.index)
    _remember(context, update, candidate, pressed.conversions, pressed.day)
    await reply(update, context, guesses.ask_visitors(tr(context), candidate, pressed.conversions))
    return VISITORS


async def got_visitors(update: Update, context: ContextTypes.DEFAULT_TYPE) -> int:
    """A number is the visitors; any other text is read afresh, as if no question were open."""
    message = update.effective_message
    assert message is not None
    text = addressed_text(message, context)
    if text is None:
        return VISITORS
    answers = flows.draft(context, update, FLOW)
    flows.drop_draft(context, update, FLOW)
    visitors = result_guess.single_count(text)
    if visitors is None:
        return await _answer(update, context, text)
    candidate = Candidate(answers["number"], answers["name"], answers["variant"], answers["index"])
    question, keyboard = guesses.confirmation(
        tr(context), candidate, visitors, answers["conversions"], answers["day"]
    )
    await reply(update, context, question, keyboard)
    return flows.END


async def log_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """The founder said yes to logging these counts on this variant."""
    pressed = await flows.answer_button(update, context, buttons.TextLog)
    if pressed is None or not _first_press(update, context):
        # A second tap before the buttons were taken away: the result is in once already.
        return
    await flows.remove_buttons(update)
    candidate = await _candidate(update, context, pressed.number, pressed.index)
    past_day = pressed.day
    # A past day is stored as /log stores it (that day's noon, local), read by the same parser.
    extras = ResultExtras(
        logged_at=_moment(context, past_day.isoformat()) if past_day is not None else None
    )
    # The same path as /log: a result far above the usual day is confirmed once more.
    pending = PendingResult(
        candidate.number, candidate.variant, pressed.visitors, pressed.conversions, extras
    )
    await store_or_confirm(update, context, pending)


_PRESSED_FLOW = "plain:pressed"
_PRESSED_KEPT = 50


def _first_press(update: Update, context: ContextTypes.DEFAULT_TYPE) -> bool:
    """True the first time an offer's message is answered (per chat, the last few kept)."""
    query = update.callback_query
    message = query.message if query is not None else None
    if message is None:
        return True
    kept = flows.draft(context, update, _PRESSED_FLOW, chat_wide=True)
    pressed: list[int] = kept.setdefault("messages", [])
    if message.message_id in pressed:
        return False
    pressed.append(message.message_id)
    del pressed[:-_PRESSED_KEPT]
    return True


async def no_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> int:
    await flows.answer_query(update)
    await flows.remove_buttons(update)
    flows.drop_draft(context, update, FLOW)
    await reply(update, context, tr(context).gettext("OK, nothing was logged."))
    return flows.END


async def cancel(update: Update, context: ContextTypes.DEFAULT_TYPE) -> int:
    flows.drop_draft(context, update, FLOW)
    await reply(update, context, tr(context).gettext("Cancelled. Nothing was saved."))
    return flows.END


async def _candidate(
    update: Update, context: ContextTypes.DEFAULT_TYPE, number: int, index: int
) -> Candidate:
    """The experiment and variant a button names, as they are now (unknown ones raise)."""
    summary = await services.get_experiment(runtime_of(context).uow(), chat_id_of(update), number)
    variants = summary.experiment.variants
    variant = variants[index] if 0 <= index < len(variants) else ""
    return Candidate(number, summary.experiment.name, variant, index)


def handlers(runtime: Runtime) -> list[BaseHandler]:
    return [
        # Not flows.conversation: an unanswered offer just lapses, with no "I stopped waiting".
        SharedConversation(
            entry_points=[
                MessageHandler(TEXT, plain_text),
                CallbackQueryHandler(visitors_button, pattern=buttons.TextVisitors.pattern),
            ],
            # While the visitors are awaited, text is the answer (or read afresh: got_visitors).
            states={
                VISITORS: [
                    MessageHandler(TEXT, got_visitors),
                    CallbackQueryHandler(visitors_button, pattern=buttons.TextVisitors.pattern),
                ]
            },
            fallbacks=[
                CallbackQueryHandler(no_button, pattern=buttons.TextNo.pattern),
                CommandHandler("cancel", cancel),
            ],
            name=FLOW,
        ),
        CallbackQueryHandler(log_button, pattern=buttons.TextLog.pattern),
        CallbackQueryHandler(no_button, pattern=buttons.TextNo.pattern),
    ]
