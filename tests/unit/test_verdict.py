"""One test per verdict rule (experiments.stats.verdict docstring)."""

import pytest

from experiments.stats.readout import ArmCounts, VerdictKind, VerdictReason, conversion_readout
from experiments.stats.sequential import msprt_p_value


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
    verdict = readout((650, 10000), (500, 10000), (640, 10000)).verdict
    assert verdict.kind is VerdictKind.KEEP_RUNNING


def test_planned_size_reached_without_a_difference_stops():
    verdict = readout((400, 8143), (410, 8143), planned_per_variant=8143).verdict
    assert verdict.kind is VerdictKind.STOP_NO_EFFECT
    assert verdict.reason is VerdictReason.NO_EFFECT_AT_PLANNED_SIZE
    assert verdict.planned_per_variant == 8143


def test_a_narrow_interval_around_zero_stops_without_a_plan():
    # Newcombe half-width ≈ 1.96 sqrt(2 · 0.05 · 0.95 / 1e5) = 0.0019 < 10 % of 5 % = 0.005
    verdict = readout((5000, 100000), (5010, 100000)).verdict
    assert verdict.kind is VerdictKind.STOP_NO_EFFECT
    assert verdict.reason is VerdictReason.NO_EFFECT_RULED_OUT
    assert verdict.effect_bound == 0.10


def test_not_clear_yet_keeps_running_and_counts_visitors_to_the_plan():
    verdict = readout((120, 2400), (150, 2400), planned_per_variant=8143).verdict
    assert verdict.kind is VerdictKind.KEEP_RUNNING
    assert verdict.reason is VerdictReason.NOT_CLEAR_YET
    assert verdict.arm == "B"
    assert verdict.visitors_needed == 8143 - 2400
    assert verdict.prob_beat_control == pytest.approx(0.96976664, rel=1e-7)
    assert readout((120, 2400), (150, 2400)).verdict.visitors_needed is None


def test_a_mismatch_outranks_a_clear_winner():
    assert readout((500, 10000), (800, 12000)).verdict.kind is VerdictKind.CHECK_DATA
