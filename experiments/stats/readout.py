"""The readout of a conversion experiment: every arm against the control, and the verdict.

Per arm: the rate with its Wilson interval. Per challenger against the control (the first arm):
the Newcombe interval of the difference, the lift, the fixed-horizon p-value (z-test or
Fisher), its Holm adjustment over the challengers, the chance to beat the control, the
expected loss and the always-valid (sequential) p-value. Then the sample-ratio check and the
verdict (rules in ``experiments.stats.verdict``). Arms with no visitors get no numbers (None),
never NaN.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace

from experiments.stats.bayes import bayes_comparison
from experiments.stats.proportions import (
    check_alpha,
    check_counts,
    holm_adjust,
    newcombe_diff_interval,
    two_proportion_test,
    wilson_interval,
)
from experiments.stats.sequential import always_valid_p_value
from experiments.stats.srm import sample_ratio_check
from experiments.stats.verdict import Verdict, VerdictKind, VerdictReason, decide_verdict

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


@dataclass(frozen=True)
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
    sequential_p_value: float  # always valid (mSPRT), not Holm-adjusted


@dataclass(frozen=True)
class ArmResult:
    name: str
    visitors: int
    conversions: int
    rate: float | None  # None when visitors == 0
    ci_low: float | None
    ci_high: float | None
    vs_control: Comparison | None  # None for the control, and when either side has 0 visitors


@dataclass(frozen=True)
class Readout:
    arms: tuple[ArmResult, ...]  # the first is the control
    alpha: float
    srm_p_value: float | None  # None when it can't be computed (no visitors yet)
    sample_ratio_mismatch: bool  # srm_p_value < 0.001
    verdict: Verdict

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


def _compare(variant: ArmCounts, control: ArmCounts, alpha: float) -> _RawComparison:
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
    return _RawComparison(
        diff=interval.diff,
        diff_ci_low=interval.diff_ci_low,
        diff_ci_high=interval.diff_ci_high,
        lift=interval.diff / control_rate if control_rate > 0 else None,
        p_value=test.p_value,
        p_value_method=str(test.method),
        prob_beat_control=bayes.prob_beat_control,
        expected_loss=bayes.expected_loss,
        sequential_p_value=always_valid_p_value(
            variant.conversions,
            variant.visitors,
            control.conversions,
            control.visitors,
            test.p_value,
        ),
    )


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
) -> Readout:
    """Read out a conversion experiment; ``arms[0]`` is the control.

    ``planned_split`` are the planned traffic weights (equal by default) for the sample-ratio
    check; ``planned_per_variant`` the planned visitors per arm (``sample_size_per_variant``),
    which lets the verdict say "stop: no effect" once reached.
    """
    _validate(arms, alpha, planned_per_variant)
    control = arms[0]
    raw: list[_RawComparison | None] = [
        _compare(arm, control, alpha) if arm.visitors > 0 and control.visitors > 0 else None
        for arm in arms[1:]
    ]
    made = [comparison for comparison in raw if comparison is not None]
    fixed_holm = iter(holm_adjust([comparison.p_value for comparison in made]))
    sequential_holm = iter(holm_adjust([comparison.sequential_p_value for comparison in made]))
    results = [_arm_result(control, None, alpha)]
    sequential_p_holm: list[float | None] = []
    for arm, comparison in zip(arms[1:], raw, strict=True):
        if comparison is None:
            results.append(_arm_result(arm, None, alpha))
            sequential_p_holm.append(None)
            continue
        results.append(_arm_result(arm, _finish(comparison, next(fixed_holm)), alpha))
        sequential_p_holm.append(next(sequential_holm))
    srm = sample_ratio_check([arm.visitors for arm in arms], planned_split)
    if srm.mismatch and any(arm.visitors == 0 for arm in arms):
        # Founders often log one arm before the other; an empty arm is "no data yet", not a
        # broken split.
        srm = replace(srm, mismatch=False)
    verdict = decide_verdict(
        results, sequential_p_holm, srm, alpha=alpha, planned_per_variant=planned_per_variant
    )
    return Readout(
        arms=tuple(results),
        alpha=alpha,
        srm_p_value=srm.p_value,
        sample_ratio_mismatch=srm.mismatch,
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
    )


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
