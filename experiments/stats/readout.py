"""The readout of a conversion experiment: every arm against the control, and the verdict.

Per arm: the rate with its Wilson interval. Per challenger against the control (the first arm):
the Newcombe interval of the difference, the lift, the fixed-horizon p-value (z-test or
Fisher), its Holm adjustment over the challengers, the chance to beat the control, the
expected loss, the always-valid (sequential) p-value and the always-valid interval of the
difference. Then the sample-ratio check and the verdict (rules in ``experiments.stats.verdict``).
Arms with no visitors get no numbers (None), never NaN.

Looks: ``history`` holds the cumulative totals of earlier looks (the experiment's days). The
always-valid interval is intersected over every look in which each arm had at least
``MIN_VISITORS_PER_ARM`` visitors, plus the current one, and the sequential p-value is the
running minimum over the same looks (Johari et al. 2022; Howard et al. 2021). The interval is
at level alpha / (number of challengers), the level the verdict decides at (Bonferroni).
Its lift version is the difference's range over the control's observed rate: a way to say it
in relative words, not a second test (the control's own uncertainty is not added to it; the
verdict decides on the difference).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace

import numpy as np

from experiments.fast_init import fast_frozen_init
from experiments.stats.bayes import bayes_comparison
from experiments.stats.proportions import (
    check_alpha,
    check_counts,
    holm_adjust,
    newcombe_diff_interval,
    two_proportion_test,
    wilson_interval,
)
from experiments.stats.sample_size import plan_targets
from experiments.stats.sequential import (
    SequenceInterval,
    always_valid_p_value,
    confidence_sequence,
    msprt_p_value,
    msprt_p_values,
    running_interval,
    sequence_bounds,
)
from experiments.stats.srm import planned_shares, sample_ratio_check
from experiments.stats.verdict import (
    MIN_VISITORS_PER_ARM,
    ChallengerSequence,
    Verdict,
    VerdictKind,
    VerdictReason,
    decide_verdict,
)

__all__ = [
    "ArmCounts",
    "ArmResult",
    "Comparison",
    "Readout",
    "Verdict",
    "VerdictKind",
    "VerdictReason",
    "conversion_readout",
]


@fast_frozen_init
@dataclass(frozen=True, slots=True)
class ArmCounts:
    name: str
    visitors: int
    conversions: int


@dataclass(frozen=True)
class Comparison:
    """A challenger against the control."""

    diff: float  # rate_variant - rate_control
    diff_ci_low: float  # Newcombe hybrid score interval
    diff_ci_high: float
    lift: float | None  # diff / rate_control; None when the control rate is 0
    p_value: float  # two-sided, fixed horizon
    p_value_method: str  # "z-test" | "fisher-exact"
    p_value_holm: float  # Holm-adjusted over all challengers (== p_value with one challenger)
    prob_beat_control: float
    expected_loss: float  # E[max(p_control - p_variant, 0)] under the Beta posteriors
    sequential_p_value: float  # always valid (mSPRT), running minimum over looks, not adjusted
    # Always-valid interval of diff at alpha / challengers, intersected over the looks.
    seq_diff_ci_low: float = 0.0
    seq_diff_ci_high: float = 0.0
    looks: int = 1  # how many looks the running numbers are built on

    seq_lift_ci_low: float | None = None  # the same relative to the control's rate
    seq_lift_ci_high: float | None = None  # (None when the control's rate is 0)


@fast_frozen_init
@dataclass(frozen=True, slots=True)
class ArmResult:
    name: str
    visitors: int
    conversions: int
    rate: float | None  # None when visitors == 0
    ci_low: float | None
    ci_high: float | None
    vs_control: Comparison | None  # None for the control, and when either side has 0 visitors


@fast_frozen_init
@dataclass(frozen=True, slots=True)
class Readout:
    arms: tuple[ArmResult, ...]  # the first is the control
    alpha: float
    srm_p_value: float | None  # None when it can't be computed (no visitors yet)
    sample_ratio_mismatch: bool  # srm_p_value < 0.001
    verdict: Verdict
    srm_checked: bool = True  # False while an arm has no visitors (the check is not made)

    @property
    def leader(self) -> ArmResult | None:
        """The arm with the highest rate among arms with visitors (the first one on a tie)."""
        with_visitors = [arm for arm in self.arms if arm.rate is not None]
        if not with_visitors:
            return None
        return max(with_visitors, key=lambda arm: arm.rate or 0.0)


@dataclass(frozen=True)
class _RawComparison:
    """A comparison before the Holm adjustments, which need every challenger."""

    diff: float
    diff_ci_low: float
    diff_ci_high: float
    lift: float | None
    p_value: float
    p_value_method: str
    prob_beat_control: float
    expected_loss: float
    sequential_p_value: float
    interval: SequenceInterval
    control_rate: float
    looks: int


def _compare(
    index: int,
    arms: Sequence[ArmCounts],
    looks: Sequence[Sequence[ArmCounts]],
    alpha: float,
    level: float,
) -> _RawComparison:
    """``arms[index]`` against the control, the running numbers over ``looks`` and now."""
    variant, control = arms[index], arms[0]
    interval = newcombe_diff_interval(
        variant.conversions, variant.visitors, control.conversions, control.visitors, alpha
    )
    test = two_proportion_test(
        variant.conversions, variant.visitors, control.conversions, control.visitors
    )
    bayes = bayes_comparison(
        variant.conversions, variant.visitors, control.conversions, control.visitors
    )
    control_rate = control.conversions / control.visitors
    # The running minimum of the floored p-value, max(mSPRT p, fixed p), over the looks; now first.
    best = always_valid_p_value(
        variant.conversions, variant.visitors, control.conversions, control.visitors, test.p_value
    )
    sequences = [
        confidence_sequence(
            variant.conversions, variant.visitors, control.conversions, control.visitors, level
        )
    ]
    for look in _deciding_looks(index, looks, level, best):
        counts = (look[index].conversions, look[index].visitors)
        control_counts = (look[0].conversions, look[0].visitors)
        sequences.append(confidence_sequence(*counts, *control_counts, level))
        msprt = msprt_p_value(*counts, *control_counts)
        if msprt < best:  # only then can the floored value lower the minimum: test it
            fixed = two_proportion_test(*counts, *control_counts).p_value
            best = min(best, max(msprt, fixed))
    return _RawComparison(
        diff=interval.diff,
        diff_ci_low=interval.diff_ci_low,
        diff_ci_high=interval.diff_ci_high,
        lift=interval.diff / control_rate if control_rate > 0 else None,
        p_value=test.p_value,
        p_value_method=str(test.method),
        prob_beat_control=bayes.prob_beat_control,
        expected_loss=bayes.expected_loss,
        sequential_p_value=best,
        interval=running_interval(sequences),
        control_rate=control_rate,
        looks=len(looks) + 1,
    )


# How far the vectorised screen may be from the scalar functions (a few units in the last
# place in fact) and still keep every look that could decide.
_SCREEN_TOLERANCE = 1e-9


def _deciding_looks(
    index: int, looks: Sequence[Sequence[ArmCounts]], level: float, best: float
) -> list[Sequence[ArmCounts]]:
    """The looks that can set a bound of the running interval or lower the running p-value.

    All looks are screened at once with numpy; only those the scalar functions then compute
    again, so the readout is the very number a loop over every look gives, without the loop's
    cost at a hundred days and more.
    """
    if not looks:
        return []
    counts = np.array(
        [
            (look[index].conversions, look[index].visitors, look[0].conversions, look[0].visitors)
            for look in looks
        ],
        dtype=np.float64,
    ).T
    variant_conversions, variant_visitors, control_conversions, control_visitors = counts
    lows, highs = sequence_bounds(
        variant_conversions, variant_visitors, control_conversions, control_visitors, level
    )
    msprts = msprt_p_values(
        variant_conversions, variant_visitors, control_conversions, control_visitors
    )
    deciding = (
        (lows >= lows.max() - _SCREEN_TOLERANCE)
        | (highs <= highs.min() + _SCREEN_TOLERANCE)
        | (msprts < best * (1 + _SCREEN_TOLERANCE))
    )
    return [look for look, keep in zip(looks, deciding.tolist(), strict=True) if keep]


def _validate(arms: Sequence[ArmCounts], alpha: float, planned_per_variant: int | None) -> None:
    if len(arms) < 2:
        raise ValueError(
            f"A readout needs at least two arms (a control and a change), got {len(arms)}."
        )
    for arm in arms:
        try:
            check_counts(arm.conversions, arm.visitors)
        except ValueError as error:
            raise ValueError(f"Arm {arm.name!r}: {error}") from None
    names = [arm.name for arm in arms]
    if len(set(names)) != len(names):
        raise ValueError(f"Arm names must be unique, got {names}.")
    check_alpha(alpha)
    if planned_per_variant is not None and planned_per_variant <= 0:
        raise ValueError(f"planned_per_variant must be positive, got {planned_per_variant}.")


def conversion_readout(
    arms: Sequence[ArmCounts],
    *,
    alpha: float = 0.05,
    planned_split: Sequence[float] | None = None,
    planned_per_variant: int | None = None,
    min_effect: float | None = None,
    history: Sequence[Sequence[ArmCounts]] = (),
) -> Readout:
    """Read out a conversion experiment; ``arms[0]`` is the control.

    ``planned_split`` are the planned traffic weights (equal by default) for the sample-ratio
    check and the plan; ``planned_per_variant`` the planned visitors of the arm with the smallest
    share (``sample_size.sequential_sample_size``); ``min_effect`` the smallest difference worth
    having, in rate units (the experiment's MDE; None: the verdict's default); ``history`` the
    cumulative totals of earlier looks, arms in the same order (module docstring).
    """
    _validate(arms, alpha, planned_per_variant)
    control = arms[0]
    challenger_count = len(arms) - 1
    level = alpha / challenger_count
    looks = [
        look
        for look in history
        if len(look) == len(arms) and all(arm.visitors >= MIN_VISITORS_PER_ARM for arm in look)
    ]
    if looks and list(looks[-1]) == list(arms):
        looks.pop()  # the last day is the current totals: one look, not two
    raw: list[_RawComparison | None] = [
        _compare(index, arms, looks, alpha, level)
        if arm.visitors > 0 and control.visitors > 0
        else None
        for index, arm in enumerate(arms[1:], start=1)
    ]
    made = [comparison for comparison in raw if comparison is not None]
    fixed_holm = iter(holm_adjust([comparison.p_value for comparison in made]))
    results = [_arm_result(control, None, alpha)]
    sequences: list[ChallengerSequence | None] = []
    for arm, comparison in zip(arms[1:], raw, strict=True):
        if comparison is None:
            results.append(_arm_result(arm, None, alpha))
            sequences.append(None)
            continue
        results.append(_arm_result(arm, _finish(comparison, next(fixed_holm)), alpha))
        sequences.append(
            ChallengerSequence(
                interval=comparison.interval,
                p_value=min(1.0, comparison.sequential_p_value * challenger_count),
            )
        )
    shares = planned_shares(len(arms), planned_split)
    srm = sample_ratio_check([arm.visitors for arm in arms], planned_split)
    if srm.mismatch and any(arm.visitors == 0 for arm in arms):
        # Founders often log one arm before the other; an empty arm is "no data yet", not a
        # broken split.
        srm = replace(srm, mismatch=False)
    verdict = decide_verdict(
        results,
        sequences,
        srm,
        alpha=alpha,
        planned_per_variant=planned_per_variant,
        planned_targets=None
        if planned_per_variant is None
        else plan_targets(planned_per_variant, shares),
        min_effect=min_effect,
    )
    return Readout(
        arms=tuple(results),
        alpha=alpha,
        srm_p_value=srm.p_value,
        sample_ratio_mismatch=srm.mismatch,
        srm_checked=srm.p_value is not None and not any(arm.visitors == 0 for arm in arms),
        verdict=verdict,
    )


def _finish(comparison: _RawComparison, p_value_holm: float) -> Comparison:
    return Comparison(
        diff=comparison.diff,
        diff_ci_low=comparison.diff_ci_low,
        diff_ci_high=comparison.diff_ci_high,
        lift=comparison.lift,
        p_value=comparison.p_value,
        p_value_method=comparison.p_value_method,
        # Holm never lowers a p-value; max() guards against float noise in the adjustment.
        p_value_holm=max(p_value_holm, comparison.p_value),
        prob_beat_control=comparison.prob_beat_control,
        expected_loss=comparison.expected_loss,
        sequential_p_value=comparison.sequential_p_value,
        seq_diff_ci_low=comparison.interval.diff_low,
        seq_diff_ci_high=comparison.interval.diff_high,
        looks=comparison.looks,
        seq_lift_ci_low=_relative(comparison.interval.diff_low, comparison.control_rate),
        seq_lift_ci_high=_relative(comparison.interval.diff_high, comparison.control_rate),
    )


def _relative(diff: float, control_rate: float) -> float | None:
    return diff / control_rate if control_rate > 0 else None


def _arm_result(arm: ArmCounts, vs_control: Comparison | None, alpha: float) -> ArmResult:
    if arm.visitors == 0:
        return ArmResult(arm.name, 0, 0, None, None, None, None)
    interval = wilson_interval(arm.conversions, arm.visitors, alpha)
    return ArmResult(
        name=arm.name,
        visitors=arm.visitors,
        conversions=arm.conversions,
        rate=interval.rate,
        ci_low=interval.ci_low,
        ci_high=interval.ci_high,
        vs_control=vs_control,
    )
