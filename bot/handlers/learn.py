"""/learn: write down what an experiment or a leaking stage taught, asking "why?" up to 5 times."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from telegram import InlineKeyboardButton, Update
from telegram.ext import (
    BaseHandler,
    CallbackQueryHandler,
    CommandHandler,
    ContextTypes,
    MessageHandler,
    filters,
)

from bot import buttons, flows
from bot.keyboards import button, experiment_picker, markup, rows_of
from bot.render import labels
from bot.render.learnings import (
    countermeasure_question,
    due_question,
    first_learning_note,
    good_why_example,
    learn_question,
    learning_text,
    learnings_by_stage_text,
    learnings_list,
    owner_question,
    root_cause_question,
    short,
    why_question,
)
from bot.render.stages import stages_button as what_stages_mean_button
from bot.replies import esc, reply
from bot.runtime import Runtime, chat_id_of, runtime_of, tr
from bot.users import author_of
from experiments import parsers
from experiments.domain import N_, InvalidInput, Stage
from experiments.learnings import (
    MAX_WHYS,
    begin_learning,
    clean_countermeasure,
    clean_owner,
    clean_root_cause,
    clean_summary,
    clean_why,
    countermeasure_done,
    experiments_without_learning,
    learnings_by_stage,
    list_learnings,
    record_learning,
)
from experiments.parsers import Word

FLOW = "learn"
WHAT, WHY, ROOT, MEASURE, OWNER, DUE = range(6)
DUE_WEEKS = (1, 2, 4)
USAGE = "/learn #3"
TEXT = filters.TEXT & ~filters.COMMAND
LISTED_LEARNINGS = 10


async def learn_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> int:
    """`/learn #N [text]`, `/learn stage trust [text]`, `/learn list`; bare, it offers subjects.

    With text, the learning is stored in one line; without, the five whys begin.
    """
    words = context.args or []
    if not words:
        await _offer_subjects(update, context)
        return flows.END
    first = words[0].casefold()
    if parsers.is_word(first, Word.LIST) and len(words) == 1:
        await _list(update, context)
        return flows.END
    number: int | None = None
    stage: Stage | None = None
    if parsers.is_word(first, Word.STAGE):
        if len(words) == 1:
            await _offer_stages(update, context)
            return flows.END
        stage, text = parsers.stage(words[1], tr(context).gettext), words[2:]
    elif parsers.stage_word(first) is not None:
        stage, text = parsers.stage(first), words[1:]
    elif first.startswith("#") or first.isdigit():
        number, text = parsers.experiment_number(words[0], USAGE), words[1:]
    else:
        raise InvalidInput(
            N_(
                "Write /learn #3 for what experiment #3 taught, /learn stage trust for a "
                "leaking stage, or /learn list for the recent learnings."
            )
        )
    if text:
        await _save(update, context, number, stage, " ".join(text), [])
        return flows.END
    return await _begin(update, context, number, stage)


# ---------------------------------------------------------------- choosing a subject


async def _offer_subjects(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    waiting = await experiments_without_learning(runtime_of(context).uow(), chat_id_of(update))
    t = tr(context)
    extra = [
        button("🕳 " + t.gettext("A leaking stage"), buttons.LearnStages()),
        button("📚 " + t.gettext("Recent learnings"), buttons.LearnList()),
    ]
    if not waiting:
        text = t.gettext(
            "No concluded experiment is waiting for its learning. Conclude one with "
            "<code>/conclude #1 lost</code> and I'll ask what it taught — or write about a "
            "stage that leaks: <code>/learn stage trust</code>."
        )
        await reply(update, context, text, markup([extra]))
        return
    await reply(
        update,
        context,
        t.gettext("What taught you something? Pick a concluded experiment, or a leaking stage."),
        experiment_picker(buttons.LearnStart, [(e.number, e.name) for e in waiting], extra=extra),
    )


async def _offer_stages(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    t = tr(context)
    stages = [button(labels.stage(t, stage), buttons.LearnStage(stage)) for stage in Stage]
    keyboard = markup([*rows_of(stages, 4), [what_stages_mean_button(t)]])
    await reply(update, context, t.gettext("Which stage leaks?"), keyboard)


async def stages_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    await flows.answer_query(update)
    await _offer_stages(update, context)


async def list_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    await flows.answer_query(update)
    await _list(update, context)


async def _list(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    found = await list_learnings(runtime_of(context).uow(), chat_id_of(update), LISTED_LEARNINGS)
    await reply(update, context, learnings_list(tr(context), found))


# ---------------------------------------------------------------- the five whys


async def start_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> int:
    """Under a concluded experiment or in the picker."""
    pressed = await flows.answer_button(update, context, buttons.LearnStart)
    return flows.END if pressed is None else await _begin(update, context, pressed.number, None)


async def stage_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> int:
    pressed = await flows.pressed_button(update, context, buttons.LearnStage)
    return flows.END if pressed is None else await _begin(update, context, None, pressed.stage)


async def _begin(
    update: Update, context: ContextTypes.DEFAULT_TYPE, number: int | None, stage: Stage | None
) -> int:
    # Refuses a running or unknown experiment before asking anything.
    begun = await begin_learning(runtime_of(context).uow(), chat_id_of(update), number)
    experiment, first = begun.experiment, begun.first
    flows.drop_draft(context, update, FLOW)
    answers = flows.draft(context, update, FLOW)
    answers.update(number=number, stage=stage, whys=[])
    t = tr(context)
    text = learn_question(t, experiment, stage)
    if first:
        text = "ℹ️ " + first_learning_note(t) + "\n\n" + text
    await reply(update, context, text, markup([[flows.cancel_button(context)]]))
    return WHAT


async def got_what(update: Update, context: ContextTypes.DEFAULT_TYPE) -> int:
    assert update.effective_message is not None
    answers = flows.draft(context, update, FLOW)
    answers["summary"] = clean_summary(update.effective_message.text or "")
    await _ask_why(update, context, answers)
    return WHY


async def got_why(update: Update, context: ContextTypes.DEFAULT_TYPE) -> int:
    assert update.effective_message is not None
    answers = flows.draft(context, update, FLOW)
    answers["whys"].append(clean_why(update.effective_message.text or ""))
    if len(answers["whys"]) < MAX_WHYS:
        await _ask_why(update, context, answers)
        return WHY
    return await _ask_root(update, context, answers)


async def root_cause_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> int:
    """ "That's the root cause": stop asking why, and confirm the root cause."""
    await flows.answer_query(update)
    answers = flows.draft(context, update, FLOW)
    if not answers.get("whys"):
        raise InvalidInput(N_("Answer at least one “why?” first."))
    await flows.remove_buttons(update)
    return await _ask_root(update, context, answers)


async def _ask_root(
    update: Update, context: ContextTypes.DEFAULT_TYPE, answers: dict[str, Any]
) -> int:
    t = tr(context)
    last = answers["whys"][-1]
    keyboard = markup(
        [
            [
                button(
                    "✅ " + t.gettext("Use: {why}").format(why=short(last)),
                    buttons.LearnUseRootCause(),
                )
            ],
            [flows.cancel_button(context)],
        ]
    )
    await reply(update, context, root_cause_question(t, last), keyboard)
    return ROOT


async def got_root(update: Update, context: ContextTypes.DEFAULT_TYPE) -> int:
    """The root cause: the last why (the button), or typed in other words."""
    answers = flows.draft(context, update, FLOW)
    if await flows.pressed(update) is not None:
        answers["root_cause"] = answers["whys"][-1]
    else:
        assert update.effective_message is not None
        answers["root_cause"] = clean_root_cause(update.effective_message.text or "")
    t = tr(context)
    keyboard = markup(
        [[flows.skip_button(context, buttons.LearnSkipMeasure()), flows.cancel_button(context)]]
    )
    await reply(update, context, countermeasure_question(t), keyboard)
    return MEASURE


async def got_measure(update: Update, context: ContextTypes.DEFAULT_TYPE) -> int:
    answers = flows.draft(context, update, FLOW)
    if await flows.pressed(update) is not None:  # skipped: no countermeasure
        return await _finish(update, context, answers)
    assert update.effective_message is not None
    answers["countermeasure"] = clean_countermeasure(update.effective_message.text or "")
    t = tr(context)
    me = author_of(update).name
    keyboard = markup(
        [
            [
                button(
                    "👤 " + t.gettext("Me ({name})").format(name=short(me, 24)),
                    buttons.LearnOwnerMe(),
                )
            ],
            [flows.cancel_button(context)],
        ]
    )
    await reply(update, context, owner_question(t), keyboard)
    return OWNER


async def got_owner(update: Update, context: ContextTypes.DEFAULT_TYPE) -> int:
    answers = flows.draft(context, update, FLOW)
    if await flows.pressed(update) is not None:
        answers["owner"] = author_of(update).name
    else:
        assert update.effective_message is not None
        answers["owner"] = clean_owner(update.effective_message.text or "")
    t = tr(context)
    weeks = [
        button(t.ngettext("In {n} week", "In {n} weeks", n).format(n=n), buttons.LearnDue(n * 7))
        for n in DUE_WEEKS
    ]
    await reply(update, context, due_question(t), markup([weeks, [flows.cancel_button(context)]]))
    return DUE


async def got_due(update: Update, context: ContextTypes.DEFAULT_TYPE) -> int:
    answers = flows.draft(context, update, FLOW)
    today = flows.local_today(context)
    pressed = await flows.pressed(update)
    due = buttons.LearnDue.decode(pressed)
    if due is not None:
        answers["due"] = today + timedelta(days=due.days)
    else:
        assert update.effective_message is not None
        answers["due"] = parsers.due_date(update.effective_message.text or "", today)
    return await _finish(update, context, answers)


async def _ask_why(
    update: Update, context: ContextTypes.DEFAULT_TYPE, answers: dict[str, Any]
) -> None:
    t = tr(context)
    asked = len(answers["whys"]) + 1
    choices: list[InlineKeyboardButton] = []
    if answers["whys"]:
        choices.append(button("✅ " + t.gettext("That's the root cause"), buttons.LearnRootFound()))
    choices.append(flows.cancel_button(context))
    text = why_question(t, asked, MAX_WHYS)
    if asked == 1:
        text += "\n<i>" + good_why_example(t) + "</i>"
    await reply(update, context, text, markup([choices]))


async def _finish(
    update: Update, context: ContextTypes.DEFAULT_TYPE, answers: dict[str, Any]
) -> int:
    await _save(
        update,
        context,
        answers["number"],
        answers["stage"],
        answers["summary"],
        answers["whys"],
        root_cause=answers.get("root_cause"),
        countermeasure=answers.get("countermeasure"),
        owner=answers.get("owner"),
        due=answers.get("due"),
    )
    flows.drop_draft(context, update, FLOW)
    return flows.END


async def _save(
    update: Update,
    context: ContextTypes.DEFAULT_TYPE,
    number: int | None,
    stage: Stage | None,
    summary: str,
    whys: list[str],
    *,
    root_cause: str | None = None,
    countermeasure: str | None = None,
    owner: str | None = None,
    due: date | None = None,
) -> None:
    runtime = runtime_of(context)
    learning = await record_learning(
        runtime.uow(),
        chat_id_of(update),
        experiment_number=number,
        stage=stage,
        summary=summary,
        whys=whys,
        author=author_of(update),
        root_cause=root_cause,
        countermeasure=countermeasure,
        countermeasure_owner=owner,
        countermeasure_due=due,
        clock=runtime.clock,
    )
    t = tr(context)
    next_steps = []
    if learning.stage is not None:
        ideas = t.gettext("Ideas for {stage}").format(stage=labels.stage(t, learning.stage))
        next_steps.append(button("💡 " + ideas, buttons.IdeasStage(learning.stage)))
    if learning.number is not None:
        next_steps.append(
            button(
                "🧪 " + t.gettext("Start the next iteration"),
                buttons.NextIteration(learning.number),
            )
        )
    keyboard = markup(rows_of(next_steps, 1)) if next_steps else None
    await reply(update, context, learning_text(t, learning), keyboard)


async def learnings_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """`/learnings`: what each stage of the hourglass taught, with the countermeasures."""
    if context.args:
        raise InvalidInput(N_("Write /learnings alone; it lists every learning by stage."))
    groups = await learnings_by_stage(runtime_of(context).uow(), chat_id_of(update))
    text = learnings_by_stage_text(tr(context), groups, flows.local_today(context))
    await reply(update, context, text)


async def done_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """ "Done" under the digest's follow-up: the countermeasure is done."""
    pressed = await flows.answer_button(update, context, buttons.LearningDone)
    if pressed is None:
        return
    runtime = runtime_of(context)
    learning = await countermeasure_done(
        runtime.uow(), chat_id_of(update), pressed.learning_id, clock=runtime.clock
    )
    t = tr(context)
    assert learning.countermeasure is not None
    text = "✅ " + t.gettext("Marked done: {countermeasure}").format(
        countermeasure="<i>" + esc(learning.countermeasure) + "</i>"
    )
    await reply(update, context, text)


def handlers(runtime: Runtime) -> list[BaseHandler]:
    return [
        flows.conversation(
            FLOW,
            runtime,
            entry_points=[
                CommandHandler("learn", learn_command),
                CallbackQueryHandler(start_button, pattern=buttons.LearnStart.pattern),
                CallbackQueryHandler(stage_button, pattern=buttons.LearnStage.pattern),
            ],
            states={
                WHAT: [MessageHandler(TEXT, got_what)],
                WHY: [
                    MessageHandler(TEXT, got_why),
                    CallbackQueryHandler(root_cause_button, pattern=buttons.LearnRootFound.pattern),
                ],
                ROOT: [
                    MessageHandler(TEXT, got_root),
                    CallbackQueryHandler(got_root, pattern=buttons.LearnUseRootCause.pattern),
                ],
                MEASURE: [
                    MessageHandler(TEXT, got_measure),
                    CallbackQueryHandler(got_measure, pattern=buttons.LearnSkipMeasure.pattern),
                ],
                OWNER: [
                    MessageHandler(TEXT, got_owner),
                    CallbackQueryHandler(got_owner, pattern=buttons.LearnOwnerMe.pattern),
                ],
                DUE: [
                    MessageHandler(TEXT, got_due),
                    CallbackQueryHandler(got_due, pattern=buttons.LearnDue.pattern),
                ],
            },
            command="learn",
        ),
        CallbackQueryHandler(stages_button, pattern=buttons.LearnStages.pattern),
        CallbackQueryHandler(list_button, pattern=buttons.LearnList.pattern),
        CommandHandler("learnings", learnings_command),
        CallbackQueryHandler(done_button, pattern=buttons.LearningDone.pattern),
    ]
