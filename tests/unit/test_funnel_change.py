"""A funnel against the previous period: which steps really moved, and the constraint's move."""

from __future__ import annotations

import math

import pytest
from scipy.stats import fisher_exact, norm

from experiments.stats.funnel import StepTrend, compare_funnels

BEFORE = (4000, 1188, 400, 150, 60, 20, 10)  # Like 29.7 %, constraint Like
AFTER = (4000, 1392, 420, 150, 50, 20, 10)  # Like 34.8 %, constraint Trust (30.2 %)


def pooled_z_p_value(x1: int, n1: int, x2: int, n2: int) -> float:
    """Two-sided pooled z-test: z = (p1 - p2) / sqrt(p(1-p)(1/n1 + 1/n2)), p = 2·(1 - Φ(|z|))."""
    pooled = (x1 + x2) / (n1 + n2)
    z = (x1 / n1 - x2 / n2) / math.sqrt(pooled * (1 - pooled) * (1 / n1 + 1 / n2))
    return float(2 * norm.sf(abs(z)))


def test_each_step_is_compared_with_the_same_step_before() -> None:
    comparison = compare_funnels(BEFORE, AFTER)
    assert [change.position for change in comparison.changes] == [1, 2, 3, 4, 5, 6]
    like = comparison.changes[0]
    assert (like.rate_before, like.rate_after) == pytest.approx((0.297, 0.348), rel=1e-12)
    assert like.diff == pytest.approx(0.051, rel=1e-9)


def test_the_change_is_a_two_proportion_test_holm_adjusted_over_the_steps() -> None:
    comparison = compare_funnels(BEFORE, AFTER)
    # Raw pooled z-test p-values, by the formula above (after first, before second):
    # Like 1392/4000 vs 1188/4000: z = 4.879391 -> p = 1.064136e-06
    # Trust 420/1392 vs 400/1188: z = -1.901722 -> p = 0.05720750
    # Try 150/420 vs 150/400 -> 0.5956587; Buy 50/150 vs 60/150 -> 0.2308841
    # Repeat 20/50 vs 20/60 -> 0.4692212; Refer 10/20 vs 10/20 -> 1.0
    raw = [
        pooled_z_p_value(1392, 4000, 1188, 4000),
        pooled_z_p_value(420, 1392, 400, 1188),
        pooled_z_p_value(150, 420, 150, 400),
        pooled_z_p_value(50, 150, 60, 150),
        pooled_z_p_value(20, 50, 20, 60),
        1.0,
    ]
    assert raw[:2] == pytest.approx([1.064136e-06, 0.05720750], rel=1e-5)
    # Holm by hand: sorted ascending, times 6, 5, 4, 3, 2, 1, running maximum, capped at 1:
    # Like 6 x 1.064136e-06 = 6.384819e-06; Trust 5 x 0.0572075 = 0.2860375;
    # Buy 4 x 0.2308841 = 0.9235363; Repeat 3 x 0.4692 > 1 -> 1; Try -> 1; Refer -> 1.
    expected = [6 * raw[0], 5 * raw[1], 1.0, 4 * raw[3], 1.0, 1.0]
    assert [c.p_value for c in comparison.changes] == pytest.approx(expected, rel=1e-6)
    assert [c.p_value for c in comparison.changes] == pytest.approx(
        [6.384819e-06, 0.2860375, 1.0, 0.9235363, 1.0, 1.0], rel=1e-5
    )
    assert [c.trend for c in comparison.changes] == [
        StepTrend.UP,
        StepTrend.NOISE,  # 33.7 % -> 30.2 % looks like a drop, but is within noise
        StepTrend.NOISE,
        StepTrend.NOISE,
        StepTrend.NOISE,
        StepTrend.NOISE,
    ]


def test_a_real_drop_is_down() -> None:
    comparison = compare_funnels(AFTER, BEFORE)
    assert comparison.changes[0].trend is StepTrend.DOWN
    assert comparison.changes[0].diff == pytest.approx(-0.051, rel=1e-9)


def test_small_steps_use_fisher_s_exact_test() -> None:
    before = (100, 50, 20, 10, 5, 3, 1)
    after = (100, 50, 20, 10, 5, 1, 1)
    comparison = compare_funnels(before, after)
    repeat = comparison.changes[4]
    # scipy.stats.fisher_exact([[1, 4], [3, 2]]) -> 0.5238095; every other step is identical
    # (p = 1), so Holm multiplies the smallest p by 6 and caps it at 1.
    assert fisher_exact([[1, 4], [3, 2]]).pvalue == pytest.approx(0.5238095, rel=1e-6)
    assert repeat.p_value == 1.0
    assert repeat.trend is StepTrend.NOISE


def test_the_constraint_moves_from_like_to_trust() -> None:
    comparison = compare_funnels(BEFORE, AFTER)
    # Before: Like 1188/4000 = 29.7 % is the lowest step; after: Trust 420/1392 = 30.17 %.
    assert comparison.constraint_before == 1
    assert comparison.constraint_after == 2
    assert comparison.constraint_moved


def test_the_same_constraint_has_not_moved() -> None:
    comparison = compare_funnels(BEFORE, BEFORE)
    assert comparison.constraint_before == comparison.constraint_after == 1
    assert not comparison.constraint_moved
    assert all(c.trend is StepTrend.NOISE and c.p_value == 1.0 for c in comparison.changes)


def test_a_step_without_a_rate_in_either_period_is_not_compared() -> None:
    before = (1000, 0, 0, 0, 0, 0, 0)  # nobody liked: every later step has no rate
    after = (1000, 300, 100, 40, 10, 4, 1)
    comparison = compare_funnels(before, after)
    assert [c.position for c in comparison.changes] == [1]
    # 300/1000 vs 0/1000, pooled z-test
    assert comparison.changes[0].p_value == pytest.approx(
        pooled_z_p_value(300, 1000, 0, 1000), rel=1e-9
    )
    assert comparison.changes[0].trend is StepTrend.UP


def test_an_empty_period_has_no_constraint_so_nothing_moved() -> None:
    comparison = compare_funnels((0, 0, 0, 0, 0, 0, 0), AFTER)
    assert comparison.changes == ()
    assert comparison.constraint_before is None
    assert not comparison.constraint_moved


def test_funnels_of_different_lengths_are_refused() -> None:
    with pytest.raises(ValueError, match="can't be compared"):
        compare_funnels((10, 5), (10, 5, 1))
