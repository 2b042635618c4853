"""/new: register an experiment, in one line or guided step by step."""

from __future__ import annotations

from datetime import timedelta
from typing import get_args

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
from bot.keyboards import button, experiment_card, markup, rows_of
from bot.render import labels
from bot.render.experiments import card
from bot.render.stages import stages_button
from bot.replies import esc, reply
from bot.runtime import Runtime, chat_id_of, runtime_of, tr
from bot.users import author_of
from experiments import domain, parsers, services
from experiments.domain import N_, Kind, Stage, Status
from experiments.experiment import planned_visitors
from experiments.iterations import plan_next_iteration

FLOW = "new"
NAME, KIND, STAGE, HYPOTHESIS, VARIANTS, SPLIT, BASELINE, EFFECT, REVIEW, MVP_MODE, TARGET = range(
    11
)
USAGE = "/new Landing headline | A, B"
TARGET_USAGE = N_("/new Tasting box | box target 5%")
SPLIT_USAGE = "/new Landing headline | A, B 70/30"
# Unequal splits offered as buttons when there are two variants.
SPLIT_CHOICES: tuple[buttons.SplitChoice, ...] = get_args(buttons.SplitChoice)
TEXT = filters.TEXT & ~filters.COMMAND


# "/new Referral story | episodes: invite, reminder": an advocacy storyline.
async def new(update: Update, context: ContextTypes.DEFAULT_TYPE) -> int:
    """`/new <name>`, `/new <name> | A, B, C` or `/new <name> | A, B 70/30` creates at once;
    bare `/new` starts the guide."""
    message = update.effective_message
    assert message is not None and message.text is not None
    _command, _space, rest = message.text.partition(" ")
    if not rest.strip():
        return await _ask_name(update, context)
    name, bar, variant_text = rest.partition("|")
    kind = Kind.AB_TEST
    episodes = parsers.leading_episodes(variant_text)
    if bar and episodes is not None:
        # An advocacy storyline: its episodes, in the order they run.
        kind, variant_text = Kind.ADVOCACY, episodes
    if bar:
        variant_text, target = parsers.trailing_target(variant_text, TARGET_USAGE)
    else:
        name, target = parsers.trailing_target(name, TARGET_USAGE)
    variant_text, split = parsers.trailing_split(variant_text, SPLIT_USAGE)
    variants = parsers.variant_list(variant_text) if variant_text.strip() else None
    answers = {
        "name": name,
        "variants": variants,
        "planned_split": split,
        "target_rate": target,
        "kind": kind,
        "storyline": kind is Kind.ADVOCACY,
    }
    await _create(update, context, answers)
    return flows.END


async def new_from_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> int:
    await flows.pressed(update)
    return await _ask_name(update, context)


async def _ask_name(update: Update, context: ContextTypes.DEFAULT_TYPE) -> int:
    flows.drop_draft(context, update, FLOW)
    await reply(
        update,
        context,
        tr(context).gettext(
            "Let's register an experiment. What do you call it? (up to 80 characters)"
        ),
        markup([[flows.cancel_button(context)]]),
    )
    return NAME


async def next_iteration_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> int:
    """ "Start the next iteration": /new pre-filled from experiment #N."""
    pressed = await flows.answer_button(update, context, buttons.NextIteration)
    if pressed is None:
        return flows.END
    plan = await plan_next_iteration(runtime_of(context).uow(), chat_id_of(update), pressed.number)
    flows.drop_draft(context, update, FLOW)
    answers = flows.draft(context, update, FLOW)
    answers.update(
        parent_number=plan.parent_number,
        suggested_name=plan.name,
        kind=plan.kind,
        stage=plan.stage,
        control=plan.control,
    )
    t = tr(context)
    facts = [
        t.gettext("Let's set up the next iteration of #{number} {name}.").format(
            number=plan.parent_number, name=esc(plan.parent_name)
        )
    ]
    if plan.stage is not None:
        facts.append(t.gettext("Same stage: {stage}.").format(stage=labels.stage(t, plan.stage)))
    facts.append(
        t.gettext("The control will be variant “{variant}”.").format(variant=esc(plan.control))
    )
    facts.append(t.gettext("What do you call it? Tap to use the suggestion or write another."))
    use = button(
        "✅ " + t.gettext("Use: {name}").format(name=_short(plan.name)), buttons.NewUseName()
    )
    await reply(update, context, "\n".join(facts), markup([[use], [flows.cancel_button(context)]]))
    return NAME


def _short(text: str, limit: int = 40) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


async def got_name(update: Update, context: ContextTypes.DEFAULT_TYPE) -> int:
    answers = flows.draft(context, update, FLOW)
    if await flows.pressed(update) is not None:
        answers["name"] = domain.clean_name(answers.get("suggested_name") or "")
    else:
        assert update.effective_message is not None
        answers["name"] = domain.clean_name(update.effective_message.text or "")
    if answers.get("parent_number") is not None:
        # The next iteration keeps its parent's kind and stage.
        return await _ask_hypothesis(update, context)
    t = tr(context)
    kinds = [button(labels.kind(t, kind), buttons.NewKind(kind)) for kind in Kind]
    await reply(
        update,
        context,
        t.gettext("What kind of experiment is “{name}”?").format(name=esc(answers["name"])),
        markup([*rows_of(kinds, 1), [flows.skip_button(context, buttons.NewKind(None))]]),
    )
    return KIND


async def got_kind(update: Update, context: ContextTypes.DEFAULT_TYPE) -> int | None:
    pressed = await flows.pressed_button(update, context, buttons.NewKind)
    if pressed is None:
        return None
    flows.draft(context, update, FLOW)["kind"] = pressed.kind
    t = tr(context)
    if pressed.kind is Kind.MVP_CAMPAIGN:
        await reply(
            update,
            context,
            t.gettext(
                "An MVP campaign: one variant measured against a target rate you set, or an "
                "A/B test against a control?"
            ),
            markup(
                [
                    [
                        button(
                            "🎯 " + t.gettext("One variant, a target"), buttons.NewMvpMode("target")
                        )
                    ],
                    [button("🆚 " + t.gettext("A/B, against a control"), buttons.NewMvpMode("ab"))],
                ]
            ),
        )
        return MVP_MODE
    return await _ask_stage(update, context)


async def got_mvp_mode(update: Update, context: ContextTypes.DEFAULT_TYPE) -> int | None:
    pressed = await flows.pressed_button(update, context, buttons.NewMvpMode)
    if pressed is None:
        return None
    if pressed.mode == "ab":
        return await _ask_stage(update, context)
    await reply(
        update,
        context,
        tr(context).gettext(
            "What conversion rate must it reach to be worth pursuing? (e.g. <code>5%</code>)"
        ),
        markup([[flows.cancel_button(context)]]),
    )
    return TARGET


async def got_target(update: Update, context: ContextTypes.DEFAULT_TYPE) -> int:
    assert update.effective_message is not None
    answers = flows.draft(context, update, FLOW)
    answers["target_rate"] = parsers.rate(update.effective_message.text or "", "")
    return await _ask_stage(update, context)


async def _ask_stage(update: Update, context: ContextTypes.DEFAULT_TYPE) -> int:
    t = tr(context)
    stages = [button(labels.stage(t, stage), buttons.NewStage(stage)) for stage in Stage]
    await reply(
        update,
        context,
        t.gettext(
            "Which hourglass stage does it target? "
            "(Know → Like → Trust → Try → Buy → Repeat → Refer)"
        ),
        markup(
            [
                *rows_of(stages, 4),
                [flows.skip_button(context, buttons.NewStage(None))],
                [stages_button(t)],
            ]
        ),
    )
    return STAGE


async def got_stage(update: Update, context: ContextTypes.DEFAULT_TYPE) -> int | None:
    pressed = await flows.pressed_button(update, context, buttons.NewStage)
    if pressed is None:
        return None
    flows.draft(context, update, FLOW)["stage"] = pressed.stage
    return await _ask_hypothesis(update, context)


async def _ask_hypothesis(update: Update, context: ContextTypes.DEFAULT_TYPE) -> int:
    t = tr(context)
    await reply(
        update,
        context,
        t.gettext("Your hypothesis, in one sentence. A good one follows this template:")
        + "\n<i>"
        + esc(t.gettext(domain.HYPOTHESIS_TEMPLATE))
        + "</i>",
        markup([[flows.skip_button(context, buttons.NewSkipHypothesis())]]),
    )
    return HYPOTHESIS


async def got_hypothesis(update: Update, context: ContextTypes.DEFAULT_TYPE) -> int:
    answers = flows.draft(context, update, FLOW)
    if await flows.pressed(update) is not None:
        answers["hypothesis"] = None
    else:
        assert update.effective_message is not None
        answers["hypothesis"] = domain.clean_hypothesis(update.effective_message.text)
    t = tr(context)
    if answers.get("target_rate") is not None:
        await reply(
            update,
            context,
            t.gettext(
                "What do you call the one variant? One word, e.g. <code>box</code>; or keep MVP."
            ),
            markup(
                [
                    [
                        button(
                            t.gettext("Use {name}").format(name=domain.TARGET_VARIANT_NAME),
                            buttons.NewDefaultVariants(),
                        )
                    ]
                ]
            ),
        )
        return VARIANTS
    if answers.get("kind") is Kind.ADVOCACY and answers.get("control") is None:
        await reply(
            update,
            context,
            t.gettext(
                "Name the storyline's episodes in the order you run them, separated by commas "
                "(e.g. <code>invite, reminder</code>). Add more later with /episode."
            ),
            markup([[flows.cancel_button(context)]]),
        )
        return VARIANTS
    control = answers.get("control")
    if control is not None:
        challenger = domain.challenger_for(control)
        await reply(
            update,
            context,
            t.gettext(
                "The control is “{control}”. Name the new variants to test against it, "
                "separated by commas (e.g. <code>big_photo, short_text</code>)."
            ).format(control=esc(control)),
            markup(
                [
                    [
                        button(
                            t.gettext("Use {control} and {challenger}").format(
                                control=_short(control, 24), challenger=challenger
                            ),
                            buttons.NewDefaultVariants(),
                        )
                    ]
                ]
            ),
        )
        return VARIANTS
    await reply(
        update,
        context,
        t.gettext(
            "Name the variants, the control first, separated by commas "
            "(e.g. <code>old price, new price</code>). Or keep A and B."
        ),
        markup([[button(t.gettext("Use A and B"), buttons.NewDefaultVariants())]]),
    )
    return VARIANTS


async def got_variants(update: Update, context: ContextTypes.DEFAULT_TYPE) -> int:
    answers = flows.draft(context, update, FLOW)
    if answers.get("target_rate") is not None:
        return await _got_target_variant(update, context, answers)
    if answers.get("kind") is Kind.ADVOCACY and answers.get("control") is None:
        if await flows.pressed(update) is not None:  # a button of an earlier question
            answers["variants"] = None
        else:
            assert update.effective_message is not None
            typed = parsers.variant_list(update.effective_message.text or "")
            answers["variants"] = domain.clean_episode_names(typed)
        answers["storyline"] = True
        return await _ask_review(update, context)
    control = answers.get("control")
    if await flows.pressed(update) is not None:
        answers["variants"] = None if control is None else [control, domain.challenger_for(control)]
    else:
        assert update.effective_message is not None
        typed = parsers.variant_list(update.effective_message.text or "")
        names = typed if control is None else [control, *typed]
        answers["variants"] = domain.clean_variant_names(names)
    t = tr(context)
    count = len(answers["variants"] or domain.DEFAULT_VARIANT_NAMES)
    choices = [button(t.gettext("Equal"), buttons.NewSplit(None))]
    if count == 2:
        choices += [button(choice, buttons.NewSplit(choice)) for choice in SPLIT_CHOICES]
    await reply(
        update,
        context,
        t.gettext(
            "How will the visitors be split between the variants? Pick one, or type one share "
            "per variant, the control first (e.g. <code>60/40</code>)."
        ),
        markup([choices]),
    )
    return SPLIT


async def _got_target_variant(
    update: Update, context: ContextTypes.DEFAULT_TYPE, answers: dict
) -> int:
    """The one variant of a campaign against a target: no split and no plan to ask for."""
    if await flows.pressed(update) is not None:
        answers["variants"] = None
    else:
        assert update.effective_message is not None
        answers["variants"] = domain.clean_target_variant([update.effective_message.text or ""])
    return await _ask_review(update, context)


async def got_split(update: Update, context: ContextTypes.DEFAULT_TYPE) -> int:
    answers = flows.draft(context, update, FLOW)
    count = len(answers["variants"] or domain.DEFAULT_VARIANT_NAMES)
    data = await flows.pressed(update)
    if data is not None:
        pressed = buttons.NewSplit.decode(data)
        choice = None if pressed is None else pressed.split
        weights = None if choice is None else parsers.split(choice, "")
    else:
        assert update.effective_message is not None
        weights = parsers.split(update.effective_message.text or "", "")
    answers["planned_split"] = domain.clean_split(weights, count)
    await reply(
        update,
        context,
        tr(context).gettext(
            "What conversion rate does the control have today? (e.g. <code>5%</code>) "
            "With it I can plan how many visitors you need."
        ),
        markup([[flows.skip_button(context, buttons.NewSkipBaseline())]]),
    )
    return BASELINE


async def got_baseline(update: Update, context: ContextTypes.DEFAULT_TYPE) -> int:
    answers = flows.draft(context, update, FLOW)
    if await flows.pressed(update) is not None:
        answers["baseline_rate"] = None
        return await _ask_review(update, context)
    assert update.effective_message is not None
    answers["baseline_rate"] = parsers.rate(update.effective_message.text or "", "")
    await reply(
        update,
        context,
        tr(context).gettext(
            "What is the smallest improvement worth detecting? A relative lift like "
            "<code>20%</code> or percentage points like <code>1pp</code>."
        ),
        markup([[flows.skip_button(context, buttons.NewSkipEffect())]]),
    )
    return EFFECT


async def got_effect(update: Update, context: ContextTypes.DEFAULT_TYPE) -> int:
    answers = flows.draft(context, update, FLOW)
    t = tr(context)
    if await flows.pressed(update) is not None:
        answers["min_detectable_effect"] = None
        return await _ask_review(update, context)
    assert update.effective_message is not None
    baseline = float(answers["baseline_rate"])
    target = parsers.effect(update.effective_message.text or "", baseline, "")
    answers["min_detectable_effect"] = target - baseline
    count = len(answers.get("variants") or domain.DEFAULT_VARIANT_NAMES)
    planned = planned_visitors(baseline, target - baseline, answers.get("planned_split"), count)
    answers["planned_per_variant"] = planned
    note = t.ngettext(
        "To tell {baseline} from {target} reliably you need about {count} visitor per variant.",
        "To tell {baseline} from {target} reliably you need about {count} visitors per variant.",
        planned,
    ).format(baseline=t.percent(baseline), target=t.percent(target), count=t.number(planned))
    return await _ask_review(update, context, note)


async def _ask_review(update: Update, context: ContextTypes.DEFAULT_TYPE, note: str = "") -> int:
    t = tr(context)
    weeks = [
        button(t.ngettext("In {n} week", "In {n} weeks", n).format(n=n), buttons.NewReview(n * 7))
        for n in (1, 2, 4)
    ]
    text = t.gettext(
        "When will you review it? Pick one or type a date like <code>2026-05-01</code>."
    )
    await reply(
        update,
        context,
        (note + "\n\n" if note else "") + text,
        markup(
            [
                weeks,
                [flows.skip_button(context, buttons.NewReview(None))],
                # Not now: the experiment waits in the backlog, scored with ICE.
                [button("📥 " + t.gettext("Save as a draft for the backlog"), buttons.NewDraft())],
            ]
        ),
    )
    return REVIEW


async def got_review(update: Update, context: ContextTypes.DEFAULT_TYPE) -> int:
    answers = flows.draft(context, update, FLOW)
    today = flows.local_today(context)
    data = await flows.pressed(update)
    if data is not None:
        if buttons.NewDraft.decode(data) is not None:
            answers["status"] = Status.DRAFT
        pressed = buttons.NewReview.decode(data)
        review_days = None if pressed is None else pressed.days
        answers["review_date"] = None if review_days is None else today + timedelta(review_days)
    else:
        assert update.effective_message is not None
        answers["review_date"] = parsers.review_date(update.effective_message.text or "", today, "")
    await _create(update, context, answers)
    flows.drop_draft(context, update, FLOW)
    return flows.END


async def _create(update: Update, context: ContextTypes.DEFAULT_TYPE, answers: dict) -> None:
    runtime = runtime_of(context)
    summary = await services.create_experiment_summary(
        runtime.uow(),
        chat_id_of(update),
        answers["name"],
        answers.get("variants"),
        author=author_of(update),
        kind=answers.get("kind") or Kind.AB_TEST,
        stage=answers.get("stage"),
        hypothesis=answers.get("hypothesis"),
        baseline_rate=answers.get("baseline_rate"),
        min_detectable_effect=answers.get("min_detectable_effect"),
        planned_per_variant=answers.get("planned_per_variant"),
        review_date=answers.get("review_date"),
        parent_number=answers.get("parent_number"),
        planned_split=answers.get("planned_split"),
        target_rate=answers.get("target_rate"),
        storyline=answers.get("storyline", False),
        status=answers.get("status", Status.RUNNING),
        clock=runtime.clock,
    )
    t = tr(context)
    experiment = summary.experiment
    first_variant = experiment.variants[0]
    if experiment.is_draft:
        head = t.gettext("📥 Saved experiment #{number} as a draft for the backlog.")
    else:
        head = t.gettext("🧪 Created experiment #{number}.")
    text = "\n".join(
        [
            head.format(number=experiment.number),
            "",
            card(t, summary),
            "",
            t.gettext(
                "Log results like this: <code>/log #{number} {variant} 1000 42</code>"
            ).format(number=experiment.number, variant=esc(first_variant)),
        ]
    )
    await reply(update, context, text, experiment_card(t, experiment))
    if experiment.is_draft:
        await ask_ice(update, context, experiment)


def handlers(runtime: Runtime) -> list[BaseHandler]:
    return [
        flows.conversation(
            FLOW,
            runtime,
            entry_points=[
                CommandHandler("new", new),
                CallbackQueryHandler(new_from_button, pattern=buttons.NewStart.pattern),
                CallbackQueryHandler(next_iteration_button, pattern=buttons.NextIteration.pattern),
            ],
            states={
                NAME: [
                    MessageHandler(TEXT, got_name),
                    CallbackQueryHandler(got_name, pattern=buttons.NewUseName.pattern),
                ],
                KIND: [CallbackQueryHandler(got_kind, pattern=buttons.NewKind.pattern)],
                MVP_MODE: [CallbackQueryHandler(got_mvp_mode, pattern=buttons.NewMvpMode.pattern)],
                TARGET: [MessageHandler(TEXT, got_target)],
                STAGE: [CallbackQueryHandler(got_stage, pattern=buttons.NewStage.pattern)],
                HYPOTHESIS: [
                    MessageHandler(TEXT, got_hypothesis),
                    CallbackQueryHandler(got_hypothesis, pattern=buttons.NewSkipHypothesis.pattern),
                ],
                VARIANTS: [
                    MessageHandler(TEXT, got_variants),
                    CallbackQueryHandler(got_variants, pattern=buttons.NewDefaultVariants.pattern),
                ],
                SPLIT: [
                    MessageHandler(TEXT, got_split),
                    CallbackQueryHandler(got_split, pattern=buttons.NewSplit.pattern),
                ],
                BASELINE: [
                    MessageHandler(TEXT, got_baseline),
                    CallbackQueryHandler(got_baseline, pattern=buttons.NewSkipBaseline.pattern),
                ],
                EFFECT: [
                    MessageHandler(TEXT, got_effect),
                    CallbackQueryHandler(got_effect, pattern=buttons.NewSkipEffect.pattern),
                ],
                REVIEW: [
                    MessageHandler(TEXT, got_review),
                    CallbackQueryHandler(got_review, pattern=buttons.NewReview.pattern),
                    CallbackQueryHandler(got_review, pattern=buttons.NewDraft.pattern),
                ],
            },
            command="new",
        )
    ]
