"""The conversion chart as PNG: each variant's cumulative rate with its 95 % band, for a phone.

Drawn with matplotlib's object API on the Agg canvas: no display, no pyplot, so no global
figure registry that could grow, and nothing to close. Safe to call from a worker thread.

Sizes are set in pixels of the PNG: it is 1080 px wide, the width a phone shows without
scaling, and no letter is smaller than 28 px. matplotlib sizes fonts in points (1/72 inch), so
at ``DPI`` dots per inch a font of ``s`` points is ``s * DPI / 72`` px tall; ``points(px)``
turns a pixel size into the points to ask for.
"""

from __future__ import annotations

import io
import threading
from collections.abc import Sequence
from datetime import date, timedelta
from typing import TYPE_CHECKING

from babel.dates import format_skeleton, get_timezone_location

from bot.i18n import Translator
from bot.render.wording import verdict_label
from bot.replies import esc
from experiments.curves import RateCurve, cumulative_curves, plan_reached_on
from experiments.observations import ConversionHistory

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure
    from matplotlib.text import Text

# matplotlib is imported by the functions that draw (it is the heaviest import of the bot), so
# a bot that never draws a chart never loads it.

WIDTH_PX, HEIGHT_PX, DPI = 1080, 1000, 144
TEXT_PX = 28  # every label, tick and legend entry
HEADING_PX = 34  # the experiment's name
LINE_PX = 4
# Day steps of the date axis, the smallest that keeps the labels apart is used.
DAY_STEPS = (1, 2, 7, 14, 28, 56, 91, 182, 364)
MAX_DATE_TICKS = 5  # "Mar 12" at 28 px is ~100 px wide; five leave room between them
# Percent ticks step by 1, 2 or 5 times a power of ten (never 2.5: "2.5 %, 5 %, 7.5 %").
PERCENT_STEPS = (1, 2, 5, 10)
PLAN_COLOUR = "0.25"
# matplotlib shares caches (fonts, text layout) between figures; one drawing at a time.
DRAWING = threading.Lock()


def points(px: float) -> float:
    """The font size in points that is ``px`` pixels tall at ``DPI``: px = points * DPI / 72."""
    return px * 72 / DPI


def conversion_figure(t: Translator, history: ConversionHistory) -> Figure:
    """The chart, unrendered (tests read its ticks, texts and lines)."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure
    from matplotlib.layout_engine import ConstrainedLayoutEngine

    _ = t.gettext
    experiment = history.experiment
    curves = cumulative_curves(history.daily, experiment.variants)
    figure = Figure(
        figsize=(WIDTH_PX / DPI, HEIGHT_PX / DPI),
        dpi=DPI,
        # Pads in inches: 12 px around the picture.
        layout=ConstrainedLayoutEngine(w_pad=12 / DPI, h_pad=12 / DPI),
    )
    FigureCanvasAgg(figure)
    axes = figure.add_subplot()
    # The name is typed by the user: "$5 offer" must not become mathematics.
    heading = figure.suptitle(
        f"#{experiment.number} {experiment.name}",
        x=0.01,
        ha="left",
        fontsize=points(HEADING_PX),
        fontweight="bold",
        parse_math=False,
    )
    shorten_to_fit(heading, WIDTH_PX - 24)
    axes.tick_params(labelsize=points(TEXT_PX), length=points(10), width=points(2))
    days = sorted({point.day for curve in curves for point in curve.points})
    single_day = len(days) == 1
    for index, curve in enumerate(curves):
        # On a single day the error bars stand side by side instead of on top of each other.
        dodge = (index - (len(curves) - 1) / 2) * 0.06 if single_day else 0.0
        _draw_curve(t, axes, curve, f"C{index % 10}", single_day=single_day, dodge=dodge)
    lines = [_("Cumulative conversion rate, 95% interval")]
    if history.verdict is not None:
        lines.append(_("Verdict: {verdict}").format(verdict=verdict_label(history.verdict, _)))
    if days:
        _date_axis(t, axes, days, history.timezone)
        _percent_axis(t, axes, curves)
        if experiment.planned_per_variant:
            lines.append(_plan(t, axes, curves, experiment.planned_per_variant))
    else:
        axes.set_xticks([])
        axes.set_yticks([])
        axes.text(
            0.5,
            0.5,
            _("No results logged yet"),
            transform=axes.transAxes,
            ha="center",
            va="center",
            color="0.4",
            fontsize=points(TEXT_PX),
        )
    axes.set_title("\n".join(lines), loc="left", fontsize=points(TEXT_PX), linespacing=1.3)
    axes.grid(True, alpha=0.3)
    if curves:
        longest = max(len(text) for text in axes.get_legend_handles_labels()[1])
        figure.legend(
            loc="outside lower center",
            ncols=min(len(curves), 3 if longest <= 14 else 2 if longest <= 24 else 1),
            fontsize=points(TEXT_PX),
            frameon=False,
            handlelength=1.5,
            columnspacing=1.5,
        )
    return figure


def shorten_to_fit(text: Text, width_px: float) -> None:
    """Cuts the text to the longest start that fits ``width_px``, ending it with "…"."""
    figure = text.get_figure(root=True)
    assert figure is not None
    renderer = figure.canvas.get_renderer()  # type: ignore[attr-defined]
    full = text.get_text()
    if text.get_window_extent(renderer).width <= width_px:
        return
    fits, too_long = 0, len(full)
    while too_long - fits > 1:  # a binary search over how many characters to keep
        middle = (fits + too_long) // 2
        text.set_text(full[:middle].rstrip() + "…")
        if text.get_window_extent(renderer).width <= width_px:
            fits = middle
        else:
            too_long = middle
    text.set_text(full[:fits].rstrip() + "…")


def conversion_chart(t: Translator, history: ConversionHistory) -> bytes:
    """The chart as PNG bytes; all words through ``t``, percents and dates in its locale."""
    with DRAWING:
        figure = conversion_figure(t, history)
        buffer = io.BytesIO()
        figure.savefig(buffer, format="png")
        figure.clear()
    return buffer.getvalue()


def _draw_curve(
    t: Translator, axes: Axes, curve: RateCurve, color: str, *, single_day: bool, dodge: float
) -> None:
    from matplotlib.dates import date2num

    _ = t.gettext
    label = curve.variant + (" " + _("(control)") if curve.control else "")
    if not curve.points:
        axes.plot([], [], color=color, label=label + " — " + _("no visitors yet"))
        return
    xs = [date2num(point.day) + dodge for point in curve.points]
    rates = [point.rate for point in curve.points]
    lows = [point.ci_low for point in curve.points]
    highs = [point.ci_high for point in curve.points]
    if single_day:
        # One day is one point: its interval is an error bar, not a band.
        axes.errorbar(
            xs,
            rates,
            yerr=[
                [r - low for r, low in zip(rates, lows, strict=True)],
                [high - r for r, high in zip(rates, highs, strict=True)],
            ],
            color=color,
            marker="o",
            markersize=points(14),
            linewidth=points(LINE_PX),
            capsize=points(12),
            capthick=points(LINE_PX),
            label=label,
            gid=curve.variant,
        )
        return
    axes.fill_between(xs, lows, highs, color=color, alpha=0.15, linewidth=0)
    axes.plot(
        xs,
        rates,
        color=color,
        linewidth=points(LINE_PX),
        marker="o" if len(xs) <= 31 else None,
        markersize=points(10),
        label=label,
        gid=curve.variant,
    )


def zone_name(t: Translator, timezone: str) -> str:
    """The zone as people say it: "Moscow", "Москва", "UTC"."""
    return str(get_timezone_location(timezone, locale=t.locale, return_city=True))


def _date_axis(t: Translator, axes: Axes, days: list[date], timezone: str) -> None:
    from matplotlib.dates import date2num

    first, last = days[0], days[-1]
    span = (last - first).days
    most = MAX_DATE_TICKS if first.year == last.year else MAX_DATE_TICKS - 1
    step = next((s for s in DAY_STEPS if span // s + 1 <= most), DAY_STEPS[-1])
    ticks = [first + timedelta(days=offset) for offset in range(0, span + 1, step)]
    skeleton = "MMMd" if first.year == last.year else "yMMMd"  # "Mar 2" or "Mar 2, 2026"
    axes.set_xticks(
        [date2num(day) for day in ticks],
        [format_skeleton(skeleton, day, locale=t.locale) for day in ticks],
    )
    margin = max(0.5, span * 0.03)
    axes.set_xlim(date2num(first) - margin, date2num(last) + margin)
    axes.set_xlabel(
        t.gettext("Date (time zone: {zone})").format(zone=zone_name(t, timezone)),
        fontsize=points(TEXT_PX),
    )


def percent_ticks(top: float) -> list[float]:
    """Round ticks from 0 that cover ``top``: steps of 1, 2 or 5 times a power of ten."""
    from matplotlib.ticker import MaxNLocator

    locator = MaxNLocator(nbins=5, steps=list(PERCENT_STEPS))
    ticks = [float(value) for value in locator.tick_values(0.0, top) if value >= -1e-12]
    # tick_values adds multiples of a float step: 0.30000000000000004 becomes 0.3.
    return [round(value, 12) for value in ticks]


def percent_digits(ticks: Sequence[float]) -> int:
    """How many decimals the percent labels need so every tick reads as its value."""
    step = (ticks[1] - ticks[0]) * 100 if len(ticks) > 1 else 1.0
    for digits in range(5):
        if abs(round(step, digits) - step) < 1e-9:
            return digits
    return 4


def _percent_axis(t: Translator, axes: Axes, curves: Sequence[RateCurve]) -> None:
    top = max(point.ci_high for curve in curves for point in curve.points)
    ticks = percent_ticks(min(1.0, max(top, 0.01)))
    digits = percent_digits(ticks)
    axes.set_yticks(ticks, [t.percent(value, digits) for value in ticks])
    axes.set_ylim(0.0, ticks[-1])


def _plan(t: Translator, axes: Axes, curves: Sequence[RateCurve], planned: int) -> str:
    """Marks the day the plan was reached; returns the plan's line for the heading."""
    from matplotlib.dates import date2num
    from matplotlib.transforms import blended_transform_factory

    _ = t.gettext
    reached = plan_reached_on(curves, planned)
    if reached is None:
        smallest = min((c.last.visitors if c.last else 0) for c in curves)
        return _("Plan: {planned} visitors per variant, not reached yet ({have} so far)").format(
            planned=t.number(planned), have=t.number(smallest)
        )
    x = date2num(reached)
    axes.axvline(x, color=PLAN_COLOUR, linestyle="--", linewidth=points(3), gid="plan")
    left, right = axes.get_xlim()
    near_right = x > left + (right - left) * 0.6
    axes.text(
        x,
        0.98,
        " " + _("plan reached") + " ",
        transform=blended_transform_factory(axes.transData, axes.transAxes),
        ha="right" if near_right else "left",
        va="top",
        fontsize=points(TEXT_PX),
        color=PLAN_COLOUR,
        bbox={"facecolor": "white", "edgecolor": "none", "alpha": 0.85, "pad": 2},
        gid="plan-label",
    )
    return _("Plan: {planned} visitors per variant, reached on {day}").format(
        planned=t.number(planned), day=format_skeleton("MMMd", reached, locale=t.locale)
    )


def chart_caption(t: Translator, number: int, curves: Sequence[RateCurve]) -> str:
    """One sentence under the picture: who leads so far (not whether it is real: /readout)."""
    _ = t.gettext
    with_data = [curve for curve in curves if curve.last is not None]
    readout = _(
        "The readout (/readout #{number}) tells whether a lead is more than chance."
    ).format(number=number)
    if not with_data:
        return _("No results logged yet.")
    lasts = {curve.variant: curve.last for curve in with_data if curve.last is not None}
    best = max(point.rate for point in lasts.values())
    leaders = [name for name, point in lasts.items() if point.rate == best]
    if len(with_data) > 1 and len(leaders) == len(with_data):
        text = _("All variants convert alike so far: {rate}.").format(rate=t.percent(best, 2))
    else:
        point = lasts[leaders[0]]
        text = _("{variant} leads so far: {rate} of {visitors} visitors ({low} – {high}).").format(
            variant="<b>" + esc(leaders[0]) + "</b>",
            rate=t.percent(point.rate, 2),
            visitors=t.number(point.visitors),
            low=t.percent(point.ci_low, 1),
            high=t.percent(point.ci_high, 1),
        )
    return text + " " + readout
