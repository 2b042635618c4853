"""The decision rule: one plain-language verdict from a conversion readout's numbers.

Every challenger is judged by its always-valid interval for the difference against the
control (``sequential.confidence_sequence``), at level alpha / (number of challengers)
(Bonferroni, so the family of challengers keeps the error rate alpha), intersected over the
experiment's daily looks. Looking every day cannot fool these rules, and a verdict that once
excluded 0 keeps excluding it: the running interval only shrinks.

Rules, in order; the first that applies wins (reason code in brackets):

1. check your data — the visitors are not split as planned: sample-ratio mismatch, chi-square
   p < 0.001 [SAMPLE_RATIO_MISMATCH].
2. keep running — an arm has no visitors yet [NO_VISITORS].
3. keep running — an arm has fewer than 100 visitors [FEW_VISITORS].
4. keep running — fewer than 10 conversions in all arms together [FEW_CONVERSIONS].
5. check your data — a challenger's intervals of different days no longer overlap: the
   numbers moved more than chance allows (data changed underneath, or the traffic shifted)
   [INTERVALS_DISAGREE].
6. ship <challenger> — its interval excludes 0 on the good side; with several, the one with
   the highest rate [CLEAR_WINNER].
7. ship <control> — every challenger's interval excludes 0 on the bad side [CONTROL_WINS].
8. stop: no effect — every challenger's interval lies inside ± the minimum effect worth having
   (or below 0): any effect worth having is ruled out [NO_EFFECT_RULED_OUT]. The minimum effect
   is the experiment's MDE; without one, ``DEFAULT_RELATIVE_EFFECT`` (20 %) of the control's
   rate, or of its non-conversion rate when that is smaller (so 99 % vs 99.9 % is not called
   "no effect" by a bound of ±20 points); the pooled rate stands in while the control has no
   conversions. This is what ends an A/A test.
9. keep running — the plan was reached but none of the above holds: no clear difference at the
   planned size, and effects up to the interval's far end are not ruled out
   [NO_CLEAR_DIFFERENCE_AT_PLAN]. Never "no effect" while the interval holds effects worth
   having.
10. keep running — the difference is not clear yet [NOT_CLEAR_YET].

``call_effect`` and ``decide_kinds`` hold rules 5-8 over numpy arrays, so that the peeking
bench runs the same rules on thousands of simulated experiments at once.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from enum import IntEnum, StrEnum
from typing import TYPE_CHECKING, Any

import numpy as np

from experiments.fast_init import fast_frozen_init
from experiments.stats.sequential import SequenceInterval, half_width, plug_ins
from experiments.stats.srm import SampleRatioCheck

if TYPE_CHECKING:
    from experiments.stats.readout import ArmResult

MIN_VISITORS_PER_ARM = 100
MIN_CONVERSIONS_TOTAL = 10
# Without an MDE, a difference below this share of the control's rate (or of its
# non-conversion rate when that is smaller) is not worth having.
DEFAULT_RELATIVE_EFFECT = 0.20
# Projections of the visitors still needed stop here (sample_size.MAX_PER_VARIANT).
_MAX_PROJECTED = 10**9


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
    INTERVALS_DISAGREE = "intervals_disagree"
    CLEAR_WINNER = "clear_winner"
    CONTROL_WINS = "control_wins"
    NO_EFFECT_RULED_OUT = "no_effect_ruled_out"
    NO_CLEAR_DIFFERENCE_AT_PLAN = "no_clear_difference_at_plan"
    NOT_CLEAR_YET = "not_clear_yet"
    # One variant against a target rate (``stats.target``), said as a verdict.
    TARGET_REACHED = "target_reached"
    TARGET_MISSED = "target_missed"
    # An advocacy storyline (``stats.story``): episodes are read out, not compared.
    STORYLINE = "storyline"


class EffectCall(IntEnum):
    """What one challenger's running interval says (rules 5-8)."""

    UNCLEAR = 0
    BETTER = 1
    WORSE = 2
    NEGLIGIBLE = 3
    BROKEN = 4


@fast_frozen_init
@dataclass(frozen=True, slots=True)
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
    sequential_p_value: float | None = None  # of ``arm``, Bonferroni-adjusted over challengers
    seq_diff_low: float | None = None  # of ``arm``: the always-valid running interval
    seq_diff_high: float | None = None
    seq_lift_low: float | None = None  # the same relative to the control's rate (None at 0)
    seq_lift_high: float | None = None
    visitors: int | None = None  # FEW_VISITORS: that arm's visitors
    min_visitors: int | None = None  # FEW_VISITORS: the minimum per arm
    conversions: int | None = None  # FEW_CONVERSIONS: conversions so far, all arms
    min_conversions: int | None = None  # FEW_CONVERSIONS: the minimum
    planned_per_variant: int | None = None
    visitors_needed: int | None = None  # per arm, to reach the plan (KEEP_RUNNING with a plan)
    visitors_to_settle: int | None = None  # per arm, more visitors to a clear answer if the
    # current estimate holds (KEEP_RUNNING); None when it would take more than 10^9
    min_effect: float | None = None  # the minimum effect worth having, in rate units
    min_effect_relative: float | None = None  # the same relative to the control's rate
    min_effect_is_default: bool = False  # True when no MDE was set
    effect_bound: float | None = None  # NO_EFFECT_RULED_OUT: relative effect ruled out
    srm_p_value: float | None = None  # SAMPLE_RATIO_MISMATCH
    observed_shares: tuple[float, ...] = ()  # SAMPLE_RATIO_MISMATCH: visitors' split
    planned_shares: tuple[float, ...] = ()  # SAMPLE_RATIO_MISMATCH: the planned split


@dataclass(frozen=True)
class ChallengerSequence:
    """One challenger's always-valid numbers, over all looks so far."""

    interval: SequenceInterval  # running (intersected) interval at alpha / challengers
    p_value: float  # running minimum of the sequential p-value, Bonferroni-adjusted


def default_min_effect(rate: Any) -> Any:
    """``DEFAULT_RELATIVE_EFFECT`` of min(rate, 1 - rate), in rate units (floats or arrays)."""
    return DEFAULT_RELATIVE_EFFECT * np.minimum(rate, 1 - rate)


def call_effect(low: Any, high: Any, bound: Any) -> Any:
    """Rules 5-8 for one challenger's running interval [low, high]; floats or numpy arrays.

    Returns ``EffectCall`` codes (an int array for array inputs).
    """
    low, high, bound = np.asarray(low), np.asarray(high), np.asarray(bound)
    return np.select(
        [low > high, low > 0, high < 0, (low > -bound) & (high < bound)],
        [EffectCall.BROKEN, EffectCall.BETTER, EffectCall.WORSE, EffectCall.NEGLIGIBLE],
        EffectCall.UNCLEAR,
    )


class KindCode(IntEnum):
    """``decide_kinds``' answer per experiment."""

    KEEP_RUNNING = 0
    SHIP_CHALLENGER = 1
    SHIP_CONTROL = 2
    STOP_NO_EFFECT = 3
    CHECK_DATA = 4


def decide_kinds(calls: Any) -> Any:
    """Rules 5-8 across the challengers: ``calls`` has the challengers on its last axis."""
    calls = np.asarray(calls)
    broken = (calls == EffectCall.BROKEN).any(axis=-1)
    better = (calls == EffectCall.BETTER).any(axis=-1)
    worse = (calls == EffectCall.WORSE).all(axis=-1)
    settled = ((calls == EffectCall.WORSE) | (calls == EffectCall.NEGLIGIBLE)).all(axis=-1)
    return np.select(
        [broken, better, worse, settled],
        [
            KindCode.CHECK_DATA,
            KindCode.SHIP_CHALLENGER,
            KindCode.SHIP_CONTROL,
            KindCode.STOP_NO_EFFECT,
        ],
        KindCode.KEEP_RUNNING,
    )


def decide_verdict(
    arms: Sequence[ArmResult],
    sequences: Sequence[ChallengerSequence | None],
    srm: SampleRatioCheck,
    *,
    alpha: float,
    planned_per_variant: int | None = None,
    planned_targets: Sequence[int] | None = None,
    min_effect: float | None = None,
) -> Verdict:
    """Apply the rules of the module docstring.

    ``arms[0]`` is the control; ``sequences[i]`` are the always-valid numbers of
    ``arms[i + 1]`` (None when that comparison could not be made). ``planned_targets`` are the
    visitors each arm should reach (default: ``planned_per_variant`` each); ``min_effect`` the
    experiment's minimum effect worth having in rate units (None: the documented default).
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
    visitors = sum(arm.visitors for arm in arms)
    control_rate = control.rate or 0.0
    is_default = min_effect is None
    if min_effect is None:
        bound = float(default_min_effect(control_rate or conversions / visitors))
    else:
        bound = abs(min_effect)
    waiting = replace(
        waiting,
        min_effect=bound,
        min_effect_relative=bound / control_rate if control_rate > 0 else None,
        min_effect_is_default=is_default,
    )
    targets = _targets(arms, planned_per_variant, planned_targets)
    return _decide_on_effects(waiting, control, challengers, sequences, targets, alpha=alpha)


def _targets(
    arms: Sequence[ArmResult],
    planned_per_variant: int | None,
    planned_targets: Sequence[int] | None,
) -> tuple[int, ...] | None:
    if planned_targets is not None:
        return tuple(planned_targets)
    if planned_per_variant is None:
        return None
    return tuple(planned_per_variant for _ in arms)


def _decide_on_effects(
    waiting: Verdict,
    control: ArmResult,
    challengers: Sequence[ArmResult],
    sequences: Sequence[ChallengerSequence | None],
    targets: tuple[int, ...] | None,
    *,
    alpha: float,
) -> Verdict:
    """Rules 5-10, once every arm has visitors (so every comparison exists)."""
    made = [sequence for sequence in sequences if sequence is not None]
    if len(made) != len(challengers):  # every arm has visitors by now
        raise AssertionError("every challenger needs its always-valid interval")
    bound = waiting.min_effect or 0.0
    calls = [
        EffectCall(int(call_effect(s.interval.diff_low, s.interval.diff_high, bound))) for s in made
    ]
    kind = KindCode(int(decide_kinds(np.array(calls))))

    def about(index: int) -> Verdict:
        arm, sequence = challengers[index], made[index]
        comparison = arm.vs_control
        if comparison is None:
            raise AssertionError(f"{arm.name} has no comparison with the control")
        low, high = sequence.interval.diff_low, sequence.interval.diff_high
        control_rate = control.rate or 0.0
        return replace(
            waiting,
            arm=arm.name,
            prob_beat_control=comparison.prob_beat_control,
            lift=comparison.lift,
            diff=comparison.diff,
            sequential_p_value=sequence.p_value,
            seq_diff_low=low,
            seq_diff_high=high,
            seq_lift_low=low / control_rate if control_rate > 0 else None,
            seq_lift_high=high / control_rate if control_rate > 0 else None,
        )

    def by_rate(indices: list[int]) -> int:
        return max(indices, key=lambda i: challengers[i].rate or 0.0)

    everyone = list(range(len(challengers)))
    if kind is KindCode.CHECK_DATA:
        broken = [i for i in everyone if calls[i] is EffectCall.BROKEN]
        return replace(
            about(broken[0]), kind=VerdictKind.CHECK_DATA, reason=VerdictReason.INTERVALS_DISAGREE
        )
    if kind is KindCode.SHIP_CHALLENGER:
        best = by_rate([i for i in everyone if calls[i] is EffectCall.BETTER])
        return replace(
            about(best),
            kind=VerdictKind.SHIP,
            variant=challengers[best].name,
            reason=VerdictReason.CLEAR_WINNER,
        )
    if kind is KindCode.SHIP_CONTROL:
        # With one challenger the sentence names it; with several it says "every change".
        return replace(
            about(by_rate(everyone)),
            kind=VerdictKind.SHIP,
            variant=control.name,
            reason=VerdictReason.CONTROL_WINS,
        )
    leader_index = by_rate(everyone)
    leader = about(leader_index)
    if kind is KindCode.STOP_NO_EFFECT:
        return replace(
            leader,
            kind=VerdictKind.STOP_NO_EFFECT,
            reason=VerdictReason.NO_EFFECT_RULED_OUT,
            effect_bound=waiting.min_effect_relative,
        )
    arms = (control, *challengers)
    settle = _visitors_to_settle(
        challengers[leader_index], control, bound, alpha / len(challengers)
    )
    leader = replace(leader, visitors_to_settle=settle)
    if targets is not None:
        short = [target - arm.visitors for arm, target in zip(arms, targets, strict=True)]
        needed = max(short)
        if needed <= 0:
            return replace(leader, reason=VerdictReason.NO_CLEAR_DIFFERENCE_AT_PLAN)
        return replace(leader, visitors_needed=needed)
    return leader


def _visitors_to_settle(
    arm: ArmResult,
    control: ArmResult,
    bound: float,
    level: float,
) -> int | None:
    """More visitors per arm until the interval would settle, if the estimate stays put.

    With the difference staying at the current estimate d and the interval's half-width
    shrinking as 1/n (the variance scales with 1/visitors), the smallest growth factor at which
    either |d| > h (a clear winner or loser) or |d| + h < bound (no effect worth having), by
    bisection. None when it would take more than 10^9 visitors per arm.
    """
    comparison = arm.vs_control
    if comparison is None:
        return None
    estimate = abs(comparison.diff)
    # V and tau² at the current look, with the sequence's plug-ins; V scales as 1/visitors.
    _, variance_now, tau2 = plug_ins(
        arm.conversions, arm.visitors, control.conversions, control.visitors
    )
    now = min(arm.visitors, control.visitors)

    def settles(extra: int) -> bool:
        variance = variance_now * now / (now + extra)
        width = float(half_width(variance, tau2, level))
        return estimate > width or estimate + width < bound

    if settles(0):
        return 0
    if not settles(_MAX_PROJECTED):
        return None
    low, high = 1, _MAX_PROJECTED
    while low < high:
        middle = (low + high) // 2
        if settles(middle):
            high = middle
        else:
            low = middle + 1
    return low
