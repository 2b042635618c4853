"""One variant against a target rate: the one-sample normal-mixture confidence sequence."""

from __future__ import annotations

import math

import numpy as np
import pytest
from scipy import integrate, stats

from experiments.stats.sequential import MIXING_EFFECT_SIZE
from experiments.stats.target import (
    TargetCall,
    TargetLook,
    mixture_ratio,
    one_sample_sequence,
    target_readout,
)


def integrated_ratio(conversions: int, visitors: int, rate: float, target: float) -> float:
    """Lambda(rate) by direct numerical integration of the likelihood ratio over the mixture.

    rate_hat ~ N(theta, V); the mixture puts N(rate, tau²) on theta. Lambda is the mean, under
    the mixture, of the likelihood of theta over the likelihood of ``rate``.
    """
    plug_in = (conversions + 1) / (visitors + 2)
    variance = plug_in * (1 - plug_in) / visitors
    tau = MIXING_EFFECT_SIZE * math.sqrt(target * (1 - target))
    rate_hat = conversions / visitors

    def weighted(theta: float) -> float:
        log_ratio = ((rate_hat - rate) ** 2 - (rate_hat - theta) ** 2) / (2 * variance)
        return math.exp(log_ratio) * float(stats.norm.pdf(theta, loc=rate, scale=tau))

    value, _error = integrate.quad(weighted, rate - 12 * tau, rate + 12 * tau, limit=200)
    return value


def test_the_sequence_by_the_hand_formula() -> None:
    # 90 of 1,000 against a 5 % target, alpha 0.05:
    # p~ = 91/1002 = 0.0908184; V = p~(1 - p~)/1000 = 8.25704e-5;
    # tau² = 0.04² · 0.05 · 0.95 = 7.6e-5;
    # h = sqrt(V (V + tau²) / tau² · (2 ln 20 + ln((V + tau²)/V))) = 0.0338323;
    # 0.09 ± h = [0.0561677, 0.1238323].
    interval = one_sample_sequence(90, 1000, 0.05, 0.05)
    assert interval.diff_low == pytest.approx(0.0561677, rel=1e-5)
    assert interval.diff_high == pytest.approx(0.1238323, rel=1e-5)


@pytest.mark.parametrize(
    ("conversions", "visitors", "target"),
    [(90, 1000, 0.05), (12, 400, 0.02), (300, 2500, 0.15), (0, 150, 0.03)],
)
def test_the_ends_of_the_sequence_are_where_the_integrated_mixture_reaches_1_over_alpha(
    conversions: int, visitors: int, target: float
) -> None:
    interval = one_sample_sequence(conversions, visitors, target, 0.05)
    for end in (interval.diff_low, interval.diff_high):
        assert integrated_ratio(conversions, visitors, end, target) == pytest.approx(20, rel=1e-6)
        assert mixture_ratio(conversions, visitors, end, target) == pytest.approx(20, rel=1e-9)
    inside = (interval.diff_low + interval.diff_high) / 2
    assert integrated_ratio(conversions, visitors, inside, target) < 20


def test_the_calls() -> None:
    assert target_readout(90, 1000, 0.05).call is TargetCall.REACHED  # [5.62 %, 12.38 %]
    assert target_readout(60, 1000, 0.05).call is TargetCall.NOT_CLEAR_YET  # [3.38 %, 8.62 %]
    assert target_readout(10, 1000, 0.05).call is TargetCall.MISSED
    # 9 of 99 would clear 5 % with more visitors; below the minimum nothing is decided.
    few = target_readout(30, 99, 0.05)
    assert few.call is TargetCall.NOT_CLEAR_YET and few.rate == pytest.approx(30 / 99)
    empty = target_readout(0, 0, 0.05)
    assert empty.rate is None and empty.seq_low is None and empty.looks == 0


def test_the_range_is_intersected_over_the_looks() -> None:
    history = [TargetLook(500, 20), TargetLook(1000, 60)]
    readout = target_readout(60, 1000, 0.05, history=history)
    first = one_sample_sequence(20, 500, 0.05, 0.05)
    now = one_sample_sequence(60, 1000, 0.05, 0.05)
    assert readout.looks == 2  # the last day is now: counted once
    assert readout.seq_low == pytest.approx(max(first.diff_low, now.diff_low))
    assert readout.seq_high == pytest.approx(min(first.diff_high, now.diff_high))


def test_the_call_never_flips_back_over_daily_looks() -> None:
    rng = np.random.default_rng(20261202)
    for true_rate in (0.03, 0.05, 0.07):
        visitors = conversions = 0
        history: list[TargetLook] = []
        settled: TargetCall | None = None
        for _day in range(60):
            visitors += 200
            conversions += int(rng.binomial(200, true_rate))
            call = target_readout(conversions, visitors, 0.05, history=history).call
            history.append(TargetLook(visitors, conversions))
            if settled is not None:
                assert call is settled, (true_rate, visitors)
            elif call in (TargetCall.REACHED, TargetCall.MISSED):
                settled = call
        if true_rate == 0.07:
            assert settled is TargetCall.REACHED
        if true_rate == 0.03:
            assert settled is TargetCall.MISSED


@pytest.mark.parametrize("target", [0.0, 1.0, -0.1, 1.5])
def test_a_target_outside_0_and_1_is_refused(target: float) -> None:
    with pytest.raises(ValueError):
        target_readout(10, 100, target)
