"""One test per verdict rule (experiments.stats.verdict docstring)."""

import numpy as np
import pytest

from experiments.stats.readout import ArmCounts, VerdictKind, VerdictReason, conversion_readout
from experiments.stats.sequential import msprt_p_value
from experiments.stats.verdict import EffectCall, KindCode, call_effect, decide_kinds


def readout(*pairs: tuple[int, int], **kwargs):
    return conversion_readout(
        [
            ArmCounts(name="ABCDEFGH"[index], visitors=visitors, conversions=conversions)
            for index, (conversions, visitors) in enumerate(pairs)
        ],
        **kwargs,
    )


def test_sample_ratio_mismatch_says_check_your_data():
    # (100² + 100²) / 1100 = 18.18; chi2.sf(18.18, 1) -> 2.0e-5 < 0.001
    verdict = readout((50, 1000), (80, 1200)).verdict
    assert verdict.kind is VerdictKind.CHECK_DATA
    assert verdict.reason is VerdictReason.SAMPLE_RATIO_MISMATCH
    assert verdict.srm_p_value == pytest.approx(2.0e-5, rel=0.01)
    assert verdict.observed_shares == pytest.approx((1000 / 2200, 1200 / 2200))
    assert verdict.planned_shares == pytest.approx((0.5, 0.5))


def test_an_arm_with_no_visitors_keeps_running():
    verdict = readout((0, 0), (0, 0)).verdict
    assert (verdict.kind, verdict.reason, verdict.arm) == (
        VerdictKind.KEEP_RUNNING,
        VerdictReason.NO_VISITORS,
        "A",
    )


def test_few_visitors_keeps_running_with_the_numbers():
    verdict = readout((5, 50), (12, 60)).verdict
    assert verdict.kind is VerdictKind.KEEP_RUNNING
    assert verdict.reason is VerdictReason.FEW_VISITORS
    assert (verdict.arm, verdict.visitors, verdict.min_visitors) == ("A", 50, 100)


def test_few_conversions_keeps_running():
    verdict = readout((3, 500), (4, 500)).verdict
    assert verdict.reason is VerdictReason.FEW_CONVERSIONS
    assert (verdict.conversions, verdict.min_conversions) == (7, 10)


def test_a_clear_winner_ships():
    verdict = readout((500, 10000), (650, 10000)).verdict
    assert verdict.kind is VerdictKind.SHIP
    assert verdict.variant == "B"
    assert verdict.reason is VerdictReason.CLEAR_WINNER
    assert verdict.lift == pytest.approx(0.3)
    # 1 / Lambda -> 2.9635e-4 (see test_sequential)
    assert verdict.sequential_p_value == pytest.approx(2.9635e-4, rel=1e-3)
    assert verdict.prob_beat_control > 0.999


def test_ship_needs_the_sequential_p_not_the_fixed_one():
    # fixed p = 0.0188 < 0.05 but always-valid p = 0.40 -> not yet
    result = readout((500, 10000), (565, 10000))
    comparison = result.arms[1].vs_control
    assert comparison.p_value < 0.05 < comparison.sequential_p_value
    assert result.verdict.kind is VerdictKind.KEEP_RUNNING
    assert result.verdict.reason is VerdictReason.NOT_CLEAR_YET


def test_holm_over_sequential_p_values_decides_with_two_challengers():
    # msprt_p_value(600, 10000, 500, 10000) -> 0.0419: ships alone, but Holm doubles it to
    # 0.0838 when a second challenger is compared too
    assert msprt_p_value(600, 10000, 500, 10000) == pytest.approx(0.0418993, rel=1e-4)
    assert readout((500, 10000), (600, 10000)).verdict.kind is VerdictKind.SHIP
    verdict = readout((500, 10000), (600, 10000), (500, 10000)).verdict
    assert verdict.kind is VerdictKind.KEEP_RUNNING
    assert verdict.sequential_p_value == pytest.approx(2 * 0.0418993, rel=1e-4)


def test_the_best_clear_winner_ships_among_several():
    verdict = readout((500, 10000), (650, 10000), (700, 10000), (480, 10000)).verdict
    assert (verdict.kind, verdict.variant) == (VerdictKind.SHIP, "C")
    assert verdict.challengers == 3


def test_control_clearly_better_ships_the_control():
    verdict = readout((650, 10000), (500, 10000)).verdict
    assert verdict.kind is VerdictKind.SHIP
    assert verdict.variant == "A"
    assert verdict.reason is VerdictReason.CONTROL_WINS
    assert verdict.arm == "B"
    assert verdict.lift == pytest.approx(-150 / 650)


def test_control_wins_only_when_every_challenger_is_clearly_worse():
    assert readout((650, 10000), (500, 10000), (480, 10000)).verdict.reason is (
        VerdictReason.CONTROL_WINS
    )
    # C (600 vs 650): its always-valid interval at alpha/2, about -0.005 ± 0.0114, holds both
    # no difference and a drop bigger than 20 % of 6.5 %: not clear yet.
    verdict = readout((650, 10000), (500, 10000), (600, 10000)).verdict
    assert verdict.kind is VerdictKind.KEEP_RUNNING
    assert verdict.reason is VerdictReason.NOT_CLEAR_YET


def test_one_worse_change_and_one_without_effect_stop():
    # C (640 vs 650): -0.001 ± 0.0114 lies inside ±0.2 · 0.065 = ±0.013; B is clearly worse.
    verdict = readout((650, 10000), (500, 10000), (640, 10000)).verdict
    assert verdict.kind is VerdictKind.STOP_NO_EFFECT
    assert verdict.reason is VerdictReason.NO_EFFECT_RULED_OUT


def test_planned_size_reached_without_a_clear_difference_says_so_and_keeps_running():
    # The interval -0.0091 to +0.0116 still holds effects of the MDE's size (0.01): never
    # "no effect" then. If the estimate held, 3,203 more visitors per arm would settle it
    # (bisection in _visitors_to_settle: 0.0012 + h(n) < 0.01).
    verdict = readout((400, 8143), (410, 8143), planned_per_variant=8143, min_effect=0.01).verdict
    assert verdict.kind is VerdictKind.KEEP_RUNNING
    assert verdict.reason is VerdictReason.NO_CLEAR_DIFFERENCE_AT_PLAN
    assert verdict.planned_per_variant == 8143
    assert verdict.seq_diff_low < -0.009 and verdict.seq_diff_high > 0.011
    assert verdict.visitors_to_settle == 3203


def test_a_narrow_interval_around_zero_stops_without_a_plan():
    # always-valid half-width at 1e5 per arm: 0.00316 (test_sequential's formula), and
    # |0.0001| + 0.00316 < the default 20 % of 5 % = 0.01
    verdict = readout((5000, 100000), (5010, 100000)).verdict
    assert verdict.kind is VerdictKind.STOP_NO_EFFECT
    assert verdict.reason is VerdictReason.NO_EFFECT_RULED_OUT
    assert verdict.effect_bound == pytest.approx(0.20)
    assert verdict.min_effect_is_default


def test_the_experiments_mde_is_the_bound_for_no_effect():
    # 0.000125 ± 0.0035 lies inside ±0.01 but not inside ±0.002
    assert readout((4000, 80000), (4010, 80000), min_effect=0.01).verdict.kind is (
        VerdictKind.STOP_NO_EFFECT
    )
    verdict = readout((4000, 80000), (4010, 80000), min_effect=0.002).verdict
    assert verdict.kind is VerdictKind.KEEP_RUNNING
    assert not verdict.min_effect_is_default


def test_a_near_certain_rate_is_not_called_no_effect():
    # 990/1000 vs 999/1000: fixed p = 0.0065, always-valid -0.51 to +2.31 pp: not clear yet,
    # and the default bound is 20 % of the 1 % non-conversion rate, not ±20 points.
    verdict = readout((990, 1000), (999, 1000)).verdict
    assert verdict.kind is VerdictKind.KEEP_RUNNING
    assert verdict.min_effect == pytest.approx(0.002)


def test_a_ship_does_not_flip_back_at_a_weaker_later_look():
    # Day 1 (650 vs 500 of 10,000) excluded 0: low 0.0050055. Day 2 alone (1,100 vs 1,000 of
    # 20,000) would not, but the running interval keeps day 1's low end.
    alone = readout((1000, 20000), (1100, 20000)).verdict
    assert alone.kind is VerdictKind.KEEP_RUNNING
    day_one = [ArmCounts("A", 10000, 500), ArmCounts("B", 10000, 650)]
    result = readout((1000, 20000), (1100, 20000), history=[day_one])
    assert result.verdict.kind is VerdictKind.SHIP
    assert result.verdict.seq_diff_low == pytest.approx(0.0050055, rel=1e-4)
    comparison = result.arms[1].vs_control
    assert comparison.looks == 2
    # running minimum: day 1's 2.9635e-4 (test_sequential), not day 2's larger one
    assert comparison.sequential_p_value == pytest.approx(2.9635e-4, rel=1e-3)


def test_looks_that_contradict_each_other_say_check_your_data():
    day_one = [ArmCounts("A", 10000, 500), ArmCounts("B", 10000, 650)]
    verdict = readout((1000, 20000), (900, 20000), history=[day_one]).verdict
    assert verdict.kind is VerdictKind.CHECK_DATA
    assert verdict.reason is VerdictReason.INTERVALS_DISAGREE


def test_looks_with_under_100_visitors_per_arm_are_left_out():
    early = [ArmCounts("A", 50, 5), ArmCounts("B", 50, 30)]
    result = readout((1000, 20000), (1100, 20000), history=[early])
    assert result.arms[1].vs_control.looks == 1
    assert result.verdict.kind is VerdictKind.KEEP_RUNNING


def test_a_worse_change_keeps_the_control_and_quotes_its_range():
    verdict = readout((650, 10000), (500, 10000)).verdict
    assert verdict.seq_diff_high < 0
    assert verdict.seq_lift_low == pytest.approx(verdict.seq_diff_low / 0.065)


def test_array_rules_agree_with_the_scalar_ones():
    lows = np.array([0.01, -0.02, -0.004, -0.03, 0.02])
    highs = np.array([0.03, -0.01, 0.004, 0.01, 0.01])
    calls = call_effect(lows, highs, 0.005)
    assert list(calls) == [
        EffectCall.BETTER,
        EffectCall.WORSE,
        EffectCall.NEGLIGIBLE,
        EffectCall.UNCLEAR,
        EffectCall.BROKEN,
    ]
    kinds = decide_kinds(
        np.array(
            [
                [EffectCall.BETTER, EffectCall.WORSE],
                [EffectCall.WORSE, EffectCall.WORSE],
                [EffectCall.WORSE, EffectCall.NEGLIGIBLE],
                [EffectCall.UNCLEAR, EffectCall.NEGLIGIBLE],
                [EffectCall.BETTER, EffectCall.BROKEN],
            ]
        )
    )
    assert list(kinds) == [
        KindCode.SHIP_CHALLENGER,
        KindCode.SHIP_CONTROL,
        KindCode.STOP_NO_EFFECT,
        KindCode.KEEP_RUNNING,
        KindCode.CHECK_DATA,
    ]


def test_not_clear_yet_keeps_running_and_counts_visitors_to_the_plan():
    verdict = readout((120, 2400), (150, 2400), planned_per_variant=8143).verdict
    assert verdict.kind is VerdictKind.KEEP_RUNNING
    assert verdict.reason is VerdictReason.NOT_CLEAR_YET
    assert verdict.arm == "B"
    assert verdict.visitors_needed == 8143 - 2400
    assert verdict.prob_beat_control == pytest.approx(0.96976664, rel=1e-7)
    assert readout((120, 2400), (150, 2400)).verdict.visitors_needed is None
    # If 0.0125 held, h(n) < 0.0125 after 3,975 more per arm (bisection, _visitors_to_settle)
    assert verdict.visitors_to_settle == 3975


def test_a_mismatch_outranks_a_clear_winner():
    assert readout((500, 10000), (800, 12000)).verdict.kind is VerdictKind.CHECK_DATA


def test_the_running_p_value_is_the_minimum_of_the_floored_p_values_over_the_looks():
    from experiments.stats.proportions import two_proportion_test
    from experiments.stats.sequential import always_valid_p_value

    days = [(1000, 50, 62), (2000, 100, 131), (3000, 150, 170), (4000, 200, 236)]
    looks = [[ArmCounts("A", n, a), ArmCounts("B", n, b)] for n, a, b in days]
    result = readout((200, 4000), (236, 4000), history=looks[:-1])
    brute = min(
        always_valid_p_value(b, n, a, n, two_proportion_test(b, n, a, n).p_value)
        for n, a, b in days
    )
    assert result.arms[1].vs_control.sequential_p_value == pytest.approx(brute, rel=1e-12)
