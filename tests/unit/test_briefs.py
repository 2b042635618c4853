"""The batch of digest briefs against the scalar readout, experiment by experiment."""

from __future__ import annotations

from collections import Counter

import numpy as np
import pytest

from experiments.stats.bayes import bayes_comparison, prob_beat_many
from experiments.stats.briefs import (
    BayesCache,
    ConversionCounts,
    brief_of,
    conversion_briefs,
    counts_of,
)
from experiments.stats.readout import ArmCounts, conversion_readout


def _random_experiment(rng: np.random.Generator) -> ConversionCounts:
    arm_count = int(rng.choice([2, 2, 2, 3, 4]))
    names = [f"arm {index}" for index in range(arm_count)]
    scale = int(rng.choice([0, 50, 150, 1000, 5000, 40_000]))
    base = float(rng.uniform(0.005, 0.3))
    lifts = [1.0, *rng.choice([0.6, 0.9, 1.0, 1.0, 1.1, 1.5], size=arm_count - 1)]
    split = None
    if rng.random() < 0.2:
        split = tuple(float(w) for w in rng.choice([1.0, 2.0, 3.0], size=arm_count))
    days = int(rng.integers(1, 8))
    shares = np.full(arm_count, 1 / arm_count) if split is None else np.array(split) / sum(split)
    if rng.random() < 0.05:
        # Now and then the split breaks, to reach the sample-ratio rule.
        shares = shares * np.linspace(1.0, 1.5, arm_count)
        shares /= shares.sum()
    late = int(rng.integers(0, arm_count)) if rng.random() < 0.1 else None
    drift = rng.random() < 0.1  # the first days convert far better: the looks disagree
    visitors = [0] * arm_count
    conversions = [0] * arm_count
    history = []
    for day in range(days):
        new = rng.multinomial(int(rng.integers(0, 2 * scale // days + 1)), shares)
        for arm in range(arm_count):
            if arm == late and day < days - 1:
                continue  # one arm logged only on the last day
            visitors[arm] += int(new[arm])
            rate = min(0.95, base * lifts[arm] * (4.0 if drift and day < days // 2 else 1.0))
            conversions[arm] += int(rng.binomial(int(new[arm]), rate))
        history.append(
            [ArmCounts(n, v, c) for n, v, c in zip(names, visitors, conversions, strict=True)]
        )
    arms = [ArmCounts(n, v, c) for n, v, c in zip(names, visitors, conversions, strict=True)]
    planned = int(rng.choice([0, 300, 3000, 100_000]))
    min_effect = float(rng.choice([0.0, 0.01, 0.05])) if rng.random() < 0.3 else None
    return ConversionCounts(
        arms=arms,
        looks=counts_of(history) if rng.random() < 0.8 else (),
        planned_per_variant=planned or None,
        min_effect=min_effect or None,
        planned_split=split,
    )


def _reference(item: ConversionCounts):
    return brief_of(
        conversion_readout(
            item.arms,
            planned_per_variant=item.planned_per_variant,
            min_effect=item.min_effect,
            planned_split=item.planned_split,
            history=[
                [ArmCounts(arm.name, v, c) for arm, (v, c) in zip(item.arms, look, strict=True)]
                for look in item.looks
            ],
        )
    )


def test_the_batch_says_what_each_readout_says() -> None:
    rng = np.random.default_rng(20260302)
    items = [_random_experiment(rng) for _ in range(600)]
    batch = conversion_briefs(items, bayes=BayesCache())
    reasons: Counter[str] = Counter()
    for item, brief in zip(items, batch, strict=True):
        expected = _reference(item)
        assert brief.verdict == expected.verdict, item
        assert brief.sample_ratio_mismatch == expected.sample_ratio_mismatch
        assert brief.rates == expected.rates
        assert brief.leader == expected_leader(item)
        assert len(brief.chances) == len(expected.chances)
        for got, want in zip(brief.chances, expected.chances, strict=True):
            assert (got is None) == (want is None)
            if got is not None:
                assert got == pytest.approx(want, abs=1e-12)
        reasons[expected.verdict.reason.value] += 1
    # The sample covers every rule a conversion verdict has.
    assert set(reasons) == {
        "sample_ratio_mismatch",
        "no_visitors",
        "few_visitors",
        "few_conversions",
        "intervals_disagree",
        "clear_winner",
        "control_wins",
        "no_effect_ruled_out",
        "no_clear_difference_at_plan",
        "not_clear_yet",
    }, reasons


def expected_leader(item: ConversionCounts) -> int | None:
    readout = conversion_readout(item.arms, planned_split=item.planned_split)
    leader = readout.leader
    return None if leader is None else [arm.name for arm in readout.arms].index(leader.name)


def test_a_chance_is_computed_once_for_the_same_counts() -> None:
    cache = BayesCache(size=3)
    first = cache.chances([(50, 1000, 40, 1000), (50, 1000, 40, 1000), (1, 2, 0, 2)])
    assert first[0] == first[1]
    assert first[0] == pytest.approx(bayes_comparison(50, 1000, 40, 1000).prob_beat_control)
    assert cache.chances([(1, 2, 0, 2)]) == [first[2]]
    # Past its size the oldest go, and what is asked is still answered.
    more = cache.chances([(3, 9, 1, 9), (4, 9, 1, 9), (50, 1000, 40, 1000)])
    assert more[2] == first[0]
    assert len(cache) == 3
    cache.clear()
    assert len(cache) == 0
    assert cache.chances([(1, 2, 0, 2)]) == [first[2]]


def test_the_chance_of_many_pairs_is_the_scalar_chance() -> None:
    rng = np.random.default_rng(7)
    visitors = rng.integers(0, 20_000, size=(2, 300))
    conversions = rng.binomial(visitors, 0.04)
    cases = [
        *zip(conversions[0], visitors[0], conversions[1], visitors[1], strict=True),
        (0, 0, 0, 0),
        (1, 1, 0, 1),
        (0, 3, 3, 3),
        (5 * 10**7, 10**9, 5 * 10**7 + 3000, 10**9),
        (7, 10**9, 3, 10),
        # Rates near 1 and near 0, the control narrower (its density; the variant's tail).
        (10**6 - 3, 10**6, 97, 100),
        (2, 3, 10**7 - 40, 10**7),
        (0, 50, 1, 10**8),
        (1, 10**9, 0, 10**9),
    ]
    many = prob_beat_many(*np.array(cases).T)
    for (vc, vn, cc, cn), value in zip(cases, many, strict=True):
        expected = bayes_comparison(int(vc), int(vn), int(cc), int(cn)).prob_beat_control
        assert value == pytest.approx(expected, abs=1e-12)


def test_the_chance_of_many_pairs_is_the_scalar_chance_at_any_rate_and_size() -> None:
    # Up to 10^4 visitors an arm's survival function is taken as 1 - its CDF; past it, not.
    rng = np.random.default_rng(11)
    visitors = rng.integers(1, 12_000, size=(2, 400))
    rates = rng.choice([0.001, 0.02, 0.3, 0.7, 0.98, 0.999], size=(2, 400))
    conversions = rng.binomial(visitors, rates)
    cases = list(zip(conversions[0], visitors[0], conversions[1], visitors[1], strict=True))
    many = prob_beat_many(*np.array(cases).T)
    for (vc, vn, cc, cn), value in zip(cases, many, strict=True):
        expected = bayes_comparison(int(vc), int(vn), int(cc), int(cn)).prob_beat_control
        assert value == pytest.approx(expected, abs=1e-12)
