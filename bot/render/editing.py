"""Replies of editing, costing and deleting an experiment."""

from __future__ import annotations

from bot.i18n import Translator
from bot.render.experiments import title
from experiments.domain import ExperimentView
from experiments.editing import Removal


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
