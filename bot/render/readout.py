"""The readout: one plain sentence built on the verdict, then every number, then the verdict.

``readout_lines`` is a list of sections (headline, arms, checks, verdict) so that more lines
(money, funnel) slot in between without touching the others.
"""

from __future__ import annotations

import math

from babel.numbers import format_percent

from bot.i18n import Translator
from bot.render.experiments import title
from bot.render.wording import explain_verdict, headline, verdict_label
from bot.replies import esc
from experiments.services import ExperimentReadout
from experiments.stats.readout import ArmResult, Comparison, Readout

# Rates and differences below 1 % keep this many significant digits (0.012 %, not 0.01 %).
_SIGNIFICANT = 2
_MAX_DIGITS = 8


def _digits(percent_value: float, digits: int) -> int:
    """Decimals for a value in percent: ``digits``, or more so a small one keeps 2 digits.

    A value too small to show even so is shown with ``digits`` (as 0.00, without a sign).
    """
    size = abs(percent_value)
    if size == 0 or size >= 1 or not math.isfinite(size):
        return digits
    places = min(max(digits, -math.floor(math.log10(size)) + _SIGNIFICANT - 1), _MAX_DIGITS)
    return places if round(size, places) != 0 else digits


def share(t: Translator, fraction: float, digits: int = 1) -> str:
    """A rate or share as a percent; small ones keep two significant digits (0.012%)."""
    return t.percent(fraction, _digits(fraction * 100, digits))


def loose_share(t: Translator, fraction: float) -> str:
    """A share for sentences: one decimal at most, dropped when zero (8%, 58.8%, 0.012%)."""
    places = _digits(fraction * 100, 1)
    base = t.locale.percent_formats[None].pattern
    pattern = base.replace("#,##0", "#,##0" + ("." + "#" * places if places else ""), 1)
    return format_percent(fraction, pattern, locale=t.locale)


def signed_share(t: Translator, fraction: float, digits: int = 1) -> str:
    """+25.0% / −3.1% / 0.0% (never −0.0%: the sign goes only on what shows as non-zero)."""
    places = _digits(fraction * 100, digits)
    text = t.percent(abs(fraction), places)
    if round(abs(fraction) * 100, places) == 0:
        return text
    return ("+" if fraction > 0 else "−") + text


def esc_p(t: Translator, value: float) -> str:
    return esc(t.p_value(value))


def points(t: Translator, diff: float, *, signed: bool = True) -> str:
    """A difference of rates in percentage points: +1.08 pp (or 1.08 pp unsigned); no −0.00."""
    value = abs(diff) * 100
    places = _digits(value, 2)
    shown = t.fixed(value, places)
    sign = ""
    if signed and round(value, places) != 0:
        sign = "+" if diff > 0 else "−"
    return t.gettext("{sign}{value} pp").format(sign=sign, value=shown)


def arm_line(t: Translator, arm: ArmResult, *, control: bool) -> str:
    _ = t.gettext
    name = f"<b>{esc(arm.name)}</b>" + (" " + _("(control)") if control else "")
    if arm.rate is None or arm.ci_low is None or arm.ci_high is None:
        return f"{name}: " + _("no visitors yet")
    return _("{name}: {rate} ({low} – {high}) · {conversions} of {visitors}").format(
        name=name,
        rate=share(t, arm.rate, 2),
        low=share(t, arm.ci_low, 1),
        high=share(t, arm.ci_high, 1),
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
    """The fixed-horizon interval, the always-valid range next to it, p-values, the chance."""
    _ = t.gettext
    del arm, alpha  # the lines speak of the comparison only
    lift = (
        ""
        if comparison.lift is None
        else " · " + _("lift {lift}").format(lift=signed_share(t, comparison.lift))
    )
    method = _("z-test") if comparison.p_value_method == "z-test" else _("Fisher's exact test")
    p_line = _("p = {p} ({method})").format(p=esc_p(t, comparison.p_value), method=method)
    if several:
        p_line += ", " + _("Holm-adjusted {p}").format(p=esc_p(t, comparison.p_value_holm))
    p_line += ", " + _("always-valid p = {p}").format(p=esc_p(t, comparison.sequential_p_value))
    if comparison.seq_lift_ci_low is not None and comparison.seq_lift_ci_high is not None:
        always_valid = _("always-valid range: {low} to {high} (lift {lift_low} to {lift_high})")
    else:
        always_valid = _("always-valid range: {low} to {high}")
    lines = [
        "   "
        + _("vs {control}: {diff} ({low} to {high}){lift}").format(
            control=esc(control.name),
            diff=points(t, comparison.diff),
            low=points(t, comparison.diff_ci_low),
            high=points(t, comparison.diff_ci_high),
            lift=lift,
        ),
        "   "
        + always_valid.format(
            low=points(t, comparison.seq_diff_ci_low),
            high=points(t, comparison.seq_diff_ci_high),
            lift_low=signed_share(t, comparison.seq_lift_ci_low or 0.0, 0),
            lift_high=signed_share(t, comparison.seq_lift_ci_high or 0.0, 0),
        ),
        "   " + p_line,
        "   "
        + _(
            "Bayesian chance to beat {control} (flat prior): {chance} · expected loss if you "
            "ship it: {loss}"
        ).format(
            control=esc(control.name),
            chance=_chance(t, comparison.prob_beat_control),
            loss=points(t, comparison.expected_loss, signed=False),
        ),
    ]
    return lines


def _chance(t: Translator, probability: float) -> str:
    if probability > 0.999:
        return t.gettext("over {share}").format(share=t.percent(0.999, 1))
    if probability < 0.001:
        return t.gettext("under {share}").format(share=t.percent(0.001, 1))
    return t.percent(probability, 1)


def headline_line(t: Translator, readout: Readout) -> str:
    """The one plain sentence the readout opens with."""
    return (
        "<b>"
        + esc(
            headline(readout.verdict, t.gettext, lambda x: loose_share(t, x), t.number, t.ngettext)
        )
        + "</b>"
    )


def arms_section(t: Translator, readout: Readout) -> list[str]:
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
    return lines


def checks_section(t: Translator, readout: Readout) -> list[str]:
    if readout.sample_ratio_mismatch and readout.srm_p_value is not None:
        return [
            "⚠️ "
            + t.gettext(
                "The visitors are not split as planned (sample-ratio mismatch, p = {p}). "
                "Check how visitors are assigned before trusting any result."
            ).format(p=esc_p(t, readout.srm_p_value))
        ]
    return []


def verdict_section(t: Translator, readout: Readout) -> list[str]:
    _ = t.gettext
    return [
        "<b>"
        + _("Verdict: {verdict}").format(verdict=esc(verdict_label(readout.verdict, _)))
        + "</b>",
        esc(explain_verdict(readout.verdict, _, lambda x: loose_share(t, x), t.number, t.ngettext)),
    ]


def readout_lines(t: Translator, readout: Readout) -> list[str]:
    """The headline, every arm with each challenger against the control, the checks, the verdict.

    Shared by /readout (a saved experiment) and /calc (numbers typed in the chat).
    """
    return [
        headline_line(t, readout),
        "",
        *arms_section(t, readout),
        "",
        *checks_section(t, readout),
        *verdict_section(t, readout),
    ]


def method_note(t: Translator) -> str:
    return (
        "<i>"
        + t.gettext(
            "Rates with 95% intervals. The verdict uses the always-valid range, which holds "
            "however often you look, so checking every day is safe."
        )
        + "</i>"
    )


def calc_text(t: Translator, readout: Readout) -> str:
    """/calc's readout of typed numbers, which saves nothing."""
    lines = ["🧮 <b>" + t.gettext("Quick readout") + "</b> — " + t.gettext("nothing was saved"), ""]
    lines += readout_lines(t, readout)
    lines.append(method_note(t))
    lines.append(t.gettext("To follow an experiment over time, register it with /new."))
    return "\n".join(lines)


def plan_line(t: Translator, result: ExperimentReadout) -> str | None:
    plan = result.experiment.planned_per_variant
    if not plan:
        return None
    readout = result.readout
    smallest = min(arm.visitors for arm in readout.arms)
    progress = t.ngettext(
        "Plan: {planned} visitor per variant; the smallest has {have}.",
        "Plan: {planned} visitors per variant; the smallest has {have}.",
        plan,
    ).format(planned=t.number(plan), have=t.number(smallest))
    if result.days_left is not None and result.days_left > 0:
        days = max(1, math.ceil(result.days_left - 1e-9))
        progress += " " + t.ngettext(
            "About {days} day left at this pace.", "About {days} days left at this pace.", days
        ).format(days=t.number(days))
    return progress


def readout_text(t: Translator, result: ExperimentReadout) -> str:
    _ = t.gettext
    readout: Readout = result.readout
    lines = ["📊 " + title(result.experiment) + " — " + _("readout"), ""]
    lines += readout_lines(t, readout)
    plan = plan_line(t, result)
    if plan is not None:
        lines.append(plan)
    lines.append(method_note(t))
    return "\n".join(lines)
