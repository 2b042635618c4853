"""Frequentist building blocks for conversion rates: Wilson, Newcombe, z-test / Fisher, Holm."""

from __future__ import annotations

import math
import operator
from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum

import numpy as np

from experiments.stats import special

# Fisher's exact test replaces the z-test when any expected cell of the 2x2 table is below this
# (the usual rule of thumb for the chi-square / normal approximation, e.g. Agresti 2013, §3.5).
MIN_EXPECTED_CELL = 5.0
# scipy's tolerance for "no likelier than the observed table" in the two-sided sum.
_FISHER_RELATIVE_TOLERANCE = 1e-7


class PValueMethod(StrEnum):
    Z_TEST = "z-test"
    FISHER_EXACT = "fisher-exact"


@dataclass(frozen=True)
class RateInterval:
    rate: float
    ci_low: float
    ci_high: float


@dataclass(frozen=True)
class DiffInterval:
    diff: float  # rate_variant - rate_control
    diff_ci_low: float
    diff_ci_high: float


@dataclass(frozen=True)
class TwoSidedTest:
    p_value: float
    method: PValueMethod


def check_counts(conversions: int, visitors: int) -> None:
    """Raise ValueError unless 0 <= conversions <= visitors are whole numbers."""
    try:
        conversions = operator.index(conversions)
        visitors = operator.index(visitors)
    except TypeError:
        raise ValueError(
            f"Counts must be whole numbers, got conversions={conversions!r}, visitors={visitors!r}."
        ) from None
    if visitors < 0 or conversions < 0:
        raise ValueError(
            f"Counts can't be negative: conversions={conversions}, visitors={visitors}."
        )
    if conversions > visitors:
        raise ValueError(f"Conversions ({conversions}) can't exceed visitors ({visitors}).")


def check_alpha(alpha: float) -> None:
    if not 0.0 < alpha < 1.0:
        raise ValueError(f"alpha must be strictly between 0 and 1, got {alpha!r}.")


def _clip01(value: float) -> float:
    return min(1.0, max(0.0, float(value)))


def _wilson_bounds(conversions: int, visitors: int, alpha: float) -> tuple[float, float]:
    """The Wilson score interval, clipped to [0, 1].

    The closed form of ``statsmodels.stats.proportion.proportion_confint(method="wilson")``:
    with z = Phi^-1(1 - alpha/2) and p = conversions / visitors, the centre
    (p + z²/2n) / (1 + z²/n) ± z·sqrt(p(1 - p)/n + z²/4n²) / (1 + z²/n).
    """
    crit = -float(special.ndtri(alpha / 2))
    crit2 = crit * crit
    rate = conversions / visitors
    denominator = 1 + crit2 / visitors
    center = (rate + crit2 / (2 * visitors)) / denominator
    distance = crit * math.sqrt(rate * (1.0 - rate) / visitors + crit2 / (4.0 * visitors**2))
    distance /= denominator
    return _clip01(center - distance), _clip01(center + distance)


def wilson_interval(conversions: int, visitors: int, alpha: float = 0.05) -> RateInterval:
    """Rate with the Wilson score interval (Wilson 1927).

    ``statsmodels.stats.proportion.proportion_confint(method="wilson")``, in closed form. Needs
    visitors > 0; well defined at 0 and 100 % conversions and for one visitor.
    """
    check_counts(conversions, visitors)
    check_alpha(alpha)
    if visitors == 0:
        raise ValueError("The Wilson interval needs at least one visitor.")
    low, high = _wilson_bounds(conversions, visitors, alpha)
    rate = conversions / visitors
    return RateInterval(rate=rate, ci_low=min(_clip01(low), rate), ci_high=max(_clip01(high), rate))


def newcombe_diff_interval(
    variant_conversions: int,
    variant_visitors: int,
    control_conversions: int,
    control_visitors: int,
    alpha: float = 0.05,
) -> DiffInterval:
    """Difference rate_variant - rate_control with Newcombe's hybrid score interval.

    Newcombe (1998), "Interval estimation for the difference between independent proportions",
    method 10; ``statsmodels.stats.proportion.confint_proportions_2indep(method="newcomb",
    compare="diff")`` with the variant as sample 1 and the control as sample 2, in closed form:
    with each arm's Wilson interval (l, u) around its rate p, the difference d = p1 - p2 has
    d - sqrt((p1 - l1)² + (u2 - p2)²) and d + sqrt((p2 - l2)² + (u1 - p1)²).
    """
    check_counts(variant_conversions, variant_visitors)
    check_counts(control_conversions, control_visitors)
    check_alpha(alpha)
    if variant_visitors == 0 or control_visitors == 0:
        raise ValueError("The Newcombe interval needs visitors in both arms.")
    variant_rate = variant_conversions / variant_visitors
    control_rate = control_conversions / control_visitors
    variant_low, variant_high = _wilson_bounds(variant_conversions, variant_visitors, alpha)
    control_low, control_high = _wilson_bounds(control_conversions, control_visitors, alpha)
    diff = variant_rate - control_rate
    low = diff - math.hypot(variant_rate - variant_low, control_high - control_rate)
    high = diff + math.hypot(control_rate - control_low, variant_high - variant_rate)
    low = max(-1.0, min(float(low), diff))
    high = min(1.0, max(float(high), diff))
    return DiffInterval(diff=diff, diff_ci_low=low, diff_ci_high=high)


def two_proportion_test(
    variant_conversions: int,
    variant_visitors: int,
    control_conversions: int,
    control_visitors: int,
) -> TwoSidedTest:
    """Two-sided p-value for rate_variant != rate_control.

    The pooled two-proportion z-test (``statsmodels.stats.proportion.proportions_ztest``:
    z = (p1 - p2) / sqrt(p(1 - p)(1/n1 + 1/n2)) with the pooled rate p, p-value 2·Phi(-|z|)), or
    Fisher's exact test (the sum ``scipy.stats.fisher_exact`` computes, Fisher 1922, here by
    ``fisher_two_sided``) when any expected cell of the 2x2 table is below 5.
    When no one (or everyone) converted in both arms the z statistic is 0/0; every expected
    conversion (non-conversion) cell is then 0, so this is the Fisher branch, and the p-value
    is exactly 1.0 (the table is the only one possible).
    """
    check_counts(variant_conversions, variant_visitors)
    check_counts(control_conversions, control_visitors)
    if variant_visitors == 0 or control_visitors == 0:
        raise ValueError("The two-proportion test needs visitors in both arms.")
    total = variant_visitors + control_visitors
    conversions = variant_conversions + control_conversions
    non_conversions = total - conversions
    if conversions == 0 or non_conversions == 0:
        return TwoSidedTest(p_value=1.0, method=PValueMethod.FISHER_EXACT)
    smallest_expected = (
        min(variant_visitors, control_visitors) * min(conversions, non_conversions) / total
    )
    if smallest_expected < MIN_EXPECTED_CELL:
        table = [
            [variant_conversions, variant_visitors - variant_conversions],
            [control_conversions, control_visitors - control_conversions],
        ]
        p_value = fisher_two_sided(table)
        return TwoSidedTest(p_value=_finite_p(p_value), method=PValueMethod.FISHER_EXACT)
    pooled = conversions / total
    spread = math.sqrt(pooled * (1 - pooled) * (1 / variant_visitors + 1 / control_visitors))
    z = (variant_conversions / variant_visitors - control_conversions / control_visitors) / spread
    p_value = 2 * float(special.ndtr(-abs(z)))
    return TwoSidedTest(p_value=_finite_p(p_value), method=PValueMethod.Z_TEST)


def fisher_two_sided(table: Sequence[Sequence[int]]) -> float:
    """Two-sided Fisher exact p-value of a 2x2 table, fast at any size.

    The same definition as ``scipy.stats.fisher_exact(alternative="two-sided")``: the sum of
    the hypergeometric probabilities (margins fixed) of all tables no likelier than the
    observed one. The probabilities come from the ratio recurrence
    P(k + 1) / P(k) = (K - k)(n - k) / ((k + 1)(N - K - n + k + 1)), summed in log space, which
    stays exact at 10^9 visitors; the support has at most min(row, column total) + 1 tables.
    """
    (a, b), (c, d) = table
    row, column, total = a + b, a + c, a + b + c + d
    low, high = max(0, row + column - total), min(row, column)
    k = np.arange(low, high, dtype=float)
    log_ratios = (
        np.log(row - k) + np.log(column - k) - np.log(k + 1) - np.log(total - row - column + k + 1)
    )
    log_weights = np.concatenate(([0.0], np.cumsum(log_ratios)))  # log P(k) + constant
    observed = log_weights[a - low]
    likely_as_observed = log_weights <= observed + math.log1p(_FISHER_RELATIVE_TOLERANCE)
    log_p = special.logsumexp(log_weights[likely_as_observed]) - special.logsumexp(log_weights)
    return min(1.0, math.exp(log_p))


def _finite_p(p_value: float) -> float:
    return 1.0 if math.isnan(p_value) else _clip01(p_value)


def holm_adjust(p_values: Sequence[float]) -> tuple[float, ...]:
    """Holm's step-down adjusted p-values (Holm 1979).

    The same numbers as ``statsmodels.stats.multitest.multipletests(method="holm")``, computed
    directly: that function runs ``gc.collect()`` on every call (40-400 ms), far more than a
    readout may take. Sorted ascending, p_(i) is multiplied by (m - i + 1), made monotone by a
    running maximum, and capped at 1.
    """
    count = len(p_values)
    order = sorted(range(count), key=lambda index: p_values[index])
    adjusted = [0.0] * count
    running_max = 0.0
    for rank, index in enumerate(order):
        running_max = max(running_max, (count - rank) * float(p_values[index]))
        adjusted[index] = _clip01(running_max)
    return tuple(adjusted)
