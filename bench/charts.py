"""How long drawing a chart takes (it runs in a worker thread, off the event loop).

Times the conversion chart (two variants over a week; ten over four months) and the funnel
chart with the period before outlined, at their real size (1080 px wide). The same-run
baseline is an empty figure of the same size saved as PNG: the fixed cost of the canvas and
the PNG encoder, which no chart can go below.

    uv run python bench/charts.py [--repeat 10]
"""

from __future__ import annotations

import argparse
import io
import statistics
import time
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta

from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from bot.i18n import translator
from bot.render.charts import DPI, HEIGHT_PX, WIDTH_PX, conversion_chart
from bot.render.funnel_chart import funnel_chart_png
from experiments.domain import DailyTotals, ExperimentView, Kind, Status
from experiments.funnel import FUNNEL_STAGES, FunnelView, StageConversion
from experiments.observations import ConversionHistory
from experiments.stats.funnel import analyse_funnel
from experiments.stats.verdict import Verdict, VerdictKind, VerdictReason

FIRST_DAY = date(2026, 3, 2)


def history(variants: list[str], days: int) -> ConversionHistory:
    experiment = ExperimentView(
        number=1,
        name="Landing headline",
        kind=Kind.AB_TEST,
        stage=None,
        hypothesis=None,
        status=Status.RUNNING,
        outcome=None,
        variants=tuple(variants),
        planned_per_variant=2000,
        baseline_rate=None,
        min_detectable_effect=None,
        review_date=None,
        started_at=None,
        concluded_at=None,
        created_at=datetime(2026, 3, 1, tzinfo=UTC),
        created_by="Bench",
    )
    daily = tuple(
        DailyTotals(FIRST_DAY + timedelta(days=offset), name, 400, 16 + index % 7)
        for offset in range(days)
        for index, name in enumerate(variants)
    )
    verdict = Verdict(VerdictKind.KEEP_RUNNING, None, VerdictReason.NOT_CLEAR_YET)
    return ConversionHistory(experiment, daily, "Europe/Moscow", 400 * days, verdict)


def funnel(counts: tuple[int, ...], end: date) -> FunnelView:
    analysis = analyse_funnel(counts)
    return FunnelView(
        period_start=end - timedelta(days=6),
        period_end=end,
        stages=tuple(
            StageConversion(stage, step.reached, step.rate)
            for stage, step in zip(FUNNEL_STAGES, analysis.steps, strict=True)
        ),
        constraint=None if analysis.constraint is None else FUNNEL_STAGES[analysis.constraint],
        constraint_rate=analysis.constraint_rate,
        logged_by="Bench",
    )


def empty_png() -> bytes:
    figure = Figure(figsize=(WIDTH_PX / DPI, HEIGHT_PX / DPI), dpi=DPI)
    FigureCanvasAgg(figure)
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png")
    return buffer.getvalue()


def median_ms(draw: Callable[[], bytes], repeat: int) -> float:
    draw()  # fonts and caches warm up once
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        draw()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=10)
    repeat = parser.parse_args().repeat
    t = translator("en")
    week = history(["A", "B"], 7)
    months = history([f"variant_{index}" for index in range(10)], 120)
    this_week = funnel((5000, 1200, 400, 150, 60, 20, 5), date(2026, 3, 1))
    last_week = funnel((4000, 1100, 300, 140, 50, 12, 2), date(2026, 2, 22))
    cases: list[tuple[str, Callable[[], bytes]]] = [
        ("conversion chart, 2 variants × 7 days", lambda: conversion_chart(t, week)),
        ("conversion chart, 10 variants × 120 days", lambda: conversion_chart(t, months)),
        ("funnel chart with last week outlined", lambda: funnel_chart_png(t, this_week, last_week)),
        ("baseline: an empty figure of the same size", empty_png),
    ]
    for label, draw in cases:
        print(f"{label:45} {median_ms(draw, repeat):7.1f} ms median of {repeat}")


if __name__ == "__main__":
    main()
