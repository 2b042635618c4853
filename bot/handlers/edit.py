"""/edit: change an experiment's name, hypothesis, stage, review date, cost — and, before its
first result, its variants and plan. Guided with buttons, or in one line."""

from __future__ import annotations

import re

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
from bot.handlers.backlog import ask_ice
from bot.handlers.new import SPLIT_CHOICES
from bot.keyboards import button, markup, rows_of
from bot.pickers import offer_experiments
from bot.render import labels
from bot.render.editing import edit_menu, edited_text, field_title, value_question
from bot.render.stages import stages_button
from bot.replies import edit_or_reply, reply
from bot.runtime import Runtime, chat_id_of, currency_of, runtime_of, tr
from bot.users import actor_of
from experiments import editing, parsers
from experiments.domain import N_, EditField, InvalidInput, Stage
from experiments.editing import Change

FLOW = "edit"
VALUE = 0
TEXT = filters.TEXT & ~filters.COMMAND
USAGE = "/edit #1 name Flyer test"

_ONE_LINE = re.compile(r"^\S+\s+(\S+)\s+(\S+)\s*(.*)$", re.DOTALL)


async def edit_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> int:
    """`/edit #N <field> <value>` at once; `/edit #N` the menu; bare, which experiment."""
    args = context.args or []
    t = tr(context)
    if not args:
        await offer_experiments(
            update,
            context,
            kind=buttons.EditPick,
            question=t.gettext("Edit which experiment?"),
            none_text=t.gettext("No experiments yet. Start one with /new."),
        )
        return flows.END
    number = parsers.experiment_number(args[0], USAGE)
    if len(args) == 1:
        await _menu(update, context, number)
        return flows.END
    assert update.effective_message is not None
    found = _ONE_LINE.match(update.effective_message.text or "")
    field = parsers.edit_field_word(args[1])
    if field is None or found is None or not found.group(3).strip():
        raise InvalidInput(
            N_(
                "Write /edit, the experiment, what to change and the new value, e.g. {usage}. "
                "You can change: name, hypothesis, stage, review, cost, variants, split, plan, ice."
            ),
            usage=USAGE,
        )
    await _save(update, context, number, field, found.group(3))
    return flows.END


async def pick_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> int:
    """From the "which experiment?" step or a card: the menu."""
    pressed = await flows.answer_button(update, context, buttons.EditPick)
    if pressed is not None:
        await _menu(update, context, pressed.number)
    return flows.END


async def _menu(update: Update, context: ContextTypes.DEFAULT_TYPE, number: int) -> None:
    state = await editing.editable_now(
        runtime_of(context).uow(), chat_id_of(update), number, actor=await actor_of(update, context)
    )
    t = tr(context)
    fields = [button(field_title(t, f), buttons.EditFieldChoice(number, f)) for f in state.fields]
    # Refused fields stay visible, so pressing one says why it can't change.
    fields += [
        button("🔒 " + field_title(t, f), buttons.EditFieldChoice(number, f)) for f in state.locked
    ]
    close = button("✖️ " + t.gettext("Close"), buttons.EditClose())
    keyboard = markup([*rows_of(fields, 2), [close]])
    await edit_or_reply(update, context, edit_menu(t, currency_of(context), state), keyboard)


async def field_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> int:
    """Asks for the new value of a field (refused design fields say why)."""
    pressed = await flows.answer_button(update, context, buttons.EditFieldChoice)
    if pressed is None:
        return flows.END
    number, field = pressed.number, pressed.field
    state = await editing.editable_now(
        runtime_of(context).uow(), chat_id_of(update), number, actor=await actor_of(update, context)
    )
    editing.check_editable(number, field, state.results)
    await flows.remove_buttons(update)
    if field is EditField.ICE:
        # Scored with the same keypad as a new draft; the one-line form takes typed numbers.
        await ask_ice(update, context, state.experiment)
        return flows.END
    answers = flows.draft(context, update, FLOW)
    answers.update(number=number, field=field.value)
    t = tr(context)
    choices = []
    if field is EditField.STAGE:
        stages = [button(labels.stage(t, s), buttons.EditStage(s)) for s in Stage]
        choices = [*rows_of(stages, 4), [stages_button(t)]]
    elif field is EditField.REVIEW:
        choices = [
            [
                button(t.gettext("in 1 week"), buttons.EditReview(7)),
                button(t.gettext("in 2 weeks"), buttons.EditReview(14)),
                button(t.gettext("in 4 weeks"), buttons.EditReview(28)),
            ]
        ]
    elif field is EditField.SPLIT:
        splits = [button(t.gettext("Equal"), buttons.EditSplit(None))]
        if len(state.experiment.variants) == 2:
            splits += [button(choice, buttons.EditSplit(choice)) for choice in SPLIT_CHOICES]
        choices = [splits]
    question = value_question(t, currency_of(context), state.experiment, field)
    await reply(update, context, question, markup([*choices, [flows.cancel_button(context)]]))
    return VALUE


async def got_value(update: Update, context: ContextTypes.DEFAULT_TYPE) -> int:
    """The new value, typed or pressed (a stage, a review date, a split)."""
    answers = flows.draft(context, update, FLOW)
    pressed = await flows.pressed(update)
    if pressed is not None:
        value = _as_typed(pressed)
    else:
        assert update.effective_message is not None
        value = update.effective_message.text or ""
    await _save(update, context, answers["number"], EditField(answers["field"]), value)
    flows.drop_draft(context, update, FLOW)
    return flows.END


async def close_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> int:
    await flows.answer_query(update)
    await flows.remove_buttons(update)
    return flows.END


async def _save(
    update: Update, context: ContextTypes.DEFAULT_TYPE, number: int, field: EditField, value: str
) -> None:
    change = parse_change(context, number, field, value)
    edited = await editing.edit_experiment(
        runtime_of(context).uow(),
        chat_id_of(update),
        number,
        change,
        actor=await actor_of(update, context),
    )
    t = tr(context)
    keyboard = markup(
        [
            [
                button("✏️ " + t.gettext("Edit more"), buttons.EditPick(number)),
                button("📋 " + t.gettext("Show"), buttons.Card("show", number)),
            ]
        ]
    )
    await reply(update, context, edited_text(t, currency_of(context), edited), keyboard)


def _as_typed(data: object) -> str:
    """A pressed choice, written as the one-line form takes it (read by the same parser)."""
    if (stage := buttons.EditStage.decode(data)) is not None:
        return stage.stage.value
    if (review := buttons.EditReview.decode(data)) is not None:
        return f"{review.days}d"
    split = buttons.EditSplit.decode(data)
    return "-" if split is None or split.split is None else split.split


def parse_change(
    context: ContextTypes.DEFAULT_TYPE, number: int, field: EditField, value: str
) -> Change:
    """The typed value of one field → the change (bad values raise with an example)."""
    text = value.strip()
    if field is EditField.NAME:
        return Change(field, name=text)
    if field is EditField.HYPOTHESIS:
        return Change(field, hypothesis=text)
    if field is EditField.STAGE:
        return Change(field, stage=parsers.stage(text, tr(context).gettext))
    if field is EditField.REVIEW:
        usage = f"/edit #{number} review 2w"
        return Change(
            field, review_date=parsers.review_date(text, flows.local_today(context), usage)
        )
    if field is EditField.COST:
        return Change(field, cost=parsers.cost(text, f"/cost #{number} 120"))
    if field is EditField.VARIANTS:
        return Change(field, variants=tuple(parsers.variant_list(text)) if text else ())
    if field is EditField.ICE:
        return Change(field, ice=parsers.ice(text, f"/edit #{number} ice 7 6 8"))
    if field is EditField.SPLIT:
        usage = f"/edit #{number} split 70/30"
        return Change(field, split=parsers.planned_split(text, usage))
    baseline, target = parsers.plan(text, f"/edit #{number} plan 5% 20%")
    return Change(field, baseline_rate=baseline, min_detectable_effect=target - baseline)


def handlers(runtime: Runtime) -> list[BaseHandler]:
    return [
        flows.conversation(
            FLOW,
            runtime,
            entry_points=[
                CommandHandler("edit", edit_command),
                CallbackQueryHandler(pick_button, pattern=buttons.EditPick.pattern),
                CallbackQueryHandler(field_button, pattern=buttons.EditFieldChoice.pattern),
                CallbackQueryHandler(close_button, pattern=buttons.EditClose.pattern),
            ],
            states={
                VALUE: [
                    MessageHandler(TEXT, got_value),
                    CallbackQueryHandler(got_value, pattern=buttons.EditStage.pattern),
                    CallbackQueryHandler(got_value, pattern=buttons.EditReview.pattern),
                    CallbackQueryHandler(got_value, pattern=buttons.EditSplit.pattern),
                ]
            },
            command="edit",
        )
    ]
