"""Each variant's running conversion rate, day by day, with its 95 % Wilson interval.

What a chart draws, computed here from the daily totals: the interval comes from
``experiments.stats.proportions.wilson_interval``, so the chart computes no statistics itself.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from experiments.domain import DailyTotals
from experiments.stats.proportions import wilson_interval

__all__ = ["RateCurve", "RatePoint", "cumulative_curves", "plan_reached_on"]


@dataclass(frozen=True)
class RatePoint:
    """A variant's totals up to and including ``day``, with the 95 % Wilson interval."""

    day: date
    visitors: int
    conversions: int
    rate: float
    ci_low: float
    ci_high: float


@dataclass(frozen=True)
class RateCurve:
    variant: str
    control: bool
    points: tuple[RatePoint, ...]  # from the first day the variant had visitors

    @property
    def last(self) -> RatePoint | None:
        return self.points[-1] if self.points else None


def cumulative_curves(
    daily: Sequence[DailyTotals], variants: Sequence[str]
) -> tuple[RateCurve, ...]:
    """Running totals per variant (the first is the control), one point per day with data."""
    days = sorted({entry.day for entry in daily})
    gathered: dict[tuple[date, str], tuple[int, int]] = {}
    for entry in daily:
        visitors, conversions = gathered.get((entry.day, entry.variant), (0, 0))
        gathered[(entry.day, entry.variant)] = (
            visitors + entry.visitors,
            conversions + entry.conversions,
        )
    curves = []
    for position, variant in enumerate(variants):
        visitors = conversions = 0
        rate_points: list[RatePoint] = []
        for day in days:
            more_visitors, more_conversions = gathered.get((day, variant), (0, 0))
            visitors += more_visitors
            conversions += more_conversions
            if visitors == 0:
                continue
            interval = wilson_interval(conversions, visitors)
            rate_points.append(
                RatePoint(
                    day, visitors, conversions, interval.rate, interval.ci_low, interval.ci_high
                )
            )
        curves.append(RateCurve(variant, position == 0, tuple(rate_points)))
    return tuple(curves)


def plan_reached_on(curves: Sequence[RateCurve], planned_per_variant: int) -> date | None:
    """The first day every variant has at least the planned visitors; None before that."""
    days = []
    for curve in curves:
        reached = next((p.day for p in curve.points if p.visitors >= planned_per_variant), None)
        if reached is None:
            return None
        days.append(reached)
    return max(days) if days else None
