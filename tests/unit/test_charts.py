"""The conversion chart: running totals with Wilson bands, and a PNG for every shape of data.

Checked by eye (each case rendered to /tmp and opened), at 1080 × 1000 px:
- a week of A and B, Moscow time, plan 2,000 reached, verdict "ship B": the heading
  "#1 Landing headline" in bold, under it "Cumulative conversion rate, 95% interval",
  "Verdict: ship B" and "Plan: 2,000 visitors per variant, reached on Mar 6"; y ticks
  0 %, 2 %, … 10 % each on a gridline; x ticks Mar 2, 4, 6, 8 under their points;
  "Date (time zone: Moscow)"; a dashed line at Mar 6 labelled "plan reached" that covers
  no other text; the legend in one row below the plot; every letter readable at phone size.
- the same in Russian with the plan not reached: "2 мар.", "0 %", "Москва", "План …
  набрано пока 2 800", no English left in the picture.
- one day: two error bars side by side around "Mar 2", ticks 0 % … 50 % by 10 %.
- 0.3 % and 0.4 % over three weeks: ticks 0.0 % … 1.0 % by 0.2 %, weekly date ticks.
- ten variants over four months: the legend in two columns below the plot, all names
  readable; date ticks four weeks apart.
- nothing logged: "No results logged yet" in the middle, the legend says no visitors yet.
"""

from __future__ import annotations

import gc
import math
import re
import struct
import warnings
from datetime import UTC, date, datetime, timedelta
from itertools import pairwise

import pytest
from matplotlib.dates import date2num
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.text import Text

from bot.i18n import translator
from bot.render.charts import (
    DPI,
    chart_caption,
    conversion_chart,
    conversion_figure,
    percent_digits,
    percent_ticks,
)
from experiments.curves import RateCurve, cumulative_curves, plan_reached_on
from experiments.domain import DailyTotals, ExperimentView, Kind, Status
from experiments.observations import ConversionHistory
from experiments.stats.verdict import Verdict, VerdictKind, VerdictReason

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
    assert (width, height) == (1080, 1000)  # a phone shows it at its own width
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


def history_of(
    daily: list[DailyTotals],
    variants: list[str],
    *,
    planned: int | None = None,
    verdict: Verdict | None = None,
    timezone: str = "UTC",
    name: str = "Landing headline",
) -> ConversionHistory:
    experiment = ExperimentView(
        number=1,
        name=name,
        kind=Kind.AB_TEST,
        stage=None,
        hypothesis=None,
        status=Status.RUNNING,
        outcome=None,
        variants=tuple(variants),
        planned_per_variant=planned,
        baseline_rate=None,
        min_detectable_effect=None,
        review_date=None,
        started_at=None,
        concluded_at=None,
        created_at=datetime(2026, 3, 1, tzinfo=UTC),
        created_by="Alice",
    )
    visitors = sum(entry.visitors for entry in daily)
    return ConversionHistory(experiment, tuple(daily), timezone, visitors, verdict)


SHIP_B = Verdict(VerdictKind.SHIP, "B", VerdictReason.CLEAR_WINNER)
KEEP_RUNNING = Verdict(VerdictKind.KEEP_RUNNING, None, VerdictReason.NOT_CLEAR_YET)
A_AND_B_WEEK = week({"A": (400, 16), "B": (400, 22)})


def drawn(history: ConversionHistory, language: str = "en") -> Figure:
    """The figure after a draw, when tick labels have their texts."""
    figure = conversion_figure(translator(language), history)
    figure.canvas.draw()
    return figure


def texts_of(figure: Figure) -> list[str]:
    return [text.get_text() for text in figure.findobj(Text) if text.get_text()]


def curve_line(figure: Figure, variant: str) -> Line2D:
    (line,) = [line for line in figure.axes[0].get_lines() if line.get_gid() == variant]
    return line


def percent_value(label: str) -> float:
    """ "12.5%" or "12,5 %" -> 12.5."""
    return float(label.replace("\xa0", "").rstrip("%").replace(",", "."))


# ---------------------------------------------------------------- the axes


def test_percent_ticks_are_round_and_their_labels_read_as_their_values() -> None:
    figure = drawn(history_of(A_AND_B_WEEK, ["A", "B"]))
    axes = figure.axes[0]
    # The highest band edge is B's first day: Wilson(22, 400) upper = 0.0819 -> up to 10 %.
    assert list(axes.get_yticks()) == pytest.approx([0.0, 0.02, 0.04, 0.06, 0.08, 0.10])
    assert [label.get_text() for label in axes.get_yticklabels()] == [
        "0%",
        "2%",
        "4%",
        "6%",
        "8%",
        "10%",
    ]
    assert axes.get_ylim() == pytest.approx((0.0, 0.10))


@pytest.mark.parametrize(
    ("top", "step", "digits"),
    [
        (0.0819, 0.02, 0),  # 0 %, 2 %, … 10 %
        (0.0049, 0.001, 1),  # 0.0 %, 0.1 %, … 0.5 %
        (0.0037, 0.001, 1),
        (0.41, 0.1, 0),  # 0 %, 10 %, … 50 %
        (0.000_9, 0.000_2, 2),  # 0.00 %, 0.02 %, … 0.10 %
        (0.27, 0.1, 0),
        (0.012, 0.005, 1),  # 0.0 %, 0.5 %, 1.0 %, 1.5 %
        (1.0, 0.2, 0),
    ],
)
def test_percent_ticks_step_by_one_two_or_five(top: float, step: float, digits: int) -> None:
    ticks = percent_ticks(top)
    assert ticks[0] == 0.0 and ticks[-1] >= top
    steps = [b - a for a, b in pairwise(ticks)]
    assert steps == pytest.approx([step] * len(steps))
    assert 3 <= len(ticks) <= 7
    assert percent_digits(ticks) == digits
    # Every label reads back as its tick: never "2 %, 5 %, 8 %" on lines at 2.5 %, 5 %, 7.5 %.
    t = translator("en")
    for value in ticks:
        assert percent_value(t.percent(value, digits)) == pytest.approx(value * 100)
    mantissa = step / 10 ** math.floor(math.log10(step))
    assert round(mantissa, 9) in (1.0, 2.0, 5.0)


def test_russian_percent_ticks_read_as_their_values() -> None:
    daily = week({"old": (20_000, 60), "new": (20_000, 80)}, days=3)
    axes = drawn(history_of(daily, ["old", "new"]), "ru").axes[0]
    labels = [label.get_text() for label in axes.get_yticklabels()]
    assert labels[:3] == ["0,0\xa0%", "0,2\xa0%", "0,4\xa0%"]
    for value, label in zip(axes.get_yticks(), labels, strict=True):
        assert percent_value(label) == pytest.approx(value * 100)


def test_the_x_axis_shows_the_days_and_names_the_time_zone() -> None:
    figure = drawn(history_of(A_AND_B_WEEK, ["A", "B"], timezone="Europe/Moscow"))
    axes = figure.axes[0]
    shown = [DAY + timedelta(days=offset) for offset in (0, 2, 4, 6)]
    assert list(axes.get_xticks()) == [date2num(day) for day in shown]
    assert [label.get_text() for label in axes.get_xticklabels()] == [
        "Mar 2",
        "Mar 4",
        "Mar 6",
        "Mar 8",
    ]
    assert axes.get_xlabel() == "Date (time zone: Moscow)"
    russian = drawn(history_of(A_AND_B_WEEK, ["A", "B"], timezone="Europe/Moscow"), "ru")
    assert russian.axes[0].get_xlabel() == "Дата (часовой пояс: Москва)"
    assert russian.axes[0].get_xticklabels()[0].get_text() == "2 мар."


def test_date_ticks_keep_apart_over_months() -> None:
    daily = week({"A": (100, 3)}, days=120)
    axes = drawn(history_of(daily, ["A"])).axes[0]
    ticks = list(axes.get_xticks())
    assert len(ticks) <= 5
    assert {b - a for a, b in pairwise(ticks)} == {28.0}


# ---------------------------------------------------------------- the series and the marks


def test_the_lines_are_the_cumulative_rates_computed_by_hand() -> None:
    daily = [
        DailyTotals(DAY, "A", 100, 5),
        DailyTotals(DAY, "B", 90, 9),
        DailyTotals(DAY + timedelta(days=1), "A", 50, 2),
        DailyTotals(DAY + timedelta(days=1), "B", 60, 3),
        DailyTotals(DAY + timedelta(days=3), "A", 250, 13),
    ]
    figure = drawn(history_of(daily, ["A", "B"]))
    days = [date2num(DAY + timedelta(days=offset)) for offset in (0, 1, 3)]
    control = curve_line(figure, "A")
    assert list(control.get_xdata()) == days
    # A: 5/100, (5+2)/(100+50), (5+2+13)/(100+50+250)
    assert list(control.get_ydata()) == pytest.approx([0.05, 7 / 150, 20 / 400])
    challenger = curve_line(figure, "B")
    assert list(challenger.get_xdata()) == days
    # B: 9/90, (9+3)/(90+60), and on day 4 nothing new: still 12/150
    assert list(challenger.get_ydata()) == pytest.approx([0.1, 12 / 150, 12 / 150])
    # A's band runs through its Wilson intervals: (5, 100), (7, 150), (20, 400).
    band = figure.axes[0].collections[0].get_paths()[0].vertices
    intervals = [wilson(5, 100), wilson(7, 150), wilson(20, 400)]
    assert band[:, 1].min() == pytest.approx(min(low for low, _ in intervals))
    assert band[:, 1].max() == pytest.approx(max(high for _, high in intervals))
    assert {"A (control)", "B"} <= set(texts_of(figure))


def test_the_title_says_what_is_drawn_and_the_verdict() -> None:
    figure = drawn(history_of(A_AND_B_WEEK, ["A", "B"], verdict=SHIP_B))
    title = figure.axes[0].get_title(loc="left")
    assert title.splitlines()[:2] == ["Cumulative conversion rate, 95% interval", "Verdict: ship B"]
    assert "#1 Landing headline" in texts_of(figure)
    assert not any("by day" in text for text in texts_of(figure))


def test_the_plan_is_marked_on_the_day_every_variant_reached_it() -> None:
    # 400 a day each: 2,000 after the fifth day, Mar 6.
    figure = drawn(history_of(A_AND_B_WEEK, ["A", "B"], planned=2000))
    axes = figure.axes[0]
    (marker,) = [line for line in axes.get_lines() if line.get_gid() == "plan"]
    assert list(marker.get_xdata()) == [date2num(date(2026, 3, 6))] * 2
    assert "plan reached" in [text.get_text().strip() for text in axes.texts]
    assert axes.get_title(loc="left").splitlines()[-1] == (
        "Plan: 2,000 visitors per variant, reached on Mar 6"
    )


def test_the_plan_waits_for_the_slowest_variant() -> None:
    daily = [
        *week({"A": (1000, 40)}, days=3),
        *week({"B": (400, 16)}, days=3),
    ]
    curves = cumulative_curves(daily, ["A", "B"])
    assert plan_reached_on(curves, 1000) == DAY + timedelta(days=2)  # B: 400, 800, 1,200
    assert plan_reached_on(curves, 1300) is None


def test_a_plan_not_reached_is_a_note_without_a_marker() -> None:
    figure = drawn(history_of(A_AND_B_WEEK, ["A", "B"], planned=5000, verdict=KEEP_RUNNING))
    axes = figure.axes[0]
    assert not [line for line in axes.get_lines() if line.get_gid() == "plan"]
    assert axes.get_title(loc="left").splitlines()[1:] == [
        "Verdict: keep running",
        "Plan: 5,000 visitors per variant, not reached yet (2,800 so far)",
    ]


# ---------------------------------------------------------------- legible on a phone


def test_every_letter_is_at_least_28_px_tall_on_a_1080_px_picture() -> None:
    figure = drawn(history_of(A_AND_B_WEEK, ["A", "B"], planned=2000, verdict=SHIP_B))
    assert tuple(figure.get_size_inches() * DPI) == pytest.approx((1080, 1000))
    texts = [text for text in figure.findobj(Text) if text.get_text()]
    assert len(texts) > 15  # ticks, labels, title, legend
    # A font of s points at d dots per inch is s * d / 72 px tall.
    assert min(text.get_fontsize() * DPI / 72 for text in texts) >= 28
    assert png_size(conversion_chart(translator("en"), history_of(A_AND_B_WEEK, ["A", "B"]))) == (
        1080,
        1000,
    )


def test_the_legend_sits_below_the_plot_and_the_plot_keeps_the_width() -> None:
    figure = drawn(history_of(A_AND_B_WEEK, ["A", "B"]))
    renderer = figure.canvas.get_renderer()  # type: ignore[attr-defined]
    axes_box = figure.axes[0].get_window_extent(renderer)
    (legend,) = figure.legends
    legend_box = legend.get_window_extent(renderer)
    assert legend_box.y1 < axes_box.y0  # below, not beside
    assert axes_box.width > 0.85 * 1080


def test_the_longest_words_stay_inside_the_picture() -> None:
    widest = "W" * 24  # the longest variant name allowed
    daily = week({"Ш" * 24: (100_000, 3_000), widest: (99_999, 3_500)}, days=30)
    for language in ("en", "ru"):
        history = history_of(
            daily,
            ["Ш" * 24, widest],
            name="Ш" * 80,  # the longest experiment name allowed
            planned=9_999_999,
            verdict=Verdict(VerdictKind.SHIP, widest, VerdictReason.CLEAR_WINNER),
            timezone="America/Argentina/Buenos_Aires",
        )
        figure = drawn(history, language)
        renderer = figure.canvas.get_renderer()  # type: ignore[attr-defined]
        for text in figure.findobj(Text):
            if text.get_text() and text.get_visible():
                box = text.get_window_extent(renderer)
                assert box.x0 >= 0 and box.x1 <= 1080, (language, text.get_text())
                assert box.y0 >= 0 and box.y1 <= 1000, (language, text.get_text())


# ---------------------------------------------------------------- the picture


def test_a_week_of_two_variants_is_a_sensible_png() -> None:
    history = history_of(A_AND_B_WEEK, ["A", "B"], planned=2000, verdict=SHIP_B)
    assert_sensible_png(conversion_chart(translator("en"), history))


def test_no_data_points_still_draws_a_chart_that_says_so() -> None:
    figure = drawn(history_of([], ["A", "B"]))
    assert "No results logged yet" in texts_of(figure)
    assert_sensible_png(conversion_chart(translator("en"), history_of([], ["A", "B"])))


def test_a_single_day_draws_error_bars() -> None:
    history = history_of(week({"A": (10, 1), "B": (12, 0)}, days=1), ["A", "B"])
    axes = drawn(history).axes[0]
    assert [label.get_text() for label in axes.get_xticklabels()] == ["Mar 2"]
    assert_sensible_png(conversion_chart(translator("en"), history))


def test_ten_variants_over_four_months_render() -> None:
    names = [f"variant_{index}" for index in range(10)]
    daily = week({name: (100, 2 + index % 5) for index, name in enumerate(names)}, days=120)
    history = history_of(daily, names, planned=3000, timezone="America/New_York")
    assert_sensible_png(conversion_chart(translator("en"), history))


def test_russian_labels_and_a_cyrillic_name_draw_without_missing_glyphs() -> None:
    history = history_of(
        week({"контроль": (300, 12), "новый": (300, 18)}),
        ["контроль", "новый"],
        name="Заголовок лендинга",
        planned=5000,
        verdict=KEEP_RUNNING,
        timezone="Europe/Moscow",
    )
    with warnings.catch_warnings():
        # matplotlib warns "Glyph … missing from font" when it draws a box instead of a letter.
        warnings.simplefilter("error")
        content = conversion_chart(translator("ru"), history)
    assert_sensible_png(content)
    texts = texts_of(drawn(history, "ru"))
    assert not [text for text in texts if re.search("[A-Za-z]{3,}", text)]


def test_a_dollar_in_the_name_is_text_not_mathematics() -> None:
    history = history_of(week({"A": (100, 3), "B": (100, 4)}), ["A", "B"], name="$5 vs $10 {x}^_")
    assert "#1 $5 vs $10 {x}^_" in texts_of(drawn(history))
    assert_sensible_png(conversion_chart(translator("en"), history))


def test_a_long_name_is_shortened_to_fit_the_heading() -> None:
    history = history_of(A_AND_B_WEEK, ["A", "B"], name="A very long name " * 6)
    figure = drawn(history)
    (heading,) = [text for text in figure.findobj(Text) if text.get_text().startswith("#1 ")]
    assert heading.get_text().startswith("#1 A very long name A very long")
    assert heading.get_text().endswith("…")
    renderer = figure.canvas.get_renderer()  # type: ignore[attr-defined]
    assert 1000 < heading.get_window_extent(renderer).x1 <= 1080 - 12


def test_rendering_keeps_no_figures_alive() -> None:
    history = history_of(week({"A": (100, 3), "B": (100, 4)}), ["A", "B"])
    conversion_chart(translator("en"), history)
    gc.collect()
    before = sum(isinstance(found, Figure) for found in gc.get_objects())
    for _ in range(2):
        conversion_chart(translator("en"), history)
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
