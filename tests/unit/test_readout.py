"""The readout end to end: numbers in place, edges answered, never NaN."""

import math

import pytest
from scipy.stats import norm

from experiments.stats.readout import ArmCounts, VerdictKind, VerdictReason, conversion_readout


def arms(*pairs: tuple[int, int]) -> list[ArmCounts]:
    """(conversions, visitors) pairs named A, B, C, ..."""
    return [
        ArmCounts(name="ABCDEFGH"[index], visitors=visitors, conversions=conversions)
        for index, (conversions, visitors) in enumerate(pairs)
    ]


def all_numbers(readout) -> list[float]:
    numbers: list[float] = [readout.alpha]
    if readout.srm_p_value is not None:
        numbers.append(readout.srm_p_value)
    for arm in readout.arms:
        numbers += [x for x in (arm.rate, arm.ci_low, arm.ci_high) if x is not None]
        if arm.vs_control is not None:
            c = arm.vs_control
            numbers += [
                c.diff,
                c.diff_ci_low,
                c.diff_ci_high,
                c.p_value,
                c.p_value_holm,
                c.prob_beat_control,
                c.expected_loss,
                c.sequential_p_value,
                c.seq_diff_ci_low,
                c.seq_diff_ci_high,
            ]
            if c.lift is not None:
                numbers.append(c.lift)
    return numbers


def test_running_example_numbers():
    readout = conversion_readout(arms((120, 2400), (150, 2400)))
    control, variant = readout.arms
    assert control.vs_control is None
    assert control.rate == 0.05
    # Wilson by hand (see test_proportions.hand_wilson) -> (0.0419770, 0.0594612)
    assert (control.ci_low, control.ci_high) == pytest.approx((0.0419770, 0.0594612), rel=1e-5)
    comparison = variant.vs_control
    assert comparison is not None
    assert comparison.diff == pytest.approx(0.0125)
    # Newcombe by hand from the Wilson intervals -> (-0.000559953, 0.0256357)
    assert comparison.diff_ci_low == pytest.approx(-0.000559953, rel=1e-5)
    assert comparison.diff_ci_high == pytest.approx(0.0256357, rel=1e-5)
    assert comparison.lift == pytest.approx(0.25)
    # pooled z = 1.879364; 2 * scipy.stats.norm.sf(1.879364) -> 0.0601948
    assert comparison.p_value == pytest.approx(0.0601948, rel=1e-5)
    assert comparison.p_value_method == "z-test"
    assert comparison.p_value_holm == comparison.p_value
    # Evan Miller's sum -> 0.96976664; Stucchio's closed form -> 7.8226439e-05
    assert comparison.prob_beat_control == pytest.approx(0.96976664, rel=1e-7)
    assert comparison.expected_loss == pytest.approx(7.8226439e-05, rel=1e-6)
    assert comparison.sequential_p_value >= comparison.p_value
    # equal visitors: chi-square 0 -> p = 1
    assert readout.srm_p_value == pytest.approx(1.0)
    assert not readout.sample_ratio_mismatch
    assert readout.leader is variant


def test_holm_over_three_challengers():
    readout = conversion_readout(arms((500, 10000), (560, 10000), (430, 10000), (515, 10000)))
    fixed = [arm.vs_control.p_value for arm in readout.arms[1:]]
    holm = [arm.vs_control.p_value_holm for arm in readout.arms[1:]]
    # Holm by hand: sort ascending, multiply the i-th smallest by (m - i), running max, cap 1
    order = sorted(range(3), key=lambda i: fixed[i])
    expected = [0.0] * 3
    running = 0.0
    for rank, index in enumerate(order):
        running = max(running, min(1.0, (3 - rank) * fixed[index]))
        expected[index] = running
    assert holm == pytest.approx(expected, rel=1e-12)
    # 2 * norm.sf(|z|) with pooled z for 560 vs 500 of 10,000 -> 0.0585 (fixed), and Holm > it
    pooled = 1060 / 20000
    z = 0.006 / math.sqrt(pooled * (1 - pooled) * 2 / 10000)
    assert fixed[0] == pytest.approx(2 * norm.sf(z), rel=1e-9)
    assert holm[0] > fixed[0]


def test_zero_conversions_everywhere():
    readout = conversion_readout(arms((0, 500), (0, 500)))
    comparison = readout.arms[1].vs_control
    assert comparison is not None
    assert comparison.p_value == 1.0
    assert comparison.p_value_method == "fisher-exact"
    assert comparison.lift is None
    assert comparison.prob_beat_control == pytest.approx(0.5, abs=1e-12)
    assert readout.verdict.reason is VerdictReason.FEW_CONVERSIONS
    assert all(math.isfinite(x) for x in all_numbers(readout))


def test_everyone_converted():
    readout = conversion_readout(arms((500, 500), (500, 500)))
    comparison = readout.arms[1].vs_control
    assert comparison.p_value == 1.0
    assert comparison.lift == 0.0
    # The default bound is 20 % of the 0 % non-conversion rate: nothing is small enough to
    # call "no effect", while the always-valid range still holds ±1.7 points.
    assert readout.verdict.kind is VerdictKind.KEEP_RUNNING
    assert comparison.seq_diff_ci_high == pytest.approx(-comparison.seq_diff_ci_low)
    assert all(math.isfinite(x) for x in all_numbers(readout))


def test_one_visitor_each():
    readout = conversion_readout(arms((0, 1), (1, 1)))
    comparison = readout.arms[1].vs_control
    assert comparison.prob_beat_control == pytest.approx(5 / 6, rel=1e-12)
    assert comparison.p_value == 1.0  # hand Fisher: both tables equally likely
    assert readout.verdict.reason is VerdictReason.FEW_VISITORS
    assert all(math.isfinite(x) for x in all_numbers(readout))


def test_a_billion_visitors():
    readout = conversion_readout(arms((50_000_000, 10**9), (50_010_000, 10**9)))
    comparison = readout.arms[1].vs_control
    # 2 * norm.sf(1.025930) -> 0.304925 (pooled z by hand)
    assert comparison.p_value == pytest.approx(0.304925, rel=1e-5)
    # normal approximation Phi(m / s) with Beta means and sds -> 0.847538
    assert comparison.prob_beat_control == pytest.approx(0.847538, abs=1e-4)
    assert all(math.isfinite(x) for x in all_numbers(readout))
    assert readout.verdict.kind is VerdictKind.STOP_NO_EFFECT


def test_an_arm_without_visitors_has_no_numbers():
    readout = conversion_readout(arms((25, 500), (0, 0), (30, 500)))
    empty = readout.arms[1]
    assert (empty.rate, empty.ci_low, empty.ci_high, empty.vs_control) == (None,) * 4
    other = readout.arms[2].vs_control
    assert other is not None
    assert other.p_value_holm == other.p_value  # the only comparison that could be made
    # An empty arm means "not logged yet", not a broken split: no sample-ratio alarm.
    assert not readout.sample_ratio_mismatch
    assert readout.verdict.kind is VerdictKind.KEEP_RUNNING
    assert readout.verdict.reason is VerdictReason.NO_VISITORS


def test_no_visitors_at_all():
    readout = conversion_readout(arms((0, 0), (0, 0)))
    assert readout.srm_p_value is None
    assert not readout.sample_ratio_mismatch
    assert readout.leader is None
    assert readout.verdict.reason is VerdictReason.NO_VISITORS
    assert readout.verdict.arm == "A"


def test_control_without_visitors_means_no_comparisons():
    readout = conversion_readout(arms((0, 0), (3, 40)))
    assert readout.arms[1].vs_control is None
    assert readout.arms[1].rate == pytest.approx(0.075)


def test_planned_split_feeds_the_srm_check():
    # 1000 vs 2000 visitors planned 1:2 -> chi-square 0 -> p = 1
    readout = conversion_readout(arms((50, 1000), (100, 2000)), planned_split=[1, 2])
    assert readout.srm_p_value == pytest.approx(1.0)
    assert not readout.sample_ratio_mismatch
    assert conversion_readout(arms((50, 1000), (100, 2000))).sample_ratio_mismatch


def test_alpha_changes_the_intervals():
    narrow = conversion_readout(arms((120, 2400), (150, 2400)), alpha=0.10)
    # Newcombe at alpha 0.10 by hand -> (0.00155119, 0.0235024)
    assert narrow.arms[1].vs_control.diff_ci_low == pytest.approx(0.00155119, rel=1e-5)
    assert narrow.alpha == 0.10


def test_leader_prefers_the_first_arm_on_a_tie():
    readout = conversion_readout(arms((10, 100), (10, 100)))
    assert readout.leader is readout.arms[0]


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"arms": arms((10, 100))}, "at least two arms"),
        ({"arms": arms((10, 100), (5, 3))}, "can't exceed"),
        ({"arms": arms((10, 100), (-1, 3))}, "negative"),
        ({"arms": [ArmCounts("A", 10, 1), ArmCounts("A", 10, 1)]}, "unique"),
        ({"arms": arms((10, 100), (5, 30)), "alpha": 1.5}, "alpha"),
        ({"arms": arms((10, 100), (5, 30)), "planned_per_variant": 0}, "planned_per_variant"),
        ({"arms": arms((10, 100), (5, 30)), "planned_split": [1]}, "weights"),
    ],
)
def test_impossible_inputs_raise_value_error(kwargs, message):
    with pytest.raises(ValueError, match=message):
        conversion_readout(**kwargs)
