"""The funnel chart: a PNG with a bar per stage, the constraint in its own colour, local labels."""

from __future__ import annotations

import struct
from datetime import date
from io import BytesIO

import matplotlib.image
import numpy as np
from matplotlib.colors import to_rgb
from matplotlib.patches import Rectangle

from bot.i18n import translator
from bot.render.funnel_chart import (
    BAR_COLOUR,
    CONSTRAINT_COLOUR,
    funnel_chart_png,
    funnel_figure,
)
from experiments.funnel import FUNNEL_STAGES, FunnelView, StageConversion
from experiments.stats.funnel import analyse_funnel

EXAMPLE = (5000, 1200, 400, 150, 60, 20, 5)


def view_of(counts: tuple[int, ...]) -> FunnelView:
    analysis = analyse_funnel(counts)
    return FunnelView(
        period_start=date(2026, 2, 24),
        period_end=date(2026, 3, 2),
        stages=tuple(
            StageConversion(stage, step.reached, step.rate, step.ci_low, step.ci_high)
            for stage, step in zip(FUNNEL_STAGES, analysis.steps, strict=True)
        ),
        constraint=None if analysis.constraint is None else FUNNEL_STAGES[analysis.constraint],
        constraint_rate=analysis.constraint_rate,
        logged_by="Alice",
    )


def bars(view: FunnelView, language: str = "en") -> list[Rectangle]:
    figure = funnel_figure(translator(language), view)
    return [patch for patch in figure.axes[0].patches if isinstance(patch, Rectangle)]


def texts(view: FunnelView, language: str = "en") -> list[str]:
    figure = funnel_figure(translator(language), view)
    return [text.get_text() for text in figure.findobj(match=lambda o: hasattr(o, "get_text"))]


def pixels_near(png: bytes, colour: str, tolerance: float = 0.02) -> int:
    image = matplotlib.image.imread(BytesIO(png), format="png")[:, :, :3]
    distance = np.abs(image - np.array(to_rgb(colour))).max(axis=2)
    return int((distance < tolerance).sum())


def test_the_chart_is_a_png_of_a_readable_size() -> None:
    png = funnel_chart_png(translator("en"), view_of(EXAMPLE))
    assert png.startswith(b"\x89PNG\r\n\x1a\n")
    width, height = struct.unpack(">II", png[16:24])
    assert (width, height) == (800, 520)


def test_bar_widths_follow_the_counts() -> None:
    drawn = bars(view_of(EXAMPLE))
    assert len(drawn) == 7
    widths = [bar.get_width() for bar in drawn]
    assert widths[:4] == [1.0, 0.24, 0.08, 0.03]  # 5000, 1200, 400, 150 of 5000
    assert widths[6] == 0.012  # 5 of 5000 would vanish; it is drawn at the minimum
    # Centred, so the stages stack into the hourglass's funnel.
    assert all(abs(bar.get_x() + bar.get_width() / 2) < 1e-12 for bar in drawn)


def test_the_constraint_is_marked_in_its_own_colour_with_a_label() -> None:
    view = view_of(EXAMPLE)  # Like converts 24 % of Know: the constraint
    colours = [to_rgb(bar.get_facecolor()[:3]) for bar in bars(view)]
    assert colours[1] == to_rgb(CONSTRAINT_COLOUR)
    assert all(c == to_rgb(BAR_COLOUR) for i, c in enumerate(colours) if i != 1)
    labels = texts(view)
    assert "1,200   ◀ constraint" in labels
    assert [label for label in labels if label.startswith("↓")] == [
        "↓ 24.0%",
        "↓ 33.3%",
        "↓ 37.5%",
        "↓ 40.0%",
        "↓ 33.3%",
        "↓ 25.0%",
    ]
    assert "Hourglass funnel, Feb 24, 2026 – Mar 2, 2026" in labels
    png = funnel_chart_png(translator("en"), view)
    assert pixels_near(png, CONSTRAINT_COLOUR) > 500


def test_labels_follow_the_language() -> None:
    labels = texts(view_of(EXAMPLE), "ru")
    assert "↓ 24,0\xa0%" in labels
    assert "5\xa0000" in labels


def test_an_empty_funnel_is_drawn_without_a_constraint() -> None:
    view = view_of((0,) * 7)
    assert all(to_rgb(bar.get_facecolor()[:3]) == to_rgb(BAR_COLOUR) for bar in bars(view))
    assert not any("constraint" in label for label in texts(view))
    png = funnel_chart_png(translator("en"), view)
    assert pixels_near(png, CONSTRAINT_COLOUR) == 0


def test_drawing_leaves_no_figure_open() -> None:
    import matplotlib.pyplot as plt

    funnel_chart_png(translator("en"), view_of(EXAMPLE))
    assert plt.get_fignums() == []
