"""Planned sample size against the hand formula on Cohen's h, and days left."""

import math

import numpy as np
import pytest
from scipy.stats import norm

from experiments.stats.sample_size import (
    PlanTooLarge,
    days_left,
    plan_targets,
    sample_size_per_variant,
    sequential_sample_size,
)
from experiments.stats.sequential import MIXING_EFFECT_SIZE, half_width, plug_ins


def hand_per_variant(baseline: float, target: float, alpha: float, power: float) -> float:
    """n = 2 ((z_{1-alpha/2} + z_power) / h)², h = 2 asin sqrt(target) - 2 asin sqrt(baseline).
    The factor 2: the difference of two arms' arcsine-transformed rates has variance 2/n."""
    h = 2 * math.asin(math.sqrt(target)) - 2 * math.asin(math.sqrt(baseline))
    return 2 * ((norm.ppf(1 - alpha / 2) + norm.ppf(power)) / h) ** 2


def test_five_to_six_percent():
    # hand_per_variant(0.05, 0.06, 0.05, 0.8) -> 8142.615 -> 8143
    plan = sample_size_per_variant(0.05, 0.06)
    assert hand_per_variant(0.05, 0.06, 0.05, 0.8) == pytest.approx(8142.615, rel=1e-6)
    assert plan.per_variant == 8143
    assert (plan.baseline, plan.target, plan.alpha, plan.power) == (0.05, 0.06, 0.05, 0.8)


def test_other_alpha_and_power():
    # hand_per_variant(0.10, 0.12, 0.01, 0.9) -> 7269.39 -> 7270
    plan = sample_size_per_variant(0.10, 0.12, alpha=0.01, power=0.9)
    assert plan.per_variant == math.ceil(hand_per_variant(0.10, 0.12, 0.01, 0.9))
    assert plan.per_variant == 7270


def test_a_drop_needs_a_size_too():
    plan = sample_size_per_variant(0.05, 0.04)
    assert plan.per_variant == math.ceil(hand_per_variant(0.05, 0.04, 0.05, 0.8))


@pytest.mark.parametrize(
    ("baseline", "target"), [(0.0, 0.1), (1.0, 0.5), (-0.1, 0.1), (0.05, 1.2), (0.05, 0.05)]
)
def test_impossible_rates_raise(baseline, target):
    with pytest.raises(ValueError):
        sample_size_per_variant(baseline, target)


def test_days_left_at_current_pace():
    # 3000 visitors in 6 days -> 500 a day; 8143 - 3000 = 5143 left -> 10.286 days
    assert days_left(8143, 3000, 6) == pytest.approx(5143 / 500, rel=1e-12)
    assert days_left(8143, 9000, 10) == 0.0
    assert days_left(8143, 0, 3) is None
    assert days_left(8143, 100, 0) is None
    with pytest.raises(ValueError):
        days_left(-1, 10, 1)


# ---------------------------------------------------------------- the always-valid plan


def power_at(n_control: int, n_variant: int, baseline: float, target: float, alpha: float):
    """P(theta_hat - h > 0) with theta_hat ~ N(delta, V): the closed-form power the plan solves,
    written out with scipy.stats.norm and the half-width formula of test_sequential."""
    variance = baseline * (1 - baseline) / n_control + target * (1 - target) / n_variant
    share = n_control / (n_control + n_variant)
    pooled = share * baseline + (1 - share) * target
    tau2 = MIXING_EFFECT_SIZE**2 * pooled * (1 - pooled)
    h = math.sqrt(
        variance
        * (variance + tau2)
        / tau2
        * (2 * math.log(1 / alpha) + math.log((variance + tau2) / variance))
    )
    return norm.cdf((target - baseline - h) / math.sqrt(variance))


def test_the_plan_is_the_smallest_size_with_80_percent_power():
    plan = sequential_sample_size(0.05, 0.06)
    assert plan.per_arm == (15711, 15711)
    assert plan.per_variant == 15711
    assert (
        power_at(15711, 15711, 0.05, 0.06, 0.05) >= 0.8 > power_at(15710, 15710, 0.05, 0.06, 0.05)
    )
    # about 1.9 times the fixed-horizon 8,143: the price of looking every day
    assert plan.per_variant > sample_size_per_variant(0.05, 0.06).per_variant


def test_the_plan_gives_80_percent_power_in_simulation():
    # 4,000 experiments at the plan, one look at the end, the verdict's own interval:
    # the share that excludes 0 on the good side is 0.80 ± 0.013 (2 binomial sds).
    n = sequential_sample_size(0.05, 0.06).per_variant
    rng = np.random.default_rng(7)
    control = rng.binomial(n, 0.05, size=4000)
    variant = rng.binomial(n, 0.06, size=4000)
    theta_hat, variance, tau2 = plug_ins(variant, n, control, n)
    power = float(np.mean(theta_hat - half_width(variance, tau2, 0.05) > 0))
    assert power == pytest.approx(0.80, abs=0.025)


def test_an_unequal_split_and_several_challengers_need_more():
    split = sequential_sample_size(0.05, 0.06, shares=(0.7, 0.3))
    assert split.shares == pytest.approx((0.7, 0.3))
    control, variant = split.per_arm
    assert variant == split.per_variant and control == pytest.approx(variant * 7 / 3, abs=1)
    assert power_at(control, variant, 0.05, 0.06, 0.05) >= 0.8
    assert sum(split.per_arm) > 2 * 15711
    two = sequential_sample_size(0.05, 0.06, challengers=2)
    assert power_at(two.per_variant, two.per_variant, 0.05, 0.06, 0.025) >= 0.8
    assert two.per_variant > 15711


def test_a_plan_above_a_billion_visitors_is_refused_in_plain_words():
    with pytest.raises(PlanTooLarge, match="more than 1,000,000,000 visitors per variant"):
        sequential_sample_size(0.05, 0.0500001)


def test_plan_targets_scale_with_the_split():
    assert plan_targets(300, (0.7, 0.3)) == (700, 300)
    assert plan_targets(100, (0.5, 0.5)) == (100, 100)
