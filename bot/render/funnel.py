"""Text of the hourglass: the funnel and its constraint, and ideas for a stage."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from bot.i18n import Translator
from bot.render import labels
from bot.replies import esc
from experiments.domain import BUSINESS_NAMES, Business, ExperimentView, Stage
from experiments.funnel import FUNNEL_STAGES, FUNNEL_USAGE, FunnelView, PeriodChange
from experiments.ideas import Idea
from experiments.stats.funnel import StepTrend

CONSTRAINT_MARK = "🎯"
TREND_MARKS = {StepTrend.UP: "▲", StepTrend.DOWN: "▼", StepTrend.NOISE: "≈"}

# ---------------------------------------------------------------- funnel


def period(t: Translator, view: FunnelView) -> str:
    return f"{t.date(view.period_start)} – {t.date(view.period_end)}"


def constraint_sentence(t: Translator, view: FunnelView) -> str:
    """'Trust is your constraint: only 33% of those who Like go on to Trust. …'"""
    _ = t.gettext
    if view.constraint is None or view.constraint_rate is None:
        return _("Nobody reached Know in this period, so there is no constraint to find yet.")
    previous = FUNNEL_STAGES[FUNNEL_STAGES.index(view.constraint) - 1]
    return _(
        "<b>{stage}</b> is your constraint: only {rate} of those who {previous} go on to "
        "{stage}. Point your next experiments there."
    ).format(
        stage=labels.stage(t, view.constraint),
        previous=labels.stage(t, previous),
        rate=t.percent(view.constraint_rate, 0),
    )


def funnel_text(t: Translator, view: FunnelView, heading: str) -> str:
    """Each stage's count and step conversion, then the constraint in a sentence."""
    _ = t.gettext
    header = f"{heading} · {period(t, view)}"
    if view.logged_by:
        header += " " + _("(logged by {name})").format(name=esc(view.logged_by))
    lines = [header, ""]
    previous: Stage | None = None
    for conversion in view.stages:
        line = f"<b>{labels.stage(t, conversion.stage)}</b>: {t.number(conversion.reached)}"
        if previous is not None and conversion.rate_from_previous is not None:
            line += " · " + _("{rate} of {previous}").format(
                rate=t.percent(conversion.rate_from_previous, 1),
                previous=labels.stage(t, previous),
            )
        if conversion.stage is view.constraint:
            line += " " + CONSTRAINT_MARK
        lines.append(line)
        previous = conversion.stage
    lines += ["", CONSTRAINT_MARK + " " + constraint_sentence(t, view)]
    if view.constraint is not None:
        lines.append(_constraint_certainty(t, view))
    if view.previous is not None:
        lines += ["", *comparison_lines(t, view, view.previous)]
    if view.first:
        lines += ["", "ℹ️ " + _first_funnel_note(t)]
    return "\n".join(lines)


def _first_funnel_note(t: Translator) -> str:
    return t.gettext(
        "The hourglass follows people from first hearing of you (Know) to recommending you "
        "(Refer), and the constraint is the step that loses the most of them. Log the same "
        "numbers every week and I'll show what changed; /help stages explains each stage."
    )


def period_range(t: Translator, start: date, end: date) -> str:
    return f"{t.date(start)} – {t.date(end)}"


def comparison_lines(t: Translator, view: FunnelView, change: PeriodChange) -> list[str]:
    """Each step's conversion then and now, marked when it moved by more than noise."""
    _ = t.gettext
    lines = [
        "<b>"
        + _("Compared with {period}").format(
            period=period_range(t, change.period_start, change.period_end)
        )
        + "</b>"
    ]
    for stage_change in change.changes:
        lines.append(
            f"{labels.stage(t, stage_change.stage)} {t.percent(stage_change.rate_before, 1)} → "
            f"{t.percent(stage_change.rate_after, 1)} {TREND_MARKS[stage_change.trend]}"
        )
    if change.changes:
        lines.append(
            "<i>" + _("▲ ▼ a change larger than noise (95 % confidence); ≈ within noise.") + "</i>"
        )
    moved = constraint_move_sentence(t, view, change)
    if moved:
        lines.append(CONSTRAINT_MARK + " " + moved)
    return lines


def constraint_move_sentence(t: Translator, view: FunnelView, change: PeriodChange) -> str:
    _ = t.gettext
    if view.constraint is None or change.constraint_before is None:
        return ""
    if change.constraint_moved:
        return _("The constraint moved from {before} to {after}.").format(
            before=labels.stage(t, change.constraint_before), after=labels.stage(t, view.constraint)
        )
    return _("The constraint is still {stage}, as in the previous period.").format(
        stage=labels.stage(t, view.constraint)
    )


def funnel_history_text(t: Translator, views: Sequence[FunnelView]) -> str:
    """The last periods, newest first, each with its constraint and whether it moved."""
    _ = t.gettext
    if not views:
        return no_funnel_text(t)
    lines = [
        "📜 <b>"
        + t.ngettext(
            "Your funnel, the last {count} period",
            "Your funnel, the last {count} periods",
            len(views),
        ).format(count=len(views))
        + "</b>",
        "",
    ]
    for view in views:
        line = f"<b>{period(t, view)}</b>: "
        if view.constraint is None or view.constraint_rate is None:
            line += _("no constraint (nobody reached Know)")
        else:
            stage = labels.stage(t, view.constraint)
            line += f"{CONSTRAINT_MARK} {stage} {t.percent(view.constraint_rate, 1)}"
            change = view.previous
            if change is not None and change.constraint_moved:
                assert change.constraint_before is not None
                line += " · " + _("moved from {stage}").format(
                    stage=labels.stage(t, change.constraint_before)
                )
            if change is not None and change.real_changes:
                line += " · " + ", ".join(
                    f"{labels.stage(t, c.stage)} {TREND_MARKS[c.trend]}"
                    for c in change.real_changes
                )
        lines.append(line)
    lines += ["", _("▲ ▼ a step that changed by more than noise since the period before.")]
    return "\n".join(lines)


def funnel_digest_line(t: Translator, view: FunnelView) -> str:
    """One line for the digest about a newly logged period's change."""
    _ = t.gettext
    change = view.previous
    assert change is not None
    if change.constraint_moved:
        assert change.constraint_before is not None and view.constraint is not None
        return "📊 " + _("Funnel: the constraint moved from {before} to {after}.").format(
            before=labels.stage(t, change.constraint_before), after=labels.stage(t, view.constraint)
        )
    if change.real_changes:
        largest = change.real_changes[0]
        if largest.trend is StepTrend.UP:
            text = _("Funnel: {stage} improved {before} → {after}.")
        else:
            text = _("Funnel: {stage} dropped {before} → {after}.")
        return "📊 " + text.format(
            stage=labels.stage(t, largest.stage),
            before=t.percent(largest.rate_before, 1),
            after=t.percent(largest.rate_after, 1),
        )
    if view.constraint is not None:
        return "📊 " + _(
            "Funnel: no change beyond noise since the previous period; {stage} is still the "
            "constraint."
        ).format(stage=labels.stage(t, view.constraint))
    return "📊 " + _("Funnel: no change beyond noise since the previous period.")


def _constraint_certainty(t: Translator, view: FunnelView) -> str:
    _ = t.gettext
    assert view.constraint is not None
    step = view.stage(view.constraint)
    assert step.ci_low is not None and step.ci_high is not None
    interval = _("likely between {low} and {high}").format(
        low=t.percent(step.ci_low, 1), high=t.percent(step.ci_high, 1)
    )
    if view.constraint_is_clear:
        text = _("Its step is {interval}, clearly below every other stage.")
    else:
        text = _(
            "Its step is {interval}, but with these numbers another stage's could be as low; "
            "next period's numbers will tell."
        )
    return "<i>" + text.format(interval=interval) + "</i>"


def no_funnel_text(t: Translator) -> str:
    _ = t.gettext
    return "\n".join(
        [
            _("No funnel numbers yet."),
            _(
                "Log how many people reached each stage this week, Know → Like → Trust → Try → "
                "Buy → Repeat → Refer, and I'll find the stage that leaks most:"
            ),
            f"<code>{FUNNEL_USAGE}</code>",
            _("Or tap the button and I'll ask stage by stage."),
        ]
    )


# ---------------------------------------------------------------- ideas


def ideas_text(
    t: Translator,
    stage: Stage,
    ideas: Sequence[Idea],
    *,
    constraint_rate: float | None = None,
    business: Business = Business.ALL,
) -> str:
    _ = t.gettext
    name = labels.stage(t, stage)
    lines = ["💡 <b>" + _("Ideas for {stage}").format(stage=name) + "</b>"]
    lines.append(
        _("Business: {kind} · /settings business changes it.").format(
            kind=_(BUSINESS_NAMES[business])
        )
    )
    if constraint_rate is not None:
        lines.append(
            _("{stage} is your constraint: only {rate} get there from the stage before.").format(
                stage=name, rate=t.percent(constraint_rate, 0)
            )
        )
    for index, idea in enumerate(ideas, start=1):
        lines += [
            "",
            f"{index}. <b>{esc(_(idea.title))}</b> · {labels.kind(t, idea.kind)}",
            "<i>" + esc(_(idea.hypothesis)) + "</i>",
        ]
    lines += ["", _("Tap “Start this” to register one as an experiment right away.")]
    return "\n".join(lines)


def pick_stage_text(t: Translator) -> str:
    _ = t.gettext
    return "\n".join(
        [
            _("Ideas for which stage of the hourglass?"),
            _("Log your funnel with /funnel and I'll point you at the stage that leaks most."),
        ]
    )


def started_from_idea(t: Translator, experiment: ExperimentView, card_text: str) -> str:
    _ = t.gettext
    return "\n".join(
        [
            _("🧪 Created experiment #{number} from the idea, as a draft.").format(
                number=experiment.number
            ),
            "",
            card_text,
            "",
            _(
                "Make it yours before it starts: /edit #{number} changes the name, the "
                "variants or the plan. It starts with its first result, or with ▶️ Start."
            ).format(number=experiment.number),
            _("Log results like this: <code>/log #{number} {variant} 1000 42</code>").format(
                number=experiment.number, variant=esc(experiment.control)
            ),
        ]
    )
