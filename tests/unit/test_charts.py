"""The conversion chart: running totals with Wilson bands, and a PNG for every shape of data."""

from __future__ import annotations

import gc
import math
import struct
import warnings
from datetime import date, timedelta

import pytest
from matplotlib.figure import Figure

from bot.i18n import translator
from bot.render.charts import RateCurve, chart_caption, conversion_chart, cumulative_curves
from experiments.domain import DailyTotals

DAY = date(2026, 3, 2)
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def png_size(content: bytes) -> tuple[int, int]:
    assert content.startswith(PNG_SIGNATURE)
    assert content[12:16] == b"IHDR"
    width, height = struct.unpack(">II", content[16:24])
    assert content.endswith(b"IEND\xaeB`\x82")  # the closing chunk: the file is complete
    return int(width), int(height)


def assert_sensible_png(content: bytes) -> None:
    width, height = png_size(content)
    assert 800 <= width <= 1280 and 400 <= height <= 800  # Telegram shows it without scaling
    assert 5_000 < len(content) < 400_000


def week(variants: dict[str, tuple[int, int]], days: int = 7) -> list[DailyTotals]:
    return [
        DailyTotals(DAY + timedelta(days=offset), name, visitors, conversions)
        for offset in range(days)
        for name, (visitors, conversions) in variants.items()
    ]


def wilson(conversions: int, visitors: int, z: float = 1.959963984540054) -> tuple[float, float]:
    """Wilson (1927) by hand: (p + z²/2n ± z·sqrt(p(1-p)/n + z²/4n²)) / (1 + z²/n)."""
    p = conversions / visitors
    centre = p + z * z / (2 * visitors)
    spread = z * math.sqrt(p * (1 - p) / visitors + z * z / (4 * visitors * visitors))
    return (centre - spread) / (1 + z * z / visitors), (centre + spread) / (1 + z * z / visitors)


# ---------------------------------------------------------------- the numbers drawn


def test_curves_are_running_totals_with_wilson_intervals() -> None:
    daily = [
        DailyTotals(DAY, "A", 100, 5),
        DailyTotals(DAY, "B", 90, 9),
        DailyTotals(DAY + timedelta(days=2), "A", 50, 2),
    ]
    control, variant = cumulative_curves(daily, ["A", "B"])
    assert control.control and not variant.control
    assert [(p.day, p.visitors, p.conversions) for p in control.points] == [
        (DAY, 100, 5),
        (DAY + timedelta(days=2), 150, 7),
    ]
    # B logged nothing on the third day: its running total stays where it was.
    assert [(p.visitors, p.conversions) for p in variant.points] == [(90, 9), (90, 9)]
    last = control.points[-1]
    assert last.rate == pytest.approx(7 / 150)
    # proportion_confint(7, 150, method="wilson") -> (0.022787, 0.093186)
    assert (last.ci_low, last.ci_high) == pytest.approx(wilson(7, 150), rel=1e-6)
    assert (last.ci_low, last.ci_high) == pytest.approx((0.022787, 0.093186), abs=1e-6)


def test_a_variant_starts_its_curve_on_its_first_day_with_visitors() -> None:
    daily = [DailyTotals(DAY, "A", 100, 5), DailyTotals(DAY + timedelta(days=1), "B", 10, 0)]
    control, variant, silent = cumulative_curves(daily, ["A", "B", "C"])
    assert [p.day for p in control.points] == [DAY, DAY + timedelta(days=1)]
    assert [p.day for p in variant.points] == [DAY + timedelta(days=1)]
    assert variant.points[0].rate == 0.0 and variant.points[0].ci_low == 0.0
    assert silent.points == () and silent.last is None


# ---------------------------------------------------------------- the picture


def test_a_week_of_two_variants_is_a_sensible_png() -> None:
    curves = cumulative_curves(week({"A": (400, 16), "B": (400, 22)}), ["A", "B"])
    assert_sensible_png(conversion_chart(translator("en"), "#1 Landing headline", curves))


def test_no_data_points_still_draws_a_chart_that_says_so() -> None:
    curves = cumulative_curves([], ["A", "B"])
    assert_sensible_png(conversion_chart(translator("en"), "#2 Nothing yet", curves))
    assert_sensible_png(conversion_chart(translator("en"), "#2 Nothing at all", ()))


def test_a_single_day_draws_error_bars() -> None:
    curves = cumulative_curves(week({"A": (10, 1), "B": (12, 0)}, days=1), ["A", "B"])
    assert_sensible_png(conversion_chart(translator("en"), "#3 First day", curves))


def test_ten_variants_over_four_months_render() -> None:
    names = [f"variant_{index}" for index in range(10)]
    daily = week({name: (100, 2 + index % 5) for index, name in enumerate(names)}, days=120)
    curves = cumulative_curves(daily, names)
    assert_sensible_png(conversion_chart(translator("en"), "#4 Ten arms", curves))


def test_russian_labels_and_a_cyrillic_name_draw_without_missing_glyphs() -> None:
    curves = cumulative_curves(
        week({"контроль": (300, 12), "новый": (300, 18)}), ["контроль", "новый"]
    )
    with warnings.catch_warnings():
        # matplotlib warns "Glyph … missing from font" when it draws a box instead of a letter.
        warnings.simplefilter("error")
        content = conversion_chart(translator("ru"), "#5 Заголовок лендинга", curves)
    assert_sensible_png(content)


def test_a_dollar_in_the_name_is_text_not_mathematics() -> None:
    curves = cumulative_curves(week({"A": (100, 3), "B": (100, 4)}), ["A", "B"])
    assert_sensible_png(conversion_chart(translator("en"), "#6 $5 vs $10 {x}^_", curves))


def test_rendering_keeps_no_figures_alive() -> None:
    curves = cumulative_curves(week({"A": (100, 3), "B": (100, 4)}), ["A", "B"])
    conversion_chart(translator("en"), "#7 warm-up", curves)
    gc.collect()
    before = sum(isinstance(found, Figure) for found in gc.get_objects())
    for _ in range(2):
        conversion_chart(translator("en"), "#7 again", curves)
    gc.collect()
    assert sum(isinstance(found, Figure) for found in gc.get_objects()) == before


# ---------------------------------------------------------------- the caption


def curves_of(rates: dict[str, tuple[int, int]]) -> tuple[RateCurve, ...]:
    return cumulative_curves(week(rates, days=1), list(rates))


def test_caption_names_the_leader_with_its_interval() -> None:
    caption = chart_caption(translator("en"), 1, curves_of({"A": (1000, 40), "B": (1000, 55)}))
    # proportion_confint(55, 1000, method="wilson") -> (0.042497, 0.070908)
    assert caption.startswith("<b>B</b> leads so far: 5.50% of 1,000 visitors (4.2% – 7.1%).")
    assert "/readout #1" in caption


def test_caption_in_russian_formats_numbers_the_russian_way() -> None:
    caption = chart_caption(translator("ru"), 1, curves_of({"A": (1000, 40), "B": (1000, 55)}))
    assert "5,50\xa0%" in caption and "1\xa0000" in caption


def test_caption_says_when_variants_are_level() -> None:
    caption = chart_caption(translator("en"), 2, curves_of({"A": (100, 5), "B": (200, 10)}))
    assert caption.startswith("All variants convert alike so far: 5.00%.")


def test_caption_escapes_the_variant_name() -> None:
    caption = chart_caption(translator("en"), 3, curves_of({"A": (100, 1), "a<b>": (100, 9)}))
    assert caption.startswith("<b>a&lt;b&gt;</b> leads")
