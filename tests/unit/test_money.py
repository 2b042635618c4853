"""Money per variant: revenue per visitor, cost per conversion, return on spend, by hand."""

from __future__ import annotations

from decimal import Decimal

from experiments.domain import VariantTotals
from experiments.money import money_summary

A = VariantTotals("A", 0, 1000, 40, Decimal("380.00"), 2)
B = VariantTotals("B", 1, 1500, 50, Decimal("720.00"), 1)


def test_cost_is_split_by_visitors_and_each_ratio_follows() -> None:
    money = money_summary(Decimal("250.00"), [A, B])
    assert money is not None
    a, b = money.variants
    # A carries 1000 / 2500 of the cost: 250 * 0.4 = 100; B 250 * 0.6 = 150
    assert (a.cost_share, b.cost_share) == (Decimal(100), Decimal(150))
    # revenue per visitor: 380 / 1000 = 0.38, 720 / 1500 = 0.48
    assert (a.revenue_per_visitor, b.revenue_per_visitor) == (Decimal("0.38"), Decimal("0.48"))
    # cost per conversion: 100 / 40 = 2.5, 150 / 50 = 3
    assert (a.cost_per_conversion, b.cost_per_conversion) == (Decimal("2.5"), Decimal(3))
    # return on spend: 380 / 100 = 3.8, 720 / 150 = 4.8
    assert (a.return_on_spend, b.return_on_spend) == (Decimal("3.8"), Decimal("4.8"))
    # all together: 1100 revenue, 250 / 90 = 2.7778 per conversion, 1100 / 250 = 4.4
    assert money.revenue == Decimal("1100.00")
    assert money.cost_per_conversion is not None
    assert round(money.cost_per_conversion, 4) == Decimal("2.7778")
    assert money.return_on_spend == Decimal("4.4")


def test_nothing_to_show_without_cost_or_revenue() -> None:
    plain = VariantTotals("A", 0, 100, 5, None, 1)
    assert money_summary(None, [plain, plain]) is None


def test_missing_pieces_stay_unknown_instead_of_zero() -> None:
    no_conversions = VariantTotals("A", 0, 100, 0, None, 1)
    empty = VariantTotals("B", 1, 0, 0, None, 0)
    money = money_summary(Decimal("50"), [no_conversions, empty])
    assert money is not None
    a, b = money.variants
    assert a.cost_share == Decimal(50) and b.cost_share == Decimal(0)
    assert a.cost_per_conversion is None  # no conversion to divide by
    assert a.revenue_per_visitor is None and a.return_on_spend is None  # no revenue logged
    assert b.cost_per_conversion is None and b.return_on_spend is None


def test_cost_without_visitors_is_not_split() -> None:
    empty = VariantTotals("A", 0, 0, 0, None, 0)
    money = money_summary(Decimal("80"), [empty, empty])
    assert money is not None
    assert all(v.cost_share is None for v in money.variants)
    assert money.cost_per_conversion is None
