"""/learn: write down what an experiment or a leaking stage taught, asking "why?" up to 5 times."""

from __future__ import annotations

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

from bot import flows, parsing
from bot.keyboards import button, experiment_picker, markup, rows_of
from bot.render import labels
from bot.render.funnel import (
    learn_question,
    learning_text,
    learnings_list,
    why_question,
)
from bot.replies import reply
from bot.runtime import Runtime, chat_id_of, runtime_of, tr
from bot.users import author_of
from experiments.domain import N_, InvalidInput, Stage
from experiments.funnel import STAGE_WORDS, parse_stage
from experiments.learnings import (
    MAX_WHYS,
    clean_summary,
    clean_why,
    experiment_to_learn_from,
    experiments_without_learning,
    list_learnings,
    record_learning,
)

FLOW = "learn"
WHAT, WHY = range(2)
USAGE = "/learn #3"
TEXT = filters.TEXT & ~filters.COMMAND
LIST_WORDS = ("list", "список")
STAGE_PREFIXES = ("stage", "этап", "стадия")
LISTED_LEARNINGS = 10
_STAGES = "|".join(stage.value for stage in Stage)


async def learn_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> int:
    """`/learn #N [text]`, `/learn stage trust [text]`, `/learn list`; bare, it offers subjects.

    With text, the learning is stored in one line; without, the five whys begin.
    """
    words = context.args or []
    if not words:
        await _offer_subjects(update, context)
        return flows.END
    first = words[0].casefold()
    if first in LIST_WORDS and len(words) == 1:
        await _list(update, context)
        return flows.END
    number: int | None = None
    stage: Stage | None = None
    if first in STAGE_PREFIXES:
        if len(words) == 1:
            await _offer_stages(update, context)
            return flows.END
        stage, text = parse_stage(words[1], tr(context).gettext), words[2:]
    elif first in STAGE_WORDS:
        stage, text = parse_stage(first), words[1:]
    elif first.startswith("#") or first.isdigit():
        number, text = parsing.experiment_number(words[0], USAGE), words[1:]
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
        button("🕳 " + t.gettext("A leaking stage"), "learn:stages"),
        button("📚 " + t.gettext("Recent learnings"), "learn:list"),
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
        experiment_picker("learn:start", [(e.number, e.name) for e in waiting], extra=extra),
    )


async def _offer_stages(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    t = tr(context)
    stages = [button(labels.stage(t, stage), f"learn:stage:{stage.value}") for stage in Stage]
    await reply(update, context, t.gettext("Which stage leaks?"), markup(rows_of(stages, 4)))


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
    """learn:start:N, under a concluded experiment or in the picker."""
    data = await flows.answer_query(update)
    return await _begin(update, context, int(data.rsplit(":", 1)[1]), None)


async def stage_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> int:
    data = await flows.answer_query(update)
    await flows.remove_buttons(update)
    return await _begin(update, context, None, Stage(data.rsplit(":", 1)[1]))


async def _begin(
    update: Update, context: ContextTypes.DEFAULT_TYPE, number: int | None, stage: Stage | None
) -> int:
    experiment = None
    if number is not None:
        # Refuse a running or unknown experiment before asking anything.
        experiment = await experiment_to_learn_from(
            runtime_of(context).uow(), chat_id_of(update), number
        )
    flows.drop_draft(context, update, FLOW)
    answers = flows.draft(context, update, FLOW)
    answers.update(number=number, stage=stage, whys=[])
    t = tr(context)
    await reply(
        update,
        context,
        learn_question(t, experiment, stage),
        markup([[flows.cancel_button(context)]]),
    )
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
    return await _finish(update, context, answers)


async def root_cause_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> int:
    """ "That's the root cause": stop asking, store the chain so far."""
    await flows.answer_query(update)
    answers = flows.draft(context, update, FLOW)
    if not answers.get("whys"):
        raise InvalidInput(N_("Answer at least one “why?” first."))
    await flows.remove_buttons(update)
    return await _finish(update, context, answers)


async def _ask_why(
    update: Update, context: ContextTypes.DEFAULT_TYPE, answers: dict[str, Any]
) -> None:
    t = tr(context)
    asked = len(answers["whys"]) + 1
    buttons: list[InlineKeyboardButton] = []
    if answers["whys"]:
        buttons.append(button("✅ " + t.gettext("That's the root cause"), "learn:root"))
    buttons.append(flows.cancel_button(context))
    await reply(update, context, why_question(t, asked, MAX_WHYS), markup([buttons]))


async def _finish(
    update: Update, context: ContextTypes.DEFAULT_TYPE, answers: dict[str, Any]
) -> int:
    await _save(
        update, context, answers["number"], answers["stage"], answers["summary"], answers["whys"]
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
        clock=runtime.clock,
    )
    t = tr(context)
    buttons = []
    if learning.stage is not None:
        ideas = t.gettext("Ideas for {stage}").format(stage=labels.stage(t, learning.stage))
        buttons.append(button("💡 " + ideas, f"ideas:stage:{learning.stage.value}"))
    if learning.number is not None:
        buttons.append(button("🧪 " + t.gettext("Start the next iteration"), "new:start"))
    keyboard = markup(rows_of(buttons, 1)) if buttons else None
    await reply(update, context, learning_text(t, learning), keyboard)


def handlers(runtime: Runtime) -> list[BaseHandler]:
    return [
        flows.conversation(
            FLOW,
            runtime,
            entry_points=[
                CommandHandler("learn", learn_command),
                CallbackQueryHandler(start_button, pattern=r"^learn:start:\d+$"),
                CallbackQueryHandler(stage_button, pattern=rf"^learn:stage:({_STAGES})$"),
            ],
            states={
                WHAT: [MessageHandler(TEXT, got_what)],
                WHY: [
                    MessageHandler(TEXT, got_why),
                    CallbackQueryHandler(root_cause_button, pattern=r"^learn:root$"),
                ],
            },
            command="learn",
        ),
        CallbackQueryHandler(stages_button, pattern=r"^learn:stages$"),
        CallbackQueryHandler(list_button, pattern=r"^learn:list$"),
    ]
