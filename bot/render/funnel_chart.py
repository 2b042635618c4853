"""The hourglass funnel as a PNG: a bar per stage, widths by count, the constraint marked.

Drawn on a bare ``matplotlib.figure.Figure`` with the Agg canvas: nothing is registered with
pyplot, so a figure is garbage once its PNG is written and charts can be drawn in worker
threads (``asyncio.to_thread``) without sharing state.
"""

from __future__ import annotations

from io import BytesIO

from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from bot.i18n import Translator
from bot.render import labels
from experiments.funnel import FunnelView

BAR_COLOUR = "#4c72b0"
CONSTRAINT_COLOUR = "#d1495b"
TEXT_COLOUR = "#333333"
# Below this share of the top stage a bar would vanish; it is drawn this wide, labelled truly.
MIN_VISIBLE_WIDTH = 0.012


def funnel_figure(t: Translator, view: FunnelView) -> Figure:
    """The chart, unrendered (tests read its texts and colours)."""
    _ = t.gettext
    figure = Figure(figsize=(8, 5.2), dpi=100)
    FigureCanvasAgg(figure)
    axes = figure.add_subplot()
    top = max(max(stage.reached for stage in view.stages), 1)
    positions = list(range(len(view.stages)))[::-1]  # Know at the top
    for y, stage in zip(positions, view.stages, strict=True):
        width = max(stage.reached / top, MIN_VISIBLE_WIDTH)
        is_constraint = stage.stage is view.constraint
        axes.barh(
            y,
            width,
            left=-width / 2,
            height=0.72,
            color=CONSTRAINT_COLOUR if is_constraint else BAR_COLOUR,
            gid="constraint" if is_constraint else None,
        )
        axes.text(
            -0.56,
            y,
            labels.stage(t, stage.stage),
            ha="right",
            va="center",
            fontsize=11,
            fontweight="bold",
            color=TEXT_COLOUR,
        )
        count = t.number(stage.reached)
        axes.text(
            width / 2 + 0.015,
            y,
            count + ("   ◀ " + _("constraint") if is_constraint else ""),
            ha="left",
            va="center",
            fontsize=10,
            fontweight="bold" if is_constraint else "normal",
            color=CONSTRAINT_COLOUR if is_constraint else TEXT_COLOUR,
        )
        if stage.rate_from_previous is not None:
            # The step conversion sits in the gap above its bar, where people cross over.
            axes.text(
                0.62,
                y + 0.5,
                "↓ " + t.percent(stage.rate_from_previous, 1),
                ha="left",
                va="center",
                fontsize=9,
                fontweight="bold" if is_constraint else "normal",
                color=CONSTRAINT_COLOUR if is_constraint else TEXT_COLOUR,
            )
    axes.set_xlim(-0.95, 0.95)
    axes.set_ylim(-0.6, len(view.stages) - 0.4)
    axes.axis("off")
    heading = _("Hourglass funnel, {start} – {end}").format(
        start=t.date(view.period_start), end=t.date(view.period_end)
    )
    axes.set_title(heading, fontsize=13, color=TEXT_COLOUR)
    figure.text(
        0.5,
        0.02,
        _("Bar width: people who reached the stage; ↓ the share of the stage before."),
        ha="center",
        fontsize=8,
        color="#777777",
    )
    return figure


def funnel_chart_png(t: Translator, view: FunnelView) -> bytes:
    """The chart as PNG bytes; CPU-bound, so call it through ``asyncio.to_thread``."""
    figure = funnel_figure(t, view)
    buffer = BytesIO()
    figure.savefig(buffer, format="png")
    figure.clear()
    return buffer.getvalue()
