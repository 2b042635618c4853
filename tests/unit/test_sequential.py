"""The always-valid (mSPRT) p-value and confidence sequence: formulas against the integral."""

import math

import pytest
from scipy import integrate
from scipy.stats import norm

from experiments.stats.proportions import two_proportion_test
from experiments.stats.sequential import (
    MIXING_EFFECT_SIZE,
    SequenceInterval,
    always_valid_p_value,
    confidence_sequence,
    msprt_p_value,
    running_interval,
)


def plug_ins(xv: int, nv: int, xc: int, nc: int) -> tuple[float, float, float]:
    """theta_hat, V and tau² with the documented plug-ins ((x + 1) / (n + 2) rates)."""
    rv, rc = (xv + 1) / (nv + 2), (xc + 1) / (nc + 2)
    pooled = (xv + xc + 1) / (nv + nc + 2)
    variance = rv * (1 - rv) / nv + rc * (1 - rc) / nc
    return xv / nv - xc / nc, variance, MIXING_EFFECT_SIZE**2 * pooled * (1 - pooled)


def mixture_likelihood_ratio(theta_hat: float, variance: float, tau2: float) -> float:
    """Lambda = ∫ N(theta_hat; theta, V) N(theta; 0, tau²) dtheta / N(theta_hat; 0, V),
    by scipy.integrate.quad rather than the closed form the code uses."""
    sd, tau = math.sqrt(variance), math.sqrt(tau2)

    def integrand(theta: float) -> float:
        return norm.pdf(theta_hat, theta, sd) * norm.pdf(theta, 0, tau)

    centre = theta_hat * tau2 / (variance + tau2)
    spread = math.sqrt(variance * tau2 / (variance + tau2))
    numerator, _ = integrate.quad(
        integrand, centre - 40 * spread, centre + 40 * spread, epsabs=0, epsrel=1e-12, limit=200
    )
    return numerator / norm.pdf(theta_hat, 0, sd)


@pytest.mark.parametrize(
    "case", [(650, 10000, 500, 10000), (150, 2400, 120, 2400), (520, 10000, 500, 10000)]
)
def test_msprt_matches_the_mixture_integral(case):
    theta_hat, variance, tau2 = plug_ins(*case)
    reference = min(1.0, 1 / mixture_likelihood_ratio(theta_hat, variance, tau2))
    assert msprt_p_value(*case) == pytest.approx(reference, rel=1e-8)


def test_pinned_value():
    # 1 / mixture_likelihood_ratio(*plug_ins(650, 10000, 500, 10000)) -> 2.9635e-4
    assert msprt_p_value(650, 10000, 500, 10000) == pytest.approx(2.96350e-4, rel=1e-4)


DATA_SETS = [
    (150, 2400, 120, 2400),
    (650, 10000, 500, 10000),
    (7, 20, 1, 20),
    (3, 100, 0, 100),
    (1, 1, 0, 1),
    (50_010_000, 10**9, 50_000_000, 10**9),
    (700, 14000, 560, 14000),
    (5, 5000, 40, 5000),
    (1000, 1000, 990, 1000),
]


@pytest.mark.parametrize("case", DATA_SETS)
def test_sequential_p_is_never_below_the_fixed_p(case):
    fixed = two_proportion_test(*case).p_value
    assert always_valid_p_value(*case, fixed) >= fixed
    assert 0.0 <= msprt_p_value(*case) <= 1.0


def test_sequential_p_is_much_more_cautious_than_the_fixed_p_on_borderline_data():
    # fixed p = 0.0602 (z-test), the always-valid p is several times larger
    assert always_valid_p_value(150, 2400, 120, 2400, 0.0602) > 0.3


def test_identical_arms_give_one():
    assert msprt_p_value(120, 2400, 120, 2400) == 1.0
    assert msprt_p_value(0, 10**9, 0, 10**9) == 1.0
    assert msprt_p_value(10, 10, 10, 10) == 1.0


def test_a_billion_visitors_is_finite():
    # theta_hat = 1e-4, z ≈ 10.3: 1 / Lambda by the closed form with the plug-ins -> 1.30497e-20
    theta_hat, variance, tau2 = plug_ins(50_100_000, 10**9, 50_000_000, 10**9)
    log_lambda = 0.5 * math.log(variance / (variance + tau2)) + tau2 * theta_hat**2 / (
        2 * variance * (variance + tau2)
    )
    p = msprt_p_value(50_100_000, 10**9, 50_000_000, 10**9)
    assert p == pytest.approx(math.exp(-log_lambda), rel=1e-9)
    assert p == pytest.approx(1.30497e-20, rel=1e-4)
    assert math.isfinite(msprt_p_value(10**9, 10**9, 0, 10**9))


def test_zero_variance_edge_still_has_an_answer():
    # everyone vs no one converted: the plug-in rates keep V > 0
    assert msprt_p_value(200, 200, 0, 200) < 1e-6


def test_input_errors():
    with pytest.raises(ValueError):
        msprt_p_value(1, 0, 1, 10)
    with pytest.raises(ValueError):
        msprt_p_value(5, 3, 1, 10)
    with pytest.raises(ValueError):
        msprt_p_value(1, 10, 1, 10, mixing_effect_size=0)


# ---------------------------------------------------------------- the confidence sequence


def reference_half_width(theta_hat: float, variance: float, tau2: float, alpha: float) -> float:
    """The h with Lambda(theta_hat ± h) = 1/alpha, where Lambda(theta0) is the mixture integral
    at theta_hat - theta0 (scipy.integrate.quad above), solved by scipy.optimize.brentq."""
    from scipy.optimize import brentq

    def excess(shift: float) -> float:
        return math.log(mixture_likelihood_ratio(shift, variance, tau2)) - math.log(1 / alpha)

    upper = 12 * math.sqrt(variance)  # far enough out, still inside float range of norm.pdf
    assert excess(upper) > 0
    return brentq(excess, 0.0, upper, xtol=1e-15, rtol=1e-12)


@pytest.mark.parametrize(
    ("case", "alpha"),
    [
        ((650, 10000, 500, 10000), 0.05),
        ((150, 2400, 120, 2400), 0.05),
        ((520, 10000, 500, 10000), 0.025),
        ((7, 200, 1, 200), 0.10),
    ],
)
def test_sequence_ends_are_where_the_mixture_integral_reaches_one_over_alpha(case, alpha):
    theta_hat, variance, tau2 = plug_ins(*case)
    h = reference_half_width(theta_hat, variance, tau2, alpha)
    interval = confidence_sequence(*case, alpha)
    assert interval.diff_low == pytest.approx(theta_hat - h, rel=1e-7, abs=1e-12)
    assert interval.diff_high == pytest.approx(theta_hat + h, rel=1e-7, abs=1e-12)


def test_pinned_sequence():
    # reference_half_width(*plug_ins(150, 2400, 120, 2400), 0.05) -> 0.0218646
    interval = confidence_sequence(150, 2400, 120, 2400, 0.05)
    assert interval.diff_high - 0.0125 == pytest.approx(0.0218646, rel=1e-5)
    assert not interval.empty


@pytest.mark.parametrize("case", DATA_SETS)
def test_the_sequence_excludes_zero_exactly_when_the_msprt_p_is_below_alpha(case):
    for alpha in (0.01, 0.05, 0.2):
        interval = confidence_sequence(*case, alpha)
        excludes = interval.diff_low > 0 or interval.diff_high < 0
        assert excludes == (msprt_p_value(*case) < alpha)


def test_the_running_interval_is_the_intersection_of_the_looks():
    looks = [
        confidence_sequence(30, 1000, 25, 1000, 0.05),
        confidence_sequence(70, 2000, 50, 2000, 0.05),
        confidence_sequence(110, 3000, 75, 3000, 0.05),
    ]
    running = running_interval(looks)
    assert running.diff_low == max(look.diff_low for look in looks)
    assert running.diff_high == min(look.diff_high for look in looks)
    assert running_interval([SequenceInterval(0.01, 0.02), SequenceInterval(-0.02, 0.0)]).empty


def test_a_billion_visitors_give_a_finite_narrow_sequence():
    interval = confidence_sequence(50_100_000, 10**9, 50_000_000, 10**9, 0.05)
    assert math.isfinite(interval.diff_low) and interval.diff_low > 0
    assert interval.diff_high - interval.diff_low < 1e-4


def test_sequence_input_errors():
    with pytest.raises(ValueError):
        confidence_sequence(1, 0, 1, 10, 0.05)
    with pytest.raises(ValueError):
        confidence_sequence(1, 10, 1, 10, 1.5)
    with pytest.raises(ValueError):
        running_interval([])
