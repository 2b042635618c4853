"""Money per variant: revenue per visitor, cost per conversion and return on spend.

These are descriptive numbers, not tests: the chat logs revenue as totals, which carry no
per-visitor spread, so no interval or p-value can be honest about them.

The experiment's cost is one amount for the whole experiment. It is split across the variants
in proportion to their visitors (a variant that got 70 % of the traffic carries 70 % of the
cost), which is how a campaign's spend follows its traffic.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from experiments.domain import VariantTotals


@dataclass(frozen=True)
class VariantMoney:
    name: str
    position: int
    visitors: int
    conversions: int
    revenue: Decimal | None  # None: no revenue logged for this variant
    cost_share: Decimal | None  # the variant's part of the cost, by visitors
    revenue_per_visitor: Decimal | None
    cost_per_conversion: Decimal | None
    return_on_spend: Decimal | None  # revenue / cost share


@dataclass(frozen=True)
class MoneySummary:
    cost: Decimal | None
    revenue: Decimal | None  # all variants together; None when none was logged
    variants: tuple[VariantMoney, ...]

    @property
    def return_on_spend(self) -> Decimal | None:
        return _ratio(self.revenue, self.cost)

    @property
    def cost_per_conversion(self) -> Decimal | None:
        conversions = sum(v.conversions for v in self.variants)
        return _ratio(self.cost, Decimal(conversions)) if self.cost is not None else None


def money_summary(cost: Decimal | None, totals: Sequence[VariantTotals]) -> MoneySummary | None:
    """The money of an experiment, or None when it has neither a cost nor any revenue."""
    revenues = [t.revenue for t in totals if t.revenue is not None]
    if cost is None and not revenues:
        return None
    all_visitors = sum(t.visitors for t in totals)
    variants = []
    for arm in totals:
        share = None
        if cost is not None and all_visitors > 0:
            share = cost * arm.visitors / all_visitors
        variants.append(
            VariantMoney(
                name=arm.name,
                position=arm.position,
                visitors=arm.visitors,
                conversions=arm.conversions,
                revenue=arm.revenue,
                cost_share=share,
                revenue_per_visitor=_ratio(arm.revenue, Decimal(arm.visitors)),
                cost_per_conversion=_ratio(share, Decimal(arm.conversions)),
                return_on_spend=_ratio(arm.revenue, share),
            )
        )
    return MoneySummary(
        cost=cost,
        revenue=sum(revenues, Decimal(0)) if revenues else None,
        variants=tuple(variants),
    )


def _ratio(numerator: Decimal | None, denominator: Decimal | None) -> Decimal | None:
    """numerator / denominator, or None when either is unknown or the denominator is zero."""
    if numerator is None or denominator is None or denominator == 0:
        return None
    return numerator / denominator
