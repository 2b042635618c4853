"""Conversion charts as PNG: each variant's cumulative rate by day, with its 95 % interval band.

Drawn with matplotlib's object API on the Agg canvas: no display, no pyplot, so no global
figure registry that could grow, and nothing to close. Safe to call from a worker thread.
"""

from __future__ import annotations

import io
import math
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from babel.dates import format_skeleton
from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.dates import date2num
from matplotlib.figure import Figure
from matplotlib.ticker import FuncFormatter

from bot.i18n import Translator
from bot.replies import esc
from experiments.domain import DailyTotals
from experiments.stats.proportions import wilson_interval

WIDTH_INCHES, HEIGHT_INCHES, DPI = 9.0, 5.0, 110
MAX_DATE_TICKS = 8
# matplotlib shares caches (fonts, text layout) between figures; one drawing at a time.
DRAWING = threading.Lock()


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
        points: list[RatePoint] = []
        for day in days:
            more_visitors, more_conversions = gathered.get((day, variant), (0, 0))
            visitors += more_visitors
            conversions += more_conversions
            if visitors == 0:
                continue
            interval = wilson_interval(conversions, visitors)
            points.append(
                RatePoint(
                    day, visitors, conversions, interval.rate, interval.ci_low, interval.ci_high
                )
            )
        curves.append(RateCurve(variant, position == 0, tuple(points)))
    return tuple(curves)


def conversion_chart(t: Translator, title: str, curves: Sequence[RateCurve]) -> bytes:
    """The chart as PNG bytes; all words through ``t``, percents and dates in its locale."""
    _ = t.gettext
    with DRAWING:
        figure = Figure(figsize=(WIDTH_INCHES, HEIGHT_INCHES), dpi=DPI, layout="constrained")
        FigureCanvasAgg(figure)
        axes = figure.add_subplot()
        # The name is typed by the user: "$5 offer" must not become mathematics.
        axes.set_title(title, loc="left", fontsize=12, parse_math=False)
        axes.set_xlabel(_("Day (UTC)"))
        axes.set_ylabel(_("Conversion rate so far"))
        days = sorted({point.day for curve in curves for point in curve.points})
        single_day = len(days) == 1
        for index, curve in enumerate(curves):
            # On a single day the error bars stand side by side instead of on top of each other.
            dodge = (index - (len(curves) - 1) / 2) * 0.06 if single_day else 0.0
            _draw_curve(t, axes, curve, f"C{index % 10}", single_day=single_day, dodge=dodge)
        if days:
            _date_axis(t, axes, days)
            _percent_axis(t, axes, curves)
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
            )
        axes.grid(True, alpha=0.3)
        if curves:
            _legend(t, figure, single_day=single_day)
        buffer = io.BytesIO()
        figure.savefig(buffer, format="png")
        figure.clear()
    return buffer.getvalue()


def _legend(t: Translator, figure: Figure, *, single_day: bool) -> None:
    _ = t.gettext
    figure.legend(
        loc="outside right upper",
        title=_("Bars: 95% intervals") if single_day else _("Bands: 95% intervals"),
        fontsize=9,
        title_fontsize=9,
        frameon=False,
    )


def _draw_curve(
    t: Translator, axes: Axes, curve: RateCurve, color: str, *, single_day: bool, dodge: float
) -> None:
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
            capsize=6,
            label=label,
        )
        return
    axes.fill_between(xs, lows, highs, color=color, alpha=0.15, linewidth=0)
    axes.plot(
        xs, rates, color=color, marker="o" if len(xs) <= 31 else None, markersize=3, label=label
    )


def _date_axis(t: Translator, axes: Axes, days: list[date]) -> None:
    first, last = days[0], days[-1]
    span = (last - first).days
    step = max(1, math.ceil((span + 1) / MAX_DATE_TICKS))
    ticks = [first + timedelta(days=offset) for offset in range(0, span + 1, step)]
    skeleton = "MMMd" if first.year == last.year else "yMMMd"  # "Mar 2" or "Mar 2, 2026"
    axes.set_xticks(
        [date2num(day) for day in ticks],
        [format_skeleton(skeleton, day, locale=t.locale) for day in ticks],
    )
    margin = max(0.5, span * 0.03)
    axes.set_xlim(date2num(first) - margin, date2num(last) + margin)


def _percent_axis(t: Translator, axes: Axes, curves: Sequence[RateCurve]) -> None:
    top = max(point.ci_high for curve in curves for point in curve.points)
    top = min(1.0, max(top * 1.1, 0.01))
    axes.set_ylim(0.0, top)
    digits = 1 if top < 0.1 else 0
    axes.yaxis.set_major_formatter(FuncFormatter(lambda value, _position: t.percent(value, digits)))


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
