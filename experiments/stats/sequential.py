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
- The per-visitor variances s² (and pbar, the pooled rate) are plug-in estimates made with
  (conversions + 1) / (visitors + 2), so that V > 0 even at 0 % or 100 % conversion; this is the
  asymptotic version of the mSPRT that the paper and Optimizely's Stats Engine use.
- The p-value is computed from the current totals only. The always-valid p-value of the paper
  is the running minimum of 1/Lambda over all past looks; 1/Lambda at the latest look is at
  least that minimum, so it is conservative (still valid) and needs no history.
- It is floored at the fixed-horizon p-value of the same data: raising a valid p-value keeps
  it valid, and a sequential answer must never claim more than the fixed-horizon one.
- Computed in log space, so 10^9 visitors give finite answers.
"""

from __future__ import annotations

import math

from experiments.stats.proportions import check_counts

# Standardized effect (difference / per-visitor sd) the normal mixture is centred on.
MIXING_EFFECT_SIZE = 0.04


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
