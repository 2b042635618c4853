"""The readout's screen of its daily looks gives the very numbers of a loop over every look."""

from __future__ import annotations

import random

import numpy as np
import pytest

from experiments.stats.proportions import two_proportion_test
from experiments.stats.readout import ArmCounts, conversion_readout
from experiments.stats.sequential import (
    always_valid_p_value,
    confidence_sequence,
    msprt_p_value,
    msprt_p_values,
    running_interval,
    sequence_bounds,
)
from experiments.stats.verdict import MIN_VISITORS_PER_ARM


def every_look(
    index: int, arms: list[ArmCounts], looks: list[list[ArmCounts]], level: float
) -> tuple[float, float, float]:
    """The running p-value and interval computed look by look (the scalar reference)."""
    variant, control = arms[index], arms[0]
    best = always_valid_p_value(
        variant.conversions,
        variant.visitors,
        control.conversions,
        control.visitors,
        two_proportion_test(
            variant.conversions, variant.visitors, control.conversions, control.visitors
        ).p_value,
    )
    sequences = []
    for look in (*looks, arms):
        counts = (look[index].conversions, look[index].visitors)
        control_counts = (look[0].conversions, look[0].visitors)
        sequences.append(confidence_sequence(*counts, *control_counts, level))
        if look is arms:
            continue
        msprt = msprt_p_value(*counts, *control_counts)
        if msprt < best:
            best = min(best, max(msprt, two_proportion_test(*counts, *control_counts).p_value))
    interval = running_interval(sequences)
    return best, interval.diff_low, interval.diff_high


def history(rng: random.Random, days: int, arms: int) -> list[list[ArmCounts]]:
    rates = [rng.uniform(0.01, 0.2) for _ in range(arms)]
    totals = [[0, 0] for _ in range(arms)]
    looks = []
    for _ in range(days):
        for arm, rate in enumerate(rates):
            visitors = rng.randint(0, 800)
            totals[arm][0] += visitors
            totals[arm][1] += sum(rng.random() < rate for _ in range(visitors // 20)) * 20
            totals[arm][1] = min(totals[arm][1], totals[arm][0])
        looks.append([ArmCounts("ABC"[arm], v, c) for arm, (v, c) in enumerate(totals)])
    return looks


@pytest.mark.parametrize("seed", range(40))
def test_the_screened_looks_give_the_numbers_of_every_look(seed: int) -> None:
    rng = random.Random(seed)
    arm_count = rng.choice([2, 3])
    looks = history(rng, rng.randint(1, 150), arm_count)
    arms = looks[-1]
    readout = conversion_readout(arms, history=looks)
    level = 0.05 / (arm_count - 1)
    kept = [look for look in looks if all(a.visitors >= MIN_VISITORS_PER_ARM for a in look)]
    if kept and kept[-1] == arms:
        kept.pop()
    for index in range(1, arm_count):
        comparison = readout.arms[index].vs_control
        if comparison is None:
            continue
        best, low, high = every_look(index, arms, kept, level)
        assert comparison.sequential_p_value == best
        assert (comparison.seq_diff_ci_low, comparison.seq_diff_ci_high) == (low, high)
        assert comparison.looks == len(kept) + 1


def test_the_array_forms_agree_with_the_scalar_ones() -> None:
    rng = random.Random(5)
    rows = []
    for _ in range(200):
        visitors = (rng.randint(1, 10**6), rng.randint(1, 10**6))
        rows.append(
            (rng.randint(0, visitors[0]), visitors[0], rng.randint(0, visitors[1]), visitors[1])
        )
    counts = np.array(rows, dtype=np.float64).T
    lows, highs = sequence_bounds(*counts, 0.05)
    msprts = msprt_p_values(*counts)
    for row, low, high, msprt in zip(rows, lows, highs, msprts, strict=True):
        scalar = confidence_sequence(*row, 0.05)
        assert low == pytest.approx(scalar.diff_low, rel=1e-12, abs=1e-15)
        assert high == pytest.approx(scalar.diff_high, rel=1e-12, abs=1e-15)
        assert msprt == pytest.approx(msprt_p_value(*row), rel=1e-12, abs=1e-300)


def test_the_array_forms_refuse_a_look_without_visitors_or_with_too_many_conversions() -> None:
    with pytest.raises(ValueError):
        msprt_p_values(np.array([1.0]), np.array([0.0]), np.array([1.0]), np.array([5.0]))
    with pytest.raises(ValueError):
        sequence_bounds(np.array([6.0]), np.array([5.0]), np.array([1.0]), np.array([5.0]), 0.05)
