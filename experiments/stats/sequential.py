"""Always-valid p-value for the difference of two conversion rates (mixture SPRT).

Method: the mixture sequential probability ratio test of Johari, Koomen, Pekelis and Walsh,
"Always valid inference: continuous monitoring of A/B tests", Operations Research 70(3), 2022
(arXiv:1512.04922, 2015/2017), in its normal-approximation form for two-sample binary data.
With theta_hat = rate_variant - rate_control, its variance V = s_v²/n_v + s_c²/n_c and a
normal mixing distribution N(0, tau²) over the true difference, the mixture likelihood ratio is

    Lambda = sqrt(V / (V + tau²)) · exp(tau² · theta_hat² / (2 V (V + tau²)))

and p = min(1, 1 / Lambda). Under "no difference" P(ever Lambda >= 1/alpha) <= alpha (Ville's
inequality), so a founder may look every day and stop the first time p < alpha.

Choices, documented:
- tau² = rho² · pbar(1 - pbar), i.e. the mixture is over the standardized effect
  (difference / per-visitor sd, a Cohen's-h-like scale) with rho = 0.04: that is the size of
  effect these founders look for (5 % → 5.9 %, 2 % → 2.6 %, 10 % → 11.2 %). In simulation
  (bench/peeking.py) rho between 0.03 and 0.05 gives the best power at 1-4 weeks of traffic.
  The plan (``sample_size.sequential_sample_size``) uses the same tau, and is flat near it:
  visitors per variant for 5 % → 6 % at rho 0.02 / 0.03 / 0.04 / 0.05 / 0.08 are 16,292 /
  15,631 / 15,711 / 15,981 / 16,901; for 10 % → 12 %: 8,509 / 7,628 / 7,383 / 7,353 / 7,593.
- The per-visitor variances s² (and pbar, the pooled rate) are plug-in estimates made with
  (conversions + 1) / (visitors + 2), so that V > 0 even at 0 % or 100 % conversion; this is the
  asymptotic version of the mSPRT that the paper and Optimizely's Stats Engine use.
- ``msprt_p_value`` is 1/Lambda at one look. The always-valid p-value of the paper is the
  running minimum over all past looks; the readout takes that minimum over the experiment's
  daily looks (``stats.readout``).
- It is floored at the fixed-horizon p-value of the same data: raising a valid p-value keeps
  it valid, and a sequential answer must never claim more than the fixed-horizon one.
- Computed in log space, so 10^9 visitors give finite answers.

The confidence sequence comes from the same mixture (Howard, Ramdas, McAuliffe, Sekhon,
"Time-uniform, nonparametric, nonasymptotic confidence sequences", Annals of Statistics 49(2),
2021, eq. (14); Johari et al. 2022, §5): keep every hypothesised difference theta0 whose
Lambda(theta0) stays below 1/alpha, that is

    theta_hat ± h,   h = sqrt( V (V + tau²) / tau² · (2 log(1/alpha) + log((V + tau²) / V)) )

with the same plug-in V and tau² as the p-value, so the sequence excludes 0 exactly when
1 / Lambda(0) < alpha. Its width is valid at every look at once, so it may be intersected over
the looks (``running_interval``), and the p-value may be the running minimum over them.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from experiments.stats.proportions import check_counts

# Standardized effect (difference / per-visitor sd) the normal mixture is centred on.
MIXING_EFFECT_SIZE = 0.04


def plug_ins(
    variant_conversions: Any,
    variant_visitors: Any,
    control_conversions: Any,
    control_visitors: Any,
    mixing_effect_size: float = MIXING_EFFECT_SIZE,
) -> tuple[Any, Any, Any]:
    """theta_hat, its variance V and the mixture's tau² (module docstring), for floats or arrays.

    Rates inside V and tau² are the (conversions + 1) / (visitors + 2) plug-ins; the caller makes
    sure both arms have visitors.
    """
    theta_hat = variant_conversions / variant_visitors - control_conversions / control_visitors
    variant_rate = (variant_conversions + 1) / (variant_visitors + 2)
    control_rate = (control_conversions + 1) / (control_visitors + 2)
    pooled_rate = (variant_conversions + control_conversions + 1) / (
        variant_visitors + control_visitors + 2
    )
    variance = (
        variant_rate * (1 - variant_rate) / variant_visitors
        + control_rate * (1 - control_rate) / control_visitors
    )
    tau2 = mixing_effect_size**2 * pooled_rate * (1 - pooled_rate)
    return theta_hat, variance, tau2


def half_width(variance: Any, tau2: Any, alpha: float) -> Any:
    """h of the (1 - alpha) normal-mixture confidence sequence (module docstring).

    Works on floats and numpy arrays alike.
    """
    return np.sqrt(
        variance
        * (variance + tau2)
        / tau2
        * (2 * math.log(1 / alpha) + np.log((variance + tau2) / variance))
    )


@dataclass(frozen=True)
class SequenceInterval:
    """An always-valid interval for the difference variant - control, in rate units."""

    diff_low: float
    diff_high: float

    @property
    def empty(self) -> bool:
        """True when intersecting looks left nothing: the data broke the model."""
        return self.diff_low > self.diff_high


def confidence_sequence(
    variant_conversions: int,
    variant_visitors: int,
    control_conversions: int,
    control_visitors: int,
    alpha: float,
    *,
    mixing_effect_size: float = MIXING_EFFECT_SIZE,
) -> SequenceInterval:
    """theta_hat ± h at one look: the (1 - alpha) normal-mixture confidence sequence.

    Howard et al. 2021 (module docstring); excludes 0 exactly when ``msprt_p_value`` < alpha.
    """
    check_counts(variant_conversions, variant_visitors)
    check_counts(control_conversions, control_visitors)
    if variant_visitors == 0 or control_visitors == 0:
        raise ValueError("The confidence sequence needs visitors in both arms.")
    if not 0 < alpha < 1:
        raise ValueError(f"alpha must be strictly between 0 and 1, got {alpha!r}.")
    theta_hat, variance, tau2 = plug_ins(
        variant_conversions,
        variant_visitors,
        control_conversions,
        control_visitors,
        mixing_effect_size,
    )
    width = float(half_width(variance, tau2, alpha))
    return SequenceInterval(theta_hat - width, theta_hat + width)


def sequence_bounds(
    variant_conversions: Any,
    variant_visitors: Any,
    control_conversions: Any,
    control_visitors: Any,
    alpha: float,
) -> tuple[Any, Any]:
    """Lows and highs of ``confidence_sequence`` at many looks at once (numpy arrays of counts,
    every arm with visitors); the same formula, to within a few units in the last place."""
    _check_look_counts(variant_conversions, variant_visitors)
    _check_look_counts(control_conversions, control_visitors)
    theta_hat, variance, tau2 = plug_ins(
        variant_conversions, variant_visitors, control_conversions, control_visitors
    )
    width = half_width(variance, tau2, alpha)
    return theta_hat - width, theta_hat + width


def msprt_p_values(
    variant_conversions: Any,
    variant_visitors: Any,
    control_conversions: Any,
    control_visitors: Any,
) -> Any:
    """``msprt_p_value`` at many looks at once (numpy arrays of counts, every arm with
    visitors); the same formula, to within a few units in the last place."""
    _check_look_counts(variant_conversions, variant_visitors)
    _check_look_counts(control_conversions, control_visitors)
    theta_hat, variance, tau2 = plug_ins(
        variant_conversions, variant_visitors, control_conversions, control_visitors
    )
    log_lambda = 0.5 * np.log(variance / (variance + tau2)) + tau2 * theta_hat**2 / (
        2 * variance * (variance + tau2)
    )
    return np.where(log_lambda <= 0, 1.0, np.exp(-np.maximum(log_lambda, 0.0)))


def _check_look_counts(conversions: Any, visitors: Any) -> None:
    if not (np.all(visitors > 0) and np.all(conversions >= 0) and np.all(conversions <= visitors)):
        raise ValueError("Every look needs visitors, and conversions between 0 and visitors.")


def running_interval(looks: Sequence[SequenceInterval]) -> SequenceInterval:
    """The intersection of the intervals of every look: [max of lows, min of highs].

    Valid because each look's interval holds at all looks at once (time-uniform coverage).
    """
    if not looks:
        raise ValueError("A running interval needs at least one look.")
    return SequenceInterval(
        max(look.diff_low for look in looks), min(look.diff_high for look in looks)
    )


def msprt_p_value(
    variant_conversions: int,
    variant_visitors: int,
    control_conversions: int,
    control_visitors: int,
    *,
    mixing_effect_size: float = MIXING_EFFECT_SIZE,
) -> float:
    """1 / Lambda of the normal-mixture SPRT (Johari et al. 2022), capped at 1.

    See the module docstring for the formula and the plug-in choices.
    """
    check_counts(variant_conversions, variant_visitors)
    check_counts(control_conversions, control_visitors)
    if variant_visitors == 0 or control_visitors == 0:
        raise ValueError("The sequential test needs visitors in both arms.")
    if mixing_effect_size <= 0:
        raise ValueError(f"mixing_effect_size must be positive, got {mixing_effect_size!r}.")
    theta_hat, variance, tau2 = plug_ins(
        variant_conversions,
        variant_visitors,
        control_conversions,
        control_visitors,
        mixing_effect_size,
    )
    log_lambda = 0.5 * math.log(variance / (variance + tau2)) + tau2 * theta_hat**2 / (
        2 * variance * (variance + tau2)
    )
    if log_lambda <= 0:
        return 1.0
    return math.exp(-log_lambda)


def always_valid_p_value(
    variant_conversions: int,
    variant_visitors: int,
    control_conversions: int,
    control_visitors: int,
    fixed_p_value: float,
) -> float:
    """The mSPRT p-value floored at the fixed-horizon ``fixed_p_value`` of the same data."""
    msprt = msprt_p_value(
        variant_conversions, variant_visitors, control_conversions, control_visitors
    )
    return max(msprt, fixed_p_value)
