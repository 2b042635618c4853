"""The readout: every number with a sentence a non-statistician understands, then the verdict."""

from __future__ import annotations

from bot.i18n import Translator
from bot.render.experiments import title
from bot.replies import esc
from experiments.services import ExperimentReadout
from experiments.stats.readout import ArmResult, Comparison, Readout
from experiments.wording import explain_verdict, verdict_label


def esc_p(t: Translator, value: float) -> str:
    return esc(t.p_value(value))


def points(t: Translator, diff: float, *, signed: bool = True) -> str:
    """A difference of rates in percentage points: +1.08 pp (or 1.08 pp unsigned)."""
    sign = ("+" if diff > 0 else ("−" if diff < 0 else "")) if signed else ""
    return t.gettext("{sign}{value} pp").format(sign=sign, value=t.fixed(abs(diff) * 100, 2))


def arm_line(t: Translator, arm: ArmResult, *, control: bool) -> str:
    _ = t.gettext
    name = f"<b>{esc(arm.name)}</b>" + (" " + _("(control)") if control else "")
    if arm.rate is None or arm.ci_low is None or arm.ci_high is None:
        return f"{name}: " + _("no visitors yet")
    return _("{name}: {rate} ({low} – {high}) · {conversions} of {visitors}").format(
        name=name,
        rate=t.percent(arm.rate, 2),
        low=t.percent(arm.ci_low, 1),
        high=t.percent(arm.ci_high, 1),
        conversions=t.number(arm.conversions),
        visitors=t.number(arm.visitors),
    )


def comparison_lines(
    t: Translator,
    arm: ArmResult,
    control: ArmResult,
    comparison: Comparison,
    *,
    alpha: float,
    several: bool,
) -> list[str]:
    _ = t.gettext
    lift = (
        ""
        if comparison.lift is None
        else " · " + _("lift {lift}").format(lift=t.signed_percent(comparison.lift))
    )
    method = _("z-test") if comparison.p_value_method == "z-test" else _("Fisher's exact test")
    p_line = _("p = {p} ({method})").format(p=esc_p(t, comparison.p_value), method=method)
    if several:
        p_line += ", " + _("Holm-adjusted {p}").format(p=esc_p(t, comparison.p_value_holm))
    p_line += ", " + _("always-valid p = {p}").format(p=esc_p(t, comparison.sequential_p_value))
    lines = [
        "   "
        + _("vs {control}: {diff} ({low} to {high}){lift}").format(
            control=esc(control.name),
            diff=points(t, comparison.diff),
            low=points(t, comparison.diff_ci_low),
            high=points(t, comparison.diff_ci_high),
            lift=lift,
        ),
        "   " + p_line,
        "   "
        + _("chance to beat {control}: {chance} · expected loss if you ship it: {loss}").format(
            control=esc(control.name),
            chance=t.percent(comparison.prob_beat_control, 1),
            loss=points(t, comparison.expected_loss, signed=False),
        ),
        "   → " + _plain_sentence(t, arm, control, comparison, alpha),
    ]
    return lines


def _plain_sentence(
    t: Translator, arm: ArmResult, control: ArmResult, comparison: Comparison, alpha: float
) -> str:
    _ = t.gettext
    names = {"arm": esc(arm.name), "control": esc(control.name)}
    if comparison.diff == 0:
        return _("{arm} and {control} convert exactly alike so far.").format(**names)
    better = comparison.diff > 0
    size = (
        t.percent(abs(comparison.lift), 0)
        if comparison.lift is not None
        else points(t, abs(comparison.diff))
    )
    if better:
        head = _("{arm} converts {size} better than {control} so far").format(size=size, **names)
    else:
        head = _("{arm} converts {size} worse than {control} so far").format(size=size, **names)
    if comparison.sequential_p_value < alpha:
        tail = _("and that is very unlikely to be chance, even though you look every day.")
    else:
        tail = _("but that could still be chance.")
    return f"{head}, {tail}"


def readout_lines(t: Translator, readout: Readout) -> list[str]:
    """Every arm, each challenger against the control, the sample-ratio warning and the verdict.

    Shared by /readout (a saved experiment) and /calc (numbers typed in the chat).
    """
    _ = t.gettext
    arms = readout.arms
    control = arms[0]
    several = len(arms) > 2
    lines = [arm_line(t, control, control=True)]
    for arm in arms[1:]:
        lines.append(arm_line(t, arm, control=False))
        if arm.vs_control is not None:
            lines += comparison_lines(
                t, arm, control, arm.vs_control, alpha=readout.alpha, several=several
            )
    lines.append("")
    if readout.sample_ratio_mismatch and readout.srm_p_value is not None:
        lines.append(
            "⚠️ "
            + _(
                "The visitors are not split as planned (sample-ratio mismatch, p = {p}). "
                "Check how visitors are assigned before trusting any result."
            ).format(p=esc_p(t, readout.srm_p_value))
        )
    lines.append(
        "<b>"
        + _("Verdict: {verdict}").format(verdict=esc(verdict_label(readout.verdict, _)))
        + "</b>"
    )
    lines.append(esc(explain_verdict(readout.verdict, _, t.percent)))
    return lines


def method_note(t: Translator) -> str:
    return (
        "<i>"
        + t.gettext(
            "Rates with 95% intervals; the verdict uses the always-valid p-value, "
            "so checking every day is safe."
        )
        + "</i>"
    )


def readout_text(t: Translator, result: ExperimentReadout) -> str:
    _ = t.gettext
    readout: Readout = result.readout
    lines = ["📊 " + title(result.experiment) + " — " + _("readout"), ""]
    lines += readout_lines(t, readout)
    plan = result.experiment.planned_per_variant
    if plan:
        smallest = min(arm.visitors for arm in readout.arms)
        progress = _("Plan: {planned} visitors per variant; the smallest has {have}.").format(
            planned=t.number(plan), have=t.number(smallest)
        )
        if result.days_left is not None and result.days_left > 0:
            progress += " " + _("About {days} days left at this pace.").format(
                days=t.number(round(result.days_left + 0.4999))
            )
        lines.append(progress)
    lines.append(method_note(t))
    return "\n".join(lines)
