"""Chance to beat the control and expected loss against closed forms computed another way."""

import math

import numpy as np
import pytest
from scipy import integrate
from scipy.special import betainc, betaln
from scipy.stats import beta, norm

from experiments.stats.bayes import (
    SUM_TERMS,
    BetaPosterior,
    _integrated_many,
    bayes_comparison,
    expected_loss,
    miller_sum,
    prob_beat,
    prob_beat_many,
)


def miller_prob_b_beats_a(alpha_a: float, beta_a: float, alpha_b: float, beta_b: float) -> float:
    """Evan Miller (2015), closed form for integer alpha_b:
    P(p_B > p_A) = sum_{i=0}^{alpha_b-1} B(alpha_a+i, beta_a+beta_b)
                   / ((beta_b+i) B(1+i, beta_b) B(alpha_a, beta_a))."""
    i = np.arange(int(alpha_b))
    terms = (
        betaln(alpha_a + i, beta_a + beta_b)
        - np.log(beta_b + i)
        - betaln(1 + i, beta_b)
        - betaln(alpha_a, beta_a)
    )
    return float(np.sum(np.exp(terms)))


def stucchio_loss(xv: int, nv: int, xc: int, nc: int) -> float:
    """E[max(C - V, 0)] = mean_C · P(C' > V) - mean_V · P(C > V'), C' ~ Beta(a_C + 1, b_C),
    V' ~ Beta(a_V + 1, b_V) (Chris Stucchio 2015), each P by Miller's sum."""
    av, bv, ac, bc = 1 + xv, 1 + nv - xv, 1 + xc, 1 + nc - xc
    return ac / (ac + bc) * miller_prob_b_beats_a(av, bv, ac + 1, bc) - av / (
        av + bv
    ) * miller_prob_b_beats_a(av + 1, bv, ac, bc)


CASES = [
    # (variant conversions, visitors, control conversions, visitors)
    (150, 2400, 120, 2400),
    (3, 40, 30, 2000),
    (300, 20000, 2, 30),
    (5000, 100000, 5200, 100000),
    (0, 10, 500, 1000),
    (1, 1, 0, 1),
    (0, 100, 0, 100),
    (100, 100, 100, 100),
]


@pytest.mark.parametrize("case", CASES)
def test_prob_beat_matches_evan_millers_closed_form(case):
    xv, nv, xc, nc = case
    result = bayes_comparison(xv, nv, xc, nc)
    reference = miller_prob_b_beats_a(1 + xc, 1 + nc - xc, 1 + xv, 1 + nv - xv)
    assert result.prob_beat_control == pytest.approx(reference, abs=1e-9)


@pytest.mark.parametrize("case", CASES)
def test_expected_loss_matches_stucchios_closed_form(case):
    result = bayes_comparison(*case)
    assert result.expected_loss == pytest.approx(stucchio_loss(*case), rel=1e-7, abs=1e-12)


def test_pinned_values_for_the_running_example():
    result = bayes_comparison(150, 2400, 120, 2400)
    # miller_prob_b_beats_a(121, 2281, 151, 2251) -> 0.96976664
    assert result.prob_beat_control == pytest.approx(0.96976664, rel=1e-7)
    # stucchio_loss(150, 2400, 120, 2400) -> 7.8226439e-05
    assert result.expected_loss == pytest.approx(7.8226439e-05, rel=1e-6)


def test_exact_small_cases():
    # one visitor each, B converted: Beta(2,1) vs Beta(1,2); P = 5/6 by hand, loss = 1/30
    result = bayes_comparison(1, 1, 0, 1)
    assert result.prob_beat_control == pytest.approx(5 / 6, rel=1e-12)
    assert result.expected_loss == pytest.approx(1 / 30, rel=1e-10)
    # identical posteriors: P = 1/2 by symmetry
    assert bayes_comparison(0, 100, 0, 100).prob_beat_control == pytest.approx(0.5, abs=1e-12)


def test_expected_loss_by_double_integration():
    # scipy.integrate.dblquad of (x - y) f_C(x) f_V(y) over 0 <= y < x <= 1 -> 0.1115879
    xv, nv, xc, nc = 4, 30, 6, 25
    f_v, f_c = beta(1 + xv, 1 + nv - xv), beta(1 + xc, 1 + nc - xc)
    reference, _ = integrate.dblquad(
        lambda y, x: (x - y) * f_c.pdf(x) * f_v.pdf(y), 0, 1, 0, lambda x: x, epsabs=1e-11
    )
    assert bayes_comparison(xv, nv, xc, nc).expected_loss == pytest.approx(reference, rel=1e-6)
    assert reference == pytest.approx(0.1115879, rel=1e-5)


def normal_approximation(xv: int, nv: int, xc: int, nc: int) -> tuple[float, float]:
    """Both posteriors as normals: D = p_V - p_C ~ N(m, s²);
    P(D > 0) = Phi(m/s); E[max(-D, 0)] = -m Phi(-m/s) + s phi(m/s)."""
    v = BetaPosterior.from_counts(xv, nv)
    c = BetaPosterior.from_counts(xc, nc)
    m, s = v.mean - c.mean, math.hypot(v.sd, c.sd)
    return float(norm.cdf(m / s)), float(-m * norm.cdf(-m / s) + s * norm.pdf(m / s))


@pytest.mark.parametrize(
    "case",
    [
        (50_010_000, 10**9, 50_000_000, 10**9),
        (50_000_000, 10**9, 50_000_000, 10**9),
        (499_990_000, 10**9, 500_000_000, 10**9),
    ],
)
def test_a_billion_visitors_agrees_with_the_normal_approximation(case):
    result = bayes_comparison(*case)
    prob, loss = normal_approximation(*case)
    # normal_approximation(50_010_000, 1e9, 50_000_000, 1e9) -> (0.847538, 7.72784e-07)
    assert result.prob_beat_control == pytest.approx(prob, abs=1e-4)
    assert result.expected_loss == pytest.approx(loss, rel=1e-3)


def test_a_near_point_mass_variant_against_a_small_control():
    # variant 5 % of 1e9 is all but a point mass at 0.05, so P(V > C) ≈ P(C < 0.05):
    # scipy.special.betainc(601, 11401, 0.05) -> 0.48998 (variant posterior mean 0.05 + 1e-9)
    result = bayes_comparison(50_000_000, 10**9, 600, 12000)
    assert result.prob_beat_control == pytest.approx(betainc(601, 11401, 0.05), abs=1e-4)


def test_results_are_finite_at_the_edges():
    for case in [(0, 10**9, 0, 10**9), (10**9, 10**9, 10**9, 10**9), (0, 1, 1, 1), (0, 0, 0, 1)]:
        result = bayes_comparison(*case)
        assert 0.0 <= result.prob_beat_control <= 1.0
        assert 0.0 <= result.expected_loss <= 1.0
        assert math.isfinite(result.prob_beat_control) and math.isfinite(result.expected_loss)


def test_variant_and_control_are_symmetric():
    v, c = BetaPosterior.from_counts(30, 400), BetaPosterior.from_counts(200, 4000)
    assert prob_beat(v, c) + prob_beat(c, v) == pytest.approx(1.0, abs=1e-12)
    # E[max(C - V, 0)] - E[max(V - C, 0)] = mean_C - mean_V
    assert expected_loss(v, c) - expected_loss(c, v) == pytest.approx(c.mean - v.mean, abs=1e-12)


@pytest.mark.parametrize(
    "case",
    [
        # The arm with fewer conversions at the last summed size and just past it.
        (SUM_TERMS - 1, 20_000, SUM_TERMS + 40, 20_000),
        (SUM_TERMS, 20_000, SUM_TERMS + 40, 20_000),
        (SUM_TERMS + 60, 20_000, SUM_TERMS - 1, 20_000),
        (SUM_TERMS + 60, 20_000, SUM_TERMS, 20_000),
    ],
)
def test_the_chance_is_millers_sum_on_both_sides_of_where_the_sum_stops(case):
    xv, nv, xc, nc = case
    reference = miller_prob_b_beats_a(1 + xc, 1 + nc - xc, 1 + xv, 1 + nv - xv)
    assert bayes_comparison(*case).prob_beat_control == pytest.approx(reference, abs=1e-9)
    assert prob_beat_many(*np.array([case]).T)[0] == pytest.approx(reference, abs=1e-9)


def test_the_sum_holds_where_its_first_term_is_below_the_smallest_float():
    # A quarter of each arm converts, the control out of a million: the sum's first term,
    # B(a_C, b_C + b_V) / B(a_C, b_C), is about e^-862, yet the chance is near a half.
    # scipy.integrate.quad of beta(1000, 3002).pdf(x) * beta(250_001, 750_001).cdf(x) over
    # [0.15, 0.35] (points=[0.25], epsabs=1e-13) -> 0.49029021
    xv, nv, xc, nc = 999, 4000, 250_000, 10**6
    variant, control = beta(1 + xv, 1 + nv - xv), beta(1 + xc, 1 + nc - xc)
    reference, _ = integrate.quad(
        lambda x: variant.pdf(x) * control.cdf(x), 0.15, 0.35, points=[0.25], epsabs=1e-13
    )
    first = betaln(1 + xc, 2 + nc - xc + nv - xv) - betaln(1 + xc, 1 + nc - xc)
    assert math.exp(first) == 0.0
    assert reference == pytest.approx(0.49029021, abs=1e-8)
    assert bayes_comparison(xv, nv, xc, nc).prob_beat_control == pytest.approx(reference, abs=1e-9)


def test_the_sum_and_the_quadrature_agree_where_both_apply():
    # The quadrature alone (prob_beat_many's path past SUM_TERMS) on counts the sum takes.
    rng = np.random.default_rng(3)
    visitors = rng.integers(1, 20_000, size=(2, 200))
    conversions = rng.binomial(visitors, rng.choice([0.001, 0.04, 0.5, 0.97], size=(2, 200)))
    va, ca = 1.0 + conversions[0], 1.0 + conversions[1]
    vb, cb = 1.0 + visitors[0] - conversions[0], 1.0 + visitors[1] - conversions[1]
    keep = np.minimum(va, ca) <= SUM_TERMS
    summed = miller_sum(va[keep], vb[keep], ca[keep], cb[keep])
    integrated = _integrated_many(va[keep], vb[keep], ca[keep], cb[keep])
    assert keep.sum() > 100
    np.testing.assert_allclose(summed, integrated, rtol=0, atol=1e-9)
