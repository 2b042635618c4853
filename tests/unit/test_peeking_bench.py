"""The peeking bench's vectorised verdict agrees with ``conversion_readout``, day by day."""

from __future__ import annotations

import numpy as np
import pytest

from bench.peeking import NO_DECISION, daily_kinds, first_decisive, flipped_back
from experiments.stats.readout import ArmCounts, conversion_readout
from experiments.stats.verdict import KindCode, VerdictKind, VerdictReason

GATED = {
    VerdictReason.NO_VISITORS,
    VerdictReason.FEW_VISITORS,
    VerdictReason.FEW_CONVERSIONS,
}


def scalar_kind(readout) -> int:
    verdict = readout.verdict
    if verdict.reason in GATED:
        return NO_DECISION
    if verdict.kind is VerdictKind.SHIP:
        return KindCode.SHIP_CONTROL if verdict.variant == "A" else KindCode.SHIP_CHALLENGER
    return {
        VerdictKind.STOP_NO_EFFECT: KindCode.STOP_NO_EFFECT,
        VerdictKind.CHECK_DATA: KindCode.CHECK_DATA,
        VerdictKind.KEEP_RUNNING: KindCode.KEEP_RUNNING,
    }[verdict.kind]


@pytest.mark.parametrize(
    ("rates", "daily", "min_effect"),
    [
        # (seed 11: these give keep running and ship B; stop: no effect; stop at 70/30;
        # keep the control — every kind but "check your data")
        ((0.05, 0.07), (300, 300), None),
        ((0.08, 0.04, 0.08), (800, 800, 800), 0.03),
        ((0.05, 0.05), (1400, 600), 0.015),
        ((0.07, 0.04), (600, 600), None),
    ],
)
def test_the_bench_reaches_the_same_verdicts_as_the_readout(rates, daily, min_effect):
    rng = np.random.default_rng(11)
    runs, days = 6, 12
    conversions = np.stack(
        [rng.binomial(v, r, size=(runs, days)) for v, r in zip(daily, rates, strict=True)],
        axis=2,
    ).cumsum(axis=1)
    bench = daily_kinds(conversions, daily, min_effect).kinds
    names = "ABC"
    for run in range(runs):
        looks: list[list[ArmCounts]] = []
        for day in range(days):
            totals = [
                ArmCounts(names[arm], daily[arm] * (day + 1), int(conversions[run, day, arm]))
                for arm in range(len(daily))
            ]
            readout = conversion_readout(
                totals, planned_split=list(daily), min_effect=min_effect, history=looks
            )
            looks.append(totals)
            assert bench[run, day] == scalar_kind(readout), (run, day)


def test_first_decisive_and_flip_back():
    kinds = np.array(
        [
            [
                NO_DECISION,
                KindCode.KEEP_RUNNING,
                KindCode.SHIP_CHALLENGER,
                KindCode.SHIP_CHALLENGER,
            ],
            [
                KindCode.KEEP_RUNNING,
                KindCode.SHIP_CONTROL,
                KindCode.KEEP_RUNNING,
                KindCode.KEEP_RUNNING,
            ],
            [KindCode.KEEP_RUNNING] * 4,
        ]
    )
    first, day = first_decisive(kinds)
    assert list(first) == [KindCode.SHIP_CHALLENGER, KindCode.SHIP_CONTROL, KindCode.KEEP_RUNNING]
    assert list(day) == [3, 2, 0]
    assert list(flipped_back(kinds)) == [False, True, False]
