"""The plain-language label and one-sentence reason for a readout's verdict.

Source strings are English, written literally inside ``_("...")`` with ``{named}``
placeholders, so Babel's extractor finds them and translations can be added later; numbers go
through ``percent`` so the caller decides how a share is shown.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from experiments.stats.verdict import Verdict, VerdictKind, VerdictReason

# Chances above this are shown as "over 99.9%" rather than a rounded "100.0%".
_NEAR_CERTAIN = 0.999


def _same(text: str) -> str:
    return text


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
    if "." in text and "e" not in text:
        text = text.rstrip("0").rstrip(".")
    return f"{text}%"


def verdict_label(verdict: Verdict, _: Callable[[str], str] = _same) -> str:
    """The short label: 'ship B', 'keep running', 'stop: no effect', 'check your data'."""
    if verdict.kind is VerdictKind.SHIP:
        return _("ship {variant}").format(variant=verdict.variant)
    if verdict.kind is VerdictKind.STOP_NO_EFFECT:
        return _("stop: no effect")
    if verdict.kind is VerdictKind.CHECK_DATA:
        return _("check your data")
    return _("keep running")


def explain_verdict(
    verdict: Verdict,
    _: Callable[[str], str] = _same,
    percent: Callable[[float], str] = _default_percent,
) -> str:
    """One sentence saying why the verdict is what it is, for someone who is not a statistician."""
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
        ).format(arm=arm, visitors=verdict.visitors, minimum=verdict.min_visitors)
    if reason is VerdictReason.FEW_CONVERSIONS:
        return _(
            "Keep running: the experiment needs at least {minimum} conversions in all before "
            "the numbers mean much, and it has {conversions} so far."
        ).format(conversions=verdict.conversions, minimum=verdict.min_conversions)
    if reason is VerdictReason.CLEAR_WINNER:
        return _explain_winner(verdict, control, _, percent)
    if reason is VerdictReason.CONTROL_WINS:
        return _explain_control_wins(verdict, control, _, percent)
    if reason is VerdictReason.NO_EFFECT_AT_PLANNED_SIZE:
        return _(
            "Stop: every arm reached the planned {planned} visitors and no version converts "
            "clearly better or worse than {control}, so the change makes no difference worth "
            "having."
        ).format(planned=verdict.planned_per_variant, control=control)
    if reason is VerdictReason.NO_EFFECT_RULED_OUT:
        return _(
            "Stop: the data rule out any difference bigger than {bound} of {control}'s rate in "
            "either direction, so the change makes no difference worth having."
        ).format(bound=percent(verdict.effect_bound or 0.0), control=control)
    return _explain_not_clear(verdict, control, _, percent)


def _shares(shares: Sequence[float], percent: Callable[[float], str]) -> str:
    return " / ".join(percent(share) for share in shares)


def _chance(
    probability: float | None, _: Callable[[str], str], percent: Callable[[float], str]
) -> str:
    probability = probability or 0.0
    if probability > _NEAR_CERTAIN:
        return _("over {share}").format(share=percent(_NEAR_CERTAIN))
    if probability < 1 - _NEAR_CERTAIN:
        return _("under {share}").format(share=percent(1 - _NEAR_CERTAIN))
    return percent(probability)


def _explain_winner(
    verdict: Verdict, control: str, _: Callable[[str], str], percent: Callable[[float], str]
) -> str:
    chance = _chance(verdict.prob_beat_control, _, percent)
    if verdict.lift is None:
        return _(
            "Ship {variant}: it converts clearly better than {control} ({chance} chance it is "
            "truly better), and this holds even though you check the results every day."
        ).format(variant=verdict.variant, control=control, chance=chance)
    return _(
        "Ship {variant}: it converts {lift} better than {control} ({chance} chance it is truly "
        "better), and this holds even though you check the results every day."
    ).format(variant=verdict.variant, control=control, lift=percent(verdict.lift), chance=chance)


def _explain_control_wins(
    verdict: Verdict, control: str, _: Callable[[str], str], percent: Callable[[float], str]
) -> str:
    if verdict.challengers > 1:
        return _(
            "Ship {control}: every change converts clearly worse than {control}, so keep what "
            "you had."
        ).format(control=control)
    if verdict.lift is None:
        return _(
            "Ship {control}: {arm} converts clearly worse than {control}, so keep what you had."
        ).format(control=control, arm=verdict.arm)
    return _(
        "Ship {control}: {arm} converts {drop} worse than {control} and that is clear, so keep "
        "what you had."
    ).format(control=control, arm=verdict.arm, drop=percent(abs(verdict.lift)))


def _explain_not_clear(
    verdict: Verdict, control: str, _: Callable[[str], str], percent: Callable[[float], str]
) -> str:
    # Whole sentences per case (not glued fragments), so that translations can reorder words.
    diff = verdict.diff or 0.0
    needed = verdict.visitors_needed if (verdict.visitors_needed or 0) > 0 else None
    if diff > 0 and needed is None:
        sentence = _(
            "Keep running: {arm} is ahead of {control} ({chance} chance it is truly better), "
            "but the difference is not clear yet."
        )
    elif diff > 0:
        sentence = _(
            "Keep running: {arm} is ahead of {control} ({chance} chance it is truly better), "
            "but the difference is not clear yet; the plan needs about {needed} more visitors "
            "per arm."
        )
    elif diff < 0 and needed is None:
        sentence = _(
            "Keep running: {arm} is behind {control} ({chance} chance it is truly better), "
            "but the difference is not clear yet."
        )
    elif diff < 0:
        sentence = _(
            "Keep running: {arm} is behind {control} ({chance} chance it is truly better), "
            "but the difference is not clear yet; the plan needs about {needed} more visitors "
            "per arm."
        )
    elif needed is None:
        sentence = _("Keep running: {arm} and {control} convert the same so far.")
    else:
        sentence = _(
            "Keep running: {arm} and {control} convert the same so far; the plan needs about "
            "{needed} more visitors per arm."
        )
    return sentence.format(
        arm=verdict.arm,
        control=control,
        chance=_chance(verdict.prob_beat_control, _, percent),
        needed=needed,
    )
