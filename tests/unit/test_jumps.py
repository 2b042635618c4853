"""The usual day of an experiment, and what counts as a jump above it."""

from __future__ import annotations

from datetime import date

from experiments.domain import DailyTotals
from experiments.jumps import UsualDay, is_jump, usual_day


def day(n: int, variant: str, visitors: int) -> DailyTotals:
    return DailyTotals(date(2026, 3, n), variant, visitors, 0)


def test_the_usual_day_is_the_median_per_variant_and_day() -> None:
    daily = [day(1, "A", 100), day(1, "B", 120), day(2, "A", 90), day(3, "B", 5000)]
    # statistics.median([100, 120, 90, 5000]) -> (100 + 120) / 2 = 110.0
    assert usual_day(daily) == UsualDay(visitors=110.0, days=3)


def test_fewer_than_three_days_have_no_usual_day() -> None:
    assert usual_day([day(1, "A", 100), day(2, "A", 100), day(2, "B", 100)]) is None


def test_a_jump_is_more_than_ten_times_the_usual_day() -> None:
    usual = UsualDay(visitors=110.0, days=3)
    assert not is_jump(1100, usual)
    assert is_jump(1101, usual)
    assert not is_jump(10**9, None)
