"""The closed forms the statistics use agree with the library functions they replace.

statsmodels and scipy.stats are loaded only here: the bot computes the same numbers with
scipy.special and math (see experiments/stats/proportions.py, sample_size.py, srm.py).
"""

from __future__ import annotations

import itertools

import pytest
from scipy.stats import chisquare, fisher_exact
from statsmodels.stats.power import NormalIndPower
from statsmodels.stats.proportion import (
    confint_proportions_2indep,
    proportion_confint,
    proportion_effectsize,
    proportions_ztest,
)

from experiments.stats.proportions import (
    PValueMethod,
    newcombe_diff_interval,
    two_proportion_test,
    wilson_interval,
)
from experiments.stats.sample_size import sample_size_per_variant
from experiments.stats.srm import sample_ratio_check

COUNTS = [(0, 1), (1, 1), (0, 7), (3, 7), (7, 7), (5, 40), (12, 300), (120, 2400), (150, 2400)]
COUNTS += [(999, 100_000), (50_001, 100_000), (3, 1_000_000)]
ALPHAS = [0.05, 0.01, 0.2]


@pytest.mark.parametrize("alpha", ALPHAS)
@pytest.mark.parametrize(("conversions", "visitors"), COUNTS)
def test_wilson_matches_statsmodels(conversions: int, visitors: int, alpha: float) -> None:
    low, high = proportion_confint(conversions, visitors, alpha=alpha, method="wilson")
    rate = conversions / visitors
    interval = wilson_interval(conversions, visitors, alpha)
    assert interval.ci_low == pytest.approx(min(float(low), rate), rel=1e-12, abs=1e-15)
    assert interval.ci_high == pytest.approx(max(float(high), rate), rel=1e-12, abs=1e-15)


@pytest.mark.parametrize("alpha", ALPHAS)
def test_newcombe_matches_statsmodels(alpha: float) -> None:
    for (c1, n1), (c2, n2) in itertools.product(COUNTS, repeat=2):
        low, high = confint_proportions_2indep(
            c1, n1, c2, n2, method="newcomb", compare="diff", alpha=alpha
        )
        diff = c1 / n1 - c2 / n2
        interval = newcombe_diff_interval(c1, n1, c2, n2, alpha)
        assert interval.diff_ci_low == pytest.approx(
            max(-1.0, min(float(low), diff)), rel=1e-12, abs=1e-15
        )
        assert interval.diff_ci_high == pytest.approx(
            min(1.0, max(float(high), diff)), rel=1e-12, abs=1e-15
        )


def test_two_proportion_test_matches_statsmodels_and_scipy() -> None:
    tables = list(itertools.product(COUNTS, repeat=2))
    tables += [((a, 12), (b, 9)) for a in range(13) for b in range(10)]
    methods = set()
    for (c1, n1), (c2, n2) in tables:
        result = two_proportion_test(c1, n1, c2, n2)
        methods.add(result.method)
        if result.method is PValueMethod.Z_TEST:
            _, expected = proportions_ztest([c1, c2], [n1, n2])
        elif c1 + c2 in (0, n1 + n2):
            expected = 1.0
        else:
            table = [[c1, n1 - c1], [c2, n2 - c2]]
            expected = fisher_exact(table, alternative="two-sided").pvalue
        assert result.p_value == pytest.approx(min(1.0, float(expected)), rel=1e-9, abs=1e-14)
    assert methods == {PValueMethod.Z_TEST, PValueMethod.FISHER_EXACT}


@pytest.mark.parametrize("power", [0.8, 0.9, 0.5])
@pytest.mark.parametrize("alpha", [0.05, 0.01, 0.1])
@pytest.mark.parametrize(
    ("baseline", "target"), [(0.05, 0.06), (0.05, 0.04), (0.3, 0.45), (0.01, 0.011), (0.5, 0.9)]
)
def test_sample_size_matches_statsmodels(
    baseline: float, target: float, alpha: float, power: float
) -> None:
    solved = NormalIndPower().solve_power(
        effect_size=proportion_effectsize(target, baseline),
        alpha=alpha,
        power=power,
        ratio=1,
        alternative="two-sided",
    )
    plan = sample_size_per_variant(baseline, target, alpha=alpha, power=power)
    assert plan.per_variant == -(-float(solved) // 1)


@pytest.mark.parametrize(
    ("visitors", "split"),
    [
        ([500, 500], None),
        ([480, 520], None),
        ([400, 600], None),
        ([700, 300], [70, 30]),
        ([10, 20, 35], None),
        ([1, 0], None),
        ([100_000, 99_000, 101_500], [1, 1, 1]),
    ],
)
def test_sample_ratio_matches_scipy(visitors: list[int], split: list[float] | None) -> None:
    check = sample_ratio_check(visitors, split)
    total = sum(visitors)
    shares = check.planned_shares
    expected = chisquare(visitors, [total * share for share in shares]).pvalue
    assert check.p_value == pytest.approx(float(expected), rel=1e-10, abs=1e-300)
