"""Planned sample size against the hand formula on Cohen's h, and days left."""

import math

import pytest
from scipy.stats import norm

from experiments.stats.sample_size import days_left, sample_size_per_variant


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
