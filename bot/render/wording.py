"""The plain-language label and one-sentence reason for a readout's verdict.

Source strings are English, written literally inside ``_("...")`` with ``{named}``
placeholders, so Babel's extractor finds them and translations can be added later; numbers go
through ``percent`` and ``number`` so the caller decides how a share or a count is shown.

No sentence quotes the Bayesian chance to beat the control: the verdict rests on the
always-valid interval, and a chance next to "not clear yet" reads as a contradiction. The chance
stays a labelled number in the readout (flat Beta(1, 1) priors, ``stats.bayes``).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence

from experiments.stats.verdict import Verdict, VerdictKind, VerdictReason


def _same(text: str) -> str:
    return text


def _default_number(value: int) -> str:
    return f"{value:,}"


def _english_plural(singular: str, plural: str, count: int) -> str:
    return singular if count == 1 else plural


def _default_percent(share: float) -> str:
    """0.0523 -> '5.23%', 0.25 -> '25%', 0.004 -> '0.4%': at most 3 significant digits."""
    value = share * 100
    if value == 0 or abs(value) >= 100:
        text = f"{value:.0f}"
    elif abs(value) >= 10:
        text = f"{value:.1f}"
    elif abs(value) >= 1:
        text = f"{value:.2f}"
    else:
        text = f"{value:.2g}"
        if "e" in text:
            text = f"{float(text):.{max(2, -math.floor(math.log10(abs(value))) + 1)}f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return f"{text}%"


Percent = Callable[[float], str]
Number = Callable[[int], str]
Translate = Callable[[str], str]
Plural = Callable[[str, str, int], str]


def verdict_label(verdict: Verdict, _: Translate = _same) -> str:
    """The short label: 'ship B', 'keep running', 'stop: no effect', 'check your data'."""
    if verdict.reason is VerdictReason.TARGET_REACHED:
        return _("target reached: keep {variant}").format(variant=verdict.variant)
    if verdict.reason is VerdictReason.TARGET_MISSED:
        return _("stop: target missed")
    if verdict.reason is VerdictReason.STORYLINE:
        return _("story running")
    if verdict.kind is VerdictKind.SHIP:
        return _("ship {variant}").format(variant=verdict.variant)
    if verdict.kind is VerdictKind.STOP_NO_EFFECT:
        return _("stop: no effect")
    if verdict.kind is VerdictKind.CHECK_DATA:
        return _("check your data")
    return _("keep running")


def explain_verdict(
    verdict: Verdict,
    _: Translate = _same,
    percent: Percent = _default_percent,
    number: Number = _default_number,
    ngettext: Plural = _english_plural,
) -> str:
    """One or two sentences saying why the verdict is what it is, and what to do next."""
    reason = verdict.reason
    control = verdict.control or _("the control")
    arm = verdict.arm or _("an arm")
    if reason is VerdictReason.SAMPLE_RATIO_MISMATCH:
        return _(
            "Check your data: the arms got {observed} of the visitors instead of the planned "
            "{planned}, a gap too big to be luck, so the split or the tracking is broken and "
            "the results can't be trusted until it is fixed."
        ).format(
            observed=_shares(verdict.observed_shares, percent),
            planned=_shares(verdict.planned_shares, percent),
        )
    if reason is VerdictReason.NO_VISITORS:
        return _("Keep running: {arm} has no visitors yet.").format(arm=arm)
    if reason is VerdictReason.FEW_VISITORS:
        return _(
            "Keep running: every arm needs at least {minimum} visitors before the numbers mean "
            "much, and {arm} has {visitors} so far."
        ).format(
            arm=arm,
            visitors=number(verdict.visitors or 0),
            minimum=number(verdict.min_visitors or 0),
        )
    if reason is VerdictReason.FEW_CONVERSIONS:
        return _(
            "Keep running: the experiment needs at least {minimum} conversions in all before "
            "the numbers mean much, and it has {conversions} so far."
        ).format(
            conversions=number(verdict.conversions or 0),
            minimum=number(verdict.min_conversions or 0),
        )
    if reason is VerdictReason.INTERVALS_DISAGREE:
        return _(
            "Check your data: {arm}'s results of different days contradict each other more "
            "than chance allows, so logged numbers were probably changed, or the traffic "
            "changed a lot during the experiment."
        ).format(arm=arm)
    if reason is VerdictReason.CLEAR_WINNER:
        return _explain_winner(verdict, control, _, percent)
    if reason is VerdictReason.CONTROL_WINS:
        return _explain_control_wins(verdict, control, _, percent)
    if reason is VerdictReason.NO_EFFECT_RULED_OUT:
        return _explain_no_effect(verdict, control, _, percent)
    if reason is VerdictReason.NO_CLEAR_DIFFERENCE_AT_PLAN:
        return _explain_at_plan(verdict, _, percent, number, ngettext)
    return _explain_not_clear(verdict, control, _, number, ngettext)


def _shares(shares: Sequence[float], percent: Percent) -> str:
    return " / ".join(percent(share) for share in shares)


def _range(low: float, high: float, percent: Percent) -> str:
    """'8%–41%' for a range on one side of zero, in absolute values."""
    ends = sorted((abs(low), abs(high)))
    return f"{percent(ends[0])}–{percent(ends[1])}"


def _points(diff: float) -> str:
    value = abs(diff) * 100
    return f"{value:.2g}" if value < 1 else f"{value:.2f}".rstrip("0").rstrip(".")


def _explain_winner(verdict: Verdict, control: str, _: Translate, percent: Percent) -> str:
    low, high = verdict.seq_lift_low, verdict.seq_lift_high
    if low is None or high is None:
        return _(
            "Ship {variant}: it converts clearly better than {control} ({low} to {high} "
            "percentage points more, a range that stays valid however often you look)."
        ).format(
            variant=verdict.variant,
            control=control,
            low=_points(verdict.seq_diff_low or 0.0),
            high=_points(verdict.seq_diff_high or 0.0),
        )
    return _(
        "Ship {variant}: it converts {range} better than {control}, a range that stays valid "
        "however often you look."
    ).format(variant=verdict.variant, control=control, range=_range(low, high, percent))


def _explain_control_wins(verdict: Verdict, control: str, _: Translate, percent: Percent) -> str:
    if verdict.challengers > 1:
        return _(
            "Ship {control}: every change converts clearly worse than {control}, so keep what "
            "you had."
        ).format(control=control)
    low, high = verdict.seq_lift_low, verdict.seq_lift_high
    if low is None or high is None:
        return _(
            "Ship {control}: {arm} converts clearly worse than {control}, so keep what you had."
        ).format(control=control, arm=verdict.arm)
    return _(
        "Ship {control}: {arm} converts {range} worse than {control}, so keep what you had."
    ).format(control=control, arm=verdict.arm, range=_range(low, high, percent))


def _explain_no_effect(verdict: Verdict, control: str, _: Translate, percent: Percent) -> str:
    if verdict.min_effect_relative is None:
        bound = _("{points} percentage points").format(points=_points(verdict.min_effect or 0))
    else:
        bound = _("{share} of {control}'s rate").format(
            share=percent(verdict.min_effect_relative), control=control
        )
    if verdict.min_effect_is_default:
        sentence = _(
            "Stop: the data rule out any difference bigger than {bound} in either direction "
            "(the default smallest effect worth having, as the experiment has none set), so "
            "the change makes no difference worth having."
        )
    else:
        sentence = _(
            "Stop: the data rule out any difference bigger than {bound} in either direction "
            "(the experiment's smallest effect worth having), so the change makes no "
            "difference worth having."
        )
    return sentence.format(bound=bound)


def _not_ruled_out(verdict: Verdict, percent: Percent) -> str:
    """The biggest effect either way the running interval still holds, e.g. '35%' or '1.2 pp'."""
    if verdict.seq_lift_low is not None and verdict.seq_lift_high is not None:
        return percent(max(abs(verdict.seq_lift_low), abs(verdict.seq_lift_high)))
    far = max(abs(verdict.seq_diff_low or 0.0), abs(verdict.seq_diff_high or 0.0))
    return _points(far) + " pp"


def _explain_at_plan(
    verdict: Verdict, _: Translate, percent: Percent, number: Number, ngettext: Plural
) -> str:
    head = _(
        "No clear difference at the planned size: every arm reached its planned visitors, but "
        "effects up to {bound} either way are not ruled out."
    ).format(bound=_not_ruled_out(verdict, percent))
    if verdict.visitors_to_settle:
        tail = ngettext(
            "Run about {more} more visitor per variant to settle it, or stop if effects that "
            "small are not worth having to you.",
            "Run about {more} more visitors per variant to settle it, or stop if effects that "
            "small are not worth having to you.",
            verdict.visitors_to_settle,
        ).format(more=number(verdict.visitors_to_settle))
    else:
        tail = _(
            "Settling it would take more visitors than you can get: stop, unless effects that "
            "small matter to you."
        )
    return f"{head} {tail}"


def _explain_not_clear(
    verdict: Verdict, control: str, _: Translate, number: Number, ngettext: Plural
) -> str:
    # Whole sentences per case (not glued fragments), so that translations can reorder words.
    diff = verdict.diff or 0.0
    names = {"arm": verdict.arm, "control": control}
    if diff > 0:
        head = _(
            "Keep running: {arm} is ahead of {control} so far, but the always-valid range still "
            "holds no difference, or one too small to tell."
        ).format(**names)
    elif diff < 0:
        head = _(
            "Keep running: {arm} is behind {control} so far, but the always-valid range still "
            "holds no difference, or one too small to tell."
        ).format(**names)
    else:
        head = _("Keep running: {arm} and {control} convert the same so far.").format(**names)
    needed = verdict.visitors_needed if (verdict.visitors_needed or 0) > 0 else None
    if needed is not None:
        tail = ngettext(
            "The plan needs about {needed} more visitor per variant.",
            "The plan needs about {needed} more visitors per variant.",
            needed,
        ).format(needed=number(needed))
    elif verdict.visitors_to_settle:
        tail = ngettext(
            "If the numbers hold, about {more} more visitor per variant should settle it.",
            "If the numbers hold, about {more} more visitors per variant should settle it.",
            verdict.visitors_to_settle,
        ).format(more=number(verdict.visitors_to_settle))
    else:
        return head
    return f"{head} {tail}"


def headline(
    verdict: Verdict,
    _: Translate = _same,
    percent: Percent = _default_percent,
    number: Number = _default_number,
    ngettext: Plural = _english_plural,
) -> str:
    """The one plain sentence a readout opens with, built on the verdict."""
    control = verdict.control or ""
    if verdict.kind is VerdictKind.CHECK_DATA:
        return _("Check your data first: the numbers below can't be trusted yet.")
    if verdict.reason is VerdictReason.CLEAR_WINNER:
        if verdict.seq_lift_low is None or verdict.seq_lift_high is None:
            return _("Ship {variant}: it converts clearly better than {control}.").format(
                variant=verdict.variant, control=control
            )
        return _("Ship {variant}: it converts {range} better than {control}.").format(
            variant=verdict.variant,
            control=control,
            range=_range(verdict.seq_lift_low, verdict.seq_lift_high, percent),
        )
    if verdict.reason is VerdictReason.CONTROL_WINS:
        return _("Keep {control}: the change does clearly worse.").format(control=control)
    if verdict.reason is VerdictReason.NO_EFFECT_RULED_OUT:
        return _("Stop: no difference worth having between the versions.")
    if verdict.reason is VerdictReason.NO_CLEAR_DIFFERENCE_AT_PLAN:
        return _(
            "No clear difference at the planned size; effects up to {bound} are not ruled out."
        ).format(bound=_not_ruled_out(verdict, percent))
    if verdict.reason is not VerdictReason.NOT_CLEAR_YET:
        return _("Too early to tell: keep logging results.")
    looks = _looks(verdict, _, percent, number)
    more = verdict.visitors_to_settle
    if more:
        return ngettext(
            "Not sure yet: {looks}; about {more} more visitor per variant to be sure.",
            "Not sure yet: {looks}; about {more} more visitors per variant to be sure.",
            more,
        ).format(looks=looks, more=number(more))
    return _("Not sure yet: {looks}; a difference this small may never become clear.").format(
        looks=looks
    )


def _looks(verdict: Verdict, _: Translate, percent: Percent, number: Number) -> str:
    arm, control = verdict.arm or "", verdict.control or ""
    lift, diff = verdict.lift, verdict.diff or 0.0
    if diff == 0:
        return _("{arm} and {control} look alike so far").format(arm=arm, control=control)
    if lift is None:  # the control has no conversions yet: no ratio to quote
        if diff > 0:
            return _("{arm} looks better than {control} so far").format(arm=arm, control=control)
        return _("{arm} looks worse than {control} so far").format(arm=arm, control=control)
    if lift >= 0.95:
        return _("{arm} looks about {factor} times as good as {control}").format(
            arm=arm, control=control, factor=number(round(1 + lift))
        )
    if lift > 0:
        return _("{arm} looks about {share} better than {control}").format(
            arm=arm, control=control, share=percent(lift)
        )
    return _("{arm} looks about {share} worse than {control}").format(
        arm=arm, control=control, share=percent(-lift)
    )
