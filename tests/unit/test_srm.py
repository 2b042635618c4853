"""Sample-ratio mismatch against a hand chi-square."""

import pytest
from scipy.stats import chi2

from experiments.stats.srm import planned_shares, sample_ratio_check


def test_equal_split_matches_hand_chi_square():
    # expected 2500 each: (100² + 100²) / 2500 = 8.0; scipy.stats.chi2.sf(8.0, 1) -> 0.00467773
    check = sample_ratio_check([2400, 2600])
    assert check.p_value == pytest.approx(chi2.sf(8.0, 1), rel=1e-10)
    assert check.p_value == pytest.approx(0.00467773, rel=1e-5)
    assert not check.mismatch  # 0.0047 is not below 0.001
    assert check.observed_shares == pytest.approx((0.48, 0.52))


def test_planned_split_weights_are_used():
    # weights 1:1:2 of 4000 -> expected 1000, 1000, 2000
    # (0 + 100²/1000 + 100²/2000) = 15.0; scipy.stats.chi2.sf(15.0, 2) -> 0.000553084
    check = sample_ratio_check([1000, 1100, 1900], planned_split=[1, 1, 2])
    assert check.p_value == pytest.approx(0.000553084, rel=1e-5)
    assert check.mismatch
    assert check.planned_shares == pytest.approx((0.25, 0.25, 0.5))


def test_no_visitors_gives_no_p_value():
    check = sample_ratio_check([0, 0])
    assert check.p_value is None
    assert not check.mismatch


def test_a_billion_visitors_flags_a_small_imbalance():
    # (1e6² + 1e6²) / 1e9 = 2000; chi2.sf(2000, 1) is 0 to double precision
    check = sample_ratio_check([999_000_000, 1_001_000_000])
    assert check.p_value == pytest.approx(chi2.sf(2000.0, 1), abs=1e-300)
    assert check.mismatch


def test_bad_planned_split_raises():
    with pytest.raises(ValueError, match="weights"):
        planned_shares(2, [1, 2, 3])
    with pytest.raises(ValueError, match="positive"):
        planned_shares(2, [1, 0])
    with pytest.raises(ValueError, match="negative"):
        sample_ratio_check([-1, 10])
