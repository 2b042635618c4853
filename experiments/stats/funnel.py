"""The hourglass funnel: each stage's step conversion, and the constraint it leaks most at.

The rule (Theory of Constraints, Goldratt 1984, applied to the marketing hourglass):

- A stage's *step conversion* is the share of the people at the previous stage who went on to
  reach it: ``reached / previous``, with its Wilson score interval (see
  ``experiments.stats.proportions.wilson_interval``). The top stage has no step conversion.
- A stage after an empty one (``previous == 0``) has no rate: nobody was there to convert.
- A stage with *more* people than the one before is a data problem, not a rate above 100 %:
  the analysis says so (``FunnelIssue.STAGE_GROWS``, at the first such stage), gives that step
  no rate, and names no constraint, since numbers that contradict each other can't be ranked.
- Nobody at the top (and so nobody anywhere) is ``FunnelIssue.EMPTY``: no constraint to find.
- Otherwise the *constraint* is the stage with the lowest step conversion among the stages that
  have one, compared exactly as fractions (``a/b < c/d`` as ``a*d < c*b``, so 1/3 and 2/6
  tie); a tie goes to the earliest stage, where a fix helps every stage after it.
- The constraint is *clear* when its interval lies wholly below every other step's interval;
  otherwise the data can't yet tell it apart from the next weakest step.

Comparing two periods (``compare_funnels``): each step that has a rate in both periods is
tested for a change with the two-proportion test of ``experiments.stats.proportions``
(pooled z-test, Fisher's exact test for small cells); as up to six steps are tested at once,
the p-values are Holm-adjusted (``holm_adjust``) before they are compared with ``alpha``, so
"more than noise" holds for the whole funnel, not just for one step picked after the fact.
"""

from __future__ import annotations

import operator
from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum

from experiments.stats.proportions import (
    check_alpha,
    holm_adjust,
    two_proportion_test,
    wilson_interval,
)


class FunnelIssue(StrEnum):
    STAGE_GROWS = "stage-grows"  # a later stage has more people than the one before it
    EMPTY = "empty"  # nobody reached the top stage


@dataclass(frozen=True)
class FunnelStep:
    """One stage of the funnel and how many of the previous stage's people reached it."""

    position: int  # 0 is the top stage
    reached: int
    previous: int | None  # people at the stage before; None for the top stage
    rate: float | None  # reached / previous; None at the top, after an empty stage, or if it grew
    ci_low: float | None  # Wilson score interval of the rate
    ci_high: float | None


@dataclass(frozen=True)
class FunnelAnalysis:
    steps: tuple[FunnelStep, ...]  # one per stage, top first
    constraint: int | None  # position of the stage with the weakest step conversion
    constraint_rate: float | None
    constraint_is_clear: bool  # its interval lies below every other step's interval
    issue: FunnelIssue | None  # why there is no constraint, when the data can't give one
    issue_position: int | None  # for STAGE_GROWS: the first stage larger than its previous one
    alpha: float


def analyse_funnel(counts: Sequence[int], alpha: float = 0.05) -> FunnelAnalysis:
    """Step conversions with Wilson intervals, and the constraint; the rule is the module's."""
    _check_counts(counts)
    check_alpha(alpha)
    steps = [FunnelStep(0, counts[0], None, None, None, None)]
    issue_position: int | None = None
    for position in range(1, len(counts)):
        previous, reached = counts[position - 1], counts[position]
        if reached > previous:
            if issue_position is None:
                issue_position = position
            steps.append(FunnelStep(position, reached, previous, None, None, None))
        elif previous == 0:
            steps.append(FunnelStep(position, reached, previous, None, None, None))
        else:
            interval = wilson_interval(reached, previous, alpha)
            steps.append(
                FunnelStep(
                    position, reached, previous, interval.rate, interval.ci_low, interval.ci_high
                )
            )
    rated = [step for step in steps if step.rate is not None]
    if issue_position is not None:
        return _without_constraint(steps, FunnelIssue.STAGE_GROWS, issue_position, alpha)
    if not rated:
        return _without_constraint(steps, FunnelIssue.EMPTY, None, alpha)
    weakest = rated[0]
    for step in rated[1:]:
        if _lower(step, weakest):  # strictly lower: a tie keeps the earlier stage
            weakest = step
    others = [step for step in rated if step is not weakest]
    assert weakest.ci_high is not None
    clear = all(other.ci_low is not None and weakest.ci_high < other.ci_low for other in others)
    return FunnelAnalysis(
        steps=tuple(steps),
        constraint=weakest.position,
        constraint_rate=weakest.rate,
        constraint_is_clear=clear,
        issue=None,
        issue_position=None,
        alpha=alpha,
    )


class StepTrend(StrEnum):
    UP = "up"  # the step converts better, by more than noise
    DOWN = "down"  # worse, by more than noise
    NOISE = "noise"  # the difference is within what chance alone would give


@dataclass(frozen=True)
class StepChange:
    """One step's conversion in the earlier and the later period, and whether it really moved."""

    position: int
    rate_before: float
    rate_after: float
    diff: float  # rate_after - rate_before
    p_value: float  # two-sided, Holm-adjusted over the steps compared
    trend: StepTrend


@dataclass(frozen=True)
class FunnelComparison:
    changes: tuple[StepChange, ...]  # the steps with a rate in both periods, top first
    constraint_before: int | None
    constraint_after: int | None
    alpha: float

    @property
    def constraint_moved(self) -> bool:
        """Both periods name a constraint, and not the same one."""
        return (
            self.constraint_before is not None
            and self.constraint_after is not None
            and self.constraint_before != self.constraint_after
        )


def compare_funnels(
    before: Sequence[int], after: Sequence[int], alpha: float = 0.05
) -> FunnelComparison:
    """Each step's change from ``before`` to ``after``, and both constraints (module's rule)."""
    if len(before) != len(after):
        raise ValueError(f"Funnels of {len(before)} and {len(after)} stages can't be compared.")
    earlier, later = analyse_funnel(before, alpha), analyse_funnel(after, alpha)
    compared = [
        (old, new)
        for old, new in zip(earlier.steps, later.steps, strict=True)
        if old.rate is not None and new.rate is not None
    ]
    raw = []
    for old, new in compared:
        assert old.previous and new.previous
        raw.append(
            two_proportion_test(new.reached, new.previous, old.reached, old.previous).p_value
        )
    adjusted = holm_adjust(raw)
    changes = []
    for (old, new), p_value in zip(compared, adjusted, strict=True):
        assert old.rate is not None and new.rate is not None
        trend = StepTrend.NOISE
        if p_value < alpha:
            trend = StepTrend.UP if new.rate > old.rate else StepTrend.DOWN
        changes.append(
            StepChange(new.position, old.rate, new.rate, new.rate - old.rate, p_value, trend)
        )
    return FunnelComparison(
        changes=tuple(changes),
        constraint_before=earlier.constraint,
        constraint_after=later.constraint,
        alpha=alpha,
    )


def _lower(step: FunnelStep, than: FunnelStep) -> bool:
    """step.rate < than.rate, exactly: reached/previous compared by cross-multiplication."""
    assert step.previous and than.previous
    return step.reached * than.previous < than.reached * step.previous


def _without_constraint(
    steps: list[FunnelStep], issue: FunnelIssue, position: int | None, alpha: float
) -> FunnelAnalysis:
    return FunnelAnalysis(
        steps=tuple(steps),
        constraint=None,
        constraint_rate=None,
        constraint_is_clear=False,
        issue=issue,
        issue_position=position,
        alpha=alpha,
    )


def _check_counts(counts: Sequence[int]) -> None:
    if len(counts) < 2:
        raise ValueError(f"A funnel needs at least two stages, got {len(counts)}.")
    for value in counts:
        try:
            whole = operator.index(value)
        except TypeError:
            raise ValueError(f"Funnel counts must be whole numbers, got {value!r}.") from None
        if whole < 0:
            raise ValueError(f"Funnel counts can't be negative, got {whole}.")
