"""The decision rule: one plain-language verdict from a conversion readout's numbers.

Rules, in order; the first that applies wins (reason code in brackets):

1. check your data — the visitors are not split as planned: sample-ratio mismatch, chi-square
   p < 0.001 [SAMPLE_RATIO_MISMATCH]. Nothing else can be trusted until that is fixed.
2. keep running — an arm has no visitors yet [NO_VISITORS].
3. keep running — an arm has fewer than 100 visitors [FEW_VISITORS].
4. keep running — fewer than 10 conversions in all arms together [FEW_CONVERSIONS].
5. ship <challenger> — a challenger converts better than the control and its always-valid
   (sequential) p-value, Holm-adjusted over all challengers, is below alpha. Looking every day
   does not inflate this. With several such challengers, the one with the highest rate
   [CLEAR_WINNER].
6. ship <control> — every challenger converts worse than the control, each clearing the same
   bar: the change did worse, keep what you had [CONTROL_WINS].
7. stop: no effect — every arm reached ``planned_per_variant`` (when given) and rules 5-6 did
   not fire [NO_EFFECT_AT_PLANNED_SIZE].
8. stop: no effect — for every challenger the Newcombe interval of the difference lies within
   ±10 % of the control's rate (relative): any effect worth having is ruled out
   [NO_EFFECT_RULED_OUT]. This is what ends an experiment run without a plan.
9. keep running — the difference is not clear yet [NOT_CLEAR_YET].
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from enum import StrEnum
from typing import TYPE_CHECKING

from experiments.stats.srm import SampleRatioCheck

if TYPE_CHECKING:
    from experiments.stats.readout import ArmResult

MIN_VISITORS_PER_ARM = 100
MIN_CONVERSIONS_TOTAL = 10
# Relative effect (of the control's rate) below which a difference is not worth having.
NEGLIGIBLE_RELATIVE_EFFECT = 0.10


class VerdictKind(StrEnum):
    KEEP_RUNNING = "keep running"
    SHIP = "ship"
    STOP_NO_EFFECT = "stop: no effect"
    CHECK_DATA = "check your data"


class VerdictReason(StrEnum):
    SAMPLE_RATIO_MISMATCH = "sample_ratio_mismatch"
    NO_VISITORS = "no_visitors"
    FEW_VISITORS = "few_visitors"
    FEW_CONVERSIONS = "few_conversions"
    CLEAR_WINNER = "clear_winner"
    CONTROL_WINS = "control_wins"
    NO_EFFECT_AT_PLANNED_SIZE = "no_effect_at_planned_size"
    NO_EFFECT_RULED_OUT = "no_effect_ruled_out"
    NOT_CLEAR_YET = "not_clear_yet"


@dataclass(frozen=True)
class Verdict:
    kind: VerdictKind
    variant: str | None  # the arm to ship (for SHIP)
    reason: VerdictReason
    prob_beat_control: float | None = None  # of ``arm`` (the challenger the verdict is about)
    control: str | None = None  # the control's name
    arm: str | None = None  # the arm the reason is about (no visitors, leader, the worse change)
    challengers: int = 1  # how many challengers the experiment has
    lift: float | None = None  # of ``arm`` vs the control; None when the control rate is 0
    diff: float | None = None  # of ``arm`` vs the control, in rate units
    sequential_p_value: float | None = None  # of ``arm``, Holm-adjusted over challengers
    visitors: int | None = None  # FEW_VISITORS: that arm's visitors
    min_visitors: int | None = None  # FEW_VISITORS: the minimum per arm
    conversions: int | None = None  # FEW_CONVERSIONS: conversions so far, all arms
    min_conversions: int | None = None  # FEW_CONVERSIONS: the minimum
    planned_per_variant: int | None = None
    visitors_needed: int | None = None  # per arm, to reach the plan (KEEP_RUNNING with a plan)
    effect_bound: float | None = None  # NO_EFFECT_RULED_OUT: the relative effect ruled out
    srm_p_value: float | None = None  # SAMPLE_RATIO_MISMATCH
    observed_shares: tuple[float, ...] = ()  # SAMPLE_RATIO_MISMATCH: visitors' split
    planned_shares: tuple[float, ...] = ()  # SAMPLE_RATIO_MISMATCH: the planned split


def decide_verdict(
    arms: Sequence[ArmResult],
    sequential_p_holm: Sequence[float | None],
    srm: SampleRatioCheck,
    *,
    alpha: float,
    planned_per_variant: int | None = None,
) -> Verdict:
    """Apply the rules of the module docstring.

    ``arms[0]`` is the control; ``sequential_p_holm[i]`` is the Holm-adjusted always-valid
    p-value of ``arms[i + 1]`` (None when that comparison could not be made).
    """
    control, challengers = arms[0], arms[1:]
    waiting = Verdict(
        VerdictKind.KEEP_RUNNING,
        None,
        VerdictReason.NOT_CLEAR_YET,
        control=control.name,
        challengers=len(challengers),
        planned_per_variant=planned_per_variant,
    )
    if srm.mismatch:
        return replace(
            waiting,
            kind=VerdictKind.CHECK_DATA,
            reason=VerdictReason.SAMPLE_RATIO_MISMATCH,
            srm_p_value=srm.p_value,
            observed_shares=srm.observed_shares,
            planned_shares=srm.planned_shares,
        )
    for arm in arms:
        if arm.visitors == 0:
            return replace(waiting, reason=VerdictReason.NO_VISITORS, arm=arm.name)
    smallest = min(arms, key=lambda arm: arm.visitors)
    if smallest.visitors < MIN_VISITORS_PER_ARM:
        return replace(
            waiting,
            reason=VerdictReason.FEW_VISITORS,
            arm=smallest.name,
            visitors=smallest.visitors,
            min_visitors=MIN_VISITORS_PER_ARM,
        )
    conversions = sum(arm.conversions for arm in arms)
    if conversions < MIN_CONVERSIONS_TOTAL:
        return replace(
            waiting,
            reason=VerdictReason.FEW_CONVERSIONS,
            conversions=conversions,
            min_conversions=MIN_CONVERSIONS_TOTAL,
        )
    return _decide_on_effects(waiting, control, challengers, sequential_p_holm, alpha=alpha)


def _decide_on_effects(
    waiting: Verdict,
    control: ArmResult,
    challengers: Sequence[ArmResult],
    sequential_p_holm: Sequence[float | None],
    *,
    alpha: float,
) -> Verdict:
    """Rules 5-9, once every arm has visitors (so every comparison exists)."""

    def about(arm: ArmResult, p_value: float | None) -> Verdict:
        comparison = arm.vs_control
        if comparison is None:  # every arm has visitors by now
            raise AssertionError(f"{arm.name} has no comparison with the control")
        return replace(
            waiting,
            arm=arm.name,
            prob_beat_control=comparison.prob_beat_control,
            lift=comparison.lift,
            diff=comparison.diff,
            sequential_p_value=p_value,
        )

    def rate(pair: tuple[ArmResult, float]) -> float:
        return pair[0].rate or 0.0

    clear = [
        (arm, p_value)
        for arm, p_value in zip(challengers, sequential_p_holm, strict=True)
        if arm.vs_control is not None and p_value is not None and p_value < alpha
    ]
    winners = [pair for pair in clear if pair[0].vs_control and pair[0].vs_control.diff > 0]
    if winners:
        best, p_value = max(winners, key=rate)
        return replace(
            about(best, p_value),
            kind=VerdictKind.SHIP,
            variant=best.name,
            reason=VerdictReason.CLEAR_WINNER,
        )
    losers = [pair for pair in clear if pair[0].vs_control and pair[0].vs_control.diff < 0]
    if len(losers) == len(challengers):
        # With one challenger the sentence names it; with several it says "every change".
        least_bad, p_value = max(losers, key=rate)
        return replace(
            about(least_bad, p_value),
            kind=VerdictKind.SHIP,
            variant=control.name,
            reason=VerdictReason.CONTROL_WINS,
        )
    best_index = max(range(len(challengers)), key=lambda i: challengers[i].rate or 0.0)
    leader = about(challengers[best_index], sequential_p_holm[best_index])
    planned = waiting.planned_per_variant
    smallest = min(arm.visitors for arm in (control, *challengers))
    if planned is not None and smallest >= planned:
        return replace(
            leader,
            kind=VerdictKind.STOP_NO_EFFECT,
            reason=VerdictReason.NO_EFFECT_AT_PLANNED_SIZE,
        )
    if _effects_ruled_out(control, challengers):
        return replace(
            leader,
            kind=VerdictKind.STOP_NO_EFFECT,
            reason=VerdictReason.NO_EFFECT_RULED_OUT,
            effect_bound=NEGLIGIBLE_RELATIVE_EFFECT,
        )
    needed = None if planned is None else planned - smallest
    return replace(leader, visitors_needed=needed)


def _effects_ruled_out(control: ArmResult, challengers: Sequence[ArmResult]) -> bool:
    """Rule 8: every challenger's difference interval is inside ±10 % of the control's rate."""
    if not control.rate:
        return False
    bound = NEGLIGIBLE_RELATIVE_EFFECT * control.rate
    for arm in challengers:
        comparison = arm.vs_control
        if comparison is None:
            return False
        if comparison.diff_ci_low < -bound or comparison.diff_ci_high > bound:
            return False
    return True
