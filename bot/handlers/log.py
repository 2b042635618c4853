"""/log and /undo: adding results to a variant and taking the last one back."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from telegram import Update
from telegram.ext import (
    BaseHandler,
    CallbackQueryHandler,
    CommandHandler,
    ContextTypes,
    MessageHandler,
    filters,
)

from bot import buttons, flows
from bot.keyboards import button, experiment_card, experiment_picker, markup, rows_of
from bot.pickers import offer_experiments, variant_named
from bot.render.experiments import logged, title, undone
from bot.replies import esc, reply
from bot.runtime import Runtime, chat_id_of, runtime_of, tr
from bot.users import actor_of, author_of
from experiments import dates, observations, parsers, services
from experiments.domain import N_, InvalidInput
from experiments.jumps import JUMP_FACTOR, UnusualJump

FLOW = "log"
PICK_EXPERIMENT, PICK_VARIANT, PICK_DAY, TYPED_DAY, COUNTS = range(5)
LOG_USAGE = "/log #1 B 1200 54"
LOG_FULL_USAGE = "/log #1 B 1200 54 yesterday revenue 380"
UNDO_USAGE = "/undo #1"
TEXT = filters.TEXT & ~filters.COMMAND


async def log_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> int:
    """`/log #N <variant> <visitors> <conversions> [day] [revenue R]`; bare, it guides."""
    args = context.args or []
    if not args:
        return await _ask_experiment(update, context)
    if len(args) < 4:
        raise _usage_error()
    number = parsers.experiment_number(args[0], LOG_USAGE)
    variant, words = await variant_named(update, context, number, args[1:])
    if not 2 <= len(words) <= 5:
        raise _usage_error()
    await _log(update, context, number, variant, words)
    return flows.END


def _usage_error() -> InvalidInput:
    return InvalidInput(
        N_(
            "Write /log, the experiment, the variant, visitors and conversions "
            "(the day and revenue optional), e.g. {usage} or {full}"
        ),
        usage=LOG_USAGE,
        full=LOG_FULL_USAGE,
    )


async def _ask_experiment(update: Update, context: ContextTypes.DEFAULT_TYPE) -> int:
    summaries = await services.list_experiments(runtime_of(context).uow(), chat_id_of(update))
    open_ones = [s for s in summaries if s.experiment.takes_results]
    t = tr(context)
    if not open_ones:
        await reply(
            update,
            context,
            t.gettext("No experiment takes results right now. Start one with /new."),
        )
        return flows.END
    picker = experiment_picker(
        buttons.LogPick,
        [(s.experiment.number, s.experiment.name) for s in open_ones],
        extra=[flows.cancel_button(context)],
    )
    await reply(update, context, t.gettext("Log results for which experiment?"), picker)
    return PICK_EXPERIMENT


async def picked_experiment(update: Update, context: ContextTypes.DEFAULT_TYPE) -> int | None:
    """From the "which experiment?" picker."""
    pressed = await flows.answer_button(update, context, buttons.LogPick)
    return None if pressed is None else await _ask_variant(update, context, pressed.number)


async def log_from_card(update: Update, context: ContextTypes.DEFAULT_TYPE) -> int | None:
    """From a card's (or a digest's, or an offer's) "Log results" button."""
    pressed = await flows.answer_button(update, context, buttons.LogResults)
    return None if pressed is None else await _ask_variant(update, context, pressed.number)


async def _ask_variant(update: Update, context: ContextTypes.DEFAULT_TYPE, number: int) -> int:
    summary = await services.get_experiment(runtime_of(context).uow(), chat_id_of(update), number)
    answers = flows.draft(context, update, FLOW)
    answers["number"] = number
    t = tr(context)
    variants = [
        button(name, buttons.LogVariant(index))
        for index, name in enumerate(summary.experiment.variants)
    ]
    await reply(
        update,
        context,
        t.gettext("{title}: which variant?").format(title=title(summary.experiment)),
        markup([*rows_of(variants, 3), [flows.cancel_button(context)]]),
    )
    return PICK_VARIANT


async def picked_variant(update: Update, context: ContextTypes.DEFAULT_TYPE) -> int | None:
    pressed = await flows.answer_button(update, context, buttons.LogVariant)
    if pressed is None:
        return None
    await flows.remove_buttons(update)
    answers = flows.draft(context, update, FLOW)
    summary = await services.get_experiment(
        runtime_of(context).uow(), chat_id_of(update), answers["number"]
    )
    answers["variant"] = summary.experiment.variants[pressed.index]
    answers.pop("day", None)
    t = tr(context)
    days = [
        button(t.gettext("Today"), buttons.LogDay("today")),
        button(t.gettext("Yesterday"), buttons.LogDay("yesterday")),
        button(t.gettext("Another date"), buttons.LogDay("other")),
    ]
    await reply(
        update,
        context,
        t.gettext(
            "Variant <b>{variant}</b>: which day are these results for? "
            "(For today, you can just send visitors and conversions, e.g. <code>1200 54</code>.)"
        ).format(variant=esc(answers["variant"])),
        markup([days, [flows.cancel_button(context)]]),
    )
    return PICK_DAY


async def picked_day(update: Update, context: ContextTypes.DEFAULT_TYPE) -> int | None:
    pressed = await flows.answer_button(update, context, buttons.LogDay)
    if pressed is None:
        return None
    await flows.remove_buttons(update)
    answers = flows.draft(context, update, FLOW)
    choice = pressed.day
    if choice == "other":
        await reply(
            update,
            context,
            tr(context).gettext(
                "Which day? Write it like <code>30.11</code> or <code>2026-11-30</code>."
            ),
            markup([[flows.cancel_button(context)]]),
        )
        return TYPED_DAY
    answers["day"] = None if choice == "today" else choice
    return await _ask_counts(update, context)


async def typed_day(update: Update, context: ContextTypes.DEFAULT_TYPE) -> int:
    assert update.effective_message is not None
    answers = flows.draft(context, update, FLOW)
    token = (update.effective_message.text or "").strip()
    _moment(context, token)  # a date that can't be, or is in the future, is asked again
    answers["day"] = token
    return await _ask_counts(update, context)


async def _ask_counts(update: Update, context: ContextTypes.DEFAULT_TYPE) -> int:
    answers = flows.draft(context, update, FLOW)
    t = tr(context)
    text = t.gettext(
        "Variant <b>{variant}</b>: send visitors and conversions, e.g. <code>1200 54</code> "
        "(add revenue at the end if you track it)."
    ).format(variant=esc(answers["variant"]))
    if answers.get("day"):
        day = _moment(context, answers["day"]).astimezone(flows.local_zone(context))
        text = "📅 " + t.date(day) + "\n" + text
    await reply(update, context, text, markup([[flows.cancel_button(context)]]))
    return COUNTS


async def got_counts(update: Update, context: ContextTypes.DEFAULT_TYPE) -> int:
    assert update.effective_message is not None
    answers = flows.draft(context, update, FLOW)
    words = (update.effective_message.text or "").replace("/", " ").split()
    if not 2 <= len(words) <= 5:
        raise InvalidInput(N_("Send two numbers, visitors then conversions, e.g. 1200 54."))
    if answers.get("day"):
        words.append(answers["day"])
    await _log(update, context, answers["number"], answers["variant"], words)
    flows.drop_draft(context, update, FLOW)
    return flows.END


def _moment(context: ContextTypes.DEFAULT_TYPE, token: str) -> datetime:
    return dates.parse_moment(
        token, now=runtime_of(context).clock(), zone=flows.local_zone(context)
    )


async def _log(
    update: Update, context: ContextTypes.DEFAULT_TYPE, number: int, variant: str, words: list[str]
) -> None:
    usage = f"/log #{number} {variant} 1200 54"
    visitors = parsers.count(words[0], N_("visitors"), usage)
    conversions = parsers.count(words[1], N_("conversions"), usage)
    extras = parsers.result_extras(
        words[2:],
        now=runtime_of(context).clock(),
        zone=flows.local_zone(context),
        usage=f"/log #{number} {variant} 1200 54 yesterday revenue 380",
    )
    await store_or_confirm(
        update, context, PendingResult(number, variant, visitors, conversions, extras)
    )


async def store_or_confirm(
    update: Update, context: ContextTypes.DEFAULT_TYPE, pending: PendingResult
) -> None:
    """Stores a result, or asks first when it is an unusual jump (also for offered results)."""
    try:
        await _store(update, context, pending, confirm_jumps=True)
    except UnusualJump as jump:
        await _ask_to_confirm(update, context, pending, jump)


@dataclass(frozen=True)
class PendingResult:
    """A result as typed, kept while the chat confirms it."""

    number: int
    variant: str
    visitors: int
    conversions: int
    extras: parsers.ResultExtras


async def _store(
    update: Update,
    context: ContextTypes.DEFAULT_TYPE,
    pending: PendingResult,
    *,
    confirm_jumps: bool,
) -> None:
    runtime = runtime_of(context)
    zone = flows.local_zone(context)
    result = await observations.log_observation(
        runtime.uow(),
        chat_id_of(update),
        pending.number,
        pending.variant,
        pending.visitors,
        pending.conversions,
        revenue=pending.extras.revenue,
        logged_at=pending.extras.logged_at,
        confirm_jumps=confirm_jumps,
        author=author_of(update),
        clock=runtime.clock,
    )
    t = tr(context)
    text = logged(t, result)
    if pending.extras.logged_at is not None and result.logged_at.astimezone(zone).date() != (
        runtime.clock().astimezone(zone).date()
    ):
        text += "\n📅 " + t.gettext("For {day}.").format(
            day=t.date(result.logged_at.astimezone(zone))
        )
    await reply(update, context, text, experiment_card(t, result.experiment))


# The result waiting for "Yes, log it" (the latest one per user and chat), and the number of
# the last one asked, so a button of an earlier question can't confirm a later result.
PENDING_FLOW = "log:jump"


async def _ask_to_confirm(
    update: Update, context: ContextTypes.DEFAULT_TYPE, pending: PendingResult, jump: UnusualJump
) -> None:
    """Keeps the result and asks, with buttons, whether it is right."""
    kept = flows.draft(context, update, PENDING_FLOW)
    token = int(kept.get("last", 0)) + 1
    kept.update(last=token, token=token, pending=pending)
    t = tr(context)
    text = t.gettext(
        "🤔 {visitors} visitors on <b>{variant}</b> is more than {factor}× a usual day of "
        "#{number}: about {usual} visitors per variant (the median of {days} days). "
        "A typo, like an extra zero? Log it anyway?"
    ).format(
        visitors=t.number(jump.visitors),
        variant=esc(jump.variant),
        factor=JUMP_FACTOR,
        number=jump.number,
        usual=t.number(round(jump.usual.visitors)),
        days=t.number(jump.usual.days),
    )
    keyboard = markup(
        [
            [
                button("✅ " + t.gettext("Yes, log it"), buttons.LogJump("ok", token)),
                button("✖️ " + t.gettext("No, don't log it"), buttons.LogJump("no", token)),
            ]
        ]
    )
    await reply(update, context, text, keyboard)


async def jump_answered(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Yes stores the result as it was typed; no (or a stale button) stores nothing."""
    pressed = await flows.answer_button(update, context, buttons.LogJump)
    if pressed is None:
        return
    await flows.remove_buttons(update)
    kept = flows.draft(context, update, PENDING_FLOW)
    t = tr(context)
    if kept.get("token") != pressed.token:
        await reply(
            update,
            context,
            t.gettext("That result is no longer waiting to be confirmed; nothing was logged."),
        )
        return
    pending = kept.pop("pending")
    del kept["token"]
    if pressed.answer == "no":
        await reply(update, context, t.gettext("Not logged. Nothing changed."))
        return
    await _store(update, context, pending, confirm_jumps=False)


async def undo_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """`/undo #N`; bare, it asks which experiment."""
    if context.args:
        await _undo(update, context, parsers.experiment_number(context.args[0], UNDO_USAGE))
        return
    t = tr(context)
    await offer_experiments(
        update,
        context,
        kind=buttons.UndoResult,
        question=t.gettext("Remove the last entry of which experiment?"),
        none_text=t.gettext("There is nothing to undo."),
        suitable=lambda s: bool(s.visitors) and s.experiment.takes_results,
    )


async def undo_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    pressed = await flows.answer_button(update, context, buttons.UndoResult)
    if pressed is None:
        return
    await flows.remove_buttons(update)
    await _undo(update, context, pressed.number)


async def _undo(update: Update, context: ContextTypes.DEFAULT_TYPE, number: int) -> None:
    result = await observations.undo_last_observation(
        runtime_of(context).uow(), chat_id_of(update), number, actor=await actor_of(update, context)
    )
    await reply(update, context, undone(tr(context), result))


def handlers(runtime: Runtime) -> list[BaseHandler]:
    return [
        flows.conversation(
            FLOW,
            runtime,
            entry_points=[
                CommandHandler("log", log_command),
                CallbackQueryHandler(log_from_card, pattern=buttons.LogResults.pattern),
            ],
            states={
                PICK_EXPERIMENT: [
                    CallbackQueryHandler(picked_experiment, pattern=buttons.LogPick.pattern)
                ],
                PICK_VARIANT: [
                    CallbackQueryHandler(picked_variant, pattern=buttons.LogVariant.pattern)
                ],
                PICK_DAY: [
                    CallbackQueryHandler(picked_day, pattern=buttons.LogDay.pattern),
                    MessageHandler(TEXT, got_counts),
                ],
                TYPED_DAY: [MessageHandler(TEXT, typed_day)],
                COUNTS: [MessageHandler(TEXT, got_counts)],
            },
            command="log",
        ),
        CallbackQueryHandler(jump_answered, pattern=buttons.LogJump.pattern),
        CommandHandler("undo", undo_command),
        CallbackQueryHandler(undo_button, pattern=buttons.UndoResult.pattern),
    ]
