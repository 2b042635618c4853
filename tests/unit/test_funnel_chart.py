"""The funnel chart: an hourglass of bars, the constraint marked, the previous period outlined.

Checked by eye (each case rendered to /tmp and opened), at 1080 × 1080 px:
- 5,000 / 1,200 / 400 / 150 / 60 / 20 / 5 with the week before as outlines: an hourglass —
  the bars narrow from Know to Buy and widen again through Repeat and Refer, a pale glass
  joins them; Like is red with "1,200 · 24.0%" and "◀ constraint" in red beside it; every
  stage's name on the left and "count · share of the stage above" on the right, all readable
  at phone size; dashed black outlines of last week on every bar; "▼" after Like's 24.0 % and
  "▲" after Trust's 33.3 % (the steps that moved by more than noise), none elsewhere; the
  footnote explains the widths, the arrows and names the outlined period ("Dashed outlines:
  Feb 17 – 23, 2026") in six lines that stay clear of the lowest bar.
- the same in Russian: "Знакомство" … "Рекомендация" fit left of the bars, "1 200 · 24,0 % ▼"
  and "◀ узкое место" fit on the right (the arrow ends ~20 px from the edge),
  "24 февр. – 2 мар. 2026 г." under the heading, the footnote in Russian.
- a shop whose constraint is Repeat (120 buy, 10 repeat): the Repeat bar red and barely wider
  than Buy, Refer (80 % of Repeat) wide again; last week's wider Repeat outline shows the drop.
- nobody reached Know: seven narrow bars, all "0", no red, no constraint label.
"""

from __future__ import annotations

import math
import struct
from dataclasses import replace
from datetime import date
from io import BytesIO

import matplotlib.image
import numpy as np
import pytest
from matplotlib.colors import to_rgb
from matplotlib.figure import Figure
from matplotlib.patches import Rectangle
from matplotlib.text import Text

from bot.i18n import translator
from bot.render.charts import DPI
from bot.render.funnel_chart import (
    BAR_COLOUR,
    CONSTRAINT_COLOUR,
    MAX_WIDTH,
    MIN_WIDTH,
    funnel_chart_png,
    funnel_figure,
)
from experiments.funnel import (
    FUNNEL_STAGES,
    FunnelView,
    PeriodChange,
    StageChange,
    StageConversion,
)
from experiments.stats.funnel import analyse_funnel, compare_funnels

EXAMPLE = (5000, 1200, 400, 150, 60, 20, 5)
WEEK_BEFORE = (4000, 1100, 300, 140, 50, 12, 2)


def view_of(
    counts: tuple[int, ...],
    start: date = date(2026, 2, 24),
    end: date = date(2026, 3, 2),
) -> FunnelView:
    analysis = analyse_funnel(counts)
    return FunnelView(
        period_start=start,
        period_end=end,
        stages=tuple(
            StageConversion(stage, step.reached, step.rate, step.ci_low, step.ci_high)
            for stage, step in zip(FUNNEL_STAGES, analysis.steps, strict=True)
        ),
        constraint=None if analysis.constraint is None else FUNNEL_STAGES[analysis.constraint],
        constraint_rate=analysis.constraint_rate,
        logged_by="Alice",
    )


def previous_week() -> FunnelView:
    return view_of(WEEK_BEFORE, date(2026, 2, 17), date(2026, 2, 23))


def compared_with_previous_week(view: FunnelView) -> FunnelView:
    """The view as the service gives it when a period was logged before it."""
    comparison = compare_funnels(WEEK_BEFORE, [stage.reached for stage in view.stages])
    before = comparison.constraint_before
    change = PeriodChange(
        period_start=date(2026, 2, 17),
        period_end=date(2026, 2, 23),
        changes=tuple(
            StageChange(
                FUNNEL_STAGES[step.position],
                step.rate_before,
                step.rate_after,
                step.p_value,
                step.trend,
            )
            for step in comparison.changes
        ),
        constraint_before=None if before is None else FUNNEL_STAGES[before],
        constraint_moved=comparison.constraint_moved,
    )
    return replace(view, previous=change)


def bars(figure: Figure, gid: str | None = None) -> list[Rectangle]:
    """The stage bars (or the previous period's outlines), Know first."""
    wanted = {"stage", "constraint"} if gid is None else {gid}
    return [
        patch
        for patch in figure.axes[0].patches
        if isinstance(patch, Rectangle) and patch.get_gid() in wanted
    ]


def texts(figure: Figure) -> list[str]:
    return [text.get_text() for text in figure.findobj(Text) if text.get_text()]


def pixels_near(png: bytes, colour: str, tolerance: float = 0.02) -> int:
    image = matplotlib.image.imread(BytesIO(png), format="png")[:, :, :3]
    distance = np.abs(image - np.array(to_rgb(colour))).max(axis=2)
    return int((distance < tolerance).sum())


def log_width_by_hand(count: int, top: int) -> float:
    # MIN_WIDTH + (MAX_WIDTH - MIN_WIDTH) * log10(1 + count) / log10(1 + top)
    return 0.06 + 0.84 * math.log10(1 + count) / math.log10(1 + top)


def test_the_chart_is_a_square_png_for_a_phone() -> None:
    png = funnel_chart_png(translator("en"), view_of(EXAMPLE), previous_week())
    assert png.startswith(b"\x89PNG\r\n\x1a\n")
    width, height = struct.unpack(">II", png[16:24])
    assert (width, height) == (1080, 1080)


def test_the_bars_narrow_to_buy_on_a_log_scale_and_widen_after_it() -> None:
    drawn = bars(funnel_figure(translator("en"), view_of(EXAMPLE)))
    assert len(drawn) == 7
    widths = [bar.get_width() for bar in drawn]
    assert (MIN_WIDTH, MAX_WIDTH) == (0.06, 0.9)
    # Know … Buy: log10(1 + count) / log10(5001) of the span, e.g. Buy 60: 0.06 + 0.84 *
    # 1.78533 / 3.69906 = 0.46543.
    assert widths[:5] == pytest.approx([log_width_by_hand(c, 5000) for c in EXAMPLE[:5]])
    assert widths[4] == pytest.approx(0.46543, abs=1e-5)
    # After Buy each bar is wider by the share that went on: 20/60 then 5/20.
    assert widths[5] == pytest.approx(widths[4] * (1 + 20 / 60))
    assert widths[6] == pytest.approx(widths[5] * (1 + 5 / 20))
    assert widths[:5] == sorted(widths[:5], reverse=True)  # narrowing to the waist
    assert widths[4] < widths[5] < widths[6]  # and widening again
    # Small stages stay visible: Refer's 5 of 5,000 is 0.1 % of Know, drawn at 86 % of it.
    assert min(widths) > 0.4
    # Centred, Know at the top.
    assert all(abs(bar.get_x() + bar.get_width() / 2) < 1e-12 for bar in drawn)
    assert [bar.get_y() for bar in drawn] == sorted((bar.get_y() for bar in drawn), reverse=True)


def test_the_widening_never_passes_the_widest_bar() -> None:
    # Everyone goes on at every step: Buy is as wide as Know, and Repeat would be twice that.
    drawn = bars(funnel_figure(translator("en"), view_of((100,) * 7)))
    widths = [bar.get_width() for bar in drawn]
    assert widths == pytest.approx([MAX_WIDTH] * 7)


def test_every_stage_is_labelled_with_its_count_and_its_step_conversion() -> None:
    labels = texts(funnel_figure(translator("en"), view_of(EXAMPLE)))
    for name in ("Know", "Like", "Trust", "Try", "Buy", "Repeat", "Refer"):
        assert name in labels
    assert "5,000" in labels  # Know has no stage above it
    for label in (
        "1,200 · 24.0%",  # 1200 / 5000
        "400 · 33.3%",  # 400 / 1200
        "150 · 37.5%",  # 150 / 400
        "60 · 40.0%",  # 60 / 150
        "20 · 33.3%",  # 20 / 60
        "5 · 25.0%",  # 5 / 20
    ):
        assert label in labels
    assert "Hourglass funnel" in labels
    assert "Feb 24 – Mar 2, 2026" in [label.replace("\u2009", " ") for label in labels]


def test_the_constraint_is_marked_in_its_own_colour_with_a_label() -> None:
    view = view_of(EXAMPLE)  # Like converts 24 % of Know: the constraint
    figure = funnel_figure(translator("en"), view)
    colours = [to_rgb(bar.get_facecolor()[:3]) for bar in bars(figure)]
    assert colours[1] == to_rgb(CONSTRAINT_COLOUR)
    assert all(c == to_rgb(BAR_COLOUR) for i, c in enumerate(colours) if i != 1)
    assert bars(figure)[1].get_gid() == "constraint"
    (marker,) = [t for t in figure.findobj(Text) if t.get_gid() == "constraint-label"]
    assert marker.get_text() == "◀ constraint"
    assert to_rgb(marker.get_color()) == to_rgb(CONSTRAINT_COLOUR)
    png = funnel_chart_png(translator("en"), view)
    assert pixels_near(png, CONSTRAINT_COLOUR) > 5000


def test_a_constraint_after_buy_is_marked_too() -> None:
    view = view_of((300, 250, 200, 150, 120, 10, 8))  # Repeat: 10 of 120
    assert view.constraint is FUNNEL_STAGES[5]
    figure = funnel_figure(translator("en"), view)
    assert [bar.get_gid() for bar in bars(figure)][5] == "constraint"


def test_the_previous_period_is_drawn_as_dashed_outlines_on_the_same_scale() -> None:
    figure = funnel_figure(translator("en"), view_of(EXAMPLE), previous_week())
    outlines = bars(figure, "previous")
    assert len(outlines) == 7
    assert not any(outline.get_fill() for outline in outlines)
    assert all(outline.get_linestyle() == (0, (4, 3)) for outline in outlines)  # dashed
    widths = [outline.get_width() for outline in outlines]
    # The same log scale, topped by this week's 5,000: last week's Know is 4,000.
    assert widths[:5] == pytest.approx([log_width_by_hand(c, 5000) for c in WEEK_BEFORE[:5]])
    assert widths[5] == pytest.approx(widths[4] * (1 + 12 / 50))
    # Outlines sit on their stage's bar.
    for outline, bar in zip(outlines, bars(figure), strict=True):
        assert outline.get_y() == bar.get_y()
    labels = [label.replace("\u2009", " ") for label in texts(figure)]
    assert any(label.endswith("Dashed outlines: Feb 17 – 23, 2026") for label in labels)


def test_steps_that_moved_more_than_noise_get_an_arrow() -> None:
    view = compared_with_previous_week(view_of(EXAMPLE))
    labels = texts(funnel_figure(translator("en"), view, previous_week()))
    # Like 27.5 % -> 24.0 % (Holm p = 0.00093) and Trust 27.3 % -> 33.3 % (p = 0.0080) moved;
    # Try 46.7 % -> 37.5 % (p = 0.059) is within noise, so it has no arrow.
    assert "1,200 · 24.0% ▼" in labels
    assert "400 · 33.3% ▲" in labels
    assert "150 · 37.5%" in labels
    assert any("▲ ▼ a step that changed by more than noise" in label for label in labels)


def test_without_a_previous_period_there_are_no_outlines() -> None:
    figure = funnel_figure(translator("en"), view_of(EXAMPLE))
    assert bars(figure, "previous") == []
    assert not any("Dashed outlines" in label for label in texts(figure))


def test_every_letter_is_at_least_28_px_tall() -> None:
    view = compared_with_previous_week(view_of(EXAMPLE))
    figure = funnel_figure(translator("ru"), view, previous_week())
    assert tuple(figure.get_size_inches() * DPI) == pytest.approx((1080, 1080))
    found = [text for text in figure.findobj(Text) if text.get_text()]
    assert len(found) >= 7 * 2 + 4
    # A font of s points at d dots per inch is s * d / 72 px tall.
    assert min(text.get_fontsize() * DPI / 72 for text in found) >= 28


def test_every_text_stays_inside_the_picture() -> None:
    for language in ("en", "ru"):
        view = compared_with_previous_week(view_of(EXAMPLE))
        figure = funnel_figure(translator(language), view, previous_week())
        figure.canvas.draw()
        renderer = figure.canvas.get_renderer()  # type: ignore[attr-defined]
        for text in figure.findobj(Text):
            if text.get_text():
                box = text.get_window_extent(renderer)
                assert box.x0 >= 0 and box.x1 <= 1080, (language, text.get_text())
                assert box.y0 >= 0 and box.y1 <= 1080, (language, text.get_text())


@pytest.mark.parametrize("language", ["en", "ru"])
def test_the_notes_stay_below_the_hourglass(language: str) -> None:
    # Refer as the constraint puts the two-line label on the lowest row, nearest the notes.
    counts = (5000, 4000, 3000, 2000, 1000, 900, 10)
    view = compared_with_previous_week(view_of(counts))
    assert view.constraint is FUNNEL_STAGES[6]
    figure = funnel_figure(translator(language), view, previous_week())
    figure.canvas.draw()
    renderer = figure.canvas.get_renderer()  # type: ignore[attr-defined]
    (notes,) = [text for text in figure.texts if text.get_gid() == "notes"]
    assert notes.get_text().count("\n") >= 3  # widths, arrows and outlines explained
    notes_top = notes.get_window_extent(renderer).y1
    drawn = [*figure.axes[0].patches, *figure.axes[0].texts]
    assert min(artist.get_window_extent(renderer).y0 for artist in drawn) > notes_top


def test_labels_follow_the_language() -> None:
    view = compared_with_previous_week(view_of(EXAMPLE))
    labels = texts(funnel_figure(translator("ru"), view, previous_week()))
    assert "1\xa0200 · 24,0\xa0% ▼" in labels
    assert "5\xa0000" in labels
    assert "◀ узкое место" in labels
    assert "Воронка песочных часов" in labels


def test_an_empty_funnel_is_drawn_without_a_constraint() -> None:
    view = view_of((0,) * 7)
    figure = funnel_figure(translator("en"), view)
    assert all(to_rgb(bar.get_facecolor()[:3]) == to_rgb(BAR_COLOUR) for bar in bars(figure))
    assert all(bar.get_width() == pytest.approx(MIN_WIDTH) for bar in bars(figure))
    assert not any("constraint" in label for label in texts(figure))
    png = funnel_chart_png(translator("en"), view)
    assert pixels_near(png, CONSTRAINT_COLOUR) == 0


def test_drawing_leaves_no_figure_open() -> None:
    import matplotlib.pyplot as plt

    funnel_chart_png(translator("en"), view_of(EXAMPLE), previous_week())
    assert plt.get_fignums() == []
