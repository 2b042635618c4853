"""Replies of editing, costing and deleting an experiment."""

from __future__ import annotations

from bot.i18n import Translator
from bot.render import labels
from bot.render.experiments import title
from bot.replies import esc
from experiments.domain import N_, EditField, ExperimentView, Ice
from experiments.editing import FIELD_NAMES, Editable, Edited, Removal


def removal_parts(t: Translator, removal: Removal) -> str:
    """ "the experiment, its 2 variants, its 14 logged results and 1 learning"."""
    _ = t.gettext
    variants = len(removal.experiment.variants)
    parts = [
        _("the experiment"),
        t.ngettext("its {count} variant", "its {count} variants", variants).format(
            count=t.number(variants)
        ),
        t.ngettext(
            "its {count} logged result", "its {count} logged results", removal.results
        ).format(count=t.number(removal.results)),
    ]
    if removal.learnings:
        parts.append(
            t.ngettext("{count} learning", "{count} learnings", removal.learnings).format(
                count=t.number(removal.learnings)
            )
        )
    if removal.experiment.cost_spent is not None:
        parts.append(_("its cost"))
    return _("{items} and {last}").format(items=", ".join(parts[:-1]), last=parts[-1])


def deletion_question(t: Translator, removal: Removal) -> str:
    _ = t.gettext
    lines = [
        "🗑 " + _("Delete {title}?").format(title=title(removal.experiment)),
        _("This removes {what}. It can't be undone.").format(what=removal_parts(t, removal)),
    ]
    if removal.results:
        lines.append(_("Want a copy first? “Export its results first” sends them as a CSV file."))
    lines.append(
        _("Its number #{number} is not given to another experiment.").format(
            number=removal.experiment.number
        )
    )
    return "\n".join(lines)


def deleted_text(t: Translator, removal: Removal) -> str:
    return "🗑 " + t.gettext("Deleted {title}: {what}.").format(
        title=title(removal.experiment), what=removal_parts(t, removal)
    )


def kept_text(t: Translator, number: int) -> str:
    return "↩️ " + t.gettext("Kept #{number}; nothing was deleted.").format(number=number)


def cost_text(
    t: Translator, currency: str, experiment: ExperimentView, *, saved: bool = False
) -> str:
    _ = t.gettext
    number = experiment.number
    if experiment.cost_spent is None:
        head = _("{title} has no cost yet.").format(title=title(experiment))
        if saved:
            head = "✅ " + _("Removed the cost of {title}.").format(title=title(experiment))
        return "\n".join(
            [
                "💰 " + head if not saved else head,
                _(
                    "Set what it spent, all variants together: <code>/cost #{number} 120</code>"
                ).format(number=number),
            ]
        )
    amount = t.money(experiment.cost_spent, currency)
    head = (
        _("{title} cost {amount}.") if not saved else _("Saved: {title} cost {amount}.")
    ).format(title=title(experiment), amount=amount)
    return "\n".join(
        [
            "💰 " + head,
            _(
                "The readout splits it across the variants by their visitors and shows cost per "
                "conversion and return on spend: /readout #{number}. "
                "Change it: <code>/cost #{number} 150</code>; /settings picks the currency."
            ).format(number=number),
        ]
    )


def _current(t: Translator, currency: str, experiment: ExperimentView, field: EditField) -> str:
    """The field's value now, as the menu and the question show it."""
    _ = t.gettext
    none = _("not set")
    if field is EditField.NAME:
        return esc(experiment.name)
    if field is EditField.HYPOTHESIS:
        return esc(experiment.hypothesis) if experiment.hypothesis else none
    if field is EditField.STAGE:
        return labels.stage(t, experiment.stage) if experiment.stage else none
    if field is EditField.REVIEW:
        return t.date(experiment.review_date) if experiment.review_date else none
    if field is EditField.COST:
        cost = experiment.cost_spent
        return t.money(cost, currency) if cost is not None else none
    if field is EditField.VARIANTS:
        return esc(", ".join(experiment.variants))
    if field is EditField.ICE:
        return ice_text(t, experiment.ice) if experiment.ice is not None else none
    if field is EditField.SPLIT:
        if experiment.planned_split is None:
            return _("equal")
        return "/".join(t.number(weight, 2) for weight in experiment.planned_split)
    if experiment.baseline_rate is None or experiment.min_detectable_effect is None:
        if experiment.planned_per_variant:
            return _("{count} visitors per variant").format(
                count=t.number(experiment.planned_per_variant)
            )
        return none
    return _("baseline {baseline}, minimum effect {effect} → {count} visitors per variant").format(
        baseline=t.percent(experiment.baseline_rate, 1),
        effect=points(t, experiment.min_detectable_effect),
        count=t.number(experiment.planned_per_variant or 0),
    )


def ice_text(t: Translator, ice: Ice) -> str:
    """“7 × 6 × 8 = 336”: impact, confidence and ease, and their product, the score."""
    return t.gettext("impact {impact} × confidence {confidence} × ease {ease} = {score}").format(
        impact=ice.impact, confidence=ice.confidence, ease=ice.ease, score=t.number(ice.score)
    )


def points(t: Translator, diff: float) -> str:
    return t.gettext("{sign}{value} pp").format(sign="+", value=t.fixed(abs(diff) * 100, 2))


def field_name(t: Translator, field: EditField) -> str:
    return t.gettext(FIELD_NAMES[field])


def field_title(t: Translator, field: EditField) -> str:
    """The field's name with a capital first letter (and “ICE” kept in capitals)."""
    name = field_name(t, field)
    return name[:1].upper() + name[1:]


def edit_menu(t: Translator, currency: str, state: Editable) -> str:
    _ = t.gettext
    experiment = state.experiment
    lines = ["✏️ " + _("Edit {title}: what should change?").format(title=title(experiment)), ""]
    for field in EditField:
        lines.append(f"• {field_title(t, field)}: {_current(t, currency, experiment, field)}")
    if state.locked:
        lines += [
            "",
            "🔒 "
            + t.ngettext(
                "The variants, the split and the plan are fixed: {count} result is logged "
                "under them.",
                "The variants, the split and the plan are fixed: {count} results are logged "
                "under them.",
                state.results,
            ).format(count=t.number(state.results)),
        ]
    else:
        lines += [
            "",
            _("No result is logged yet, so the variants, the split and the plan can change too."),
        ]
    return "\n".join(lines)


_EXAMPLES: dict[EditField, str] = {
    EditField.NAME: N_("Send the new name."),
    EditField.HYPOTHESIS: N_(
        "Send the new hypothesis: We believe <change> for <who> will <effect>, "
        "measured by <metric>."
    ),
    EditField.STAGE: N_("Which stage of the hourglass does it target? Pick one or type it."),
    EditField.REVIEW: N_(
        "When should it be reviewed? Pick one, or type a date like 2026-05-01 or 14d."
    ),
    EditField.COST: N_("What did it cost, all variants together? Send an amount, like 120."),
    EditField.VARIANTS: N_(
        "Send the variants separated by commas, the control first, like: A, B, C"
    ),
    EditField.SPLIT: N_(
        "How will the visitors be split? Pick one, or send one share per variant, the control "
        "first, like 70/30."
    ),
    EditField.PLAN: N_(
        "Send the baseline rate and the smallest lift worth having, like: 5% 20% "
        "(5% now, 20% better)."
    ),
    EditField.ICE: N_(
        "Send impact, confidence and ease, each from 1 to 10, like: 7 6 8. The score is "
        "their product."
    ),
}


def value_question(
    t: Translator, currency: str, experiment: ExperimentView, field: EditField
) -> str:
    _ = t.gettext
    now = _("{title}, {field} now: {value}").format(
        title=title(experiment),
        field=field_name(t, field),
        value=_current(t, currency, experiment, field),
    )
    return "\n".join([now, esc(_(_EXAMPLES[field]))])


def edited_text(t: Translator, currency: str, edited: Edited) -> str:
    _ = t.gettext
    field = edited.field
    if field is EditField.COST:
        return cost_text(t, currency, edited.experiment, saved=True)
    return "\n".join(
        [
            "✅ "
            + _("Saved: {title}, {field}.").format(
                title=title(edited.experiment), field=field_name(t, field)
            ),
            _("Was: {value}").format(value=_current(t, currency, edited.before, field)),
            _("Now: {value}").format(value=_current(t, currency, edited.experiment, field)),
        ]
    )
