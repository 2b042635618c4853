"""The money block of a readout or a card: per variant revenue, cost per conversion, return."""

from __future__ import annotations

from decimal import Decimal

from bot.i18n import Translator
from bot.replies import esc
from experiments.money import MoneySummary, VariantMoney


def times(t: Translator, ratio: Decimal) -> str:
    """A return on spend: 3.17× (3,17× in Russian)."""
    return t.fixed(float(ratio), 2) + "×"


def variant_money_line(t: Translator, currency: str, arm: VariantMoney) -> str:
    _ = t.gettext
    parts: list[str] = []
    if arm.revenue is None:
        parts.append(_("no revenue logged"))
    else:
        parts.append(_("revenue {amount}").format(amount=t.money(arm.revenue, currency)))
        if arm.revenue_per_visitor is not None:
            parts.append(
                _("{amount} per visitor").format(amount=t.money(arm.revenue_per_visitor, currency))
            )
    if arm.cost_per_conversion is not None:
        parts.append(
            _("{amount} per conversion").format(amount=t.money(arm.cost_per_conversion, currency))
        )
    if arm.return_on_spend is not None:
        parts.append(_("return on spend {ratio}").format(ratio=times(t, arm.return_on_spend)))
    return f"<b>{esc(arm.name)}</b>: " + " · ".join(parts)


def money_lines(
    t: Translator, currency: str, money: MoneySummary | None, *, number: int
) -> list[str]:
    """Nothing when the experiment has neither a cost nor revenue; else a short block."""
    if money is None:
        return []
    _ = t.gettext
    if money.cost is None:
        head = _("no cost yet (add it: /cost #{number} 120)").format(number=number)
    else:
        head = _("cost {amount}, split across the variants by their visitors").format(
            amount=t.money(money.cost, currency)
        )
    lines = ["💰 <b>" + _("Money") + "</b> — " + head]
    lines += [variant_money_line(t, currency, arm) for arm in money.variants]
    overall: list[str] = []
    if money.revenue is not None:
        overall.append(_("revenue {amount}").format(amount=t.money(money.revenue, currency)))
    if money.cost_per_conversion is not None:
        overall.append(
            _("{amount} per conversion").format(amount=t.money(money.cost_per_conversion, currency))
        )
    if money.return_on_spend is not None:
        overall.append(_("return on spend {ratio}").format(ratio=times(t, money.return_on_spend)))
    if overall and len(money.variants) > 1:
        lines.append(_("All together: {numbers}").format(numbers=" · ".join(overall)))
    lines.append(
        "<i>"
        + _(
            "These money numbers are descriptive, not tested: revenue is logged as totals, "
            "which carry no per-visitor spread, so a difference here may still be chance."
        )
        + "</i>"
    )
    return lines


def money_block(t: Translator, currency: str, money: MoneySummary | None, *, number: int) -> str:
    """The money lines as one piece of text, to add below a readout or a card ("" if none)."""
    return "\n".join(money_lines(t, currency, money, number=number))
