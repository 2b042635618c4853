"""Step conversions, Wilson intervals and the constraint of the hourglass funnel."""

from __future__ import annotations

import math

import pytest

from experiments.stats.funnel import FunnelIssue, analyse_funnel

Z_95 = 1.959963984540054  # scipy.stats.norm.ppf(0.975)
EXAMPLE = (5000, 1200, 400, 150, 60, 20, 5)


def wilson_by_hand(reached: int, previous: int, z: float = Z_95) -> tuple[float, float]:
    """Wilson (1927): (p + z²/2n ± z·sqrt(p(1-p)/n + z²/4n²)) / (1 + z²/n)."""
    p = reached / previous
    denominator = 1 + z * z / previous
    centre = (p + z * z / (2 * previous)) / denominator
    half = z * math.sqrt(p * (1 - p) / previous + z * z / (4 * previous**2)) / denominator
    return centre - half, centre + half


def test_each_stage_converts_from_the_one_before() -> None:
    analysis = analyse_funnel(EXAMPLE)
    assert analysis.steps[0].rate is None  # Know is the top: nothing before it
    rates = [step.rate for step in analysis.steps[1:]]
    # 1200/5000, 400/1200, 150/400, 60/150, 20/60, 5/20
    assert rates == pytest.approx([0.24, 1 / 3, 0.375, 0.4, 1 / 3, 0.25], rel=1e-12)
    assert [step.previous for step in analysis.steps] == [None, *EXAMPLE[:-1]]
    assert [step.reached for step in analysis.steps] == list(EXAMPLE)
    assert analysis.steps[0].ci_low is None and analysis.steps[0].ci_high is None


def test_rates_come_with_wilson_intervals() -> None:
    analysis = analyse_funnel(EXAMPLE)
    like, trust, refer = analysis.steps[1], analysis.steps[2], analysis.steps[6]
    # wilson_by_hand(1200, 5000) -> (0.228365, 0.252035)
    assert (like.ci_low, like.ci_high) == pytest.approx((0.2283645412, 0.2520346638), rel=1e-9)
    assert (like.ci_low, like.ci_high) == pytest.approx(wilson_by_hand(1200, 5000), rel=1e-9)
    # wilson_by_hand(400, 1200) -> (0.307231, 0.360500)
    assert (trust.ci_low, trust.ci_high) == pytest.approx((0.3072307137, 0.3604996199), rel=1e-9)
    # wilson_by_hand(5, 20) -> (0.111862, 0.468701)
    assert (refer.ci_low, refer.ci_high) == pytest.approx(wilson_by_hand(5, 20), rel=1e-9)


def test_the_constraint_is_the_weakest_step() -> None:
    analysis = analyse_funnel(EXAMPLE)
    # Like converts 24 % of Know, the lowest of 24 %, 33.3 %, 37.5 %, 40 %, 33.3 %, 25 %.
    assert analysis.constraint == 1
    assert analysis.constraint_rate == pytest.approx(0.24)
    assert analysis.issue is None and analysis.issue_position is None


def test_a_clear_constraint_lies_below_every_other_interval() -> None:
    # Like 1000/10000 = 10 % (9.4–10.6 %), every other step 50 % with thousands of people.
    clear = analyse_funnel((10000, 1000, 500, 250, 125, 62, 31))
    assert clear.constraint == 1
    assert clear.constraint_is_clear
    # In the example Refer (5 of 20: 11.2–46.9 %) overlaps Like's 22.8–25.2 %.
    assert not analyse_funnel(EXAMPLE).constraint_is_clear


def test_a_tie_goes_to_the_earliest_stage() -> None:
    # Trust 3/9 and Buy 1/3 are the same fraction, compared exactly.
    analysis = analyse_funnel((9, 9, 3, 3, 1, 1, 1))
    assert analysis.constraint == 2
    assert analysis.constraint_rate == pytest.approx(1 / 3)
    tied = analyse_funnel((12, 6, 6, 6, 2, 2, 2))  # 1/2 at Like, 1/3 at Buy
    assert tied.constraint == 4
    exact = analyse_funnel((18, 6, 6, 6, 2, 2, 2))  # 6/18 and 2/6 are both 1/3
    assert exact.constraint == 1


def test_a_stage_nobody_reached_converts_zero_and_the_ones_after_have_no_rate() -> None:
    analysis = analyse_funnel((150, 0, 0, 0, 0, 0, 0))
    assert analysis.steps[1].rate == 0.0
    # wilson_by_hand(0, 150) -> (0, 0.024970)
    assert analysis.steps[1].ci_low == 0.0
    assert analysis.steps[1].ci_high == pytest.approx(0.0249702443680766, rel=1e-9)
    assert [step.rate for step in analysis.steps[2:]] == [None] * 5
    assert analysis.constraint == 1
    assert analysis.constraint_rate == 0.0
    assert analysis.constraint_is_clear  # no other stage has a rate to compare with


def test_everyone_going_on_is_a_rate_of_one() -> None:
    analysis = analyse_funnel((150, 150, 150, 150, 150, 150, 149))
    assert analysis.steps[1].rate == 1.0
    # wilson_by_hand(150, 150) -> (0.975030, 1)
    assert analysis.steps[1].ci_low == pytest.approx(0.9750297556319235, rel=1e-9)
    assert analysis.steps[1].ci_high == 1.0
    assert analysis.constraint == 6


def test_an_empty_funnel_has_no_constraint_and_says_why() -> None:
    analysis = analyse_funnel((0, 0, 0, 0, 0, 0, 0))
    assert analysis.issue is FunnelIssue.EMPTY
    assert analysis.constraint is None and analysis.constraint_rate is None
    assert all(step.rate is None for step in analysis.steps)


def test_a_later_stage_larger_than_the_one_before_is_a_data_problem() -> None:
    analysis = analyse_funnel((5000, 1200, 400, 150, 200, 20, 5))
    assert analysis.issue is FunnelIssue.STAGE_GROWS
    assert analysis.issue_position == 4  # Buy 200 > Try 150
    assert analysis.steps[4].rate is None
    assert analysis.steps[5].rate == pytest.approx(0.1)  # the other steps still have rates
    assert analysis.constraint is None and analysis.constraint_rate is None


def test_the_first_growing_stage_is_named() -> None:
    analysis = analyse_funnel((0, 3, 5, 1, 1, 1, 1))
    assert analysis.issue is FunnelIssue.STAGE_GROWS
    assert analysis.issue_position == 1


def test_a_wider_confidence_level_widens_the_interval() -> None:
    z_99 = 2.5758293035489004  # scipy.stats.norm.ppf(0.995)
    step = analyse_funnel(EXAMPLE, alpha=0.01).steps[1]
    assert (step.ci_low, step.ci_high) == pytest.approx(wilson_by_hand(1200, 5000, z_99), rel=1e-9)


def test_a_billion_at_the_top_is_fine() -> None:
    analysis = analyse_funnel((10**9, 10**8, 10**7, 10**6, 10**5, 10**4, 10**3))
    assert analysis.constraint == 1  # every step is 10 %; the tie goes to the earliest
    assert analysis.constraint_rate == pytest.approx(0.1)


@pytest.mark.parametrize("counts", [(5,), (), (10, -1), (10, 2.5), (10, "3")])
def test_counts_that_are_not_a_funnel_are_refused(counts: tuple[object, ...]) -> None:
    with pytest.raises(ValueError):
        analyse_funnel(counts)  # type: ignore[arg-type]
