"""The readout of one variant measured against a target rate (an MVP campaign, no control)."""

from __future__ import annotations

from bot.i18n import Translator
from bot.render.experiments import title, verdict_words
from bot.replies import esc
from experiments.services import ExperimentReadout
from experiments.stats.target import TargetCall, TargetReadout


def target_headline(t: Translator, target: TargetReadout, variant: str) -> str:
    """One plain sentence: reached, missed or not clear yet, with the always-valid range."""
    _ = t.gettext
    name = "<b>" + esc(variant) + "</b>"
    goal = t.percent(target.target, 1)
    if target.rate is None:
        return _("Not clear yet: {variant} has no visitors yet.").format(variant=name)
    values = {
        "variant": name,
        "rate": t.percent(target.rate, 2),
        "target": goal,
        "low": t.percent(target.seq_low or 0.0, 1),
        "high": t.percent(target.seq_high or 0.0, 1),
    }
    if target.call is TargetCall.REACHED:
        return _(
            "Target reached: {variant} converts {rate}, and its always-valid range "
            "({low} – {high}) is above the {target} target."
        ).format(**values)
    if target.call is TargetCall.MISSED:
        return _(
            "Target missed: {variant} converts {rate}, and its always-valid range "
            "({low} – {high}) is below the {target} target."
        ).format(**values)
    if target.call is TargetCall.CHECK_DATA:
        return _(
            "Check your data: the results of different days contradict each other more than "
            "chance allows."
        )
    if target.visitors < target.min_visitors:
        return t.ngettext(
            "Not clear yet: {variant} has {visitors} visitor; the verdict waits for {minimum}.",
            "Not clear yet: {variant} has {visitors} visitors; the verdict waits for {minimum}.",
            target.visitors,
        ).format(
            variant=name, visitors=t.number(target.visitors), minimum=t.number(target.min_visitors)
        )
    return _(
        "Not clear yet: {variant} converts {rate}, and its always-valid range "
        "({low} – {high}) still holds the {target} target."
    ).format(**values)


def target_text(t: Translator, result: ExperimentReadout) -> str:
    """/readout of an experiment measured against a target rate."""
    _ = t.gettext
    target = result.target
    assert target is not None
    variant = result.totals[0].name
    lines = ["📊 " + title(result.experiment) + " — " + _("readout"), ""]
    lines += [target_headline(t, target, variant), ""]
    if target.rate is not None and target.ci_low is not None and target.ci_high is not None:
        lines.append(
            _("{name}: {rate} ({low} – {high}) · {conversions} of {visitors}").format(
                name="<b>" + esc(variant) + "</b>",
                rate=t.percent(target.rate, 2),
                low=t.percent(target.ci_low, 1),
                high=t.percent(target.ci_high, 1),
                conversions=t.number(target.conversions),
                visitors=t.number(target.visitors),
            )
        )
    lines.append(_("Target: {target}").format(target=t.percent(target.target, 1)))
    if target.seq_low is not None and target.seq_high is not None:
        lines.append(
            t.ngettext(
                "always-valid range of the rate: {low} to {high} ({looks} look)",
                "always-valid range of the rate: {low} to {high} ({looks} looks)",
                target.looks,
            ).format(
                low=t.percent(target.seq_low, 1),
                high=t.percent(target.seq_high, 1),
                looks=t.number(target.looks),
            )
        )
    lines += [
        "",
        _("Verdict: {verdict}").format(
            verdict="<b>" + verdict_words(t, result.readout.verdict) + "</b>"
        ),
        "<i>"
        + _(
            "One variant against the target you set, no control. The verdict uses the "
            "always-valid range of its rate, which holds however often you look."
        )
        + "</i>",
    ]
    return "\n".join(lines)
