"""Wilson, Newcombe, z-test / Fisher and Holm against hand computations."""

import math

import numpy as np
import pytest
from scipy.stats import fisher_exact, hypergeom, norm

from experiments.stats.proportions import (
    PValueMethod,
    fisher_two_sided,
    holm_adjust,
    newcombe_diff_interval,
    two_proportion_test,
    wilson_interval,
)


def hand_wilson(conversions: int, visitors: int, alpha: float = 0.05) -> tuple[float, float]:
    """Wilson (1927): (p + z²/2n ± z·sqrt(p(1-p)/n + z²/4n²)) / (1 + z²/n)."""
    z = norm.ppf(1 - alpha / 2)
    p = conversions / visitors
    centre = (p + z * z / (2 * visitors)) / (1 + z * z / visitors)
    half = (
        z / (1 + z * z / visitors) * math.sqrt(p * (1 - p) / visitors + z * z / (4 * visitors**2))
    )
    return centre - half, centre + half


def test_wilson_matches_hand_formula():
    interval = wilson_interval(120, 2400)
    # hand_wilson(120, 2400) -> (0.0419770, 0.0594612)
    assert interval.rate == 0.05
    assert interval.ci_low == pytest.approx(0.04197701, rel=1e-6)
    assert interval.ci_high == pytest.approx(0.05946123, rel=1e-6)
    assert (interval.ci_low, interval.ci_high) == pytest.approx(hand_wilson(120, 2400), rel=1e-9)


def test_wilson_at_zero_and_full_conversion_and_one_visitor():
    # hand_wilson(0, 50) -> (0, 0.0713476)
    zero = wilson_interval(0, 50)
    assert (zero.rate, zero.ci_low) == (0.0, 0.0)
    assert zero.ci_high == pytest.approx(0.07134760, rel=1e-6)
    # hand_wilson(1, 1) -> (0.2065493, 1.0)
    one = wilson_interval(1, 1)
    assert one.rate == 1.0
    assert one.ci_low == pytest.approx(0.20654931, rel=1e-6)
    assert one.ci_high == pytest.approx(1.0)


def test_wilson_at_a_billion_visitors_is_finite_and_tight():
    interval = wilson_interval(50_000_000, 1_000_000_000)
    low, high = hand_wilson(50_000_000, 1_000_000_000)
    assert interval.ci_low == pytest.approx(low, rel=1e-9)
    assert interval.ci_high == pytest.approx(high, rel=1e-9)


def test_newcombe_matches_hand_combination_of_wilson_intervals():
    # Newcombe (1998) method 10, by hand from hand_wilson:
    # d - sqrt((p1-l1)² + (u2-p2)²), d + sqrt((u1-p1)² + (p2-l2)²) -> (-0.000559953, 0.0256357)
    interval = newcombe_diff_interval(150, 2400, 120, 2400)
    p1, p2 = 150 / 2400, 120 / 2400
    l1, u1 = hand_wilson(150, 2400)
    l2, u2 = hand_wilson(120, 2400)
    assert interval.diff == pytest.approx(0.0125)
    assert interval.diff_ci_low == pytest.approx(-0.000559953, rel=1e-5)
    assert interval.diff_ci_high == pytest.approx(0.0256357, rel=1e-5)
    assert interval.diff_ci_low == pytest.approx(p1 - p2 - math.hypot(p1 - l1, u2 - p2), rel=1e-9)
    assert interval.diff_ci_high == pytest.approx(p1 - p2 + math.hypot(u1 - p1, p2 - l2), rel=1e-9)


def test_newcombe_uses_alpha():
    # same hand formula at alpha = 0.10 -> (0.00155119, 0.0235024)
    interval = newcombe_diff_interval(150, 2400, 120, 2400, alpha=0.10)
    assert interval.diff_ci_low == pytest.approx(0.00155119, rel=1e-5)
    assert interval.diff_ci_high == pytest.approx(0.0235024, rel=1e-5)


def test_newcombe_with_one_visitor_each_stays_inside_minus_one_to_one():
    interval = newcombe_diff_interval(1, 1, 0, 1)
    l1, _ = hand_wilson(1, 1)
    _, u2 = hand_wilson(0, 1)
    # d - sqrt((1 - l1)² + u2²) -> -0.1221087
    assert interval.diff_ci_low == pytest.approx(1 - math.hypot(1 - l1, u2), rel=1e-9)
    assert interval.diff_ci_low == pytest.approx(-0.1221087, rel=1e-6)
    assert interval.diff_ci_high == pytest.approx(1.0)


def test_z_test_matches_pooled_hand_computation():
    # pooled p = 270/4800; se = sqrt(p(1-p)(1/2400 + 1/2400)); z = 0.0125/se = 1.879364
    # 2 * scipy.stats.norm.sf(1.879364) -> 0.0601948
    pooled = 270 / 4800
    z = 0.0125 / math.sqrt(pooled * (1 - pooled) * (2 / 2400))
    test = two_proportion_test(150, 2400, 120, 2400)
    assert test.method is PValueMethod.Z_TEST
    assert test.p_value == pytest.approx(0.0601948, rel=1e-5)
    assert test.p_value == pytest.approx(2 * norm.sf(z), rel=1e-9)


def hand_fisher(a: int, b: int, c: int, d: int) -> float:
    """Two-sided Fisher: sum of hypergeometric probabilities of tables no likelier than observed."""
    distribution = hypergeom(a + b + c + d, a + c, a + b)
    observed = distribution.pmf(a)
    support = range(max(0, (a + b) - (b + d)), min(a + c, a + b) + 1)
    return sum(p for p in (distribution.pmf(k) for k in support) if p <= observed * (1 + 1e-7))


def test_fisher_is_used_when_an_expected_cell_is_below_five():
    # expected conversions per arm = 20 * 8 / 40 = 4 < 5
    # hand_fisher(7, 13, 1, 19) -> 0.0435960 (scipy.stats.fisher_exact([[7, 13], [1, 19]]))
    test = two_proportion_test(7, 20, 1, 20)
    assert test.method is PValueMethod.FISHER_EXACT
    assert test.p_value == pytest.approx(0.0435960, rel=1e-5)
    assert test.p_value == pytest.approx(hand_fisher(7, 13, 1, 19), rel=1e-9)


def test_fisher_with_zero_conversions_in_one_arm():
    # hand_fisher(3, 97, 0, 100) -> 0.2462312
    test = two_proportion_test(3, 100, 0, 100)
    assert test.method is PValueMethod.FISHER_EXACT
    assert test.p_value == pytest.approx(0.2462312, rel=1e-6)


@pytest.mark.parametrize(
    "counts", [(0, 100, 0, 100), (100, 100, 100, 100), (0, 1, 0, 1), (0, 10**9, 0, 10**9)]
)
def test_p_value_is_one_when_nobody_or_everybody_converted(counts):
    test = two_proportion_test(*counts)
    assert test.p_value == 1.0
    assert test.method is PValueMethod.FISHER_EXACT


def test_z_test_at_a_billion_visitors_is_finite():
    # pooled p = 100_010_000 / 2e9; z = 1e-5 / sqrt(p(1-p) * 2e-9) = 1.025930
    # 2 * scipy.stats.norm.sf(1.025930) -> 0.304925
    test = two_proportion_test(50_010_000, 10**9, 50_000_000, 10**9)
    pooled = 100_010_000 / 2e9
    z = 1e-5 / math.sqrt(pooled * (1 - pooled) * 2e-9)
    assert test.method is PValueMethod.Z_TEST
    assert test.p_value == pytest.approx(2 * norm.sf(z), rel=1e-6)
    assert test.p_value == pytest.approx(0.304925, rel=1e-5)


def test_fisher_with_a_billion_visitors_and_few_conversions_is_finite():
    # exact: the 3 conversions all land in one arm: 2 · C(1e9, 3) / C(2e9, 3) -> 0.2499999996
    test = two_proportion_test(3, 10**9, 0, 10**9)
    assert test.method is PValueMethod.FISHER_EXACT
    assert test.p_value == pytest.approx(
        2 * math.comb(10**9, 3) / math.comb(2 * 10**9, 3), rel=1e-9
    )


@pytest.mark.parametrize(
    "table",
    [
        [[7, 13], [1, 19]],
        [[3, 97], [0, 100]],
        [[0, 5], [5, 0]],
        [[2, 3], [3, 2]],
        [[10, 4000], [2, 20]],
        [[5, 10**7], [12, 3 * 10**7]],
    ],
)
def test_fisher_recurrence_for_big_tables_matches_scipy(table):
    # scipy.stats.fisher_exact(table).pvalue, e.g. [[0, 5], [5, 0]] -> 0.0079365 (= 2 / C(10, 5))
    assert fisher_two_sided(table) == pytest.approx(fisher_exact(table).pvalue, rel=1e-7)
    (a, b), (c, d) = table
    if a + b + c + d < 1000:
        assert fisher_two_sided(table) == pytest.approx(hand_fisher(a, b, c, d), rel=1e-9)


def test_holm_matches_hand_step_down():
    # sorted 0.01, 0.02, 0.04 with m = 3: 3 * 0.01 = 0.03, max(0.03, 2 * 0.02) = 0.04,
    # max(0.04, 1 * 0.04) = 0.04; back in input order (0.04, 0.03, 0.04)
    assert holm_adjust([0.04, 0.01, 0.02]) == pytest.approx((0.04, 0.03, 0.04), rel=1e-12)
    # 2 * 0.3 = 0.6, max(0.6, 0.8) = 0.8
    assert holm_adjust([0.8, 0.3]) == pytest.approx((0.8, 0.6), rel=1e-12)
    # capped at 1: 2 * 0.7 = 1.4 -> 1
    assert holm_adjust([0.7, 0.9]) == pytest.approx((1.0, 1.0))


def test_holm_of_one_p_value_is_itself():
    assert holm_adjust([0.0123]) == (0.0123,)


@pytest.mark.parametrize(("conversions", "visitors"), [(5, 3), (-1, 10), (1, -10)])
def test_impossible_counts_raise_value_error(conversions, visitors):
    with pytest.raises(ValueError):
        wilson_interval(conversions, visitors)
    with pytest.raises(ValueError):
        two_proportion_test(conversions, visitors, 1, 10)


def test_zero_visitors_raise_value_error():
    with pytest.raises(ValueError, match="visitor"):
        wilson_interval(0, 0)
    with pytest.raises(ValueError, match="visitors"):
        newcombe_diff_interval(0, 0, 1, 10)


def test_holm_matches_statsmodels_on_random_p_values():
    from statsmodels.stats.multitest import multipletests

    rng = np.random.default_rng(11)
    for size in (2, 3, 5, 9):
        p_values = rng.uniform(0, 0.2, size).tolist()
        # statsmodels.stats.multitest.multipletests(p_values, method="holm")[1]
        reference = multipletests(p_values, method="holm")[1]
        assert holm_adjust(p_values) == pytest.approx(tuple(reference), rel=1e-12)
