"""The hourglass funnel as a PNG: the stages as an hourglass, the constraint marked, for a phone.

How wide a bar is (documented here and in the picture's footnote):
- Know → Buy: the count on a log scale, ``MIN_WIDTH`` for nobody up to ``MAX_WIDTH`` for the
  largest count of the periods drawn. A linear scale makes Repeat and Refer slivers (5 of 5,000
  is 0.1 % of the width); on a log scale every stage stays visible and the funnel still narrows.
- Buy → Refer: the hourglass widens again, as the method draws it: each bar is wider than the
  one above by the share of that stage's people who went on (Repeat = Buy × (1 + Repeat/Buy)),
  so better retention and referral make a wider lower bulb. These widths are a shape, not
  counts; the real counts are the labels.
The previous period, when there is one, is drawn as dashed outlines on the same scale.

Drawn on a bare ``matplotlib.figure.Figure`` with the Agg canvas: nothing is registered with
pyplot, so a figure is garbage once its PNG is written and charts can be drawn in worker
threads (``asyncio.to_thread``). Sizes are pixels of the 1080 px picture turned into points with
``charts.points`` (a font of s points at d dots per inch is s * d / 72 px).
"""

from __future__ import annotations

import math
import textwrap
from collections.abc import Sequence
from io import BytesIO
from itertools import pairwise
from typing import TYPE_CHECKING

from babel.dates import format_interval

from bot.i18n import Translator
from bot.render import labels
from bot.render.charts import DPI, DRAWING, HEADING_PX, TEXT_PX, points
from bot.render.funnel import TREND_MARKS
from experiments.domain import Stage
from experiments.funnel import FUNNEL_STAGES, FunnelView

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

# matplotlib is imported by the functions that draw: a bot loads it on its first chart.

BAR_COLOUR = "#4c72b0"
CONSTRAINT_COLOUR = "#d1495b"
GLASS_COLOUR = "#e3e9f2"  # the hourglass between the bars
OUTLINE_COLOUR = "#222222"
TEXT_COLOUR = "#333333"
NOTE_COLOUR = "#666666"
SIZE_PX = 1080
MAX_WIDTH = 0.9  # of the axes' 2 units: 486 px
MIN_WIDTH = 0.06  # 32 px: a stage nobody reached is still a visible bar
BAR_HEIGHT = 0.62  # of a row; the rest is the glass between bars
WAIST = Stage.BUY
NAME_X, LABEL_X = -0.49, 0.49  # stage names end here; counts start here
HEADER_PX = 120  # the heading's two lines
NOTES_BOTTOM_PX = 12  # the notes under the hourglass end this far above the bottom
NOTE_LINE_SPACING = 1.2
NOTE_CHARS = 62  # characters of a note line at TEXT_PX on 1080 px


def log_width(count: int, top: int) -> float:
    """A count's bar width on the log scale: MIN_WIDTH for 0, MAX_WIDTH for ``top``."""
    if top <= 0:
        return MIN_WIDTH
    share = math.log10(1 + max(count, 0)) / math.log10(1 + top)
    return MIN_WIDTH + (MAX_WIDTH - MIN_WIDTH) * share


def hourglass_widths(view: FunnelView, top: int) -> list[float]:
    """Every stage's bar width, Know first: narrowing to Buy, widening after it."""
    waist = FUNNEL_STAGES.index(WAIST)
    widths = [log_width(stage.reached, top) for stage in view.stages[: waist + 1]]
    for stage in view.stages[waist + 1 :]:
        went_on = min(stage.rate_from_previous or 0.0, 1.0)
        widths.append(min(widths[-1] * (1 + went_on), MAX_WIDTH))
    return widths


def period_text(t: Translator, view: FunnelView) -> str:
    """ "Feb 24 – Mar 2, 2026"; "17–23 февр. 2026 г."."""
    return str(format_interval(view.period_start, view.period_end, "yMMMd", locale=t.locale))


def funnel_figure(t: Translator, view: FunnelView, previous: FunnelView | None = None) -> Figure:
    """The chart, unrendered (tests read its bars, texts and colours)."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure
    from matplotlib.patches import Rectangle

    _ = t.gettext
    figure = Figure(figsize=(SIZE_PX / DPI, SIZE_PX / DPI), dpi=DPI)
    FigureCanvasAgg(figure)
    # ▲ ▼ beside a step that moved by more than noise since the period before.
    moved = {
        change.stage: TREND_MARKS[change.trend]
        for change in (view.previous.real_changes if view.previous is not None else ())
    }
    notes = _notes(t, previous, trends=bool(moved))
    # The hourglass gets what the heading and the notes leave.
    footer_px = NOTES_BOTTOM_PX + (notes.count("\n") + 1) * TEXT_PX * NOTE_LINE_SPACING + 24
    axes = figure.add_axes((0.0, footer_px / SIZE_PX, 1.0, 1 - (HEADER_PX + footer_px) / SIZE_PX))
    periods = [view] if previous is None else [view, previous]
    top = max(stage.reached for shown in periods for stage in shown.stages)
    widths = hourglass_widths(view, top)
    rows = len(view.stages)
    ys = [rows - 1 - index for index in range(rows)]  # Know at the top
    _draw_glass(axes, ys, widths)
    for y, width, stage in zip(ys, widths, view.stages, strict=True):
        is_constraint = stage.stage is view.constraint
        colour = CONSTRAINT_COLOUR if is_constraint else TEXT_COLOUR
        axes.add_patch(
            Rectangle(
                (-width / 2, y - BAR_HEIGHT / 2),
                width,
                BAR_HEIGHT,
                facecolor=CONSTRAINT_COLOUR if is_constraint else BAR_COLOUR,
                edgecolor="none",
                gid="constraint" if is_constraint else "stage",
            )
        )
        axes.text(
            NAME_X,
            y,
            labels.stage(t, stage.stage),
            ha="right",
            va="center",
            fontsize=points(TEXT_PX),
            fontweight="bold",
            color=colour,
        )
        label = t.number(stage.reached)
        if stage.rate_from_previous is not None:
            label += " · " + t.percent(stage.rate_from_previous, 1)
        if stage.stage in moved:
            label += " " + moved[stage.stage]
        axes.text(
            LABEL_X,
            y + (0.2 if is_constraint else 0.0),
            label,
            ha="left",
            va="center",
            fontsize=points(TEXT_PX),
            fontweight="bold" if is_constraint else "normal",
            color=colour,
        )
        if is_constraint:
            axes.text(
                LABEL_X,
                y - 0.22,
                "◀ " + _("constraint"),
                ha="left",
                va="center",
                fontsize=points(TEXT_PX),
                fontweight="bold",
                color=CONSTRAINT_COLOUR,
                gid="constraint-label",
            )
    if previous is not None:
        for y, width in zip(ys, hourglass_widths(previous, top), strict=True):
            axes.add_patch(
                Rectangle(
                    (-width / 2, y - BAR_HEIGHT / 2),
                    width,
                    BAR_HEIGHT,
                    fill=False,
                    edgecolor=OUTLINE_COLOUR,
                    linestyle=(0, (4, 3)),
                    linewidth=points(3),
                    gid="previous",
                    zorder=3,
                )
            )
    axes.set_xlim(-1, 1)
    axes.set_ylim(-0.5, rows - 0.5)
    axes.axis("off")
    _heading(t, figure, view)
    figure.text(
        0.5,
        NOTES_BOTTOM_PX / SIZE_PX,
        notes,
        ha="center",
        va="bottom",
        fontsize=points(TEXT_PX),
        color=NOTE_COLOUR,
        linespacing=NOTE_LINE_SPACING,
        gid="notes",
    )
    return figure


def funnel_chart_png(t: Translator, view: FunnelView, previous: FunnelView | None = None) -> bytes:
    """The chart as PNG bytes; CPU-bound, so call it through ``asyncio.to_thread``."""
    with DRAWING:
        figure = funnel_figure(t, view, previous)
        buffer = BytesIO()
        figure.savefig(buffer, format="png")
        figure.clear()
    return buffer.getvalue()


def _draw_glass(axes: Axes, ys: Sequence[int], widths: Sequence[float]) -> None:
    """The hourglass's glass: a pale trapezoid from each bar's bottom to the next one's top."""
    from matplotlib.patches import Polygon

    half = BAR_HEIGHT / 2
    for (y, width), (next_y, next_width) in pairwise(zip(ys, widths, strict=True)):
        axes.add_patch(
            Polygon(
                [
                    (-width / 2, y - half),
                    (width / 2, y - half),
                    (next_width / 2, next_y + half),
                    (-next_width / 2, next_y + half),
                ],
                closed=True,
                facecolor=GLASS_COLOUR,
                edgecolor="none",
                gid="glass",
            )
        )


def _heading(t: Translator, figure: Figure, view: FunnelView) -> None:
    top = 1 - 16 / SIZE_PX
    figure.text(
        0.5,
        top,
        t.gettext("Hourglass funnel"),
        ha="center",
        va="top",
        fontsize=points(HEADING_PX),
        fontweight="bold",
        color=TEXT_COLOUR,
    )
    figure.text(
        0.5,
        top - (HEADING_PX + 16) / SIZE_PX,
        period_text(t, view),
        ha="center",
        va="top",
        fontsize=points(TEXT_PX),
        color=TEXT_COLOUR,
    )


def _notes(t: Translator, previous: FunnelView | None, *, trends: bool) -> str:
    """What the picture's footnote says: how to read the widths, the arrows, the outlines."""
    _ = t.gettext
    notes = [
        _(
            "Width: people who reached the stage, on a log scale; after Buy the hourglass "
            "widens by each step's conversion, the share of the stage above shown after "
            "the count."
        )
    ]
    if trends:
        notes.append(_("▲ ▼ a step that changed by more than noise since the period before."))
    if previous is not None:
        notes.append(_("Dashed outlines: {period}").format(period=period_text(t, previous)))
    return "\n".join(textwrap.fill(note, NOTE_CHARS) for note in notes)
